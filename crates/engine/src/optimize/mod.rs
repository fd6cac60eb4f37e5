//! Budget optimization and what-if analysis over the posterior (MODEL.md sections 7-8): each
//! channel's response to a per-period budget for every draw, utilities of that response, the
//! allocation solver (bounds, Newton steps, projected gradient), the reports built on it,
//! response curves, the contribution grid and sampled responses.

pub mod allocate;
pub mod bounds;
pub mod curves;
mod newton;
mod projected_gradient;
pub mod report;
pub mod response;
pub mod sample;
pub mod utility;

pub use allocate::{Allocation, AllocationError, BoundStatus, Method, Optimizer};
pub use bounds::Bounds;
pub use report::{BudgetReport, MinBudgetReport, Outcome, Planner};
pub use response::{channel_responses, Cell, ChannelResponse, Horizon};
pub use utility::{Utility, UtilityError};

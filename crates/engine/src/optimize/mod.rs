//! Budget optimization and what-if analysis over the posterior (docs/05-optimization.md): each
//! budget cell's response to a per-period budget for every draw (a cell is a channel of a
//! national model or a (geo, channel) pair of a panel), utilities of that response, the
//! allocation solver (budget equalities, bounds, Newton steps, projected gradient), the reports
//! built on it, response curves, the contribution grid and sampled responses.

pub mod allocate;
pub mod bounds;
pub mod curves;
mod interrupt;
mod newton;
mod projected_gradient;
pub mod report;
pub mod response;
pub mod sample;
pub mod totals;
pub mod utility;

pub use allocate::{Allocation, AllocationError, BoundStatus, Method, Optimizer};
pub use bounds::Bounds;
pub use interrupt::interruptible;
pub use report::{BudgetReport, CellLabel, GeoTotal, MinBudgetReport, Outcome, Planner};
pub use response::{cell_responses, channel_responses, Cell, ChannelResponse, Horizon};
pub use totals::{Group, Totals};
pub use utility::{Utility, UtilityError};

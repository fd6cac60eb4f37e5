//! Budget optimization and what-if analysis over the posterior (MODEL.md sections 7-8): each
//! channel's response to a per-period budget for every draw, utilities of that response, the
//! allocation solver, response curves, the contribution grid and sampled responses.

pub mod allocate;
pub mod curves;
pub mod response;
pub mod sample;
pub mod utility;

pub use allocate::{Allocation, AllocationError, BoundStatus, Bounds, Method, Optimizer};
pub use response::{channel_responses, ChannelResponse, Horizon};
pub use utility::{Utility, UtilityError};

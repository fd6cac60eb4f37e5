//! The Bayesian MMM of PyMC-Marketing: config and priors, design matrices, and the log
//! posterior with its analytic gradient.

pub mod density;
pub mod design;
pub mod prior;
pub mod spec;
pub mod special;

pub use density::Model;
pub use design::{DataError, Dataset, Scales};
pub use spec::{Likelihood, ModelConfig, SpecError};

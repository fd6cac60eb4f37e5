//! The Bayesian MMM of PyMC-Marketing: config and priors, the parameter space, design
//! matrices, and the log posterior (a sum of terms over a mean of components) with its
//! analytic gradient.

pub mod calibration;
pub mod constraint;
pub mod cost_calibration;
pub mod costs;
pub mod density;
pub mod design;
pub mod events;
pub mod hsgp;
pub mod likelihood;
pub mod mean;
pub mod media;
pub mod multiplier;
pub mod prior;
pub mod prior_draws;
pub mod space;
pub mod spec;
pub mod special;
pub mod term;
pub mod trend;

pub use density::{Density, Model};
pub use design::{DataError, Dataset, Scales};
pub use space::{Block, BlockPrior, Handle, ParameterSpace, Transform};
pub use spec::{Likelihood, ModelSpec, SpecError};

//! pg_mmm's engine: PyMC-Marketing's Bayesian marketing-mix model in plain Rust. Transforms,
//! the model and its log density, NUTS sampling and diagnostics, derived quantities, the budget
//! optimizer, known-truth simulation and SVG plots. Nothing here knows PostgreSQL: the extension
//! at the repository root maps these to SQL.

pub mod backtest;
pub mod calendar;
pub mod inference;
pub mod model;
pub mod numeric;
pub mod optimize;
pub mod plot;
pub mod posterior;
pub mod report;
pub mod simulate;
pub mod stats;
pub mod transforms;

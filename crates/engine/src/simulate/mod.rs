//! Known-truth data for the MMM: weekly spend, controls and a target drawn from the model's own
//! data-generating process, together with the true contribution of every part. Statistical
//! tests fit the model to these data and check that it recovers the truth and that its
//! intervals cover it at their nominal rate.
//!
//! Per week `t`, with spend `x_{t,m} >= 0` and the spend the transforms see `x̃ = x / max_t x`:
//!
//! `y_t = scale · (intercept + Σ_m effect_m · f_m(x̃_m)_t + Σ_c gamma_c · z_{t,c} + seasonality_t
//! + trend_t + ε_t)`, `ε_t ~ Normal(0, noise_sd)`, the intercept optionally drifting (`drift`),
//!
//! where `f_m` is saturation after adstock (or adstock after saturation when `adstock_first` is
//! false), using the kernels the model itself uses. Everything is deterministic for a seed (and
//! this crate's version of `rand`, whose `StdRng` stream may change between its releases).
//!
//! `spec.rs` says what to simulate and checks it, `presets.rs` holds the named processes,
//! `generator.rs` draws the data and states the truth in the model's units, and `panel.rs`
//! draws geo panels around a shared process.

mod generator;
mod panel;
mod presets;
mod spec;

pub use generator::{simulate, Baseline, ModelTruth, Simulated};
pub use panel::{simulate_panel, PanelSpec, SimulatedPanel};
pub use presets::{correlated_channels, example_process, geo_panel, geo_panel_short_on_signal, tv_social_search};
pub use spec::{
    AdstockSpec, ChannelSpec, ControlPattern, ControlSpec, Drift, SaturationSpec, Seasonality, SimulationError,
    SimulationSpec, SpendPattern, Trend, MAX_WEEKS,
};

//! From data to posterior: validation, sampling and diagnostics.

pub mod config;
pub mod diagnostics;
pub mod health;
pub mod sampler;
pub mod settings;

use crate::model::design::Panel;
use crate::model::{DataError, Model, SpecError};
pub use config::FitConfig;
pub use sampler::{Control, Progress, SampleError, SamplerStats, Trace};
pub use settings::SamplerSettings;
use std::sync::Arc;

/// Why a fit could not run; each names the key, column or chain at fault.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum FitError {
    #[error(transparent)]
    Spec(#[from] SpecError),
    #[error(transparent)]
    Data(#[from] DataError),
    #[error(transparent)]
    Sample(#[from] SampleError),
}

/// A fitted model: what was asked, the rows it saw, and the draws. A national model's panel has
/// one series and no geo labels.
#[derive(Debug, Clone)]
pub struct Fit {
    pub model: Arc<Model>,
    /// The settings sampled with, seed included.
    pub sampler: SamplerSettings,
    pub panel: Panel,
    pub trace: Trace,
}

/// Validates `data` (a [`Panel`], or a national [`Dataset`](crate::model::Dataset)) against `config` (a seed is drawn
/// if none is given), scales it as the config's `scaling` says and samples.
pub fn fit(
    config: FitConfig,
    data: impl Into<Panel>,
    target_name: &str,
    on_progress: impl FnMut(Progress) -> Control,
) -> Result<Fit, FitError> {
    let FitConfig { spec, sampler } = config.with_seed();
    let panel = data.into();
    let space =
        crate::model::spec::panel_parameter_space(&spec, &panel.geos, panel.channel_names(), panel.control_names())?;
    // More observations than parameters over all geos, and an adstock window beyond the first
    // in every geo.
    let per_geo = (space.dim() + 2).div_ceil(panel.series());
    panel.validate(target_name, per_geo.max(spec.l_max + 1))?;
    let scales = panel.scales(spec.scaling)?;
    let model = Arc::new(Model::panel_with_scales(spec, &panel, scales)?);
    let trace = sampler::sample(Arc::clone(&model), &sampler, on_progress)?;
    Ok(Fit { model, sampler, panel, trace })
}

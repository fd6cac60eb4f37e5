//! From data to posterior: validation, sampling and diagnostics.

pub mod config;
pub mod diagnostics;
pub mod health;
pub mod sampler;
pub mod settings;

use crate::model::design::Panel;
use crate::model::{DataError, Dataset, Model, SpecError};
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

/// A fitted model: what was asked, the rows it saw, and the draws.
#[derive(Debug, Clone)]
pub struct Fit {
    pub model: Arc<Model>,
    /// The settings sampled with, seed included.
    pub sampler: SamplerSettings,
    pub data: Dataset,
    pub trace: Trace,
}

/// Validates `data` against `config` (a seed is drawn if none is given) and samples.
pub fn fit(
    config: FitConfig,
    data: Dataset,
    target_name: &str,
    on_progress: impl FnMut(Progress) -> Control,
) -> Result<Fit, FitError> {
    let FitConfig { spec, sampler } = config.with_seed();
    let data = data.sorted();
    let space = crate::model::spec::parameter_space(&spec, &data.channel_names, &data.control_names)?;
    // More rows than parameters, and at least one full adstock window beyond the first.
    data.validate(target_name, (space.dim() + 2).max(spec.l_max + 1))?;
    let model = Arc::new(Model::new(spec, &data)?);
    let trace = sampler::sample(Arc::clone(&model), &sampler, on_progress)?;
    Ok(Fit { model, sampler, data, trace })
}

/// A fitted panel model: what was asked, the panel it saw, and the draws.
#[derive(Debug, Clone)]
pub struct PanelFit {
    pub model: Arc<Model>,
    pub sampler: SamplerSettings,
    pub panel: Panel,
    pub trace: Trace,
}

/// Validates a panel against `config` and samples: [`fit`] over (date × geo).
pub fn fit_panel(
    config: FitConfig,
    panel: Panel,
    target_name: &str,
    on_progress: impl FnMut(Progress) -> Control,
) -> Result<PanelFit, FitError> {
    let FitConfig { spec, sampler } = config.with_seed();
    let space =
        crate::model::spec::panel_parameter_space(&spec, &panel.geos, panel.channel_names(), panel.control_names())?;
    // More observations than parameters over all geos, and an adstock window in every geo.
    let per_geo = (space.dim() + 2).div_ceil(panel.series());
    panel.validate(target_name, per_geo.max(spec.l_max + 1))?;
    let scales = panel.scales(spec.scaling)?;
    let model = Arc::new(Model::panel_with_scales(spec, &panel, scales)?);
    let trace = sampler::sample(Arc::clone(&model), &sampler, on_progress)?;
    Ok(PanelFit { model, sampler, panel, trace })
}

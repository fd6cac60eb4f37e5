//! From data to posterior: validation, sampling and diagnostics.

pub mod diagnostics;
pub mod health;
pub mod sampler;

use crate::model::{DataError, Dataset, Model, ModelConfig, SpecError};
pub use sampler::{Control, Progress, SampleError, SamplerSettings, SamplerStats, Trace};
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
    pub data: Dataset,
    pub trace: Trace,
}

/// Validates `data` against `config` (a seed is drawn if none is given) and samples.
pub fn fit(
    config: ModelConfig,
    data: Dataset,
    target_name: &str,
    on_progress: impl FnMut(Progress) -> Control,
) -> Result<Fit, FitError> {
    let config = config.with_seed();
    let data = data.sorted();
    let space = crate::model::spec::parameter_space(&config, &data.channel_names, &data.control_names)?;
    // More rows than parameters, and at least one full adstock window beyond the first.
    data.validate(target_name, (space.dim() + 2).max(config.l_max + 1))?;
    let settings = SamplerSettings {
        chains: config.chains,
        tune: config.tune,
        draws: config.draws,
        target_accept: config.target_accept,
        max_treedepth: config.max_treedepth,
        seed: config.seed.expect("with_seed fills the seed"),
    };
    let model = Arc::new(Model::new(config, &data)?);
    let trace = sampler::sample(Arc::clone(&model), &settings, on_progress)?;
    Ok(Fit { model, data, trace })
}

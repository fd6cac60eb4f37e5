//! From data to posterior: validation, sampling and diagnostics.

pub mod config;
pub mod diagnostics;
pub mod health;
pub mod sampler;
pub mod settings;
pub mod warm;

use crate::model::design::Panel;
use crate::model::prior_draws::PriorDraws;
use crate::model::{DataError, Model, ModelSpec, SpecError};
pub use config::FitConfig;
pub use sampler::{ChainAdaptation, Control, Progress, SampleError, SamplerStats, Trace};
pub use settings::{MassMatrix, SamplerSettings};
use std::sync::Arc;
pub use warm::Adaptation;

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
    /// The settings asked for, seed included (a warm start tunes [`Start::Warm`]'s `tune`
    /// draws instead of `tune`).
    pub sampler: SamplerSettings,
    pub panel: Panel,
    pub trace: Trace,
    pub start: Start,
    /// Where the chains ended, for a warm start of the next version; `None` when read back
    /// from storage.
    pub adaptation: Option<Adaptation>,
}

/// How a fit's chains began.
#[derive(Debug, Clone, PartialEq)]
pub enum Start {
    /// Around the priors' centre, tuning `sampler.tune` draws.
    Cold,
    /// From a previous fit's chains, tuning `tune` draws.
    Warm { tune: usize },
    /// A warm start was asked for and could not be used (the reason); the fit started cold.
    Fallback(String),
    /// No chain was sampled: the draws are independent forward draws from the priors alone
    /// (`"prior_only": true`), the target left out but for its scale.
    Prior,
}

/// A warm start asked of [`fit_from`]: the previous fit's adaptation, or why the caller has
/// none (the fit then starts cold with that reason), and the tuning length (`None`:
/// [`warm::warm_tune`] of the config's).
#[derive(Debug, Clone, Copy)]
pub struct WarmStart<'a> {
    pub adaptation: Result<&'a Adaptation, &'a str>,
    pub tune: Option<usize>,
}

/// Validates `data` (a [`Panel`], or a national [`Dataset`](crate::model::Dataset)) against `config` (a seed is drawn
/// if none is given), scales it as the config's `scaling` says and samples.
pub fn fit(
    config: FitConfig,
    data: impl Into<Panel>,
    target_name: &str,
    on_progress: impl FnMut(Progress) -> Control,
) -> Result<Fit, FitError> {
    fit_from(config, data, target_name, None, on_progress)
}

/// [`fit`], warm-started when `warm` is given and its adaptation belongs to the same parameter
/// space; otherwise cold, with [`Start::Fallback`] saying why.
pub fn fit_from(
    config: FitConfig,
    data: impl Into<Panel>,
    target_name: &str,
    warm: Option<WarmStart>,
    on_progress: impl FnMut(Progress) -> Control,
) -> Result<Fit, FitError> {
    let FitConfig { spec, sampler } = config.with_seed();
    let panel = data.into();
    let model = model_of(spec, &panel, target_name)?;
    let (start, settings, chains) = match warm {
        None => (Start::Cold, sampler, &[][..]),
        Some(w) => match w.adaptation.map_err(str::to_string).and_then(|a| a.fits(model.space()).map(|()| a)) {
            Ok(a) => {
                let tune = w.tune.unwrap_or_else(|| warm::warm_tune(sampler.tune));
                (Start::Warm { tune }, SamplerSettings { tune, ..sampler }, &a.chains[..])
            }
            Err(reason) => (Start::Fallback(reason), sampler, &[][..]),
        },
    };
    let (trace, ends) = sampler::sample_from(Arc::clone(&model), &settings, chains, on_progress)?;
    let adaptation = Some(Adaptation::new(model.space(), ends));
    Ok(Fit { model, sampler, panel, trace, start, adaptation })
}

/// The model of `spec` over validated rows, scaled as its `scaling` says: what a fit samples.
fn model_of(spec: ModelSpec, panel: &Panel, target_name: &str) -> Result<Arc<Model>, FitError> {
    let space =
        crate::model::spec::panel_parameter_space(&spec, &panel.geos, panel.channel_names(), panel.control_names())?;
    // More observations than parameters over all geos (the processes' basis coefficients, held
    // smooth by their prior, not counted), and an adstock window beyond the first in every geo.
    let counted = space.dim() - crate::model::hsgp::basis_coefficients(&space);
    let per_geo = (counted + 2).div_ceil(panel.series());
    panel.validate(target_name, per_geo.max(spec.l_max + 1))?;
    crate::model::costs::Costs::of(&spec, panel).map_err(SpecError::from)?;
    let scales = panel.scales(spec.scaling)?;
    Ok(Arc::new(Model::panel_with_scales(spec, panel, scales)?))
}

/// PyMC's `sample_prior_predictive` as a [`Fit`]: the model [`fit`] would sample (the rows
/// validated and the target scaled exactly as a fit does) with `chains × draws` independent
/// draws from its priors in place of the posterior's, and [`Start::Prior`]. Nothing is fitted
/// to the target: the likelihood and lift tests are left out.
pub fn prior_only(config: FitConfig, data: impl Into<Panel>, target_name: &str) -> Result<Fit, FitError> {
    let FitConfig { spec, sampler } = config.with_seed();
    let panel = data.into();
    let model = model_of(spec, &panel, target_name)?;
    let draws = PriorDraws::of(&model)?;
    let trace = draws.trace(sampler.chains, sampler.draws, sampler.seed.expect("with_seed draws one"));
    Ok(Fit { model, sampler, panel, trace, start: Start::Prior, adaptation: None })
}

//! The log posterior of the MMM in unconstrained space and its analytic gradient.
//!
//! `mu_t = intercept + Σ_m channel_m(t) + Σ_c γ_c z_{t,c} + Σ_j γ_j F_{t,j}` and
//! `ỹ_t ~ Normal(mu_t, σ)` (or Student-t, or truncated below at 0), per geo over a panel
//! (docs/01-model.md, "Geo panels (engine)") with each geo's parameters or the ones its geos
//! share. Each parameter is sampled through the transform its prior's support calls for (log,
//! logit, ...) and the log-Jacobian is added, as PyMC does, so that the draws mapped back follow
//! the posterior of the constrained parameters.
//!
//! The density is a [`Density`]: a parameter space, a mean of components and a sum of terms.
//! A [`Model`] is the one a config describes, over its scaled data.

use super::calibration::{check_lift_tests, Lift};
use super::cost_calibration::{check_cost_calibration, CostTerm};
use super::costs::Costs;
use super::design::{Dataset, Design, Panel, Scales};
use super::events::Events;
use super::hsgp::{basis_dim, Process, TimeVarying, INTERCEPT_PROCESS, MEDIA_PROCESS};
use super::likelihood::Observation;
use super::mean::{Columns, Intercept, Linear, Mean, MeanComponent};
use super::media::Media;
use super::multiplier::MediaMultiplier;
use super::space::ParameterSpace;
use super::spec::{panel_parameter_space, Likelihood, ModelSpec, SpecError};
use super::term::{Gradient, Point, Priors, Term};
use super::trend::Trend;
use std::any::Any;
use std::sync::Arc;

pub use super::media::{ChannelParams, ChannelPass};

/// A log density: the parameter space (with its priors), the mean and the terms, evaluated
/// over a design.
#[derive(Debug, Clone)]
pub struct Density {
    pub space: ParameterSpace,
    pub mean: Mean,
    /// Added in this order; the mean's forward pass runs before the first that reads it.
    pub terms: Vec<Arc<dyn Term>>,
}

/// Reusable buffers, so that evaluating the density allocates nothing.
#[derive(Debug)]
pub struct Scratch {
    theta: Vec<f64>,
    dtheta_du: Vec<f64>,
    log_jac: Vec<f64>,
    grad_theta: Vec<f64>,
    mu: Vec<f64>,
    dmu: Vec<f64>,
    terms: Vec<Box<dyn Any + Send>>,
    mean: Vec<Box<dyn Any + Send>>,
}

impl Density {
    pub fn dim(&self) -> usize {
        self.space.dim()
    }

    /// Buffers for designs of `weeks` weeks.
    pub fn scratch(&self, weeks: usize) -> Scratch {
        let dim = self.dim();
        Scratch {
            theta: vec![0.0; dim],
            dtheta_du: vec![0.0; dim],
            log_jac: vec![0.0; dim],
            grad_theta: vec![0.0; dim],
            mu: vec![0.0; weeks],
            dmu: vec![0.0; weeks],
            terms: self.terms.iter().map(|t| t.workspace(weeks)).collect(),
            mean: self.mean.workspaces(weeks),
        }
    }

    /// `log p(u | data)` up to the evidence, with its gradient written to `grad`.
    pub fn logp_grad(&self, design: &Design, u: &[f64], grad: &mut [f64], s: &mut Scratch) -> f64 {
        self.space.constrain_with_jacobian(u, &mut s.theta, &mut s.dtheta_du, &mut s.log_jac, grad);
        s.grad_theta.fill(0.0);
        let mut lp: f64 = 0.0;
        let mut mean_ready = false;
        for (term, work) in self.terms.iter().zip(&mut s.terms) {
            if term.reads_mean() && !mean_ready {
                // Not worth running the mean where the priors already rule the point out.
                if !lp.is_finite() {
                    return f64::NEG_INFINITY;
                }
                self.mean.forward(design, &s.theta, &mut s.mu, &mut s.mean);
                s.dmu.fill(0.0);
                mean_ready = true;
            }
            let at = Point { space: &self.space, design, u, theta: &s.theta, log_jac: &s.log_jac, mu: &s.mu };
            let mut g = Gradient { u: &mut *grad, theta: &mut s.grad_theta, mu: &mut s.dmu };
            lp += term.logp_grad(&at, &mut g, work.as_mut());
        }
        if mean_ready {
            self.mean.backward(design, &s.theta, &s.dmu, &mut s.grad_theta, &mut s.mean);
        }
        self.space.chain_rule(u, &s.theta, &s.dtheta_du, &mut s.grad_theta, grad);
        lp
    }
}

/// The model a config describes, ready to evaluate: config, scaled data, and its density.
#[derive(Debug, Clone)]
pub struct Model {
    pub spec: ModelSpec,
    pub design: Design,
    pub density: Density,
    /// The geo labels of a panel, in the order of the design's series; empty for a national
    /// model.
    pub geos: Vec<String>,
    /// The channels' component, also among the mean's.
    media: Arc<Media>,
    /// The likelihood term, also among the density's.
    observation: Arc<Observation>,
    /// The lift tests' term, also among the density's, when the fit has lift tests.
    lift: Option<Arc<Lift>>,
    /// The cost calibration's term, also among the density's, when the fit has calibration rows.
    cost: Option<Arc<CostTerm>>,
    /// The time-varying components (intercept, then media), also among the mean's.
    processes: Vec<Arc<TimeVarying>>,
}

impl Model {
    /// Builds the model for validated, date-ordered rows, scaled by their own maxima.
    pub fn new(config: ModelSpec, data: &Dataset) -> Result<Model, SpecError> {
        let scales = data.scales();
        Model::with_scales(config, data, scales)
    }

    /// Builds the model with given scales, e.g. the ones a stored model was fitted with.
    pub fn with_scales(config: ModelSpec, data: &Dataset, scales: Scales) -> Result<Model, SpecError> {
        Model::panel_with_scales(config, &Panel::national(data.clone()), scales)
    }

    /// Builds the model of validated panel rows, scaled as the config's `scaling` says.
    pub fn panel(config: ModelSpec, panel: &Panel) -> Result<Model, SpecError> {
        let scales = panel.scales(config.scaling).map_err(|e| SpecError::Config(format!("scaling: {e}")))?;
        Model::panel_with_scales(config, panel, scales)
    }

    /// Builds the model of panel rows with given scales (a stored model's).
    pub fn panel_with_scales(config: ModelSpec, panel: &Panel, scales: Scales) -> Result<Model, SpecError> {
        let (channels, controls) = (panel.channel_names(), panel.control_names());
        if !scales.valid(panel.series(), channels.len()) {
            return Err(SpecError::Config(format!(
                "scales: {} channel scales for {} channels, all finite and > 0 required",
                scales.channels.len(),
                channels.len()
            )));
        }
        let space = panel_parameter_space(&config, &panel.geos, channels, controls)?;
        let design = panel.design(&scales, config.yearly_seasonality);
        if config.likelihood == Likelihood::TruncatedNormal && design.y.iter().any(|&y| y < 0.0) {
            return Err(SpecError::Config("likelihood: truncated_normal needs a target >= 0 in every row".into()));
        }
        let block = |name: &str| space.handle(name).expect("the spec declares every block the model reads");
        // Where each geo (and channel, control, mode) reads a block: the geo dim only in a panel.
        let over = |name: &str, dim: Option<&str>| {
            let dims: Vec<&str> = (!panel.geos.is_empty()).then_some("geo").into_iter().chain(dim).collect();
            space.positions(block(name), &dims).map_err(|e| SpecError::Config(e.to_string()))
        };
        let cells = |prefix: &str, names: &[&str]| -> Result<Vec<_>, SpecError> {
            names
                .iter()
                .map(|p| {
                    let name = format!("{prefix}_{p}");
                    Ok((block(&name), over(&name, Some("channel"))?))
                })
                .collect()
        };
        let media = Arc::new(Media::new(
            &config,
            channels.to_vec(),
            panel.series(),
            cells("adstock", config.adstock.param_names())?,
            cells("saturation", config.saturation.param_names())?,
        ));
        // A process multiplies its component where the config makes it time-varying; the
        // processes share one frame and basis.
        let mut first: Option<Process> = None;
        let mut time_varying = |on: bool, name: &str, inner: Arc<dyn MeanComponent>| -> Result<_, SpecError> {
            if !on {
                return Ok((inner, None));
            }
            let [eta, ls, z] = config.hsgp.blocks(name).map(|(b, ..)| b);
            let at = (over(&eta, None)?, over(&ls, None)?, over(&z, Some(basis_dim(name).as_str()))?);
            let process = match &first {
                Some(first) => first.sibling(name, at),
                None => first.insert(Process::new(name, &config.hsgp, panel.dates(), at)?).clone(),
            };
            let process = Arc::new(TimeVarying::new(inner, process));
            Ok((Arc::clone(&process) as Arc<dyn MeanComponent>, Some(process)))
        };
        let intercept: Arc<dyn MeanComponent> = Arc::new(Intercept::new(block("intercept"), over("intercept", None)?));
        let (intercept, tv_intercept) = time_varying(config.time_varying_intercept, INTERCEPT_PROCESS, intercept)?;
        let media_component = Arc::clone(&media) as Arc<dyn MeanComponent>;
        let (media_component, tv_media) = time_varying(config.time_varying_media, MEDIA_PROCESS, media_component)?;
        // The calibration terms read the media multiplier at the training weeks themselves.
        let multiplier =
            tv_media.as_ref().map(|p| MediaMultiplier::new(Arc::clone(p), panel.dates(), panel.geos.len()));
        // The order in which the components add to the mean, which fixes the rounding of mu.
        // A model without controls (or seasonality) has no such block: its component adds nothing.
        let coefficients = |name: &str, dim: &str| match space.handle(name) {
            Some(_) => over(name, Some(dim)),
            None => Ok(Vec::new()),
        };
        let mut components: Vec<Arc<dyn MeanComponent>> = vec![
            intercept,
            Arc::new(Linear::per_column(
                "controls",
                coefficients("gamma_control", "control")?,
                Columns::Controls,
                controls.to_vec(),
            )),
            Arc::new(Linear::summed("seasonality", coefficients("gamma_fourier", "fourier_mode")?, Columns::Fourier)),
            media_component,
        ];
        if let Some(trend) = config.trend {
            let k = match trend.include_intercept {
                true => Some(over("trend_k", None)?),
                false => None,
            };
            let delta = over("trend_delta", Some("changepoint"))?;
            components.push(Arc::new(Trend::new(panel.dates(), delta, k, trend.changepoints)));
        }
        if !config.events.is_empty() {
            let (sigma, effect) = (over("event_sigma", Some("event"))?, over("event_effect_size", Some("event"))?);
            components.push(Arc::new(Events::new(config.events.clone(), sigma, effect)));
        }
        let nu = match space.handle("likelihood_nu") {
            Some(h) => Some((h, over("likelihood_nu", None)?)),
            None => None,
        };
        let observation = Arc::new(Observation {
            kind: config.likelihood,
            sigma: block("y_sigma"),
            sigma_at: over("y_sigma", None)?,
            nu,
        });
        let mut terms: Vec<Arc<dyn Term>> = vec![Arc::new(Priors), Arc::clone(&observation) as Arc<dyn Term>];
        let lift = if config.lift_tests.is_empty() {
            None
        } else {
            let dates = multiplier.is_some().then(|| panel.dates());
            check_lift_tests(&config.lift_tests, config.lift_likelihood, (channels.len(), panel.geos.len()), dates)?;
            let nu = config.lift_nu.unwrap_or(f64::NAN);
            let kind = (config.lift_likelihood, nu, config.saturation);
            let media = (media.saturation.as_slice(), multiplier.clone());
            let lift = Arc::new(Lift::new(&config.lift_tests, kind, media, channels.len(), &scales));
            terms.push(Arc::clone(&lift) as Arc<dyn Term>);
            Some(lift)
        };
        let cost = if config.cost_calibration.is_empty() {
            None
        } else {
            check_cost_calibration(&config.cost_calibration, channels.len(), panel.geos.len())?;
            // The calibration's spend is money: units × cost for channels with a cost per unit.
            let priced = !config.cost_per_unit.is_empty() || !config.cost_table.is_empty();
            let costs = priced.then(|| Costs::of(&config, panel)).transpose()?;
            let rows = (config.cost_calibration.as_slice(), config.calibration_target);
            let media = (Arc::clone(&media), multiplier);
            let cost = Arc::new(CostTerm::new(rows, media, channels.len(), (&design, &scales, costs.as_ref())));
            terms.push(Arc::clone(&cost) as Arc<dyn Term>);
            Some(cost)
        };
        let density = Density { space, mean: Mean::new(components), terms };
        let processes = tv_intercept.into_iter().chain(tv_media).collect();
        Ok(Model { spec: config, design, density, geos: panel.geos.clone(), media, observation, lift, cost, processes })
    }

    /// The same model over other rows (new weeks), already scaled with the training scales.
    pub fn with_design(&self, design: Design) -> Model {
        Model { design, ..self.clone() }
    }

    pub fn space(&self) -> &ParameterSpace {
        &self.density.space
    }

    pub fn mean(&self) -> &Mean {
        &self.density.mean
    }

    /// The observation likelihood.
    pub fn observation(&self) -> &Observation {
        &self.observation
    }

    pub fn dim(&self) -> usize {
        self.density.dim()
    }

    pub fn scratch(&self) -> Scratch {
        self.density.scratch(self.design.y.len())
    }

    /// Maps an unconstrained point to parameter values.
    pub fn constrain(&self, u: &[f64], theta: &mut [f64]) {
        self.space().constrain(u, theta);
    }

    /// Maps parameter values to the unconstrained space the sampler moves in.
    pub fn unconstrain(&self, theta: &[f64], u: &mut [f64]) {
        self.space().unconstrain(theta, u);
    }

    /// A central starting point: each prior's initial value, unconstrained.
    pub fn initial_point(&self) -> Vec<f64> {
        self.space().initial_point()
    }

    /// `log p(u | data)` up to the evidence, with its gradient written to `grad`.
    pub fn logp_grad(&self, u: &[f64], grad: &mut [f64], s: &mut Scratch) -> f64 {
        self.density.logp_grad(&self.design, u, grad, s)
    }

    /// Per geo (one for a national model), the position of the element of block `name` that
    /// geo reads: its own, or the one its geos share.
    pub fn per_geo(&self, name: &str) -> Option<Vec<usize>> {
        let dims: &[&str] = if self.geos.is_empty() { &[] } else { &["geo"] };
        self.space().positions(self.space().handle(name)?, dims).ok()
    }

    /// Adstock and saturation parameters of one channel (in the first geo of a panel).
    pub fn channel_params(&self, theta: &[f64], channel: usize) -> ChannelParams {
        self.media.params(theta, channel)
    }

    /// The model's lift of each of the spec's lift tests in original units at parameter values
    /// `theta`; empty without lift tests.
    pub fn lift_estimates(&self, theta: &[f64]) -> Vec<f64> {
        self.lift.as_ref().map_or_else(Vec::new, |l| l.estimates(theta))
    }

    /// The model's cost per target (or ROAS) of each of the spec's cost calibration rows in
    /// original units, over the training window, at parameter values `theta`; empty without
    /// rows.
    pub fn cost_estimates(&self, theta: &[f64]) -> Vec<f64> {
        self.cost.as_ref().map_or_else(Vec::new, |c| c.estimates(theta))
    }

    /// Each time-varying process's name and its values `N[t,g]` (geo after geo) over the
    /// design's weeks at parameter values `theta`; empty without time-varying effects.
    pub fn time_varying(&self, theta: &[f64]) -> Vec<(&str, Vec<f64>)> {
        self.processes
            .iter()
            .map(|p| {
                let mut work = p.process.workspace();
                p.process.evaluate(&self.design.dates, self.design.geos, theta, &mut work);
                (p.process.name(), work.values)
            })
            .collect()
    }

    /// The media multiplier at `dates` (training weeks or later ones, with the training's frame
    /// and mean) for each parameter vector of `draws`, every geo's (geo after geo); `None`
    /// without time-varying media. One evaluation per draw serves every channel.
    pub fn media_multipliers<'a>(
        &self,
        draws: impl Iterator<Item = &'a [f64]>,
        dates: &[crate::calendar::Date],
    ) -> Option<Vec<Vec<f64>>> {
        let p = self.processes.iter().find(|p| p.process.name() == MEDIA_PROCESS)?;
        let mut work = p.process.workspace();
        let values = draws.map(|theta| {
            p.process.evaluate(dates, self.design.geos, theta, &mut work);
            work.values.clone()
        });
        Some(values.collect())
    }

    /// Adstock and saturation parameters of one channel in geo `geo` (an index into `geos`).
    pub fn channel_params_in(&self, theta: &[f64], geo: usize, channel: usize) -> ChannelParams {
        self.media.params_in(theta, geo, channel)
    }
}

impl crate::inference::sampler::Target for Model {
    type Scratch = Scratch;

    fn dim(&self) -> usize {
        Model::dim(self)
    }

    fn scratch(&self) -> Scratch {
        Model::scratch(self)
    }

    fn logp_grad(&self, u: &[f64], grad: &mut [f64], scratch: &mut Scratch) -> f64 {
        Model::logp_grad(self, u, grad, scratch)
    }

    fn constrain(&self, u: &[f64], theta: &mut [f64]) {
        Model::constrain(self, u, theta)
    }

    fn initial_point(&self) -> Vec<f64> {
        Model::initial_point(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calendar::Date;
    use serde_json::json;

    fn weekly(n: usize) -> Dataset {
        let start = Date::from_ymd(2024, 1, 1);
        Dataset {
            dates: (0..n).map(|i| start.plus_days(7 * i as i32)).collect(),
            y: (0..n).map(|i| 10.0 + (i % 5) as f64).collect(),
            channel_names: vec!["tv".into(), "radio".into()],
            channels: vec![(0..n).map(|i| (i % 3) as f64).collect(), (0..n).map(|i| (i % 4) as f64).collect()],
            control_names: vec!["promo".into()],
            controls: vec![(0..n).map(|i| (i % 2) as f64).collect()],
        }
    }

    #[test]
    fn components_and_terms_are_found_by_name() {
        let config = ModelSpec::from_json(&json!({"yearly_seasonality": 1, "likelihood": "student_t"})).unwrap();
        let model = Model::new(config, &weekly(30)).unwrap();
        let names: Vec<_> = model.mean().report_order().iter().map(|c| c.name().to_string()).collect();
        assert_eq!(names, ["intercept", "channels", "controls", "seasonality"]);
        assert_eq!(model.mean().get("channels").unwrap().parts(), ["tv", "radio"]);
        let terms: Vec<_> = model.density.terms.iter().map(|t| t.name()).collect();
        assert_eq!(terms, ["priors", "likelihood"]);
        // Channel parameters come from the blocks of that name, at the channel's coordinate.
        let theta: Vec<f64> = (0..model.dim()).map(|i| i as f64).collect();
        let radio = model.channel_params(&theta, 1);
        let at = |name: &str| model.space().find(name).unwrap().range().start as f64 + 1.0;
        assert_eq!(radio.adstock[0], at("adstock_alpha"));
        assert_eq!(radio.saturation[..2], [at("saturation_lam"), at("saturation_beta")]);
    }

    #[test]
    fn a_model_can_be_built_from_stored_scales() {
        let data = weekly(30);
        let config = ModelSpec::default();
        let own = Model::new(config.clone(), &data).unwrap();
        let same = Model::with_scales(config.clone(), &data, data.scales()).unwrap();
        assert_eq!(own.design, same.design);
        let mut scales = data.scales();
        scales.target *= 2.0;
        let other = Model::with_scales(config.clone(), &data, scales).unwrap();
        assert_eq!(other.design.y[3] * 2.0, own.design.y[3]);
        let wrong = Scales::shared(1.0, vec![1.0]);
        assert!(Model::with_scales(config, &data, wrong).unwrap_err().to_string().contains("scales"));
    }
}

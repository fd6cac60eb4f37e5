//! The model a fit is of: its structure and priors (the model keys of `mmm_fit`'s `config`),
//! with PyMC-Marketing's defaults, validated, and resolved into a parameter space where every
//! parameter has its prior. Sampler settings are `inference::SamplerSettings`; the flat user
//! config that holds both is `inference::FitConfig`.

use super::calibration::{LiftLikelihood, LiftTest};
use super::constraint::Support;
use super::cost_calibration::{CalibrationTarget, CostCalibration};
use super::costs::{CostError, CostRow};
use super::design::{ScaleOver, Scaling};
use super::events::Event;
use super::hsgp::{HsgpSpec, INTERCEPT_PROCESS, MEDIA_PROCESS};
use super::prior::{Prior, PriorError};
use super::space::{BlockPrior, Handle, ParameterSpace, Transform};
use super::trend::{TrendSpec, MAX_CHANGEPOINTS};
use crate::transforms::adstock::{check_l_max, MAX_L_MAX};
use crate::transforms::{AdstockKind, SaturationKind};
use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};
use std::collections::BTreeMap;

/// Observation noise model of `ỹ_t` around `mu_t`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Likelihood {
    Normal,
    StudentT,
    /// Normal truncated below at 0.
    TruncatedNormal,
}

/// The version of [`ModelSpec`]'s stored form, recorded with every model: a later release that
/// changes the meaning of a key reads older specs by their version.
pub const SPEC_VERSION: i32 = 1;

/// Model structure and priors; field names are the config's JSON keys.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ModelSpec {
    pub adstock: AdstockKind,
    pub l_max: usize,
    pub normalize: bool,
    pub saturation: SaturationKind,
    pub adstock_first: bool,
    /// Number of yearly Fourier modes `K` (0 disables seasonality).
    pub yearly_seasonality: usize,
    pub likelihood: Likelihood,
    /// Prior overrides by parameter name: a prior for all coordinates, or an object keyed by
    /// channel (or control) name.
    pub priors: BTreeMap<String, Value>,
    /// How a panel's target and channels are scaled (over all geos by default).
    #[serde(skip_serializing_if = "Scaling::is_default")]
    pub scaling: Scaling,
    /// A panel's default priors: independent per geo, partially pooled, or shared.
    #[serde(skip_serializing_if = "Pooling::is_default")]
    pub pooling: Pooling,
    /// How lift tests' measured lifts vary around the model's (docs/02-fitting.md, "Calibrating with experiments").
    #[serde(skip_serializing_if = "LiftLikelihood::is_default")]
    pub lift_likelihood: LiftLikelihood,
    /// Degrees of freedom of the Student-t lift likelihood.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lift_nu: Option<f64>,
    /// The lift tests the fit is calibrated with: rows of data stored beside the model (the
    /// SQL layer reads them from a table), not a config key.
    #[serde(skip)]
    pub lift_tests: Vec<LiftTest>,
    /// A linear trend with changepoints (docs/02-fitting.md, "Trend and events").
    #[serde(skip_serializing_if = "Option::is_none")]
    pub trend: Option<TrendSpec>,
    /// The events of `mmm_fit(..., events)`: rows of a table, stored beside the spec, not a
    /// config key.
    #[serde(skip)]
    pub events: Vec<Event>,
    /// What cost calibration rows measure: cost per target or ROAS (docs/02-fitting.md,
    /// "Calibrating with cost per target or ROAS").
    #[serde(skip_serializing_if = "CalibrationTarget::is_default")]
    pub calibration_target: CalibrationTarget,
    /// The rows of `mmm_fit(..., cost_calibration)`: data stored beside the model, not a
    /// config key.
    #[serde(skip)]
    pub cost_calibration: Vec<CostCalibration>,
    /// `intercept[g] · N[t,g]` with an HSGP latent process `N` (docs/02-fitting.md,
    /// "Time-varying intercept and media").
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub time_varying_intercept: bool,
    /// Every channel's contribution times an HSGP multiplier per geo (docs/02-fitting.md,
    /// "Time-varying intercept and media").
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub time_varying_media: bool,
    /// The HSGP options of both processes.
    #[serde(skip_serializing_if = "HsgpSpec::is_default")]
    pub hsgp: HsgpSpec,
    /// What a unit of a channel costs, for channels measured in impressions or GRPs: a
    /// constant per channel (channels left out cost 1). The fit is on units; answers speak money.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub cost_per_unit: BTreeMap<String, f64>,
    /// Costs by date (and geo) of `mmm_fit(..., cost_per_unit)`: rows of a table, stored
    /// beside the spec, not a config key.
    #[serde(skip)]
    pub cost_table: Vec<CostRow>,
}

/// Presets of a panel's priors (docs/01-model.md, "Geo panels (engine)"); `priors` override them key by key.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Pooling {
    /// PyMC-Marketing 1.3's defaults: every parameter per geo, independent.
    #[default]
    None,
    /// PyMC Labs' geo setup: the saturation amplitude log-normal and partially pooled over
    /// geos per channel (non-centred), the other saturation parameters and the control
    /// coefficients shared, adstock, intercept and σ per geo, Fourier coefficients per geo
    /// with a shared scale (non-centred).
    Partial,
    /// Adstock and saturation parameters per channel, shared by every geo; intercept,
    /// controls, Fourier coefficients and σ per geo.
    Full,
}

impl Pooling {
    pub fn is_default(&self) -> bool {
        *self == Pooling::None
    }
}

impl Default for ModelSpec {
    fn default() -> Self {
        ModelSpec {
            adstock: AdstockKind::Geometric,
            l_max: 8,
            normalize: true,
            saturation: SaturationKind::Logistic,
            adstock_first: true,
            yearly_seasonality: 0,
            likelihood: Likelihood::Normal,
            priors: BTreeMap::new(),
            scaling: Scaling::default(),
            pooling: Pooling::None,
            lift_likelihood: LiftLikelihood::Normal,
            lift_nu: None,
            lift_tests: Vec::new(),
            trend: None,
            events: Vec::new(),
            calibration_target: CalibrationTarget::CostPerTarget,
            cost_calibration: Vec::new(),
            time_varying_intercept: false,
            time_varying_media: false,
            hsgp: HsgpSpec::default(),
            cost_per_unit: BTreeMap::new(),
            cost_table: Vec::new(),
        }
    }
}

/// A config or prior that cannot be used; the message names the key.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum SpecError {
    #[error("config: {0}")]
    Config(String),
    #[error("config key \"{key}\" = {value} is out of range")]
    OutOfRange { key: String, value: String, allowed: String },
    #[error("priors.{param}: {source}")]
    Prior { param: String, source: PriorError },
    #[error("priors.{0} is not a parameter of this model")]
    UnknownParameter(String),
    #[error("priors.{param}.{coord}: no channel or control of that name")]
    UnknownCoordinate { param: String, coord: String },
    #[error("priors.{param}: {dist} has support {support}, but {param} must lie in {domain}")]
    Support { param: String, dist: String, support: String, domain: String },
    #[error("lift_tests row {row}: {reason}")]
    LiftTest { row: usize, reason: String },
    #[error("cost_calibration row {row}: {reason}")]
    CostCalibration { row: usize, reason: String },
    #[error(transparent)]
    Cost(#[from] CostError),
}

impl SpecError {
    /// What would be accepted, for the ERROR's hint.
    pub fn hint(&self) -> String {
        match self {
            SpecError::Config(_) => "See the README for the config keys and their types.".into(),
            SpecError::OutOfRange { key, allowed, .. } => format!("{key} accepts {allowed}."),
            SpecError::Prior { .. } => "A prior is an object such as {\"dist\": \"HalfNormal\", \"sigma\": 1}.".into(),
            SpecError::UnknownParameter(_) => "The parameters are listed by mmm_summary and in the README.".into(),
            SpecError::UnknownCoordinate { .. } => {
                "Key per-channel priors by the channel names given to the fit.".into()
            }
            SpecError::Support { domain, .. } => format!("Choose a distribution whose support lies in {domain}."),
            SpecError::Cost(e) => e.hint(),
            SpecError::LiftTest { .. } => {
                "Each lift test names a channel (and geo) of the model, with finite x >= 0, delta_x, delta_y and sigma > 0 (at least 1e-6 × |delta_y|), \
                 and, when media varies over time, the training date it ran in."
                    .into()
            }
            SpecError::CostCalibration { .. } => {
                "Each cost calibration row names a channel (and geo) of the model once, with a finite value > 0 and sigma > 0.".into()
            }
        }
    }
}

impl ModelSpec {
    /// Parses the model keys of a config object, naming the offending key in every error.
    pub fn from_json(v: &Value) -> Result<ModelSpec, SpecError> {
        let spec: ModelSpec = serde_path_to_error::deserialize(v).map_err(|e| SpecError::Config(e.to_string()))?;
        spec.validate()?;
        Ok(spec)
    }

    /// The config keys of a spec: those of its stored form, and the optional keys (panel,
    /// lift-test) a default spec leaves out of it.
    pub fn keys() -> Vec<String> {
        let mut keys: Vec<String> = match serde_json::to_value(ModelSpec::default()) {
            Ok(Value::Object(obj)) => obj.into_iter().map(|(k, _)| k).collect(),
            _ => unreachable!("a spec serialises as an object"),
        };
        keys.extend(
            ["pooling", "scaling", "lift_likelihood", "lift_nu", "trend", "calibration_target"].map(String::from),
        );
        keys.extend(["time_varying_intercept", "time_varying_media", "hsgp"].map(String::from));
        keys.push("cost_per_unit".into());
        keys.sort();
        keys
    }

    /// Checks the values serde cannot: ranges, naming the key.
    fn validate(&self) -> Result<(), SpecError> {
        check_l_max(self.l_max as i64).map_err(|_| SpecError::OutOfRange {
            key: "l_max".into(),
            value: self.l_max.to_string(),
            allowed: format!("1 to {MAX_L_MAX}"),
        })?;
        check_range("yearly_seasonality", self.yearly_seasonality <= 26, self.yearly_seasonality, "0 to 26")?;
        if let Some(t) = self.trend {
            check_range(
                "trend.changepoints",
                (1..=MAX_CHANGEPOINTS).contains(&t.changepoints),
                t.changepoints,
                &format!("1 to {MAX_CHANGEPOINTS}"),
            )?;
        }
        self.hsgp.validate()?;
        let student_t = self.lift_likelihood == LiftLikelihood::StudentT;
        match self.lift_nu {
            None if student_t => Err(SpecError::Config("lift_nu: the student_t lift likelihood needs lift_nu".into())),
            Some(nu) if !student_t => {
                Err(SpecError::Config(format!("lift_nu = {nu}: only the student_t lift likelihood has a nu")))
            }
            Some(nu) => check_range("lift_nu", nu.is_finite() && nu > 0.0, nu, "a number > 0"),
            None => Ok(()),
        }
    }
}

/// `Ok` when `ok`, else the out-of-range error for `key`.
pub fn check_range(key: &str, ok: bool, value: impl ToString, allowed: &str) -> Result<(), SpecError> {
    if ok {
        Ok(())
    } else {
        Err(SpecError::OutOfRange { key: key.into(), value: value.to_string(), allowed: allowed.into() })
    }
}

/// Where a parameter may lie, whatever prior is put on it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Domain {
    Real,
    Positive,
    /// (0, 1): adstock decay rates and root exponents.
    Unit,
}

impl Domain {
    fn admits(self, support: &Support) -> bool {
        let (lo, hi) = support.bounds();
        match self {
            Domain::Real => true,
            Domain::Positive => lo >= 0.0,
            Domain::Unit => lo >= 0.0 && hi <= 1.0,
        }
    }

    fn describe(self) -> &'static str {
        match self {
            Domain::Real => "(-inf, inf)",
            Domain::Positive => "(0, inf)",
            Domain::Unit => "(0, 1)",
        }
    }
}

/// The parameter space of a spec over the named channels and controls: the blocks
/// `intercept`, `adstock_*`, `saturation_*` (over `channel`), `gamma_control` (over `control`),
/// `gamma_fourier` (over `fourier_mode`), `y_sigma` and, for the Student-t, `likelihood_nu`, in
/// that order, with default priors overridden by `spec.priors`; a model without controls (or
/// seasonality) has no `gamma_control` (or `gamma_fourier`).
pub fn parameter_space(
    spec: &ModelSpec,
    channels: &[String],
    controls: &[String],
) -> Result<ParameterSpace, SpecError> {
    panel_parameter_space(spec, &[], channels, controls)
}

/// [`parameter_space`] over a panel's `geos` (none for a national model): every block may
/// also have a geo dim, by default it has one (PyMC-Marketing 1.3's independent geos) unless
/// `spec.pooling` says otherwise, and a prior may be hierarchical. Hyper-prior blocks come
/// right before the block that reads them, named `{name}_{param}` (`{name}_raw_{param}` under
/// the `exp` transform) as PyMC names them.
pub fn panel_parameter_space(
    spec: &ModelSpec,
    geos: &[String],
    channels: &[String],
    controls: &[String],
) -> Result<ParameterSpace, SpecError> {
    let panel = !geos.is_empty();
    if !panel && spec.pooling != Pooling::None {
        return Err(SpecError::Config("pooling: a model without a geo column has nothing to pool".into()));
    }
    if !panel && (spec.scaling.target == ScaleOver::PerGeo || spec.scaling.channel == ScaleOver::PerGeo) {
        return Err(SpecError::Config("scaling: per_geo scaling needs a geo column".into()));
    }
    let k = spec.yearly_seasonality;
    let modes: Vec<String> = (1..=k).map(|i| format!("sin_{i}")).chain((1..=k).map(|i| format!("cos_{i}"))).collect();
    let mut builder = Builder { overrides: &spec.priors, used: Vec::new(), space: ParameterSpace::new(), panel };
    if panel {
        builder.space.add_dim("geo", geos.to_vec());
    }
    builder.space.add_dim("channel", channels.to_vec());
    builder.space.add_dim("control", controls.to_vec());
    builder.space.add_dim("fourier_mode", modes);
    let preset = |name: &str, dim: &str, prior: Value| pooled(spec, name, dim, prior);
    builder.block("intercept", None, Domain::Real, json!({"dist": "Normal", "mu": 0, "sigma": 2}))?;
    for p in spec.adstock.param_names() {
        let (domain, prior) = default_adstock_prior(spec.adstock, p);
        let name = format!("adstock_{p}");
        builder.block(&name, Some("channel"), domain, preset(&name, "channel", prior))?;
    }
    for p in spec.saturation.param_names() {
        let (domain, prior) = default_saturation_prior(spec.saturation, p);
        let name = format!("saturation_{p}");
        builder.block(&name, Some("channel"), domain, preset(&name, "channel", prior))?;
    }
    let normal = json!({"dist": "Normal", "mu": 0, "sigma": 2});
    builder.block("gamma_control", Some("control"), Domain::Real, preset("gamma_control", "control", normal))?;
    let laplace = json!({"dist": "Laplace", "mu": 0, "b": 1});
    builder.block(
        "gamma_fourier",
        Some("fourier_mode"),
        Domain::Real,
        preset("gamma_fourier", "fourier_mode", laplace),
    )?;
    builder.block("y_sigma", None, Domain::Positive, json!({"dist": "HalfNormal", "sigma": 2}))?;
    if spec.likelihood == Likelihood::StudentT {
        // One ν for all geos unless its prior gives it dims: a shape, not a level.
        let nu = json!({"dist": "Gamma", "alpha": 2, "beta": 0.1, "dims": []});
        builder.block("likelihood_nu", None, Domain::Positive, nu)?;
    }
    mu_effects(spec, &mut builder)?;
    time_varying(spec, &mut builder)?;
    if let Some(unused) = spec.priors.keys().find(|k| !builder.used.contains(k)) {
        return Err(SpecError::UnknownParameter(unused.clone()));
    }
    Ok(builder.space)
}

/// The blocks of the trend and the events, after the others so that a model without them keeps
/// its parameter vector. Like 1.3's defaults they have no geo dim (one trend and one effect per
/// event for every geo); a prior with `"dims": ["geo", ...]` gives each geo its own.
fn mu_effects(spec: &ModelSpec, builder: &mut Builder) -> Result<(), SpecError> {
    if let Some(trend) = spec.trend {
        builder.space.add_dim("changepoint", (0..trend.changepoints).map(|m| m.to_string()).collect());
        let laplace = json!({"dist": "Laplace", "mu": 0, "b": 0.25, "dims": ["changepoint"]});
        builder.block("trend_delta", Some("changepoint"), Domain::Real, laplace)?;
        if trend.include_intercept {
            let normal = json!({"dist": "Normal", "mu": 0, "sigma": 0.05, "dims": []});
            builder.block("trend_k", None, Domain::Real, normal)?;
        }
    }
    if !spec.events.is_empty() {
        builder.space.add_dim("event", spec.events.iter().map(|e| e.name.clone()).collect());
        // One width for all events, as 1.3's default (and per geo if its prior says so).
        let gamma = json!({"dist": "Gamma", "mu": 7, "sigma": 1, "dims": []});
        builder.block("event_sigma", None, Domain::Positive, gamma)?;
        // 1.3 has no default effect size; one per event, Normal(0, 1) in scaled units.
        let normal = json!({"dist": "Normal", "mu": 0, "sigma": 1, "dims": ["event"]});
        builder.block("event_effect_size", Some("event"), Domain::Real, normal)?;
    }
    Ok(())
}

/// The blocks of the HSGP processes, last, so that a model without them keeps
/// its parameter vector: per process η and ℓ shared by the geos, and the offsets `z` per geo.
fn time_varying(spec: &ModelSpec, builder: &mut Builder) -> Result<(), SpecError> {
    let processes = [(spec.time_varying_intercept, INTERCEPT_PROCESS), (spec.time_varying_media, MEDIA_PROCESS)];
    for (_, name) in processes.into_iter().filter(|(on, _)| *on) {
        for (block, dim, positive, prior) in spec.hsgp.blocks(name) {
            if let Some(dim) = &dim {
                builder.space.add_dim(dim, (0..spec.hsgp.m).map(|j| j.to_string()).collect());
            }
            let domain = if positive { Domain::Positive } else { Domain::Real };
            builder.block(&block, dim.as_deref(), domain, prior)?;
        }
    }
    Ok(())
}

/// The default prior of `name` (over `dim` and, in a panel, `geo`) under the spec's pooling
/// preset: `prior` (the kind's default) per geo, shared, or PyMC Labs' hierarchy (§1.5).
fn pooled(spec: &ModelSpec, name: &str, dim: &str, mut prior: Value) -> Value {
    let amplitude = format!("saturation_{}", spec.saturation.param_names()[spec.saturation.amplitude_index()]);
    let shared = match spec.pooling {
        Pooling::None => false,
        Pooling::Full => name.starts_with("adstock_") || name.starts_with("saturation_"),
        Pooling::Partial if name == amplitude => {
            return json!({
                "dist": "Normal",
                "mu": {"dist": "Normal", "mu": -1.5, "sigma": 0.25, "dims": [dim]},
                "sigma": {"dist": "Exponential", "scale": 0.25, "dims": [dim]},
                "dims": ["geo", dim], "transform": "exp", "centered": false
            })
        }
        Pooling::Partial if name == "gamma_fourier" => {
            return json!({
                "dist": "Normal", "mu": 0, "sigma": {"dist": "HalfNormal", "sigma": 0.2},
                "dims": ["geo", dim], "centered": false
            })
        }
        Pooling::Partial => name.starts_with("saturation_") || name == "gamma_control",
    };
    if shared {
        prior["dims"] = json!([dim]);
    }
    prior
}

/// PyMC-Marketing's default priors of the adstock parameters.
fn default_adstock_prior(kind: AdstockKind, param: &str) -> (Domain, Value) {
    let gamma = |mu: f64, sigma: f64| json!({"dist": "Gamma", "mu": mu, "sigma": sigma});
    match (kind, param) {
        (_, "alpha") => (Domain::Unit, json!({"dist": "Beta", "alpha": 1, "beta": 3})),
        (_, "theta") => (Domain::Positive, json!({"dist": "HalfNormal", "sigma": 1})),
        (AdstockKind::WeibullPdf, "lam") => (Domain::Positive, gamma(2.0, 1.0)),
        (AdstockKind::WeibullPdf, _) => (Domain::Positive, gamma(3.0, 1.0)),
        _ => (Domain::Positive, gamma(2.0, 2.5)),
    }
}

/// PyMC-Marketing's default priors of the saturation parameters.
fn default_saturation_prior(kind: SaturationKind, param: &str) -> (Domain, Value) {
    let half_normal = |sigma: f64| (Domain::Positive, json!({"dist": "HalfNormal", "sigma": sigma}));
    match (kind, param) {
        (SaturationKind::Logistic, "lam") => (Domain::Positive, json!({"dist": "Gamma", "alpha": 3, "beta": 1})),
        (SaturationKind::Logistic, _) => half_normal(2.0),
        (SaturationKind::Hill | SaturationKind::HillSigmoid, _) => half_normal(1.5),
        (SaturationKind::MichaelisMenten, "alpha") => (Domain::Positive, json!({"dist": "Gamma", "mu": 2, "sigma": 1})),
        (SaturationKind::Root, "alpha") => (Domain::Unit, json!({"dist": "Beta", "alpha": 1, "beta": 2})),
        (SaturationKind::Root, _) => (Domain::Positive, json!({"dist": "Gamma", "mu": 1, "sigma": 1})),
        _ => half_normal(1.0),
    }
}

/// Declares blocks with their priors, remembering which override keys were used.
struct Builder<'a> {
    overrides: &'a BTreeMap<String, Value>,
    used: Vec<&'a String>,
    space: ParameterSpace,
    /// Whether the space has a geo dim.
    panel: bool,
}

/// A parsed prior node: its family and constants, its dims, and the hyper-priors that give
/// some of its parameters.
struct Node {
    prior: Prior,
    dims: Vec<String>,
    transform: Transform,
    /// `(canonical parameter, config key, hyper-prior)`, e.g. `("mu", "mean", ...)` for
    /// LogNormal's mean/std form.
    hyper: Vec<(String, String, Value)>,
    /// Whether `mu` and `sigma` are LogNormal's mean and std.
    mean_std: bool,
}

/// The keys of a prior object that are not parameters of its family.
const META_KEYS: [&str; 3] = ["dims", "centered", "transform"];

impl Builder<'_> {
    /// Declares block `name` over `dim` (and `geo` in a panel), its default prior overridden for
    /// all or some coordinates. A block over an empty dim (the control coefficients of a model
    /// without controls) is not declared, as PyMC-Marketing declares no such variable; a prior
    /// given for it is accepted and unused, as there.
    fn block(&mut self, name: &str, dim: Option<&str>, domain: Domain, default: Value) -> Result<(), SpecError> {
        let coords: Vec<String> =
            dim.and_then(|d| self.space.dims().find(|x| x.name == d)).map_or_else(Vec::new, |d| d.labels.clone());
        if dim.is_some() && coords.is_empty() {
            self.used.extend(self.overrides.get_key_value(name).map(|(k, _)| k));
            return Ok(());
        }
        let mut full: Vec<&str> = Vec::new();
        if self.panel {
            full.push("geo");
        }
        full.extend(dim);
        // Where a prior gives no dims: the full dims, except that in a panel a user's prior of a
        // parameter outside the media is shared by the geos, as PyMC-Marketing's model_config
        // entries are (it would also share one value over the controls or Fourier modes; here
        // those keep their own dim).
        let media = name.starts_with("adstock_") || name.starts_with("saturation_");
        let shared: Vec<&str> = full.iter().copied().filter(|d| *d != "geo").collect();
        match self.overrides.get_key_value(name) {
            None => self.declare(name, name, &default, &full, &full, domain).map(drop),
            Some((key, v)) => {
                self.used.push(key);
                match v.as_object() {
                    // A per-coordinate object has no "dist" key: {"x2": {"dist": ...}}.
                    Some(per) if !per.contains_key("dist") && !coords.is_empty() => {
                        self.per_coordinate(name, per, &coords, &full, domain, &default)
                    }
                    _ => {
                        let absent = if media || !self.panel { &full } else { &shared };
                        self.declare(name, name, v, &full, absent, domain).map(drop)
                    }
                }
            }
        }
    }

    /// A prior per coordinate of the last of `dims` (the default for the ones not listed), the
    /// same in every geo.
    fn per_coordinate(
        &mut self,
        name: &str,
        per: &Map<String, Value>,
        coords: &[String],
        dims: &[&str],
        domain: Domain,
        default: &Value,
    ) -> Result<(), SpecError> {
        if let Some(bad) = per.keys().find(|c| !coords.contains(c)) {
            return Err(SpecError::UnknownCoordinate { param: name.into(), coord: bad.clone() });
        }
        let mut flat = default.clone();
        if let Some(obj) = flat.as_object_mut() {
            obj.remove("dims");
        }
        let default = parse_prior(name, &flat, domain)?;
        let by_coordinate: Vec<Prior> = coords
            .iter()
            .map(|c| per.get(c).map_or(Ok(default), |v| parse_prior(&format!("{name}.{c}"), v, domain)))
            .collect::<Result<_, _>>()?;
        // Row-major over (geo, coordinate) in a panel.
        let geos =
            if self.panel { self.space.dims().find(|d| d.name == "geo").map_or(1, |d| d.labels.len()) } else { 1 };
        let priors = (0..geos).flat_map(|_| by_coordinate.iter().copied()).collect();
        self.space
            .add(name, dims, BlockPrior::each(priors), Transform::Default)
            .map_err(|e| SpecError::Config(format!("priors.{name}: {e}")))?;
        Ok(())
    }

    /// Declares block `name` from the prior object `v` (config key `key`), its hyper-priors
    /// first; `dims` are the ones it may have, `absent` the ones it has when `v` gives none.
    fn declare(
        &mut self,
        name: &str,
        key: &str,
        v: &Value,
        allowed: &[&str],
        absent: &[&str],
        domain: Domain,
    ) -> Result<Handle, SpecError> {
        let node = self.node(key, v, allowed, absent, domain)?;
        let raw = if node.transform.exp() { format!("{name}_raw") } else { name.to_string() };
        let mut block = BlockPrior::all(node.prior);
        if node.mean_std {
            block = block.mean_std();
        }
        let dims: Vec<&str> = node.dims.iter().map(String::as_str).collect();
        for (param, given, value) in &node.hyper {
            let k = node.prior.param_names().position(|p| p == param).expect("checked by node");
            let positive = node.prior.param_is_positive(k) || node.mean_std;
            let domain = if positive { Domain::Positive } else { Domain::Real };
            // PyMC names a LogNormalPrior's hyper-priors `{name}_mean`, `{name}_std`.
            let child_name = if node.mean_std { format!("{name}_{given}") } else { format!("{raw}_{given}") };
            let child = self.declare(&child_name, &format!("{key}.{given}"), value, &dims, &[], domain)?;
            block = block.with(param, child);
        }
        self.space.add(name, &dims, block, node.transform).map_err(|e| SpecError::Config(format!("priors.{key}: {e}")))
    }

    /// Parses one prior object: its dims (checked against `allowed`), centring and transform,
    /// and its parameters, numbers or hyper-prior objects.
    fn node(&self, key: &str, v: &Value, allowed: &[&str], absent: &[&str], domain: Domain) -> Result<Node, SpecError> {
        let config = |msg: String| SpecError::Config(format!("priors.{key}{msg}"));
        let Some(obj) = v.as_object() else {
            return Err(SpecError::Prior { param: key.into(), source: PriorError::NotAnObject(v.to_string()) });
        };
        let dims: Vec<String> = match obj.get("dims") {
            None => absent.iter().map(|d| d.to_string()).collect(),
            Some(Value::String(d)) => vec![d.clone()],
            Some(Value::Array(ds)) => ds
                .iter()
                .map(|d| d.as_str().map(str::to_string).ok_or_else(|| config(format!(".dims: {d} is not a dim name"))))
                .collect::<Result<_, _>>()?,
            Some(other) => return Err(config(format!(".dims must be a list of dim names, got {other}"))),
        };
        let takes = format!("({})", allowed.join(", "));
        for (i, d) in dims.iter().enumerate() {
            if !allowed.contains(&d.as_str()) {
                let why = if d == "geo" && !self.panel { " (a geo dim needs a geo column)" } else { "" };
                return Err(config(format!(".dims: \"{d}\" is not among {takes}{why}")));
            }
            if dims[..i].contains(d) {
                return Err(config(format!(".dims: \"{d}\" appears twice")));
            }
        }
        let centred = match obj.get("centered") {
            None => true,
            Some(Value::Bool(b)) => *b,
            Some(other) => return Err(config(format!(".centered must be true or false, got {other}"))),
        };
        let exp = match obj.get("transform") {
            None => false,
            Some(Value::String(t)) if t == "exp" => true,
            Some(other) => return Err(config(format!(".transform: only \"exp\" is supported, got {other}"))),
        };
        // The parameters, from "kwargs" (PyMC's to_dict form) or beside "dist".
        let params: Map<String, Value> = match obj.get("kwargs") {
            Some(Value::Object(kwargs)) => kwargs.clone(),
            _ => obj
                .iter()
                .filter(|(k, _)| *k != "dist" && !META_KEYS.contains(&k.as_str()))
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect(),
        };
        let mut flat: Map<String, Value> =
            obj.iter().filter(|(k, _)| !META_KEYS.contains(&k.as_str())).map(|(k, v)| (k.clone(), v.clone())).collect();
        let mut hyper: Vec<(String, String, Value)> =
            params.iter().filter(|(_, v)| v.is_object()).map(|(k, v)| (k.clone(), k.clone(), v.clone())).collect();
        // A hyper-parameter's placeholder, valid for any parameter's rule.
        let target = if obj.contains_key("kwargs") {
            flat.get_mut("kwargs").and_then(Value::as_object_mut)
        } else {
            Some(&mut flat)
        };
        if let Some(target) = target {
            for (k, ..) in &hyper {
                target.insert(k.clone(), json!(1.0));
            }
        }
        let mean_std =
            obj.get("dist") == Some(&json!("LogNormal")) && (params.contains_key("mean") || params.contains_key("std"));
        let (prior, exp) = if mean_std {
            for (param, given, _) in &mut hyper {
                *param = if given == "mean" { "mu" } else { "sigma" }.into();
            }
            (lognormal_mean_std(key, &params)?, true)
        } else {
            (
                Prior::from_json(&Value::Object(flat))
                    .map_err(|source| SpecError::Prior { param: key.into(), source })?,
                exp,
            )
        };
        for (k, ..) in &hyper {
            if !prior.param_names().any(|p| p == k) {
                let names: Vec<_> = prior.param_names().collect();
                return Err(config(format!(
                    ".{k}: a hyper-prior can give only {}'s canonical parameters ({})",
                    family(&prior),
                    names.join(", ")
                )));
            }
        }
        if exp {
            if domain == Domain::Unit {
                return Err(config(format!(
                    ": the exp transform gives values in (0, inf), but {key} must lie in {}",
                    domain.describe()
                )));
            }
        } else if !domain.admits(&prior.support()) {
            return Err(SpecError::Support {
                param: key.into(),
                dist: prior.to_string(),
                support: prior.support().to_string(),
                domain: domain.describe().into(),
            });
        }
        if !centred && !matches!(prior, Prior::Normal { .. } | Prior::StudentT { .. }) {
            return Err(config(format!(
                ".centered: only Normal, StudentT and LogNormal's mean/std form have a non-centred form, not {}",
                family(&prior)
            )));
        }
        let transform = match (exp, centred) {
            (false, true) => Transform::Default,
            (false, false) => Transform::NonCentred,
            (true, true) => Transform::Exp,
            (true, false) => Transform::ExpNonCentred,
        };
        Ok(Node { prior, dims, transform, hyper, mean_std })
    }
}

/// The family name of a prior, e.g. `Gamma`.
fn family(prior: &Prior) -> String {
    prior.to_string().split('(').next().unwrap_or_default().to_string()
}

/// PyMC-Marketing's `LogNormalPrior(mean, std)` as the Normal of the log whose `mu` and
/// `sigma` are the mean and std ([`BlockPrior::mean_std`] converts them), each a number > 0 or
/// a hyper-prior (here a placeholder).
fn lognormal_mean_std(key: &str, params: &Map<String, Value>) -> Result<Prior, SpecError> {
    let number = |k: &str| match params.get(k) {
        Some(v) if v.is_object() => Ok(1.0),
        Some(v) => match v.as_f64() {
            Some(x) if x.is_finite() && x > 0.0 => Ok(x),
            _ => Err(SpecError::Config(format!("priors.{key}.{k}: LogNormal's mean/std form needs a number > 0"))),
        },
        None => Err(SpecError::Config(format!("priors.{key}.{k}: LogNormal's mean/std form needs both"))),
    };
    if let Some(k) = params.keys().find(|k| *k != "mean" && *k != "std") {
        return Err(SpecError::Config(format!("priors.{key}.{k}: LogNormal takes mean, std or mu, sigma, not both")));
    }
    Ok(Prior::Normal { mu: number("mean")?, sigma: number("std")? })
}

/// Parses a constant prior for a parameter in `domain`.
fn parse_prior(key: &str, v: &Value, domain: Domain) -> Result<Prior, SpecError> {
    let prior = Prior::from_json(v).map_err(|source| SpecError::Prior { param: key.into(), source })?;
    if !domain.admits(&prior.support()) {
        return Err(SpecError::Support {
            param: key.into(),
            dist: prior.to_string(),
            support: prior.support().to_string(),
            domain: domain.describe().into(),
        });
    }
    Ok(prior)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn defaults_match_pymc_marketing() {
        let config = ModelSpec::from_json(&json!({"yearly_seasonality": 2})).unwrap();
        let space = parameter_space(&config, &names(&["x1", "x2"]), &names(&["event_1"])).unwrap();
        let order: Vec<_> = space.blocks().map(|b| b.name.as_str()).collect();
        assert_eq!(
            order,
            [
                "intercept",
                "adstock_alpha",
                "saturation_lam",
                "saturation_beta",
                "gamma_control",
                "gamma_fourier",
                "y_sigma"
            ]
        );
        assert_eq!(space.dim(), 1 + 2 + 2 + 2 + 1 + 4 + 1);
        let fourier = space.find("gamma_fourier").unwrap();
        let modes: Vec<_> = (0..fourier.len()).filter_map(|i| fourier.coordinate(i)).collect();
        assert_eq!(modes, names(&["sin_1", "sin_2", "cos_1", "cos_2"]));
        assert_eq!(space.find("saturation_beta").unwrap().priors[0].to_string(), "HalfNormal(sigma=2)");
        // Without controls or seasonality there are no such coefficients, as in PyMC-Marketing,
        // and a prior given for them is accepted and unused, as there.
        let bare = ModelSpec::from_json(&json!({"priors": {"gamma_control": {"dist": "Normal", "sigma": 1}}})).unwrap();
        let space = parameter_space(&bare, &names(&["x1"]), &[]).unwrap();
        assert!(space.find("gamma_control").is_none() && space.find("gamma_fourier").is_none());
        assert_eq!(space.dim(), 1 + 1 + 1 + 1 + 1);
    }

    #[test]
    fn overrides_apply_to_all_or_one_channel() {
        let config = ModelSpec::from_json(&json!({"priors": {
            "saturation_beta": {"dist": "HalfNormal", "sigma": 1},
            "adstock_alpha": {"x2": {"dist": "Beta", "alpha": 2, "beta": 2}}
        }}))
        .unwrap();
        let space = parameter_space(&config, &names(&["x1", "x2"]), &[]).unwrap();
        let priors = |name: &str, i: usize| space.find(name).unwrap().priors[i].to_string();
        assert_eq!(priors("saturation_beta", 1), "HalfNormal(sigma=1)");
        assert_eq!(priors("adstock_alpha", 0), "Beta(alpha=1, beta=3)");
        assert_eq!(priors("adstock_alpha", 1), "Beta(alpha=2, beta=2)");
    }

    #[test]
    fn errors_name_the_key() {
        let err = |v: Value| ModelSpec::from_json(&v).unwrap_err().to_string();
        assert!(err(json!({"l_max": "eight"})).contains("l_max"));
        assert!(err(json!({"l_max": 0})).contains("l_max"));
        assert!(err(json!({"adstock": "exponential"})).contains("adstock"));
        let space_err = |v: Value| {
            parameter_space(&ModelSpec::from_json(&v).unwrap(), &names(&["x1"]), &[]).unwrap_err().to_string()
        };
        assert!(space_err(json!({"priors": {"saturation_gamma": {"dist": "Normal"}}})).contains("saturation_gamma"));
        assert!(space_err(json!({"priors": {"adstock_alpha": {"x9": {"dist": "Beta", "alpha": 1, "beta": 1}}}}))
            .contains("x9"));
        assert!(
            space_err(json!({"priors": {"adstock_alpha": {"dist": "Normal", "mu": 0, "sigma": 1}}})).contains("(0, 1)")
        );
        assert!(space_err(json!({"priors": {"y_sigma": {"dist": "HalfNormal", "sigma": -1}}})).contains("y_sigma"));
    }

    #[test]
    fn panel_priors_that_cannot_work_name_the_key() {
        let geos = names(&["a", "b"]);
        let err = |v: Value| {
            let spec = ModelSpec::from_json(&v).unwrap();
            panel_parameter_space(&spec, &geos, &names(&["x1"]), &names(&["c1"])).unwrap_err().to_string()
        };
        let cases = [
            // A dim the parameter does not have.
            (
                json!({"priors": {"intercept": {"dist": "Normal", "sigma": 1, "dims": ["channel"]}}}),
                "priors.intercept.dims",
            ),
            (
                json!({"priors": {"saturation_beta": {"dist": "HalfNormal", "sigma": 1, "dims": ["geo", "geo"]}}}),
                "twice",
            ),
            // A hyper-parameter whose dims are not among the parent's.
            (
                json!({"priors": {"saturation_beta": {"dist": "Normal", "mu": {"dist": "Normal", "sigma": 1, "dims": "geo"},
                    "sigma": 1, "dims": ["channel"], "transform": "exp"}}}),
                "priors.saturation_beta.mu.dims",
            ),
            // Non-centred families.
            (
                json!({"priors": {"saturation_lam": {"dist": "Gamma", "alpha": 2, "beta": 1, "centered": false}}}),
                "priors.saturation_lam.centered",
            ),
            (
                json!({"priors": {"saturation_lam": {"dist": "Gamma", "alpha": 2, "beta": 1, "transform": "log"}}}),
                "priors.saturation_lam.transform",
            ),
            // A hyper-prior on a derived parameter, and a hyper-scale that can be negative.
            (
                json!({"priors": {"saturation_lam": {"dist": "Gamma", "mu": {"dist": "HalfNormal", "sigma": 1}, "sigma": 1}}}),
                "priors.saturation_lam.mu",
            ),
            (
                json!({"priors": {"intercept": {"dist": "Normal", "sigma": {"dist": "Normal", "sigma": 1}}}}),
                "priors.intercept.sigma",
            ),
            // The exp transform cannot give a decay rate in (0, 1).
            (
                json!({"priors": {"adstock_alpha": {"dist": "Normal", "sigma": 1, "transform": "exp"}}}),
                "priors.adstock_alpha",
            ),
            (
                json!({"priors": {"saturation_beta": {"dist": "LogNormal", "mean": 1, "std": -1}}}),
                "priors.saturation_beta.std",
            ),
            (
                json!({"priors": {"saturation_beta": {"dist": "HalfNormal", "sigma": 1, "dims": 3}}}),
                "priors.saturation_beta.dims",
            ),
            (
                json!({"priors": {"saturation_beta": {"dist": "HalfNormal", "sigma": 1, "centred": false}}}),
                "\"centred\"",
            ),
        ];
        for (v, needle) in cases {
            let message = err(v.clone());
            assert!(message.contains(needle), "{v}: {message:?} lacks {needle:?}");
        }
        // Keys the config itself refuses.
        assert!(ModelSpec::from_json(&json!({"pooling": "some"})).unwrap_err().to_string().contains("pooling"));
        assert!(ModelSpec::from_json(&json!({"scaling": {"target": "per_geo", "spend": "global"}}))
            .unwrap_err()
            .to_string()
            .contains("scaling"));
        // Panel keys and geo dims on a national model.
        let national = |v: Value| {
            parameter_space(&ModelSpec::from_json(&v).unwrap(), &names(&["x1"]), &[]).unwrap_err().to_string()
        };
        assert!(national(json!({"pooling": "partial"})).contains("pooling"));
        assert!(national(json!({"scaling": {"channel": "per_geo"}})).contains("scaling"));
        assert!(national(json!({"priors": {"intercept": {"dist": "Normal", "sigma": 1, "dims": "geo"}}}))
            .contains("needs a geo column"));
    }

    #[test]
    fn lognormal_mean_std_is_pymc_marketings() {
        // LogNormalPrior(mean=0.5, std=0.3): mu_log = ln(m²/√(m²+s²)), sigma_log = √ln(1+s²/m²).
        let spec = ModelSpec::from_json(&json!({"priors": {
            "saturation_beta": {"dist": "LogNormal", "mean": 0.5, "std": 0.3}
        }}))
        .unwrap();
        let space = parameter_space(&spec, &names(&["x1"]), &[]).unwrap();
        let block = space.find("saturation_beta").unwrap();
        assert_eq!(block.transform, Transform::Exp);
        let Prior::Normal { mu, sigma } = block.priors[0] else { panic!("{}", block.priors[0]) };
        assert!((mu - (0.25f64 / 0.34f64.sqrt()).ln()).abs() < 1e-15);
        assert!((sigma - (1.0f64 + 0.36).ln().sqrt()).abs() < 1e-15);
        // A national spec serialises as before: the panel keys only when set.
        let stored = serde_json::to_value(ModelSpec::default()).unwrap();
        assert!(stored.get("pooling").is_none() && stored.get("scaling").is_none());
    }
}

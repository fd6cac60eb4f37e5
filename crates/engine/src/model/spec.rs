//! The model a fit is of: its structure and priors (the model keys of `mmm_fit`'s `config`),
//! with PyMC-Marketing's defaults, validated, and resolved into a parameter space where every
//! parameter has its prior. Sampler settings are `inference::SamplerSettings`; the flat user
//! config that holds both is `inference::FitConfig`.

use super::constraint::Support;
use super::prior::{Prior, PriorError};
use super::space::{BlockPrior, ParameterSpace, Transform};
use crate::transforms::adstock::{check_l_max, MAX_L_MAX};
use crate::transforms::{AdstockKind, SaturationKind};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use std::collections::BTreeMap;

/// Observation noise model of `ỹ_t` around `mu_t`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Likelihood {
    Normal,
    StudentT,
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

    /// Checks the values serde cannot: ranges, naming the key.
    fn validate(&self) -> Result<(), SpecError> {
        check_l_max(self.l_max as i64).map_err(|_| SpecError::OutOfRange {
            key: "l_max".into(),
            value: self.l_max.to_string(),
            allowed: format!("1 to {MAX_L_MAX}"),
        })?;
        check_range("yearly_seasonality", self.yearly_seasonality <= 26, self.yearly_seasonality, "0 to 26")
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
/// that order, with default priors overridden by `spec.priors`.
pub fn parameter_space(
    spec: &ModelSpec,
    channels: &[String],
    controls: &[String],
) -> Result<ParameterSpace, SpecError> {
    let k = spec.yearly_seasonality;
    let modes: Vec<String> = (1..=k).map(|i| format!("sin_{i}")).chain((1..=k).map(|i| format!("cos_{i}"))).collect();
    let mut builder = Builder { overrides: &spec.priors, used: Vec::new(), space: ParameterSpace::new() };
    builder.space.add_dim("channel", channels.to_vec());
    builder.space.add_dim("control", controls.to_vec());
    builder.space.add_dim("fourier_mode", modes);
    builder.block("intercept", None, Domain::Real, json!({"dist": "Normal", "mu": 0, "sigma": 2}))?;
    for p in spec.adstock.param_names() {
        let (domain, prior) = default_adstock_prior(spec.adstock, p);
        builder.block(&format!("adstock_{p}"), Some("channel"), domain, prior)?;
    }
    for p in spec.saturation.param_names() {
        let (domain, prior) = default_saturation_prior(spec.saturation, p);
        builder.block(&format!("saturation_{p}"), Some("channel"), domain, prior)?;
    }
    builder.block("gamma_control", Some("control"), Domain::Real, json!({"dist": "Normal", "mu": 0, "sigma": 2}))?;
    builder.block("gamma_fourier", Some("fourier_mode"), Domain::Real, json!({"dist": "Laplace", "mu": 0, "b": 1}))?;
    builder.block("y_sigma", None, Domain::Positive, json!({"dist": "HalfNormal", "sigma": 2}))?;
    if spec.likelihood == Likelihood::StudentT {
        builder.block("likelihood_nu", None, Domain::Positive, json!({"dist": "Gamma", "alpha": 2, "beta": 0.1}))?;
    }
    if let Some(unused) = spec.priors.keys().find(|k| !builder.used.contains(k)) {
        return Err(SpecError::UnknownParameter(unused.clone()));
    }
    Ok(builder.space)
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
}

impl Builder<'_> {
    /// Declares block `name` over `dim`, its default prior overridden for all or some
    /// coordinates. A block over an empty dim is a scalar that nothing reads: round 1 sampled
    /// it from its prior, and keeping it keeps those models' parameter vectors.
    fn block(&mut self, name: &str, dim: Option<&str>, domain: Domain, default: Value) -> Result<(), SpecError> {
        let parse = |v: &Value| {
            let prior = Prior::from_json(v).map_err(|source| SpecError::Prior { param: name.into(), source })?;
            if !domain.admits(&prior.support()) {
                return Err(SpecError::Support {
                    param: name.into(),
                    dist: prior.to_string(),
                    support: prior.support().to_string(),
                    domain: domain.describe().into(),
                });
            }
            Ok(prior)
        };
        let default = parse(&default)?;
        let coords: Vec<String> =
            dim.and_then(|d| self.space.dims().find(|x| x.name == d)).map_or_else(Vec::new, |d| d.labels.clone());
        let n = coords.len().max(1);
        let priors = match self.overrides.get_key_value(name) {
            None => vec![default; n],
            Some((key, v)) => {
                self.used.push(key);
                match v.as_object() {
                    // A per-coordinate object has no "dist" key: {"x2": {"dist": ...}}.
                    Some(per) if !per.contains_key("dist") && !coords.is_empty() => {
                        if let Some(bad) = per.keys().find(|c| !coords.contains(c)) {
                            return Err(SpecError::UnknownCoordinate { param: name.into(), coord: bad.clone() });
                        }
                        coords.iter().map(|c| per.get(c).map_or(Ok(default), parse)).collect::<Result<_, _>>()?
                    }
                    _ => vec![parse(v)?; n],
                }
            }
        };
        let dims: &[&str] = match dim {
            Some(d) if !coords.is_empty() => &[d],
            _ => &[],
        };
        self.space
            .add(name, dims, BlockPrior::each(priors), Transform::Default)
            .map_err(|e| SpecError::Config(e.to_string()))?;
        Ok(())
    }
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
        // Without controls, gamma_control is round 1's unused scalar.
        let space = parameter_space(&config, &names(&["x1"]), &[]).unwrap();
        let control = space.find("gamma_control").unwrap();
        assert_eq!((control.len(), control.coordinate(0)), (1, None));
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
}

//! The model a fit is asked for: the flat JSON `config` of `mmm_fit`, with PyMC-Marketing's
//! defaults, validated, and resolved into a parameter layout where every parameter has its
//! prior. The resolved config is what a model records, so a refit reproduces it exactly.

use super::prior::{Prior, PriorError, Support};
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

/// Model structure, priors and sampler settings; field names are the config's JSON keys.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ModelConfig {
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
    pub chains: usize,
    pub tune: usize,
    pub draws: usize,
    pub target_accept: f64,
    pub max_treedepth: u64,
    /// Absent means "draw one"; `resolve` records the one drawn.
    pub seed: Option<u64>,
}

impl Default for ModelConfig {
    fn default() -> Self {
        ModelConfig {
            adstock: AdstockKind::Geometric,
            l_max: 8,
            normalize: true,
            saturation: SaturationKind::Logistic,
            adstock_first: true,
            yearly_seasonality: 0,
            likelihood: Likelihood::Normal,
            priors: BTreeMap::new(),
            chains: 4,
            tune: 1000,
            draws: 1000,
            target_accept: 0.8,
            max_treedepth: 10,
            seed: None,
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

impl ModelConfig {
    /// Parses a config object, naming the offending key in every error.
    pub fn from_json(v: &Value) -> Result<ModelConfig, SpecError> {
        let config: ModelConfig = serde_path_to_error::deserialize(v).map_err(|e| SpecError::Config(e.to_string()))?;
        config.validate()?;
        Ok(config)
    }

    fn validate(&self) -> Result<(), SpecError> {
        let range = |key: &str, ok: bool, value: String, allowed: &str| {
            if ok {
                Ok(())
            } else {
                Err(SpecError::OutOfRange { key: key.into(), value, allowed: allowed.into() })
            }
        };
        check_l_max(self.l_max as i64).map_err(|_| SpecError::OutOfRange {
            key: "l_max".into(),
            value: self.l_max.to_string(),
            allowed: format!("1 to {MAX_L_MAX}"),
        })?;
        range("yearly_seasonality", self.yearly_seasonality <= 26, self.yearly_seasonality.to_string(), "0 to 26")?;
        range("chains", (1..=64).contains(&self.chains), self.chains.to_string(), "1 to 64")?;
        range("draws", (4..=100_000).contains(&self.draws), self.draws.to_string(), "4 to 100000")?;
        range("tune", self.tune <= 100_000, self.tune.to_string(), "0 to 100000")?;
        range(
            "target_accept",
            self.target_accept > 0.0 && self.target_accept < 1.0,
            self.target_accept.to_string(),
            "a number in (0, 1)",
        )?;
        range("max_treedepth", (1..=20).contains(&self.max_treedepth), self.max_treedepth.to_string(), "1 to 20")
    }

    /// Fills the seed (drawn when absent) so the recorded config reproduces the fit.
    pub fn with_seed(mut self) -> ModelConfig {
        self.seed.get_or_insert_with(rand::random);
        self
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

/// One named parameter, scalar or indexed by channel, control or Fourier mode.
#[derive(Debug, Clone, PartialEq)]
pub struct ParamBlock {
    /// PyMC-Marketing's name, e.g. `adstock_alpha`, `saturation_beta`, `y_sigma`.
    pub name: String,
    /// Coordinate labels; empty for a scalar.
    pub coords: Vec<String>,
    pub priors: Vec<Prior>,
    /// Index of the first element in the parameter vector.
    pub offset: usize,
}

impl ParamBlock {
    pub fn len(&self) -> usize {
        self.priors.len()
    }

    pub fn is_empty(&self) -> bool {
        self.priors.is_empty()
    }

    pub fn range(&self) -> std::ops::Range<usize> {
        self.offset..self.offset + self.len()
    }
}

/// The parameter vector of a model: blocks in a fixed order.
#[derive(Debug, Clone, PartialEq)]
pub struct Layout {
    pub intercept: ParamBlock,
    pub adstock: Vec<ParamBlock>,
    pub saturation: Vec<ParamBlock>,
    pub gamma_control: ParamBlock,
    pub gamma_fourier: ParamBlock,
    pub y_sigma: ParamBlock,
    /// Degrees of freedom of the Student-t likelihood (empty for `normal`).
    pub likelihood_nu: ParamBlock,
    pub dim: usize,
}

impl Layout {
    /// Assigns priors (defaults overridden by `config.priors`) and offsets.
    pub fn new(config: &ModelConfig, channels: &[String], controls: &[String]) -> Result<Layout, SpecError> {
        let mut builder = Builder { overrides: &config.priors, used: Vec::new(), offset: 0 };
        let scalar: &[String] = &[];
        let intercept =
            builder.block("intercept", scalar, Domain::Real, json!({"dist": "Normal", "mu": 0, "sigma": 2}))?;
        let adstock = config
            .adstock
            .param_names()
            .iter()
            .map(|p| {
                let (domain, prior) = default_adstock_prior(config.adstock, p);
                builder.block(&format!("adstock_{p}"), channels, domain, prior)
            })
            .collect::<Result<Vec<_>, _>>()?;
        let saturation = config
            .saturation
            .param_names()
            .iter()
            .map(|p| {
                let (domain, prior) = default_saturation_prior(config.saturation, p);
                builder.block(&format!("saturation_{p}"), channels, domain, prior)
            })
            .collect::<Result<Vec<_>, _>>()?;
        let gamma_control =
            builder.block("gamma_control", controls, Domain::Real, json!({"dist": "Normal", "mu": 0, "sigma": 2}))?;
        let k = config.yearly_seasonality;
        let modes: Vec<String> =
            (1..=k).map(|i| format!("sin_{i}")).chain((1..=k).map(|i| format!("cos_{i}"))).collect();
        let gamma_fourier =
            builder.block("gamma_fourier", &modes, Domain::Real, json!({"dist": "Laplace", "mu": 0, "b": 1}))?;
        let y_sigma = builder.block("y_sigma", scalar, Domain::Positive, json!({"dist": "HalfNormal", "sigma": 2}))?;
        let likelihood_nu = match config.likelihood {
            Likelihood::Normal => builder.empty("likelihood_nu"),
            Likelihood::StudentT => builder.block(
                "likelihood_nu",
                scalar,
                Domain::Positive,
                json!({"dist": "Gamma", "alpha": 2, "beta": 0.1}),
            )?,
        };
        if let Some(unused) = config.priors.keys().find(|k| !builder.used.contains(k)) {
            return Err(SpecError::UnknownParameter(unused.clone()));
        }
        Ok(Layout {
            dim: builder.offset,
            intercept,
            adstock,
            saturation,
            gamma_control,
            gamma_fourier,
            y_sigma,
            likelihood_nu,
        })
    }

    /// Every block in vector order.
    pub fn blocks(&self) -> impl Iterator<Item = &ParamBlock> {
        std::iter::once(&self.intercept).chain(&self.adstock).chain(&self.saturation).chain([
            &self.gamma_control,
            &self.gamma_fourier,
            &self.y_sigma,
            &self.likelihood_nu,
        ])
    }

    /// The prior of every element, in vector order.
    pub fn priors(&self) -> impl Iterator<Item = &Prior> {
        self.blocks().flat_map(|b| &b.priors)
    }
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
        (SaturationKind::Hill, _) => half_normal(1.5),
        (SaturationKind::MichaelisMenten, "alpha") => (Domain::Positive, json!({"dist": "Gamma", "mu": 2, "sigma": 1})),
        (SaturationKind::Root, "alpha") => (Domain::Unit, json!({"dist": "Beta", "alpha": 1, "beta": 2})),
        (SaturationKind::Root, _) => (Domain::Positive, json!({"dist": "Gamma", "mu": 1, "sigma": 1})),
        _ => half_normal(1.0),
    }
}

/// Assigns offsets and resolves overrides, remembering which override keys were used.
struct Builder<'a> {
    overrides: &'a BTreeMap<String, Value>,
    used: Vec<&'a String>,
    offset: usize,
}

impl Builder<'_> {
    fn empty(&mut self, name: &str) -> ParamBlock {
        ParamBlock { name: name.into(), coords: Vec::new(), priors: Vec::new(), offset: self.offset }
    }

    fn block(
        &mut self,
        name: &str,
        coords: &[String],
        domain: Domain,
        default: Value,
    ) -> Result<ParamBlock, SpecError> {
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
        let block = ParamBlock { name: name.into(), coords: coords.to_vec(), priors, offset: self.offset };
        self.offset += block.len();
        Ok(block)
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
        let config = ModelConfig::from_json(&json!({"yearly_seasonality": 2})).unwrap();
        let layout = Layout::new(&config, &names(&["x1", "x2"]), &names(&["event_1"])).unwrap();
        let order: Vec<_> = layout.blocks().filter(|b| !b.is_empty()).map(|b| b.name.as_str()).collect();
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
        assert_eq!(layout.dim, 1 + 2 + 2 + 2 + 1 + 4 + 1);
        assert_eq!(layout.gamma_fourier.coords, names(&["sin_1", "sin_2", "cos_1", "cos_2"]));
        assert_eq!(layout.saturation[1].priors[0].to_string(), "HalfNormal(sigma=2)");
        assert_eq!(config.chains, 4);
        assert_eq!(config.target_accept, 0.8);
    }

    #[test]
    fn overrides_apply_to_all_or_one_channel() {
        let config = ModelConfig::from_json(&json!({"priors": {
            "saturation_beta": {"dist": "HalfNormal", "sigma": 1},
            "adstock_alpha": {"x2": {"dist": "Beta", "alpha": 2, "beta": 2}}
        }}))
        .unwrap();
        let layout = Layout::new(&config, &names(&["x1", "x2"]), &[]).unwrap();
        assert_eq!(layout.saturation[1].priors[1].to_string(), "HalfNormal(sigma=1)");
        assert_eq!(layout.adstock[0].priors[0].to_string(), "Beta(alpha=1, beta=3)");
        assert_eq!(layout.adstock[0].priors[1].to_string(), "Beta(alpha=2, beta=2)");
    }

    #[test]
    fn errors_name_the_key() {
        let err = |v: Value| ModelConfig::from_json(&v).unwrap_err().to_string();
        assert!(err(json!({"l_maxx": 8})).contains("l_maxx"));
        assert!(err(json!({"l_max": "eight"})).contains("l_max"));
        assert!(err(json!({"target_accept": 1.5})).contains("target_accept"));
        assert!(err(json!({"adstock": "exponential"})).contains("adstock"));
        let layout_err =
            |v: Value| Layout::new(&ModelConfig::from_json(&v).unwrap(), &names(&["x1"]), &[]).unwrap_err().to_string();
        assert!(layout_err(json!({"priors": {"saturation_gamma": {"dist": "Normal"}}})).contains("saturation_gamma"));
        assert!(layout_err(json!({"priors": {"adstock_alpha": {"x9": {"dist": "Beta", "alpha": 1, "beta": 1}}}}))
            .contains("x9"));
        assert!(layout_err(json!({"priors": {"adstock_alpha": {"dist": "Normal", "mu": 0, "sigma": 1}}}))
            .contains("(0, 1)"));
        assert!(layout_err(json!({"priors": {"y_sigma": {"dist": "HalfNormal", "sigma": -1}}})).contains("y_sigma"));
    }
}

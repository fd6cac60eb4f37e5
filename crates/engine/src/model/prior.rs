//! Prior distributions as PyMC names and parameterises them.
//!
//! A prior is read from PyMC-Marketing's config shape, `{"dist": "HalfNormal", "sigma": 1}`, or
//! the shape its `Prior.to_dict()` writes, `{"dist": "HalfNormal", "kwargs": {"sigma": 1}}`, and
//! gives the sampler the log density with PyMC's normalising constants and its derivatives, in
//! the value and (for hyper-priors) in the parameters, so that our log posterior can be
//! compared with PyMC's model logp term by term. The support it lives on, and so the transform
//! it is sampled through, is in [`super::constraint`].

use super::constraint::Support;
use super::special::{digamma, inverse_ln_phi, ln_gamma, ln_normal_mass, ln_phi, LN_SQRT_2PI};
use rand::Rng;
use rand_distr::{Beta, Distribution, Exp1, Gamma, Open01, StandardNormal, StudentT};
use serde_json::{Map, Value};
use std::f64::consts::{LN_2, PI};
use std::fmt;

/// A prior family with its parameters, named and parameterised as in PyMC's canonical form:
/// Gamma's `beta` and Exponential's `lam` are rates, InverseGamma's `beta` is a scale, and
/// TruncatedNormal's bounds are infinite when absent.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Prior {
    Normal { mu: f64, sigma: f64 },
    HalfNormal { sigma: f64 },
    Beta { alpha: f64, beta: f64 },
    Gamma { alpha: f64, beta: f64 },
    LogNormal { mu: f64, sigma: f64 },
    Laplace { mu: f64, b: f64 },
    Exponential { lam: f64 },
    InverseGamma { alpha: f64, beta: f64 },
    StudentT { nu: f64, mu: f64, sigma: f64 },
    HalfStudentT { nu: f64, sigma: f64 },
    TruncatedNormal { mu: f64, sigma: f64, lower: f64, upper: f64 },
}

/// A prior that cannot be built from its JSON; every message names the key at fault and says
/// what is allowed.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum PriorError {
    #[error("a prior must be an object such as {{\"dist\": \"HalfNormal\", \"sigma\": 1}}, got {0}")]
    NotAnObject(String),
    #[error("a prior needs \"dist\", a string naming its family ({families}), got {0}", families = family_names())]
    NoDist(String),
    #[error("unknown \"dist\" \"{0}\": the families are {families}", families = family_names())]
    UnknownDist(String),
    #[error("{dist}: \"kwargs\" must be an object of parameters, got {found}")]
    KwargsNotAnObject { dist: &'static str, found: String },
    #[error("{dist}: \"{key}\" is not allowed beside \"kwargs\" (only \"dist\" is)")]
    BesideKwargs { dist: &'static str, key: String },
    #[error("{dist} has no parameter \"{key}\": it takes {allowed}")]
    UnknownKey { dist: &'static str, key: String, allowed: String },
    #[error("{dist}: {keys} mix parameterisations: it takes {allowed}")]
    MixedForms { dist: &'static str, keys: String, allowed: String },
    #[error("{dist} needs \"{key}\": it takes {allowed}")]
    Missing { dist: &'static str, key: &'static str, allowed: String },
    #[error("{dist}: \"{key}\" must be a number (hierarchical priors are not supported), got {found}")]
    NotANumber { dist: &'static str, key: &'static str, found: String },
    #[error("{dist}: \"{key}\" = {value} is invalid: it must be {rule}")]
    Invalid { dist: &'static str, key: &'static str, value: f64, rule: &'static str },
    #[error("{dist}: \"lower\" = {lower} must be below \"upper\" = {upper}")]
    EmptyInterval { dist: &'static str, lower: f64, upper: f64 },
}

/// How a parameter is checked, and what it is when absent.
#[derive(Debug, Clone, Copy)]
enum Rule {
    /// Required, finite and > 0: scales, shapes, rates, degrees of freedom.
    Positive,
    /// A location: any finite number, 0 when absent (PyMC's default `mu`; PyMC's Laplace
    /// requires it, here it defaults too).
    Location,
    /// A truncation bound: any finite number, this infinity when absent.
    Bound(f64),
}

const POS: Rule = Rule::Positive;
const LOC: Rule = Rule::Location;

/// One parameterisation PyMC accepts for a family, and its map to [`Prior`].
struct Form {
    params: &'static [(&'static str, Rule)],
    build: fn(&[f64]) -> Prior,
}

/// A family's parameterisations; the first is canonical, in the order of [`Prior::parts`].
struct Family {
    name: &'static str,
    forms: &'static [Form],
}

const FAMILIES: &[Family] = &[
    Family {
        name: "Normal",
        forms: &[Form { params: &[("mu", LOC), ("sigma", POS)], build: |v| Prior::Normal { mu: v[0], sigma: v[1] } }],
    },
    Family {
        name: "HalfNormal",
        forms: &[Form { params: &[("sigma", POS)], build: |v| Prior::HalfNormal { sigma: v[0] } }],
    },
    Family {
        name: "Beta",
        forms: &[Form { params: &[("alpha", POS), ("beta", POS)], build: |v| Prior::Beta { alpha: v[0], beta: v[1] } }],
    },
    Family {
        name: "Gamma",
        forms: &[
            Form { params: &[("alpha", POS), ("beta", POS)], build: |v| Prior::Gamma { alpha: v[0], beta: v[1] } },
            // PyMC's Gamma.get_alpha_beta: alpha = mu²/sigma², beta = mu/sigma².
            Form {
                params: &[("mu", POS), ("sigma", POS)],
                build: |v| Prior::Gamma { alpha: v[0] * v[0] / (v[1] * v[1]), beta: v[0] / (v[1] * v[1]) },
            },
        ],
    },
    Family {
        name: "LogNormal",
        forms: &[Form {
            params: &[("mu", LOC), ("sigma", POS)],
            build: |v| Prior::LogNormal { mu: v[0], sigma: v[1] },
        }],
    },
    Family {
        name: "Laplace",
        forms: &[Form { params: &[("mu", LOC), ("b", POS)], build: |v| Prior::Laplace { mu: v[0], b: v[1] } }],
    },
    Family {
        name: "Exponential",
        forms: &[
            Form { params: &[("lam", POS)], build: |v| Prior::Exponential { lam: v[0] } },
            Form { params: &[("scale", POS)], build: |v| Prior::Exponential { lam: 1.0 / v[0] } },
        ],
    },
    Family {
        name: "InverseGamma",
        forms: &[
            Form {
                params: &[("alpha", POS), ("beta", POS)],
                build: |v| Prior::InverseGamma { alpha: v[0], beta: v[1] },
            },
            // PyMC's InverseGamma._get_alpha_beta, which gives mean mu and standard deviation
            // sigma: alpha = (2 sigma² + mu²)/sigma², beta = mu (mu² + sigma²)/sigma².
            Form {
                params: &[("mu", POS), ("sigma", POS)],
                build: |v| {
                    let (mu2, s2) = (v[0] * v[0], v[1] * v[1]);
                    Prior::InverseGamma { alpha: (2.0 * s2 + mu2) / s2, beta: v[0] * (mu2 + s2) / s2 }
                },
            },
        ],
    },
    Family {
        name: "StudentT",
        forms: &[Form {
            params: &[("nu", POS), ("mu", LOC), ("sigma", POS)],
            build: |v| Prior::StudentT { nu: v[0], mu: v[1], sigma: v[2] },
        }],
    },
    Family {
        name: "HalfStudentT",
        forms: &[Form {
            params: &[("nu", POS), ("sigma", POS)],
            build: |v| Prior::HalfStudentT { nu: v[0], sigma: v[1] },
        }],
    },
    Family {
        name: "TruncatedNormal",
        forms: &[Form {
            params: &[
                ("mu", LOC),
                ("sigma", POS),
                ("lower", Rule::Bound(f64::NEG_INFINITY)),
                ("upper", Rule::Bound(f64::INFINITY)),
            ],
            build: |v| Prior::TruncatedNormal { mu: v[0], sigma: v[1], lower: v[2], upper: v[3] },
        }],
    },
];

fn family_names() -> String {
    FAMILIES.iter().map(|f| f.name).collect::<Vec<_>>().join(", ")
}

impl Form {
    fn takes(&self, key: &str) -> bool {
        self.params.iter().any(|(k, _)| *k == key)
    }

    fn describe(&self) -> String {
        self.params.iter().map(|(k, _)| *k).collect::<Vec<_>>().join(", ")
    }
}

impl Family {
    /// `mu, sigma`, or `(alpha, beta) or (mu, sigma)` for a family with several forms.
    fn describe(&self) -> String {
        match self.forms {
            [form] => form.describe(),
            forms => forms.iter().map(|f| format!("({})", f.describe())).collect::<Vec<_>>().join(" or "),
        }
    }
}

/// Checks one parameter value against its rule.
fn check(dist: &'static str, key: &'static str, rule: Rule, value: f64) -> Result<(), PriorError> {
    let (ok, rule) = match rule {
        Rule::Positive => (value.is_finite() && value > 0.0, "finite and > 0"),
        Rule::Location => (value.is_finite(), "finite"),
        Rule::Bound(_) => (!value.is_nan(), "a number"),
    };
    if ok {
        Ok(())
    } else {
        Err(PriorError::Invalid { dist, key, value, rule })
    }
}

impl Prior {
    /// Parses a prior from PyMC-Marketing's JSON, flat or with `kwargs`, accepting PyMC's
    /// alternative parameterisations (Gamma and InverseGamma by `mu`/`sigma`, Exponential by
    /// `scale`) and its default `mu = 0`; the result is in canonical form.
    pub fn from_json(v: &Value) -> Result<Prior, PriorError> {
        let obj = v.as_object().ok_or_else(|| PriorError::NotAnObject(v.to_string()))?;
        let dist = match obj.get("dist") {
            Some(Value::String(dist)) => dist,
            other => return Err(PriorError::NoDist(other.map_or("nothing".into(), Value::to_string))),
        };
        let family = FAMILIES.iter().find(|f| f.name == dist).ok_or_else(|| PriorError::UnknownDist(dist.clone()))?;
        let name = family.name;
        let params: Map<String, Value> = match obj.get("kwargs") {
            None => obj.iter().filter(|(k, _)| *k != "dist").map(|(k, v)| (k.clone(), v.clone())).collect(),
            Some(Value::Object(kwargs)) => match obj.keys().find(|k| *k != "dist" && *k != "kwargs") {
                Some(key) => return Err(PriorError::BesideKwargs { dist: name, key: key.clone() }),
                None => kwargs.clone(),
            },
            Some(other) => return Err(PriorError::KwargsNotAnObject { dist: name, found: other.to_string() }),
        };
        if let Some(key) = params.keys().find(|k| !family.forms.iter().any(|f| f.takes(k))) {
            return Err(PriorError::UnknownKey { dist: name, key: key.clone(), allowed: family.describe() });
        }
        let form = family.forms.iter().find(|f| params.keys().all(|k| f.takes(k))).ok_or_else(|| {
            let keys = params.keys().map(|k| format!("\"{k}\"")).collect::<Vec<_>>().join(", ");
            PriorError::MixedForms { dist: name, keys, allowed: family.describe() }
        })?;
        let mut values = Vec::with_capacity(form.params.len());
        for &(key, rule) in form.params {
            let value = match (params.get(key), rule) {
                (Some(v), _) => {
                    v.as_f64().ok_or_else(|| PriorError::NotANumber { dist: name, key, found: v.to_string() })?
                }
                (None, Rule::Positive) => {
                    return Err(PriorError::Missing { dist: name, key, allowed: family.describe() })
                }
                (None, Rule::Location) => 0.0,
                (None, Rule::Bound(default)) => default,
            };
            check(name, key, rule, value)?;
            values.push(value);
        }
        let prior = (form.build)(&values);
        prior.validate()?;
        Ok(prior)
    }

    /// Checks the canonical parameters: what [`Prior::from_json`] guarantees, for a prior built
    /// in code (a derived parameter can still overflow, e.g. Gamma from a huge `mu / sigma`).
    pub fn validate(&self) -> Result<(), PriorError> {
        let (family, values) = self.parts();
        for (&(key, rule), &value) in family.forms[0].params.iter().zip(&values) {
            check(family.name, key, rule, value)?;
        }
        match *self {
            Prior::TruncatedNormal { lower, upper, .. } if lower >= upper => {
                Err(PriorError::EmptyInterval { dist: family.name, lower, upper })
            }
            _ => Ok(()),
        }
    }

    /// The family and the parameters in its canonical order (unused trailing slots are 0).
    fn parts(&self) -> (&'static Family, [f64; 4]) {
        let (name, values) = match *self {
            Prior::Normal { mu, sigma } => ("Normal", [mu, sigma, 0.0, 0.0]),
            Prior::HalfNormal { sigma } => ("HalfNormal", [sigma, 0.0, 0.0, 0.0]),
            Prior::Beta { alpha, beta } => ("Beta", [alpha, beta, 0.0, 0.0]),
            Prior::Gamma { alpha, beta } => ("Gamma", [alpha, beta, 0.0, 0.0]),
            Prior::LogNormal { mu, sigma } => ("LogNormal", [mu, sigma, 0.0, 0.0]),
            Prior::Laplace { mu, b } => ("Laplace", [mu, b, 0.0, 0.0]),
            Prior::Exponential { lam } => ("Exponential", [lam, 0.0, 0.0, 0.0]),
            Prior::InverseGamma { alpha, beta } => ("InverseGamma", [alpha, beta, 0.0, 0.0]),
            Prior::StudentT { nu, mu, sigma } => ("StudentT", [nu, mu, sigma, 0.0]),
            Prior::HalfStudentT { nu, sigma } => ("HalfStudentT", [nu, sigma, 0.0, 0.0]),
            Prior::TruncatedNormal { mu, sigma, lower, upper } => ("TruncatedNormal", [mu, sigma, lower, upper]),
        };
        let family = FAMILIES.iter().find(|f| f.name == name).expect("every variant has a family");
        (family, values)
    }

    /// The canonical parameter names, in the order of [`Prior::with_param`] and of the
    /// parameter derivatives of [`Prior::logp_grad_params`].
    pub fn param_names(&self) -> impl Iterator<Item = &'static str> {
        self.parts().0.forms[0].params.iter().map(|(k, _)| *k)
    }

    /// Whether canonical parameter `k` must be positive (a scale, shape, rate or degrees of
    /// freedom) rather than any real (a location).
    pub fn param_is_positive(&self, k: usize) -> bool {
        matches!(self.parts().0.forms[0].params[k].1, Rule::Positive)
    }

    /// The prior with canonical parameter `k` set to `value`, as a hyper-prior's block gives it.
    pub fn with_param(mut self, k: usize, value: f64) -> Prior {
        let slot = match (&mut self, k) {
            (Prior::Normal { mu: p, .. }, 0)
            | (Prior::Normal { sigma: p, .. }, 1)
            | (Prior::HalfNormal { sigma: p }, 0)
            | (Prior::Beta { alpha: p, .. }, 0)
            | (Prior::Beta { beta: p, .. }, 1)
            | (Prior::Gamma { alpha: p, .. }, 0)
            | (Prior::Gamma { beta: p, .. }, 1)
            | (Prior::LogNormal { mu: p, .. }, 0)
            | (Prior::LogNormal { sigma: p, .. }, 1)
            | (Prior::Laplace { mu: p, .. }, 0)
            | (Prior::Laplace { b: p, .. }, 1)
            | (Prior::Exponential { lam: p }, 0)
            | (Prior::InverseGamma { alpha: p, .. }, 0)
            | (Prior::InverseGamma { beta: p, .. }, 1)
            | (Prior::StudentT { nu: p, .. }, 0)
            | (Prior::StudentT { mu: p, .. }, 1)
            | (Prior::StudentT { sigma: p, .. }, 2)
            | (Prior::HalfStudentT { nu: p, .. }, 0)
            | (Prior::HalfStudentT { sigma: p, .. }, 1)
            | (Prior::TruncatedNormal { mu: p, .. }, 0)
            | (Prior::TruncatedNormal { sigma: p, .. }, 1)
            | (Prior::TruncatedNormal { lower: p, .. }, 2)
            | (Prior::TruncatedNormal { upper: p, .. }, 3) => p,
            _ => panic!("{self} has no parameter {k}"),
        };
        *slot = value;
        self
    }

    /// Canonical `(key, value)` pairs, leaving out absent (infinite) bounds.
    fn named_params(&self) -> (&'static str, Vec<(&'static str, f64)>) {
        let (family, values) = self.parts();
        let keys = family.forms[0].params.iter().map(|(k, _)| *k);
        (family.name, keys.zip(values).filter(|(_, v)| v.is_finite()).collect())
    }

    /// The canonical JSON form, e.g. `{"dist": "Gamma", "alpha": 4.0, "beta": 2.0}` for a prior
    /// given as Gamma(mu=2, sigma=1), so a model can record the priors it resolved.
    pub fn to_json(&self) -> Value {
        let (name, params) = self.named_params();
        let mut obj = Map::new();
        obj.insert("dist".into(), name.into());
        obj.extend(params.into_iter().map(|(k, v)| (k.to_string(), v.into())));
        Value::Object(obj)
    }

    /// The support, which decides the transform (the one PyMC gives the family).
    pub fn support(&self) -> Support {
        match *self {
            Prior::Normal { .. } | Prior::Laplace { .. } | Prior::StudentT { .. } => Support::Real,
            Prior::HalfNormal { .. }
            | Prior::Gamma { .. }
            | Prior::LogNormal { .. }
            | Prior::Exponential { .. }
            | Prior::InverseGamma { .. }
            | Prior::HalfStudentT { .. } => Support::Positive,
            Prior::Beta { .. } => Support::UnitInterval,
            Prior::TruncatedNormal { lower, upper, .. } => match (lower.is_finite(), upper.is_finite()) {
                (true, true) => Support::Interval { lower, upper },
                (true, false) => Support::LowerBounded(lower),
                (false, true) => Support::UpperBounded(upper),
                (false, false) => Support::Real,
            },
        }
    }

    /// `ln p(x)` with PyMC's normalising constants; `-inf` outside the support.
    pub fn logp(&self, x: f64) -> f64 {
        self.logp_dx(x).0
    }

    /// `ln p(x)` and `d ln p / dx`; see [`LogDensity::logp_dx`].
    pub fn logp_dx(&self, x: f64) -> (f64, f64) {
        self.log_density().logp_dx(x)
    }

    /// `ln p(x)`, `d ln p / dx` and the derivatives in the canonical parameters (in the order of
    /// [`Prior::param_names`]; truncation bounds get none): what a hyper-prior passes on to the
    /// blocks its parameters come from. Parameters out of their domain, as an underflowed
    /// hyper-parameter can give, make `x` impossible.
    pub fn logp_grad_params(&self, x: f64) -> (f64, f64, [f64; 4]) {
        let impossible = (f64::NEG_INFINITY, 0.0, [0.0; 4]);
        if self.validate().is_err() {
            return impossible;
        }
        let (lp, dx) = self.logp_dx(x);
        if lp == f64::NEG_INFINITY {
            return impossible;
        }
        // Normal-type parameters: d/dmu = z/σ, d/dσ = (z² - 1)/σ.
        let location_scale = |z: f64, sigma: f64| [z / sigma, (z * z - 1.0) / sigma];
        // Student-t: d/dν, d/dμ and d/dσ with z = (x - μ)/σ.
        let student = |nu: f64, z: f64, sigma: f64| {
            let w = (nu + 1.0) * z * z / (nu + z * z);
            let dnu = 0.5 * digamma(0.5 * (nu + 1.0)) - 0.5 * digamma(0.5 * nu) - 0.5 / nu - 0.5 * (z * z / nu).ln_1p()
                + 0.5 * w / nu;
            [dnu, (nu + 1.0) * z / (sigma * (nu + z * z)), (w - 1.0) / sigma]
        };
        let d = match *self {
            Prior::Normal { mu, sigma } => pad(location_scale((x - mu) / sigma, sigma)),
            Prior::HalfNormal { sigma } => pad([location_scale(x / sigma, sigma)[1]]),
            Prior::LogNormal { mu, sigma } => pad(location_scale((x.ln() - mu) / sigma, sigma)),
            Prior::Beta { alpha, beta } => {
                let both = digamma(alpha + beta);
                pad([both - digamma(alpha) + x.ln(), both - digamma(beta) + (1.0 - x).ln()])
            }
            Prior::Gamma { alpha, beta } => pad([beta.ln() - digamma(alpha) + x.ln(), alpha / beta - x]),
            Prior::InverseGamma { alpha, beta } => pad([beta.ln() - digamma(alpha) - x.ln(), alpha / beta - 1.0 / x]),
            Prior::Exponential { lam } => pad([1.0 / lam - x]),
            Prior::Laplace { mu, b } => {
                let sign = if x == mu { 0.0 } else { (x - mu).signum() };
                pad([sign / b, ((x - mu).abs() / b - 1.0) / b])
            }
            Prior::StudentT { nu, mu, sigma } => pad(student(nu, (x - mu) / sigma, sigma)),
            Prior::HalfStudentT { nu, sigma } => {
                let [dnu, _, dsigma] = student(nu, x / sigma, sigma);
                pad([dnu, dsigma])
            }
            Prior::TruncatedNormal { mu, sigma, lower, upper } => {
                // The truncated mass Z = Φ(b) - Φ(a) moves with μ and σ too: d(-ln Z)/dμ =
                // (φ(b) - φ(a))/(σZ), d(-ln Z)/dσ = (bφ(b) - aφ(a))/(σZ).
                let (a, b) = ((lower - mu) / sigma, (upper - mu) / sigma);
                let ln_z = ln_normal_mass(a, b);
                let ratio = |t: f64| if t.is_finite() { (-LN_SQRT_2PI - 0.5 * t * t - ln_z).exp() } else { 0.0 };
                let times = |t: f64| if t.is_finite() { t * ratio(t) } else { 0.0 };
                let [dmu, dsigma] = location_scale((x - mu) / sigma, sigma);
                pad([dmu + (ratio(b) - ratio(a)) / sigma, dsigma + (times(b) - times(a)) / sigma])
            }
        };
        (lp, dx, d)
    }

    /// The prior prepared for repeated evaluation.
    pub fn log_density(&self) -> LogDensity {
        LogDensity { prior: *self, support: self.support(), constant: self.normalising_constant() }
    }

    /// The terms of `ln p(x)` that do not depend on `x` (`ln Γ`, a truncated mass): the
    /// sampler evaluates each prior at every gradient, these only once.
    fn normalising_constant(&self) -> f64 {
        match *self {
            Prior::Normal { sigma, .. } | Prior::LogNormal { sigma, .. } => -LN_SQRT_2PI - sigma.ln(),
            Prior::HalfNormal { sigma } => LN_2 - LN_SQRT_2PI - sigma.ln(),
            Prior::TruncatedNormal { mu, sigma, lower, upper } => {
                -LN_SQRT_2PI - sigma.ln() - ln_normal_mass((lower - mu) / sigma, (upper - mu) / sigma)
            }
            Prior::Beta { alpha, beta } => ln_gamma(alpha + beta) - ln_gamma(alpha) - ln_gamma(beta),
            Prior::Gamma { alpha, beta } | Prior::InverseGamma { alpha, beta } => alpha * beta.ln() - ln_gamma(alpha),
            Prior::Exponential { lam } => lam.ln(),
            Prior::Laplace { b, .. } => -(2.0 * b).ln(),
            Prior::StudentT { nu, sigma, .. } => student_t_constant(nu, sigma),
            Prior::HalfStudentT { nu, sigma } => LN_2 + student_t_constant(nu, sigma),
        }
    }

    /// The point chains start from: PyMC's `support_point` for the family (the mean where it is
    /// finite and simple, else a central point), so initial log densities match PyMC's.
    pub fn initial_value(&self) -> f64 {
        match *self {
            Prior::Normal { mu, .. } | Prior::Laplace { mu, .. } | Prior::StudentT { mu, .. } => mu,
            Prior::HalfNormal { sigma } | Prior::HalfStudentT { sigma, .. } => sigma,
            Prior::Beta { alpha, beta } => alpha / (alpha + beta),
            Prior::Gamma { alpha, beta } => alpha / beta,
            Prior::LogNormal { mu, sigma } => (mu + 0.5 * sigma * sigma).exp(),
            Prior::Exponential { lam } => 1.0 / lam,
            // The mean where it exists, else the mode.
            Prior::InverseGamma { alpha, beta } => beta / if alpha > 1.0 { alpha - 1.0 } else { alpha + 1.0 },
            Prior::TruncatedNormal { mu, lower, upper, .. } => match (lower.is_finite(), upper.is_finite()) {
                (true, true) => 0.5 * (lower + upper),
                (true, false) => lower + 1.0,
                (false, true) => upper - 1.0,
                (false, false) => mu,
            },
        }
    }

    /// One random draw, for prior predictive checks and simulation.
    ///
    /// Panics if the parameters are invalid, which [`Prior::from_json`] rules out.
    pub fn sample(&self, rng: &mut impl Rng) -> f64 {
        const VALID: &str = "prior parameters were validated";
        fn z(rng: &mut impl Rng) -> f64 {
            StandardNormal.sample(rng)
        }
        fn exp1(rng: &mut impl Rng) -> f64 {
            Exp1.sample(rng)
        }
        match *self {
            Prior::Normal { mu, sigma } => mu + sigma * z(rng),
            Prior::HalfNormal { sigma } => (sigma * z(rng)).abs(),
            Prior::LogNormal { mu, sigma } => (mu + sigma * z(rng)).exp(),
            Prior::TruncatedNormal { mu, sigma, lower, upper } => {
                mu + sigma * truncated_standard_normal((lower - mu) / sigma, (upper - mu) / sigma, rng)
            }
            Prior::Beta { alpha, beta } => Beta::new(alpha, beta).expect(VALID).sample(rng),
            Prior::Gamma { alpha, beta } => Gamma::new(alpha, 1.0 / beta).expect(VALID).sample(rng),
            Prior::InverseGamma { alpha, beta } => beta / Gamma::new(alpha, 1.0).expect(VALID).sample(rng),
            Prior::Exponential { lam } => exp1(rng) / lam,
            // The difference of two unit exponentials is a standard Laplace.
            Prior::Laplace { mu, b } => mu + b * (exp1(rng) - exp1(rng)),
            Prior::StudentT { nu, mu, sigma } => mu + sigma * StudentT::new(nu).expect(VALID).sample(rng),
            Prior::HalfStudentT { nu, sigma } => (sigma * StudentT::new(nu).expect(VALID).sample(rng)).abs(),
        }
    }
}

impl fmt::Display for Prior {
    /// `HalfNormal(sigma=2)`: the canonical parameters.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (name, params) = self.named_params();
        let list: Vec<String> = params.iter().map(|(k, v)| format!("{k}={v}")).collect();
        write!(f, "{name}({})", list.join(", "))
    }
}

/// A prior with its support and normalising constant computed once, for the sampler's hot
/// path.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LogDensity {
    prior: Prior,
    pub support: Support,
    constant: f64,
}

impl LogDensity {
    /// Whether this is `Normal(0, 1)` on the real line, the prior of the non-centred HSGP basis
    /// coefficients (hundreds per process), which [`standard_normal_logp_dx`] evaluates.
    pub fn is_standard_normal(&self) -> bool {
        self.prior == (Prior::Normal { mu: 0.0, sigma: 1.0 }) && self.support == Support::Real
    }

    /// `ln p(x)` and `d ln p / dx`. Outside the support, and where the density is infinite or
    /// undefined at an end of it (Gamma with `alpha < 1` at 0, InverseGamma at 0), this is
    /// `(-inf, 0)`: PyMC's `logpow` makes those ends impossible too, and so a draw that
    /// underflowed onto a bound is rejected rather than taken with infinite density.
    pub fn logp_dx(&self, x: f64) -> (f64, f64) {
        let (lower, upper) = self.support.bounds();
        if !(x >= lower && x <= upper) {
            return (f64::NEG_INFINITY, 0.0);
        }
        let (lp, d) = match self.prior {
            Prior::Normal { mu, sigma } | Prior::TruncatedNormal { mu, sigma, .. } => normal(x, mu, sigma),
            Prior::HalfNormal { sigma } => normal(x, 0.0, sigma),
            Prior::LogNormal { mu, sigma } => {
                let ln_x = x.ln();
                let (lp, d) = normal(ln_x, mu, sigma);
                (lp - ln_x, (d - 1.0) / x)
            }
            Prior::Beta { alpha, beta } => {
                let (a, da) = power(alpha - 1.0, x);
                let (b, db) = power(beta - 1.0, 1.0 - x);
                (a + b, da - db)
            }
            Prior::Gamma { alpha, beta } => {
                let (a, da) = power(alpha - 1.0, x);
                (a - beta * x, da - beta)
            }
            Prior::InverseGamma { alpha, beta } => {
                let (a, da) = power(-(alpha + 1.0), x);
                (a - beta / x, da + beta / (x * x))
            }
            Prior::Exponential { lam } => (-lam * x, -lam),
            Prior::Laplace { mu, b } => {
                let slope = if x == mu { 0.0 } else { (mu - x).signum() / b };
                (-(x - mu).abs() / b, slope)
            }
            Prior::StudentT { nu, mu, sigma } => student_t(x, nu, mu, sigma),
            Prior::HalfStudentT { nu, sigma } => student_t(x, nu, 0.0, sigma),
        };
        let lp = self.constant + lp;
        if lp.is_nan() || lp == f64::INFINITY {
            (f64::NEG_INFINITY, 0.0)
        } else {
            (lp, d)
        }
    }
}

/// [`LogDensity::logp_dx`] of `Normal(0, 1)` on the real line, in the same bits (`(x − 0) / 1`
/// is `x` exactly) without its dispatch on the family and support, for loops over many such
/// elements.
#[inline(always)]
pub fn standard_normal_logp_dx(x: f64) -> (f64, f64) {
    let lp = -LN_SQRT_2PI + -0.5 * x * x;
    if lp.is_nan() || lp == f64::INFINITY {
        (f64::NEG_INFINITY, 0.0)
    } else {
        (lp, -x)
    }
}

/// The normal log density's terms in `x` (without its constant) and their derivative.
fn normal(x: f64, mu: f64, sigma: f64) -> (f64, f64) {
    let z = (x - mu) / sigma;
    (-0.5 * z * z, -z / sigma)
}

/// The Student-t log density's terms in `x` (without its constant) and their derivative.
fn student_t(x: f64, nu: f64, mu: f64, sigma: f64) -> (f64, f64) {
    let z = (x - mu) / sigma;
    (-0.5 * (nu + 1.0) * (z * z / nu).ln_1p(), -(nu + 1.0) * z / (sigma * (nu + z * z)))
}

/// The Student-t log density's normalising constant, shared with the Student-t likelihood.
pub(crate) fn student_t_constant(nu: f64, sigma: f64) -> f64 {
    ln_gamma(0.5 * (nu + 1.0)) - ln_gamma(0.5 * nu) - 0.5 * (nu * PI).ln() - sigma.ln()
}

/// Up to four parameter derivatives in a fixed-size array.
fn pad<const N: usize>(v: [f64; N]) -> [f64; 4] {
    std::array::from_fn(|k| if k < N { v[k] } else { 0.0 })
}

/// `m ln y` and its derivative `m / y`, taking `0 · ln 0 = 0` as PyMC's `logpow` and Beta's
/// switches do, so that Beta(1, b) and Gamma(1, b) are finite at 0.
fn power(m: f64, y: f64) -> (f64, f64) {
    if m == 0.0 {
        (0.0, 0.0)
    } else {
        (m * y.ln(), m / y)
    }
}

/// A standard normal draw truncated to `[a, b]`, by inversion: `ln u` uniform between `ln Φ(a)`
/// and `ln Φ(b)` on the probability scale, then `z = Φ⁻¹(u)`, all in logs and mirrored into the
/// left half so that it stays exact in the far tails (where rejection would never accept).
fn truncated_standard_normal(a: f64, b: f64, rng: &mut impl Rng) -> f64 {
    if a > 0.0 {
        return -truncated_standard_normal(-b, -a, rng);
    }
    let v: f64 = Open01.sample(rng);
    let (lo, hi) = (ln_phi(a), v.ln() + ln_normal_mass(a, b));
    // ln(Φ(a) + v (Φ(b) - Φ(a))) = ln(e^lo + e^hi).
    let ln_u = lo.max(hi) + (-(lo - hi).abs()).exp().ln_1p();
    inverse_ln_phi(ln_u).clamp(a, b)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::rngs::StdRng;
    use rand::SeedableRng;
    use serde_json::json;

    fn prior(v: Value) -> Prior {
        Prior::from_json(&v).unwrap_or_else(|e| panic!("{v}: {e}"))
    }

    fn close(a: f64, b: f64, tol: f64) -> bool {
        (a - b).abs() <= tol * b.abs().max(1.0)
    }

    /// Every family, with its 10%, 30% and 90% quantiles from scipy 1.17.1:
    /// `scipy.stats.X(...).ppf([0.1, 0.3, 0.9])` with X = norm(0.5, 2), halfnorm(scale=2),
    /// beta(2, 3), beta(.5, .5), gamma(4, scale=.5), gamma(.3, scale=.5), lognorm(.5,
    /// scale=exp(.1)), laplace(0, 1.5), expon(scale=.5), invgamma(3, scale=2), t(4, 1, 2),
    /// 1.5 · t(3).ppf((1 + q)/2) for the HalfStudentT, and truncnorm(-.2, 1.8, .2, 1),
    /// truncnorm(10, inf), truncnorm(-inf, -40, 1, 2), truncnorm(60, 62, 0, .5).
    fn families() -> Vec<(Prior, [f64; 3])> {
        vec![
            (
                prior(json!({"dist": "Normal", "mu": 0.5, "sigma": 2})),
                [-2.0631031310892007, -0.5488010254160818, 3.0631031310892007],
            ),
            (
                prior(json!({"dist": "HalfNormal", "sigma": 2})),
                [0.2513226937101483, 0.7706409328151355, 3.2897072539029444],
            ),
            (
                prior(json!({"dist": "Beta", "alpha": 2, "beta": 3})),
                [0.14255931671003072, 0.27238394207510536, 0.6795394162781817],
            ),
            (
                prior(json!({"dist": "Beta", "alpha": 0.5, "beta": 0.5})),
                [0.024471741852423214, 0.2061073738537634, 0.9755282581475768],
            ),
            (
                prior(json!({"dist": "Gamma", "mu": 2, "sigma": 1})),
                [0.8723847814124557, 1.3818555213063242, 3.3403915341279324],
            ),
            (
                prior(json!({"dist": "Gamma", "alpha": 0.3, "beta": 2})),
                [0.00016186231091171635, 0.006363328884974349, 0.44240538668012214],
            ),
            (
                prior(json!({"dist": "LogNormal", "mu": 0.1, "sigma": 0.5})),
                [0.582296341634158, 0.8502709153366197, 2.097562136029263],
            ),
            (
                prior(json!({"dist": "Laplace", "b": 1.5})),
                [-2.4141568686511503, -0.7662384356489861, 2.4141568686511508],
            ),
            (
                prior(json!({"dist": "Exponential", "lam": 2})),
                [0.052680257828913155, 0.17833747196936622, 1.151292546497023],
            ),
            (
                prior(json!({"dist": "InverseGamma", "alpha": 3, "beta": 2})),
                [0.37577595354094223, 0.5531634821501716, 1.814774450056502],
            ),
            (
                prior(json!({"dist": "StudentT", "nu": 4, "mu": 1, "sigma": 2})),
                [-2.066412548117887, -0.1372981260994106, 4.0664125481178885],
            ),
            (
                prior(json!({"dist": "HalfStudentT", "nu": 3, "sigma": 1.5})),
                [0.20489729903054857, 0.6363024336298743, 3.530045152202735],
            ),
            (
                prior(json!({"dist": "TruncatedNormal", "mu": 0.2, "sigma": 1, "lower": 0, "upper": 2})),
                [0.1374771416124611, 0.4114684039761396, 1.5391356510014396],
            ),
            (
                prior(json!({"dist": "TruncatedNormal", "sigma": 1, "lower": 10})),
                [10.010428370091844, 10.035260039598791, 10.2255268112022],
            ),
            (
                prior(json!({"dist": "TruncatedNormal", "mu": 1, "sigma": 2, "upper": -79})),
                [-79.11497491607206, -79.06013851054922, -79.00526456641403],
            ),
            (
                prior(json!({"dist": "TruncatedNormal", "sigma": 0.5, "lower": 30, "upper": 31})),
                [30.000877747776467, 30.00297131918613, 30.01917675775143],
            ),
        ]
    }

    #[test]
    fn log_density_derivative_matches_finite_differences() {
        for (prior, quantiles) in families() {
            for x in quantiles {
                let h = 1e-6 * x.abs().max(1e-3);
                let fd = (prior.logp(x + h) - prior.logp(x - h)) / (2.0 * h);
                let (lp, d) = prior.logp_dx(x);
                assert!(lp.is_finite() && close(d, fd, 1e-6), "{prior} at {x}: {d} vs finite difference {fd}");
            }
        }
    }

    #[test]
    fn parameter_derivatives_match_finite_differences() {
        for (prior, quantiles) in families() {
            let (_, values) = prior.parts();
            for x in quantiles {
                let (_, _, d) = prior.logp_grad_params(x);
                for (k, name) in prior.param_names().enumerate() {
                    if matches!(name, "lower" | "upper") {
                        continue;
                    }
                    // Five-point stencil with a step wide enough for the tail cases, whose log
                    // densities carry rounding errors near 1e-12.
                    let h = 1e-4 * values[k].abs().max(0.1);
                    let at = |step: f64| prior.with_param(k, values[k] + step * h).logp(x);
                    let fd = (8.0 * (at(1.0) - at(-1.0)) - (at(2.0) - at(-2.0))) / (12.0 * h);
                    assert!(close(d[k], fd, 1e-6), "{prior} at {x}: d/d{name} {} vs finite difference {fd}", d[k]);
                }
            }
        }
        // Parameters out of their domain (an underflowed scale) make any value impossible.
        let p = Prior::Normal { mu: 0.0, sigma: 0.0 };
        assert_eq!(p.logp_grad_params(0.1).0, f64::NEG_INFINITY);
    }

    #[test]
    fn log_densities_match_reference_values() {
        // scipy 1.17.1 `scipy.stats.X.logpdf(x)` with X as listed in `families`, plus
        // gamma(.3, scale=.5), beta(.5, .5), t(.7), invgamma(6, scale=10) (= InverseGamma(mu=2,
        // sigma=1)), expon(scale=4), and log(2) + t(3, 0, 1.5).logpdf(x) for the HalfStudentT.
        // PyMC 5.28.5, `pm.logp(pm.X.dist(**float64 params), np.float64(x)).eval()` with
        // floatX=float64, agrees to 4e-15 except: HalfStudentT, 1.9e-9 higher because PyMC takes
        // log(2) in float32; TruncatedNormal, 5e-9 to 6e-5 off because its normalising constant
        // loses precision. Those two are checked against mpmath 1.4.1 at 50 digits (3000 for
        // the [30, 31] case), which agrees with scipy to 3e-13.
        let cases = [
            (json!({"dist": "Normal", "mu": 0.5, "sigma": 2}), 1.3, -1.6920857137646181),
            (json!({"dist": "Normal", "mu": 0.5, "sigma": 2}), -7.0, -8.643335713764618),
            (json!({"dist": "HalfNormal", "sigma": 2}), 0.7, -0.9801885332046727),
            (json!({"dist": "HalfNormal", "sigma": 2}), 0.0, -0.9189385332046727),
            (json!({"dist": "Beta", "alpha": 2, "beta": 3}), 0.3, 0.5675839575845993),
            (json!({"dist": "Beta", "alpha": 2, "beta": 3}), 1e-6, -11.330605908177274),
            (json!({"dist": "Beta", "alpha": 0.5, "beta": 0.5}), 0.999, 2.30964800380846),
            (json!({"dist": "Gamma", "mu": 2, "sigma": 1}), 1.5, -0.8027754226637805),
            (json!({"dist": "Gamma", "mu": 2, "sigma": 1}), 20.0, -30.0319739263263),
            (json!({"dist": "Gamma", "alpha": 0.3, "beta": 2}), 0.01, 2.315765289541572),
            (json!({"dist": "LogNormal", "mu": 0.1, "sigma": 0.5}), 1.2, -0.4216665868646426),
            (json!({"dist": "LogNormal", "mu": 0.1, "sigma": 0.5}), 0.05, -16.39717569813826),
            (json!({"dist": "Laplace", "mu": 0, "b": 1.5}), 0.4, -1.3652789553347764),
            (json!({"dist": "Laplace", "mu": 0, "b": 1.5}), -3.0, -3.09861228866811),
            (json!({"dist": "Exponential", "lam": 2}), 0.6, -0.5068528194400547),
            (json!({"dist": "Exponential", "lam": 2}), 0.0, LN_2),
            (json!({"dist": "Exponential", "scale": 4}), 3.0, -2.136294361119891),
            (json!({"dist": "InverseGamma", "alpha": 3, "beta": 2}), 0.9, -0.4144857984710265),
            (json!({"dist": "InverseGamma", "alpha": 3, "beta": 2}), 15.0, -9.579239776622282),
            (json!({"dist": "InverseGamma", "mu": 2, "sigma": 1}), 1.7, -0.5687318834294341),
            (json!({"dist": "StudentT", "nu": 4, "mu": 1, "sigma": 2}), -0.5, -2.00291732804347),
            (json!({"dist": "StudentT", "nu": 4, "mu": 1, "sigma": 2}), 30.0, -11.626099424466668),
            (json!({"dist": "StudentT", "nu": 0.7, "sigma": 1}), 2.5, -3.173117694611567),
            (json!({"dist": "HalfStudentT", "nu": 3, "sigma": 1.5}), 2.0, -1.6439332765501957),
            (json!({"dist": "HalfStudentT", "nu": 3, "sigma": 1.5}), 0.0, -0.7132067771717289),
            (
                json!({"dist": "TruncatedNormal", "mu": 0.2, "sigma": 1, "lower": 0, "upper": 2}),
                1.1,
                -0.713899002260516,
            ),
            (json!({"dist": "TruncatedNormal", "sigma": 1, "lower": 10}), 10.5, -2.812653382692202),
            (json!({"dist": "TruncatedNormal", "mu": 1, "sigma": 2, "upper": -79}), -79.01, 2.7963437999890677),
            (json!({"dist": "TruncatedNormal", "sigma": 1, "lower": -3, "upper": -2.5}), -2.9, 0.20282619087438977),
            (json!({"dist": "TruncatedNormal", "sigma": 0.5, "lower": 30, "upper": 31}), 30.2, -19.2922306720775),
        ];
        for (v, x, expected) in cases {
            let p = prior(v);
            assert!(close(p.logp(x), expected, 1e-13), "{p} at {x}: {} vs {expected}", p.logp(x));
        }
    }

    #[test]
    fn boundaries_and_outside_the_support() {
        let p = |v| prior(v);
        let ninf = f64::NEG_INFINITY;
        assert_eq!(p(json!({"dist": "HalfNormal", "sigma": 1})).logp_dx(-1e-12), (ninf, 0.0));
        assert_eq!(p(json!({"dist": "Beta", "alpha": 2, "beta": 2})).logp(1.0 + 1e-12), ninf);
        assert_eq!(p(json!({"dist": "Normal", "sigma": 1})).logp(f64::NAN), ninf);
        assert_eq!(p(json!({"dist": "TruncatedNormal", "sigma": 1, "upper": 0})).logp(1e-9), ninf);
        // Finite ends, as in PyMC: Beta(1, 3) at 0 is 3, Gamma(1, 2) at 0 is 2.
        assert!(close(p(json!({"dist": "Beta", "alpha": 1, "beta": 3})).logp(0.0), 3f64.ln(), 1e-14));
        assert!(close(p(json!({"dist": "Gamma", "alpha": 1, "beta": 2})).logp(0.0), LN_2, 1e-14));
        // Infinite or undefined ends count as impossible.
        for v in [
            json!({"dist": "Gamma", "alpha": 0.5, "beta": 1}),
            json!({"dist": "LogNormal", "sigma": 1}),
            json!({"dist": "InverseGamma", "alpha": 2, "beta": 1}),
        ] {
            assert_eq!(p(v).logp_dx(0.0), (ninf, 0.0));
        }
    }

    #[test]
    fn supports_and_initial_values_are_pymcs() {
        // PyMC 5.28.5 `support_point(dist).eval()` for the priors of `families`, in order.
        let points =
            [0.5, 2.0, 0.4, 0.5, 2.0, 0.15, 1.2523227161918644, 0.0, 0.5, 1.0, 1.0, 1.5, 1.0, 11.0, -80.0, 30.5];
        let supports = [
            Support::Real,
            Support::Positive,
            Support::UnitInterval,
            Support::UnitInterval,
            Support::Positive,
            Support::Positive,
            Support::Positive,
            Support::Real,
            Support::Positive,
            Support::Positive,
            Support::Real,
            Support::Positive,
            Support::Interval { lower: 0.0, upper: 2.0 },
            Support::LowerBounded(10.0),
            Support::UpperBounded(-79.0),
            Support::Interval { lower: 30.0, upper: 31.0 },
        ];
        for (((p, _), point), support) in families().into_iter().zip(points).zip(supports) {
            assert!(close(p.initial_value(), point, 1e-15), "{p}: {}", p.initial_value());
            assert_eq!(p.support(), support, "{p}");
            assert!(p.logp(p.initial_value()).is_finite(), "{p}");
        }
        // InverseGamma without a mean starts at its mode; an untruncated TruncatedNormal at mu.
        assert_eq!(prior(json!({"dist": "InverseGamma", "alpha": 0.5, "beta": 3})).initial_value(), 2.0);
        let p = prior(json!({"dist": "TruncatedNormal", "mu": 4, "sigma": 1}));
        assert_eq!((p.initial_value(), p.support()), (4.0, Support::Real));
    }

    #[test]
    fn samples_follow_the_distribution() {
        // The share of draws below each scipy quantile q is q, within 5 standard errors.
        let n = 20_000;
        let mut rng = StdRng::seed_from_u64(7);
        for (p, quantiles) in families() {
            let draws: Vec<f64> = (0..n).map(|_| p.sample(&mut rng)).collect();
            assert!(draws.iter().all(|&x| p.logp(x).is_finite()), "{p}: a draw outside the support");
            for (q, x) in [0.1, 0.3, 0.9].into_iter().zip(quantiles) {
                let share = draws.iter().filter(|&&d| d < x).count() as f64 / n as f64;
                assert!(
                    (share - q).abs() < 5.0 * (q * (1.0 - q) / n as f64).sqrt(),
                    "{p}: {share} below its {q} quantile"
                );
            }
        }
    }

    #[test]
    fn json_forms_resolve_to_canonical_and_round_trip() {
        for (p, _) in families() {
            assert_eq!(Prior::from_json(&p.to_json()), Ok(p));
        }
        let same = [
            (json!({"dist": "Gamma", "mu": 2, "sigma": 1}), Prior::Gamma { alpha: 4.0, beta: 2.0 }),
            (json!({"dist": "InverseGamma", "mu": 2, "sigma": 1}), Prior::InverseGamma { alpha: 6.0, beta: 10.0 }),
            (json!({"dist": "Exponential", "scale": 4}), Prior::Exponential { lam: 0.25 }),
            (json!({"dist": "HalfNormal", "kwargs": {"sigma": 2}}), Prior::HalfNormal { sigma: 2.0 }),
            (json!({"dist": "Normal", "sigma": 2}), Prior::Normal { mu: 0.0, sigma: 2.0 }),
            (json!({"dist": "Laplace", "b": 2}), Prior::Laplace { mu: 0.0, b: 2.0 }),
            (json!({"dist": "StudentT", "nu": 3, "sigma": 2}), Prior::StudentT { nu: 3.0, mu: 0.0, sigma: 2.0 }),
            (
                json!({"dist": "TruncatedNormal", "sigma": 1, "lower": 0}),
                Prior::TruncatedNormal { mu: 0.0, sigma: 1.0, lower: 0.0, upper: f64::INFINITY },
            ),
        ];
        for (v, expected) in same {
            assert_eq!(prior(v), expected);
        }
        assert_eq!(
            prior(json!({"dist": "Gamma", "mu": 2, "sigma": 1})).to_json(),
            json!({"dist": "Gamma", "alpha": 4.0, "beta": 2.0})
        );
        let truncated = prior(json!({"dist": "TruncatedNormal", "sigma": 1, "lower": 0}));
        assert_eq!(truncated.to_json(), json!({"dist": "TruncatedNormal", "mu": 0.0, "sigma": 1.0, "lower": 0.0}));
        assert_eq!(truncated.to_string(), "TruncatedNormal(mu=0, sigma=1, lower=0)");
        assert_eq!(prior(json!({"dist": "HalfNormal", "sigma": 2})).to_string(), "HalfNormal(sigma=2)");
        assert_eq!(Support::Interval { lower: 0.0, upper: 2.0 }.to_string(), "(0, 2)");
    }

    #[test]
    fn errors_name_the_key_and_what_is_allowed() {
        let err = |v: Value| Prior::from_json(&v).unwrap_err().to_string();
        let cases = [
            (json!(3), vec!["\"dist\""]),
            (json!({"sigma": 1}), vec!["\"dist\"", "HalfNormal"]),
            (json!({"dist": "Cauchy"}), vec!["\"Cauchy\"", "HalfStudentT, TruncatedNormal"]),
            (json!({"dist": "HalfNormal"}), vec!["\"sigma\""]),
            (json!({"dist": "Normal", "sigma": 1, "tau": 2}), vec!["\"tau\"", "mu, sigma"]),
            (
                json!({"dist": "Gamma", "alpha": 2, "sigma": 1}),
                vec!["\"alpha\", \"sigma\"", "(alpha, beta) or (mu, sigma)"],
            ),
            (json!({"dist": "Gamma", "mu": 2}), vec!["\"sigma\""]),
            (json!({"dist": "Beta", "alpha": "one", "beta": 1}), vec!["\"alpha\"", "\"one\""]),
            (
                json!({"dist": "Normal", "mu": {"dist": "Normal", "sigma": 1}, "sigma": 1}),
                vec!["\"mu\"", "hierarchical"],
            ),
            (json!({"dist": "HalfNormal", "sigma": -1}), vec!["\"sigma\"", "-1", "> 0"]),
            (json!({"dist": "Gamma", "mu": -2, "sigma": 1}), vec!["\"mu\"", "> 0"]),
            (json!({"dist": "StudentT", "nu": 0, "sigma": 1}), vec!["\"nu\""]),
            (json!({"dist": "Gamma", "mu": 1e200, "sigma": 1e-200}), vec!["\"alpha\"", "inf"]),
            (
                json!({"dist": "TruncatedNormal", "sigma": 1, "lower": 2, "upper": 1}),
                vec!["\"lower\" = 2", "\"upper\" = 1"],
            ),
            (json!({"dist": "HalfNormal", "kwargs": [2]}), vec!["\"kwargs\""]),
            (json!({"dist": "HalfNormal", "kwargs": {"sigma": 2}, "dims": "channel"}), vec!["\"dims\""]),
        ];
        for (v, needles) in cases {
            let message = err(v.clone());
            for needle in needles {
                assert!(message.contains(needle), "{v}: {message:?} lacks {needle:?}");
            }
        }
        let mut direct = Prior::Beta { alpha: 1.0, beta: 0.0 };
        assert!(direct.validate().unwrap_err().to_string().contains("\"beta\""));
        direct = Prior::TruncatedNormal { mu: 0.0, sigma: 1.0, lower: f64::NAN, upper: 1.0 };
        assert!(direct.validate().unwrap_err().to_string().contains("\"lower\""));
    }
}

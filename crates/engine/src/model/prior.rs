//! Prior distributions as PyMC names and parameterises them.
//!
//! A prior is read from PyMC-Marketing's config shape, `{"dist": "HalfNormal", "sigma": 1}`, or
//! the shape its `Prior.to_dict()` writes, `{"dist": "HalfNormal", "kwargs": {"sigma": 1}}`, and
//! gives the sampler what it needs:
//!
//! - the log density with PyMC's normalising constants, and its derivative, so that our log
//!   posterior can be compared with PyMC's model logp term by term;
//! - the support-preserving transform PyMC samples the parameter through. NUTS moves on all of
//!   ℝ, so a parameter confined to (0, ∞) or (0, 1) is sampled as an unconstrained `u` with
//!   `x = f(u)`. The density of `u` is `p(f(u)) · |f'(u)|`, which is why [`Constrained`] carries
//!   the log-Jacobian and its derivative: without it the chain would sample the wrong
//!   distribution.
//!
//! The module is self-contained: `ln Γ` (to 2.5e-15) and the normal log-CDF (to 3e-14
//! relative, far into the tails) are written out below.

use super::special::ln_gamma;
use rand::Rng;
use rand_distr::{Beta, Distribution, Exp1, Gamma, Open01, StandardNormal, StudentT};
use serde_json::{Map, Value};
use std::f64::consts::{LN_2, PI, SQRT_2};
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

/// Where a distribution lives, which decides the transform to unconstrained space.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Support {
    Real,
    Positive,
    UnitInterval,
    Interval { lower: f64, upper: f64 },
    LowerBounded(f64),
    UpperBounded(f64),
}

/// A constrained value `x = f(u)` with what the log density needs of the transform.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Constrained {
    pub value: f64,
    pub dvalue_du: f64,
    /// `ln |dx/du|`, added to the log density so that draws of `u` map back to draws of `x`.
    pub log_jac: f64,
    pub dlog_jac_du: f64,
}

impl Support {
    /// The ends of the support (infinite where unbounded).
    pub fn bounds(&self) -> (f64, f64) {
        match *self {
            Support::Real => (f64::NEG_INFINITY, f64::INFINITY),
            Support::Positive => (0.0, f64::INFINITY),
            Support::UnitInterval => (0.0, 1.0),
            Support::Interval { lower, upper } => (lower, upper),
            Support::LowerBounded(lower) => (lower, f64::INFINITY),
            Support::UpperBounded(upper) => (f64::NEG_INFINITY, upper),
        }
    }

    /// PyMC's backward transforms: identity on ℝ; `lower + e^u` or `upper - e^u` for one bound
    /// (its log transform); `lower + (upper - lower) σ(u)` for two (its logodds and interval
    /// transforms).
    pub fn constrain(&self, u: f64) -> Constrained {
        match self.bounds() {
            (lower, upper) if lower.is_finite() && upper.is_finite() => scaled_logistic(lower, upper, u),
            (lower, _) if lower.is_finite() => exp_from(lower, 1.0, u),
            (_, upper) if upper.is_finite() => exp_from(upper, -1.0, u),
            _ => Constrained { value: u, dvalue_du: 1.0, log_jac: 0.0, dlog_jac_du: 0.0 },
        }
    }

    /// The inverse of [`Support::constrain`] (PyMC's forward transforms).
    pub fn unconstrain(&self, x: f64) -> f64 {
        match self.bounds() {
            (lower, upper) if lower.is_finite() && upper.is_finite() => (x - lower).ln() - (upper - x).ln(),
            (lower, _) if lower.is_finite() => (x - lower).ln(),
            (_, upper) if upper.is_finite() => (upper - x).ln(),
            _ => x,
        }
    }
}

impl fmt::Display for Support {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (lower, upper) = self.bounds();
        write!(f, "({lower}, {upper})")
    }
}

/// `x = origin + sign · e^u`, whose log-Jacobian is just `u`.
fn exp_from(origin: f64, sign: f64, u: f64) -> Constrained {
    let e = u.exp();
    Constrained { value: origin + sign * e, dvalue_du: sign * e, log_jac: u, dlog_jac_du: 1.0 }
}

/// `x = lower + (upper - lower) σ(u)`, with `ln σ(u) + ln σ(-u)` in a form finite for any `u`.
fn scaled_logistic(lower: f64, upper: f64, u: f64) -> Constrained {
    let (s, t) = (sigmoid(u), sigmoid(-u));
    let width = upper - lower;
    Constrained {
        value: lower + width * s,
        dvalue_du: width * s * t,
        log_jac: width.ln() - u.abs() - 2.0 * (-u.abs()).exp().ln_1p(),
        dlog_jac_du: t - s,
    }
}

/// `1 / (1 + e^{-u})` without overflow for large `|u|`.
fn sigmoid(u: f64) -> f64 {
    if u >= 0.0 {
        1.0 / (1.0 + (-u).exp())
    } else {
        let e = u.exp();
        e / (1.0 + e)
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

    /// The family and the parameters in its canonical order.
    fn parts(&self) -> (&'static Family, Vec<f64>) {
        let (name, values) = match *self {
            Prior::Normal { mu, sigma } => ("Normal", vec![mu, sigma]),
            Prior::HalfNormal { sigma } => ("HalfNormal", vec![sigma]),
            Prior::Beta { alpha, beta } => ("Beta", vec![alpha, beta]),
            Prior::Gamma { alpha, beta } => ("Gamma", vec![alpha, beta]),
            Prior::LogNormal { mu, sigma } => ("LogNormal", vec![mu, sigma]),
            Prior::Laplace { mu, b } => ("Laplace", vec![mu, b]),
            Prior::Exponential { lam } => ("Exponential", vec![lam]),
            Prior::InverseGamma { alpha, beta } => ("InverseGamma", vec![alpha, beta]),
            Prior::StudentT { nu, mu, sigma } => ("StudentT", vec![nu, mu, sigma]),
            Prior::HalfStudentT { nu, sigma } => ("HalfStudentT", vec![nu, sigma]),
            Prior::TruncatedNormal { mu, sigma, lower, upper } => ("TruncatedNormal", vec![mu, sigma, lower, upper]),
        };
        let family = FAMILIES.iter().find(|f| f.name == name).expect("every variant has a family");
        (family, values)
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

/// `ln √(2π)`.
const LN_SQRT_2PI: f64 = 0.918_938_533_204_672_8;

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

/// `m ln y` and its derivative `m / y`, taking `0 · ln 0 = 0` as PyMC's `logpow` and Beta's
/// switches do, so that Beta(1, b) and Gamma(1, b) are finite at 0.
fn power(m: f64, y: f64) -> (f64, f64) {
    if m == 0.0 {
        (0.0, 0.0)
    } else {
        (m * y.ln(), m / y)
    }
}

/// `ln Φ(z)` of the standard normal, far into either tail (within 3e-14 relative of mpmath for
/// z from -45 to 12), through `Φ(z) = erfc(x)/2` with `x = -z/√2`: Laplace's continued fraction
/// for x >= 1.5 (in log form, so it never underflows), the Taylor series of erf for
/// 0 <= x < 1.5, and `ln Φ(z) = ln(1 - Φ(-z))` for z > 0.
fn ln_phi(z: f64) -> f64 {
    let x = -z / SQRT_2;
    if x >= 1.5 {
        // erfc(x) = e^{-x²}/√π · 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + ...)))); 100 terms reach
        // 1e-17 from x = 1.5.
        let f = (1..=100).rev().fold(x, |f, n| x + (n as f64 / 2.0) / f);
        -x * x - (PI.sqrt() * f).ln() - LN_2
    } else if x >= 0.0 {
        // erf(x) = 2/√π Σ (-1)ⁿ x^{2n+1} / (n! (2n+1)).
        let (mut term, mut sum) = (x, x);
        for n in 1..40 {
            term *= -x * x / n as f64;
            sum += term / (2 * n + 1) as f64;
        }
        (0.5 - sum / PI.sqrt()).ln()
    } else {
        (-ln_phi(-z).exp()).ln_1p()
    }
}

/// `ln(Φ(b) - Φ(a))`, the log mass of a truncation; computed in the left half (mirroring when
/// `a > 0`), where Φ keeps its relative precision.
fn ln_normal_mass(a: f64, b: f64) -> f64 {
    if a > 0.0 {
        return ln_normal_mass(-b, -a);
    }
    let (la, lb) = (ln_phi(a), ln_phi(b));
    lb + (-(la - lb).exp_m1()).ln()
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

/// Solves `ln Φ(z) = t` for `t < 0` by Newton's method. `ln Φ` is increasing and concave, so
/// from a start left of the root (`-√(-2t)`: Φ(-s) < e^{-s²/2}/2) the iterates rise to it
/// monotonically.
fn inverse_ln_phi(t: f64) -> f64 {
    let mut z = -(-2.0 * t).sqrt();
    for _ in 0..100 {
        let ln_cdf = ln_phi(z);
        let ln_pdf = -LN_SQRT_2PI - 0.5 * z * z;
        let step = (t - ln_cdf) * (ln_cdf - ln_pdf).exp();
        if step > 1e-15 * z.abs().max(1.0) {
            z += step;
        } else {
            break;
        }
    }
    z
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
    fn special_functions_match_reference_values() {
        // mpmath 1.4.1 at 50 digits: loggamma(x), log(ncdf(z)).
        for (x, expected) in [
            (0.1, 2.252712651734206),
            (0.5, 0.5723649429247001),
            (1.0, 0.0),
            (2.5, 0.2846828704729192),
            (10.0, 12.801827480081469),
            (100.0, 359.1342053695754),
            (1e5, 1051287.7089736569),
        ] {
            assert!(close(ln_gamma(x), expected, 3e-15), "ln_gamma({x}) = {}", ln_gamma(x));
        }
        for (z, expected) in [
            (-40.0, -804.6084420137538),
            (-10.0, -53.23128515051247),
            (-3.0, -6.607726221510349),
            (-2.0 * SQRT_2, -6.058088445176583),
            (-1.0, -1.8410216450092636),
            (0.0, -std::f64::consts::LN_2),
            (1.5, -0.06914345561223398),
            (5.0, -2.866516129637636e-07),
            (10.0, -7.619853024160525e-24),
        ] {
            let rel = (ln_phi(z) - expected).abs() / expected.abs();
            assert!(rel < 2e-14, "ln_phi({z}) = {} vs {expected}", ln_phi(z));
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
    fn transforms_round_trip_with_exact_jacobians() {
        let supports = [
            Support::Real,
            Support::Positive,
            Support::UnitInterval,
            Support::Interval { lower: -1.0, upper: 3.0 },
            Support::LowerBounded(2.0),
            Support::UpperBounded(-1.0),
        ];
        for s in supports {
            let (lower, upper) = s.bounds();
            for u in [-7.0, -3.0, -0.2, 0.0, 1.7, 6.0] {
                let c = s.constrain(u);
                assert!(c.value > lower && c.value < upper, "{s:?} at {u}");
                assert!((s.unconstrain(c.value) - u).abs() < 1e-12, "{s:?} round trip at {u}");
                let h = 1e-6;
                let (up, down) = (s.constrain(u + h), s.constrain(u - h));
                assert!(close(c.dvalue_du, (up.value - down.value) / (2.0 * h), 1e-8), "{s:?} dx/du at {u}");
                assert!((c.dvalue_du.abs().ln() - c.log_jac).abs() < 1e-12, "{s:?} log_jac at {u}");
                assert!(
                    (c.dlog_jac_du - (up.log_jac - down.log_jac) / (2.0 * h)).abs() < 1e-8,
                    "{s:?} dlog_jac at {u}"
                );
            }
            for u in [-40.0, 40.0, -800.0, 800.0] {
                let c = s.constrain(u);
                assert!(c.log_jac.is_finite() && c.dlog_jac_du.is_finite(), "{s:?} at {u}: {c:?}");
            }
        }
        // PyMC's interval transform at u = 0: the midpoint, log-Jacobian ln(width / 4).
        let c = Support::Interval { lower: -1.0, upper: 3.0 }.constrain(0.0);
        assert_eq!((c.value, c.log_jac), (1.0, 0.0));
        assert!(
            (Support::UnitInterval.constrain(-40.0).log_jac - (-40.0 - 2.0 * (-40f64).exp().ln_1p())).abs() < 1e-12
        );
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

//! Prior distributions as PyMC names and parameterises them, each with its log density (with
//! normalising constants, as PyMC's `logp`), the derivative in `x`, and the support-preserving
//! transform PyMC samples it through.

use super::special::ln_gamma;
use rand::{Rng, RngExt};
use rand_distr::Distribution;
use serde_json::{json, Map, Value};
use std::f64::consts::PI;
use std::fmt;

/// A prior family with its parameters.
#[derive(Debug, Clone, PartialEq)]
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

const FAMILIES: &str =
    "Normal, HalfNormal, Beta, Gamma, LogNormal, Laplace, Exponential, InverseGamma, StudentT, HalfStudentT, TruncatedNormal";

/// A prior that cannot be built from its JSON; the message names the key.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum PriorError {
    #[error("a prior must be an object with a \"dist\" key, got {0}")]
    NotAnObject(String),
    #[error("unknown dist \"{0}\" (known: {FAMILIES})")]
    UnknownDist(String),
    #[error("{dist} needs the parameter \"{key}\"")]
    Missing { dist: String, key: String },
    #[error("{dist} has no parameter \"{key}\" (it takes {allowed})")]
    UnknownKey { dist: String, key: String, allowed: String },
    #[error("{dist}: \"{key}\" must be a number")]
    NotANumber { dist: String, key: String },
    #[error("{dist}: \"{key}\" = {value} is invalid; it must be {rule}")]
    Invalid { dist: String, key: String, value: f64, rule: &'static str },
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

/// A constrained value with what the density needs of the transform.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Constrained {
    pub value: f64,
    pub dvalue_du: f64,
    /// `ln |dvalue/du|`: added to the log density so that draws of `u` map back to draws
    /// from the constrained posterior.
    pub log_jac: f64,
    pub dlog_jac_du: f64,
}

impl Support {
    /// Lower and upper ends of the support.
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

    pub fn constrain(&self, u: f64) -> Constrained {
        match *self {
            Support::Real => Constrained { value: u, dvalue_du: 1.0, log_jac: 0.0, dlog_jac_du: 0.0 },
            Support::Positive => exp_offset(0.0, 1.0, u),
            Support::LowerBounded(lower) => exp_offset(lower, 1.0, u),
            Support::UpperBounded(upper) => exp_offset(upper, -1.0, u),
            Support::UnitInterval => logistic(0.0, 1.0, u),
            Support::Interval { lower, upper } => logistic(lower, upper, u),
        }
    }

    pub fn unconstrain(&self, x: f64) -> f64 {
        match *self {
            Support::Real => x,
            Support::Positive => x.ln(),
            Support::LowerBounded(lower) => (x - lower).ln(),
            Support::UpperBounded(upper) => (upper - x).ln(),
            Support::UnitInterval => (x / (1.0 - x)).ln(),
            Support::Interval { lower, upper } => {
                let p = (x - lower) / (upper - lower);
                (p / (1.0 - p)).ln()
            }
        }
    }
}

impl fmt::Display for Support {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (lo, hi) = self.bounds();
        write!(f, "({lo}, {hi})")
    }
}

/// `x = offset + sign · e^u`.
fn exp_offset(offset: f64, sign: f64, u: f64) -> Constrained {
    let e = u.exp();
    Constrained { value: offset + sign * e, dvalue_du: sign * e, log_jac: u, dlog_jac_du: 1.0 }
}

/// `x = lower + (upper - lower) σ(u)`, with `ln σ` computed stably for large `|u|`.
fn logistic(lower: f64, upper: f64, u: f64) -> Constrained {
    let s = 1.0 / (1.0 + (-u).exp());
    let width = upper - lower;
    // ln σ(u) + ln σ(-u) = -|u| - 2 ln(1 + e^{-|u|}).
    let log_sig = -u.abs() - 2.0 * (-u.abs()).exp().ln_1p();
    Constrained {
        value: lower + width * s,
        dvalue_du: width * s * (1.0 - s),
        log_jac: width.ln() + log_sig,
        dlog_jac_du: 1.0 - 2.0 * s,
    }
}

/// `ln Φ(z)` of the standard normal, stable in the far left tail.
fn ln_normal_cdf(z: f64) -> f64 {
    (0.5 * erfc(-z / std::f64::consts::SQRT_2)).ln()
}

/// `erfc` to about 1e-15: Taylor series of erf for |x| < 2, Lentz continued fraction beyond.
fn erfc(x: f64) -> f64 {
    if x.abs() < 2.0 {
        let (mut term, mut sum, x2) = (x, x, x * x);
        for n in 1..60 {
            term *= -x2 / n as f64;
            sum += term / (2 * n + 1) as f64;
        }
        return 1.0 - 2.0 / PI.sqrt() * sum;
    }
    if x < 0.0 {
        return 2.0 - erfc(-x);
    }
    // erfc(x) = e^{-x²}/√π · 1/(x + 1/2/(x + 1/(x + 3/2/(x + ...)))).
    let mut f = x;
    for n in (1..80).rev() {
        f = x + (n as f64 / 2.0) / f;
    }
    (-x * x).exp() / (PI.sqrt() * f)
}

impl Prior {
    /// Parses `{"dist": "HalfNormal", "sigma": 1}`, accepting PyMC's alternative forms
    /// (Gamma and InverseGamma by mu/sigma, Exponential by scale).
    pub fn from_json(v: &Value) -> Result<Prior, PriorError> {
        let obj = v.as_object().ok_or_else(|| PriorError::NotAnObject(v.to_string()))?;
        let dist = obj.get("dist").and_then(Value::as_str).ok_or_else(|| PriorError::NotAnObject(v.to_string()))?;
        let args = Args { dist, obj };
        let prior = match dist {
            "Normal" => {
                args.only(&["mu", "sigma"])?;
                Prior::Normal { mu: args.or("mu", 0.0)?, sigma: args.positive("sigma")? }
            }
            "HalfNormal" => {
                args.only(&["sigma"])?;
                Prior::HalfNormal { sigma: args.positive("sigma")? }
            }
            "Beta" => {
                args.only(&["alpha", "beta"])?;
                Prior::Beta { alpha: args.positive("alpha")?, beta: args.positive("beta")? }
            }
            "Gamma" | "InverseGamma" => {
                let (alpha, beta) = if obj.contains_key("mu") || obj.contains_key("sigma") {
                    args.only(&["mu", "sigma"])?;
                    let (mu, sigma) = (args.positive("mu")?, args.positive("sigma")?);
                    if dist == "Gamma" {
                        (mu * mu / (sigma * sigma), mu / (sigma * sigma))
                    } else {
                        // PyMC: alpha = 2 + mu²/sigma², beta = mu (alpha - 1).
                        let alpha = 2.0 + mu * mu / (sigma * sigma);
                        (alpha, mu * (alpha - 1.0))
                    }
                } else {
                    args.only(&["alpha", "beta"])?;
                    (args.positive("alpha")?, args.positive("beta")?)
                };
                if dist == "Gamma" {
                    Prior::Gamma { alpha, beta }
                } else {
                    Prior::InverseGamma { alpha, beta }
                }
            }
            "LogNormal" => {
                args.only(&["mu", "sigma"])?;
                Prior::LogNormal { mu: args.or("mu", 0.0)?, sigma: args.positive("sigma")? }
            }
            "Laplace" => {
                args.only(&["mu", "b"])?;
                Prior::Laplace { mu: args.or("mu", 0.0)?, b: args.positive("b")? }
            }
            "Exponential" => {
                let lam = if obj.contains_key("scale") {
                    args.only(&["scale"])?;
                    1.0 / args.positive("scale")?
                } else {
                    args.only(&["lam"])?;
                    args.positive("lam")?
                };
                Prior::Exponential { lam }
            }
            "StudentT" => {
                args.only(&["nu", "mu", "sigma"])?;
                Prior::StudentT { nu: args.positive("nu")?, mu: args.or("mu", 0.0)?, sigma: args.positive("sigma")? }
            }
            "HalfStudentT" => {
                args.only(&["nu", "sigma"])?;
                Prior::HalfStudentT { nu: args.positive("nu")?, sigma: args.positive("sigma")? }
            }
            "TruncatedNormal" => {
                args.only(&["mu", "sigma", "lower", "upper"])?;
                let lower = args.or("lower", f64::NEG_INFINITY)?;
                let upper = args.or("upper", f64::INFINITY)?;
                if lower >= upper {
                    return Err(PriorError::Invalid { dist: dist.into(), key: "upper".into(), value: upper, rule: "above lower" });
                }
                Prior::TruncatedNormal { mu: args.or("mu", 0.0)?, sigma: args.positive("sigma")?, lower, upper }
            }
            other => return Err(PriorError::UnknownDist(other.into())),
        };
        Ok(prior)
    }

    fn name_and_params(&self) -> (&'static str, Vec<(&'static str, f64)>) {
        match *self {
            Prior::Normal { mu, sigma } => ("Normal", vec![("mu", mu), ("sigma", sigma)]),
            Prior::HalfNormal { sigma } => ("HalfNormal", vec![("sigma", sigma)]),
            Prior::Beta { alpha, beta } => ("Beta", vec![("alpha", alpha), ("beta", beta)]),
            Prior::Gamma { alpha, beta } => ("Gamma", vec![("alpha", alpha), ("beta", beta)]),
            Prior::LogNormal { mu, sigma } => ("LogNormal", vec![("mu", mu), ("sigma", sigma)]),
            Prior::Laplace { mu, b } => ("Laplace", vec![("mu", mu), ("b", b)]),
            Prior::Exponential { lam } => ("Exponential", vec![("lam", lam)]),
            Prior::InverseGamma { alpha, beta } => ("InverseGamma", vec![("alpha", alpha), ("beta", beta)]),
            Prior::StudentT { nu, mu, sigma } => ("StudentT", vec![("nu", nu), ("mu", mu), ("sigma", sigma)]),
            Prior::HalfStudentT { nu, sigma } => ("HalfStudentT", vec![("nu", nu), ("sigma", sigma)]),
            Prior::TruncatedNormal { mu, sigma, lower, upper } => {
                let mut p = vec![("mu", mu), ("sigma", sigma)];
                p.extend([("lower", lower), ("upper", upper)].into_iter().filter(|(_, v)| v.is_finite()));
                ("TruncatedNormal", p)
            }
        }
    }

    /// The canonical JSON form, as a model records its resolved priors.
    pub fn to_json(&self) -> Value {
        let (name, params) = self.name_and_params();
        let mut obj = Map::new();
        obj.insert("dist".into(), json!(name));
        for (k, v) in params {
            obj.insert(k.into(), json!(v));
        }
        Value::Object(obj)
    }

    pub fn support(&self) -> Support {
        match *self {
            Prior::Normal { .. } | Prior::Laplace { .. } | Prior::StudentT { .. } => Support::Real,
            Prior::Beta { .. } => Support::UnitInterval,
            Prior::TruncatedNormal { lower, upper, .. } => match (lower.is_finite(), upper.is_finite()) {
                (true, true) => Support::Interval { lower, upper },
                (true, false) => Support::LowerBounded(lower),
                (false, true) => Support::UpperBounded(upper),
                (false, false) => Support::Real,
            },
            _ => Support::Positive,
        }
    }

    pub fn logp(&self, x: f64) -> f64 {
        self.logp_dx(x).0
    }

    /// `ln p(x)` and `d ln p / dx`; `(-inf, 0)` outside the support.
    pub fn logp_dx(&self, x: f64) -> (f64, f64) {
        let (lo, hi) = self.support().bounds();
        if !(x >= lo && x <= hi) || (lo == 0.0 && x == 0.0 && !matches!(self, Prior::HalfNormal { .. } | Prior::HalfStudentT { .. })) {
            return (f64::NEG_INFINITY, 0.0);
        }
        let half_ln_2pi = 0.5 * (2.0 * PI).ln();
        match *self {
            Prior::Normal { mu, sigma } => {
                let z = (x - mu) / sigma;
                (-half_ln_2pi - sigma.ln() - 0.5 * z * z, -z / sigma)
            }
            Prior::HalfNormal { sigma } => {
                let z = x / sigma;
                (0.5 * (2.0 / PI).ln() - sigma.ln() - 0.5 * z * z, -z / sigma)
            }
            Prior::TruncatedNormal { mu, sigma, lower, upper } => {
                let z = (x - mu) / sigma;
                let mass = normal_mass((lower - mu) / sigma, (upper - mu) / sigma);
                (-half_ln_2pi - sigma.ln() - 0.5 * z * z - mass.ln(), -z / sigma)
            }
            Prior::Beta { alpha, beta } => {
                let norm = ln_gamma(alpha + beta) - ln_gamma(alpha) - ln_gamma(beta);
                (norm + (alpha - 1.0) * x.ln() + (beta - 1.0) * (-x).ln_1p(), (alpha - 1.0) / x - (beta - 1.0) / (1.0 - x))
            }
            Prior::Gamma { alpha, beta } => {
                (alpha * beta.ln() - ln_gamma(alpha) + (alpha - 1.0) * x.ln() - beta * x, (alpha - 1.0) / x - beta)
            }
            Prior::InverseGamma { alpha, beta } => (
                alpha * beta.ln() - ln_gamma(alpha) - (alpha + 1.0) * x.ln() - beta / x,
                -(alpha + 1.0) / x + beta / (x * x),
            ),
            Prior::LogNormal { mu, sigma } => {
                let z = (x.ln() - mu) / sigma;
                (-half_ln_2pi - sigma.ln() - x.ln() - 0.5 * z * z, -(1.0 + z / sigma) / x)
            }
            Prior::Laplace { mu, b } => (-(2.0 * b).ln() - (x - mu).abs() / b, -(x - mu).signum() / b),
            Prior::Exponential { lam } => (lam.ln() - lam * x, -lam),
            Prior::StudentT { nu, mu, sigma } => student_t(nu, (x - mu) / sigma, sigma, 0.0),
            Prior::HalfStudentT { nu, sigma } => student_t(nu, x / sigma, sigma, 2f64.ln()),
        }
    }

    /// A central point of the support to start chains from, like PyMC's moment.
    pub fn initial_value(&self) -> f64 {
        match *self {
            Prior::Normal { mu, .. } | Prior::Laplace { mu, .. } | Prior::StudentT { mu, .. } => mu,
            Prior::HalfNormal { sigma } => sigma * (2.0 / PI).sqrt(),
            Prior::Beta { alpha, beta } => alpha / (alpha + beta),
            Prior::Gamma { alpha, beta } => alpha / beta,
            Prior::InverseGamma { alpha, beta } => beta / (alpha + 1.0),
            Prior::LogNormal { mu, .. } => mu.exp(),
            Prior::Exponential { lam } => 1.0 / lam,
            Prior::HalfStudentT { sigma, .. } => sigma,
            Prior::TruncatedNormal { mu, lower, upper, .. } => {
                let mid = if lower.is_finite() && upper.is_finite() { 0.5 * (lower + upper) } else { mu };
                if (lower..=upper).contains(&mu) { mu } else if lower.is_finite() && upper.is_finite() { mid } else if lower.is_finite() { lower + 1.0 } else { upper - 1.0 }
            }
        }
    }

    /// One random draw (prior predictive checks, simulation).
    pub fn sample(&self, rng: &mut impl Rng) -> f64 {
        use rand_distr as d;
        match *self {
            Prior::Normal { mu, sigma } => d::Normal::new(mu, sigma).unwrap().sample(rng),
            Prior::HalfNormal { sigma } => d::Normal::new(0.0, sigma).unwrap().sample(rng).abs(),
            Prior::Beta { alpha, beta } => d::Beta::new(alpha, beta).unwrap().sample(rng),
            Prior::Gamma { alpha, beta } => d::Gamma::new(alpha, 1.0 / beta).unwrap().sample(rng),
            Prior::InverseGamma { alpha, beta } => 1.0 / d::Gamma::new(alpha, 1.0 / beta).unwrap().sample(rng),
            Prior::LogNormal { mu, sigma } => d::LogNormal::new(mu, sigma).unwrap().sample(rng),
            Prior::Laplace { mu, b } => {
                let u: f64 = rng.random_range(-0.5..0.5);
                mu - b * u.signum() * (1.0 - 2.0 * u.abs()).ln()
            }
            Prior::Exponential { lam } => d::Exp::new(lam).unwrap().sample(rng),
            Prior::StudentT { nu, mu, sigma } => mu + sigma * d::StudentT::new(nu).unwrap().sample(rng),
            Prior::HalfStudentT { nu, sigma } => (sigma * d::StudentT::new(nu).unwrap().sample(rng)).abs(),
            Prior::TruncatedNormal { mu, sigma, lower, upper } => {
                let normal = d::Normal::new(mu, sigma).unwrap();
                // Rejection: fine for the moderate truncations priors use.
                (0..10_000).map(|_| normal.sample(rng)).find(|x| (lower..=upper).contains(x)).unwrap_or(self.initial_value())
            }
        }
    }
}

/// Student-t log density at standardised `z` with scale `sigma`, plus `extra` (ln 2 for the
/// half distribution), and its derivative in `x`.
fn student_t(nu: f64, z: f64, sigma: f64, extra: f64) -> (f64, f64) {
    let norm = ln_gamma(0.5 * (nu + 1.0)) - ln_gamma(0.5 * nu) - 0.5 * (nu * PI).ln() - sigma.ln();
    let q = 1.0 + z * z / nu;
    (extra + norm - 0.5 * (nu + 1.0) * q.ln(), -(nu + 1.0) * z / (nu * q * sigma))
}

/// `Φ(b) - Φ(a)` without cancellation in either tail.
fn normal_mass(a: f64, b: f64) -> f64 {
    if a > 0.0 {
        normal_mass(-b, -a)
    } else {
        ln_normal_cdf(b).exp() - ln_normal_cdf(a).exp()
    }
}

impl fmt::Display for Prior {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (name, params) = self.name_and_params();
        let list: Vec<String> = params.iter().map(|(k, v)| format!("{k}={v}")).collect();
        write!(f, "{name}({})", list.join(", "))
    }
}

/// A prior's JSON parameters, read with errors that name the key.
struct Args<'a> {
    dist: &'a str,
    obj: &'a Map<String, Value>,
}

impl Args<'_> {
    fn only(&self, allowed: &[&str]) -> Result<(), PriorError> {
        match self.obj.keys().find(|k| *k != "dist" && !allowed.contains(&k.as_str())) {
            Some(key) => Err(PriorError::UnknownKey { dist: self.dist.into(), key: key.clone(), allowed: allowed.join(", ") }),
            None => Ok(()),
        }
    }

    fn number(&self, key: &str) -> Result<Option<f64>, PriorError> {
        match self.obj.get(key) {
            None => Ok(None),
            Some(v) => match v.as_f64() {
                Some(x) if x.is_finite() => Ok(Some(x)),
                _ => Err(PriorError::NotANumber { dist: self.dist.into(), key: key.into() }),
            },
        }
    }

    fn or(&self, key: &str, default: f64) -> Result<f64, PriorError> {
        Ok(self.number(key)?.unwrap_or(default))
    }

    fn positive(&self, key: &str) -> Result<f64, PriorError> {
        let v = self.number(key)?.ok_or_else(|| PriorError::Missing { dist: self.dist.into(), key: key.into() })?;
        if v > 0.0 {
            Ok(v)
        } else {
            Err(PriorError::Invalid { dist: self.dist.into(), key: key.into(), value: v, rule: "> 0" })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all() -> Vec<(Prior, f64)> {
        let p = |v: Value| Prior::from_json(&v).unwrap();
        vec![
            (p(json!({"dist": "Normal", "mu": 0.5, "sigma": 2})), 1.3),
            (p(json!({"dist": "HalfNormal", "sigma": 2})), 0.7),
            (p(json!({"dist": "Beta", "alpha": 2, "beta": 3})), 0.3),
            (p(json!({"dist": "Gamma", "mu": 2, "sigma": 1})), 1.5),
            (p(json!({"dist": "LogNormal", "mu": 0.1, "sigma": 0.5})), 1.2),
            (p(json!({"dist": "Laplace", "mu": 0, "b": 1})), 0.4),
            (p(json!({"dist": "Exponential", "lam": 2})), 0.6),
            (p(json!({"dist": "InverseGamma", "alpha": 3, "beta": 2})), 0.9),
            (p(json!({"dist": "StudentT", "nu": 4, "mu": 1, "sigma": 2})), -0.5),
            (p(json!({"dist": "HalfStudentT", "nu": 3, "sigma": 1.5})), 2.0),
            (p(json!({"dist": "TruncatedNormal", "mu": 0.2, "sigma": 1, "lower": 0, "upper": 2})), 1.1),
        ]
    }

    #[test]
    fn log_density_derivative_matches_finite_differences() {
        for (prior, x) in all() {
            let h = 1e-6;
            let fd = (prior.logp(x + h) - prior.logp(x - h)) / (2.0 * h);
            let (_, d) = prior.logp_dx(x);
            assert!((fd - d).abs() < 1e-6 * fd.abs().max(1.0), "{prior}: {fd} vs {d}");
        }
    }

    #[test]
    fn densities_integrate_to_one() {
        // Trapezoid over the support in unconstrained space: ∫ p(x(u)) |dx/du| du = 1.
        for (prior, _) in all() {
            let s = prior.support();
            // Wide enough for the Student-t tails in x; in log/logit space ±40 is plenty.
            let (a, b) = if s == Support::Real { (-4000.0, 4000.0) } else { (-40.0, 40.0) };
            let n = 400_000;
            let h = (b - a) / n as f64;
            let total: f64 = (0..=n)
                .map(|i| {
                    let c = s.constrain(a + i as f64 * h);
                    let w = if i == 0 || i == n { 0.5 } else { 1.0 };
                    w * (prior.logp(c.value) + c.log_jac).exp()
                })
                .sum::<f64>()
                * h;
            // The trapezoid rule errs by about 3e-5 at the Laplace kink; a wrong constant errs by far more.
            assert!((total - 1.0).abs() < 1e-4, "{prior}: integrates to {total}");
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
            for u in [-3.0, -0.2, 0.0, 1.7] {
                let c = s.constrain(u);
                assert!((s.unconstrain(c.value) - u).abs() < 1e-12, "{s:?} at {u}");
                let h = 1e-6;
                let fd = (s.constrain(u + h).value - s.constrain(u - h).value) / (2.0 * h);
                assert!((fd - c.dvalue_du).abs() < 1e-7 * fd.abs().max(1.0));
                assert!((c.dvalue_du.abs().ln() - c.log_jac).abs() < 1e-12);
                let fd_jac = (s.constrain(u + h).log_jac - s.constrain(u - h).log_jac) / (2.0 * h);
                assert!((fd_jac - c.dlog_jac_du).abs() < 1e-7);
            }
            assert!(s.constrain(40.0).log_jac.is_finite() && s.constrain(-40.0).log_jac.is_finite());
        }
    }

    #[test]
    fn json_round_trip_and_errors_name_the_key() {
        for (prior, _) in all() {
            assert_eq!(Prior::from_json(&prior.to_json()).unwrap(), prior);
        }
        let err = |v: Value| Prior::from_json(&v).unwrap_err().to_string();
        assert!(err(json!({"dist": "Cauchy"})).contains("Cauchy"));
        assert!(err(json!({"dist": "HalfNormal"})).contains("\"sigma\""));
        assert!(err(json!({"dist": "HalfNormal", "sigma": -1})).contains("\"sigma\""));
        assert!(err(json!({"dist": "Normal", "sigma": 1, "tau": 2})).contains("\"tau\""));
        assert!(err(json!({"dist": "Beta", "alpha": "one", "beta": 1})).contains("\"alpha\""));
        assert!(err(json!({"dist": "TruncatedNormal", "sigma": 1, "lower": 2, "upper": 1})).contains("\"upper\""));
        assert!(err(json!(3)).contains("\"dist\""));
    }

    #[test]
    fn known_values() {
        // Closed forms: HalfNormal(1) at 0 is √(2/π); Beta(1, 3) at 0.5 is 3·0.25; Gamma(2, 1)
        // at 1 is e^{-1}; Laplace(0, 1) at 0 is 1/2.
        let p = |v: Value| Prior::from_json(&v).unwrap();
        assert!((p(json!({"dist": "HalfNormal", "sigma": 1})).logp(0.0) - (2.0 / PI).sqrt().ln()).abs() < 1e-15);
        assert!((p(json!({"dist": "Beta", "alpha": 1, "beta": 3})).logp(0.5) - 0.75f64.ln()).abs() < 1e-14);
        assert!((p(json!({"dist": "Gamma", "alpha": 2, "beta": 1})).logp(1.0) + 1.0).abs() < 1e-14);
        assert!((p(json!({"dist": "Laplace", "b": 1})).logp(0.0) - 0.5f64.ln()).abs() < 1e-15);
        assert!((erfc(0.5) - 0.479_500_122_186_953_5).abs() < 1e-15);
        assert!((erfc(3.0) - 2.209_049_699_858_544e-5).abs() < 1e-19);
    }
}

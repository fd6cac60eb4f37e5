//! Saturation: diminishing returns of (adstocked, scaled) spend. Formulas and parameter names
//! follow PyMC-Marketing's saturation classes; each kind is evaluated once, with its derivative
//! in `x` (for adstock parameters, curves and the optimizer) and in its own parameters (for the
//! model's gradient).

use super::{check_finite, TransformError};
use crate::numeric::{exp_m1_nonpositive, ln_positive, logistic};

/// The saturation functions of PyMC-Marketing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SaturationKind {
    Logistic,
    Hill,
    MichaelisMenten,
    Tanh,
    Root,
    None,
    /// PyMC-Marketing's `HillSaturationSigmoid`: an S-curve through the origin.
    HillSigmoid,
}

impl SaturationKind {
    /// Parameter names as PyMC-Marketing prints them, without the `saturation_` prefix.
    pub fn param_names(self) -> &'static [&'static str] {
        match self {
            Self::Logistic => &["lam", "beta"],
            Self::Hill => &["slope", "kappa", "beta"],
            Self::MichaelisMenten => &["alpha", "lam"],
            Self::Tanh => &["b", "c"],
            Self::Root => &["alpha", "beta"],
            Self::None => &["beta"],
            Self::HillSigmoid => &["sigma", "beta", "lam"],
        }
    }

    /// Position of the curve's amplitude (its largest contribution) in
    /// [`SaturationKind::param_names`].
    pub fn amplitude_index(self) -> usize {
        match self {
            Self::Logistic | Self::Root => 1,
            Self::Hill => 2,
            Self::MichaelisMenten | Self::Tanh | Self::None | Self::HillSigmoid => 0,
        }
    }
}

/// `f(x)`, `df/dx` and `df/dθ_j` at one point.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Point {
    pub value: f64,
    pub dx: f64,
    pub dparams: [f64; 3],
}

/// Validates a spend level and parameters for use outside the sampler.
pub fn check(kind: SaturationKind, x: f64, params: &[f64]) -> Result<(), TransformError> {
    check_finite("x", x)?;
    if x < 0.0 {
        return Err(TransformError::out_of_range("x", x, ">= 0 (spend cannot be negative)"));
    }
    for (name, &v) in kind.param_names().iter().zip(params) {
        check_finite(name, v)?;
        if v <= 0.0 {
            return Err(TransformError::out_of_range(name, v, "> 0"));
        }
    }
    Ok(())
}

/// Evaluates `kind` at `x >= 0`. At `x = 0` the derivative in `x` is the one-sided limit
/// (infinite for hill slopes and root exponents below 1).
#[inline(always)]
pub fn evaluate(kind: SaturationKind, x: f64, p: &[f64]) -> Point {
    match kind {
        SaturationKind::Logistic => {
            // (1 - e^{-λx}) / (1 + e^{-λx}) = -m / (2 + m) with m = e^{-λx} - 1, which keeps the
            // digits near x = 0.
            let (lam, beta) = (p[0], p[1]);
            let m = exp_m1_nonpositive(-lam * x);
            let core = -m / (2.0 + m);
            let dcore = 0.5 * (1.0 - core * core);
            point(beta * core, beta * lam * dcore, [beta * x * dcore, core, 0.0])
        }
        SaturationKind::Hill => {
            // core = u / (1 + u) with u = (x/κ)^s is the logistic function of s ln(x/κ):
            // vectorisable ln and exp instead of a scalar powf per week. At x = 0 the ln is
            // garbage and every output is selected: the one-sided slope there is infinite,
            // β/κ or 0 for s below, at or above 1.
            let (slope, kappa, beta) = (p[0], p[1], p[2]);
            let ln = ln_positive(x / kappa);
            let (core, dcore) = logistic(slope * ln);
            let g = beta * dcore;
            // Selects, not an early return, so that the loop over weeks stays vectorised.
            let pick = |v: f64| if x == 0.0 { 0.0 } else { v };
            let dx0 = if slope < 1.0 {
                f64::INFINITY
            } else if slope == 1.0 {
                beta / kappa
            } else {
                0.0
            };
            let dx = if x == 0.0 { dx0 } else { g * slope / x };
            point(pick(beta * core), dx, [pick(g * ln), pick(-g * slope / kappa), pick(core)])
        }
        SaturationKind::MichaelisMenten => {
            let (alpha, lam) = (p[0], p[1]);
            let d = lam + x;
            point(alpha * x / d, alpha * lam / (d * d), [x / d, -alpha * x / (d * d), 0.0])
        }
        SaturationKind::Tanh => {
            let (b, c) = (p[0], p[1]);
            let z = x / (b * c);
            let th = z.tanh();
            let sech2 = 1.0 - th * th;
            point(b * th, sech2 / c, [th - z * sech2, -b * z * sech2 / c, 0.0])
        }
        SaturationKind::Root => {
            let (alpha, beta) = (p[0], p[1]);
            if x == 0.0 {
                let dx = match alpha {
                    a if a < 1.0 => f64::INFINITY,
                    1.0 => beta,
                    _ => 0.0,
                };
                return point(0.0, dx, [0.0; 3]);
            }
            let xa = x.powf(alpha);
            point(beta * xa, beta * alpha * xa / x, [beta * xa * x.ln(), xa, 0.0])
        }
        SaturationKind::None => point(p[0] * x, p[0], [x, 0.0, 0.0]),
        SaturationKind::HillSigmoid => {
            // σ (g(β(x - λ)) - g(-βλ)) with g the logistic function: 0 at x = 0 exactly.
            let (sigma, beta, lam) = (p[0], p[1], p[2]);
            let (g1, d1) = logistic(beta * (x - lam));
            let (g0, d0) = logistic(-beta * lam);
            let dsigma = g1 - g0;
            point(
                sigma * dsigma,
                sigma * beta * d1,
                [dsigma, sigma * (d1 * (x - lam) + d0 * lam), sigma * beta * (d0 - d1)],
            )
        }
    }
}

/// `d²f/dx²` at `x > 0` from the point `at = evaluate(kind, x, p)`, which already holds the
/// transcendental part: the budget optimizer's Newton steps need the curvature of every
/// channel's response at every draw. Concave kinds (all but hill with slope > 1, root with
/// exponent > 1 and hill_sigmoid below its midpoint) give values <= 0.
pub fn curvature(kind: SaturationKind, x: f64, p: &[f64], at: &Point) -> f64 {
    match kind {
        // f = β tanh(λx/2), f' = βλ(1 - c²)/2 with c = f/β: f'' = -λ c f'.
        SaturationKind::Logistic => -p[0] * (at.value / p[1]) * at.dx,
        SaturationKind::Hill => {
            // u = (x/κ)^s = f / (β - f); d ln f'/dx = ((s-1)(1+u) - 2su) / (x (1+u)).
            let (slope, beta) = (p[0], p[2]);
            let u = at.value / (beta - at.value);
            at.dx * ((slope - 1.0) * (1.0 + u) - 2.0 * slope * u) / (x * (1.0 + u))
        }
        SaturationKind::MichaelisMenten => -2.0 * at.dx / (p[1] + x),
        // f = b tanh(z), z = x/(bc), f' = sech²(z)/c: f'' = -2 tanh(z) f' / (bc).
        SaturationKind::Tanh => -2.0 * (at.value / p[0]) * at.dx / (p[0] * p[1]),
        // f = β x^α: f'' = (α - 1) f' / x.
        SaturationKind::Root => (p[0] - 1.0) * at.dx / x,
        SaturationKind::None => 0.0,
        // f' = σ β g' (z), g'' = g' (1 - 2g): convex below λ, concave above.
        SaturationKind::HillSigmoid => at.dx * p[1] * (1.0 - 2.0 * logistic(p[1] * (x - p[2])).0),
    }
}

fn point(value: f64, dx: f64, dparams: [f64; 3]) -> Point {
    Point { value, dx, dparams }
}

#[cfg(test)]
mod tests {
    use super::*;

    const KINDS: [(SaturationKind, [f64; 3]); 7] = [
        (SaturationKind::Logistic, [3.0, 0.4, 0.0]),
        (SaturationKind::Hill, [1.7, 0.6, 1.2]),
        (SaturationKind::MichaelisMenten, [2.0, 0.8, 0.0]),
        (SaturationKind::Tanh, [0.7, 1.3, 0.0]),
        (SaturationKind::Root, [0.4, 1.5, 0.0]),
        (SaturationKind::None, [0.9, 0.0, 0.0]),
        (SaturationKind::HillSigmoid, [1.3, 2.2, 0.8]),
    ];

    #[test]
    fn derivatives_match_central_differences() {
        for (kind, params) in KINDS {
            for x in [0.05, 0.3, 1.0, 2.5] {
                let at = evaluate(kind, x, &params);
                let h = 1e-6;
                let fd_x = (evaluate(kind, x + h, &params).value - evaluate(kind, x - h, &params).value) / (2.0 * h);
                assert!((fd_x - at.dx).abs() < 1e-6 * fd_x.abs().max(1.0), "{kind:?} dx at {x}");
                for j in 0..kind.param_names().len() {
                    let (mut up, mut down) = (params, params);
                    up[j] += h;
                    down[j] -= h;
                    let fd = (evaluate(kind, x, &up).value - evaluate(kind, x, &down).value) / (2.0 * h);
                    assert!(
                        (fd - at.dparams[j]).abs() < 1e-6 * fd.abs().max(1.0),
                        "{kind:?} d{j} at {x}: {fd} vs {}",
                        at.dparams[j]
                    );
                }
            }
        }
    }

    #[test]
    fn curvature_matches_central_differences() {
        for (kind, params) in KINDS {
            for x in [0.05, 0.3, 1.0, 2.5] {
                let h = 1e-5;
                let fd = (evaluate(kind, x + h, &params).dx - evaluate(kind, x - h, &params).dx) / (2.0 * h);
                let c = curvature(kind, x, &params, &evaluate(kind, x, &params));
                assert!((fd - c).abs() < 1e-6 * fd.abs().max(1.0), "{kind:?} at {x}: {fd} vs {c}");
            }
        }
    }

    #[test]
    fn zero_spend_has_zero_response() {
        for (kind, params) in KINDS {
            assert_eq!(evaluate(kind, 0.0, &params).value, 0.0, "{kind:?}");
        }
    }

    #[test]
    fn logistic_keeps_precision_near_zero() {
        // tanh(λx/2) is the exact value; the naive quotient loses all digits at λx = 1e-14.
        let v = evaluate(SaturationKind::Logistic, 1e-12, &[0.01, 1.0]).value;
        assert!((v - (0.5e-14f64).tanh()).abs() < 1e-28);
    }

    #[test]
    fn rejects_bad_input() {
        assert!(check(SaturationKind::Logistic, -1.0, &[1.0, 1.0]).is_err());
        assert!(check(SaturationKind::Logistic, f64::INFINITY, &[1.0, 1.0]).is_err());
        assert!(check(SaturationKind::Hill, 1.0, &[1.0, 0.0, 1.0]).is_err());
        assert!(check(SaturationKind::Tanh, 1.0, &[1.0, 1.0]).is_ok());
    }
}

//! Constraints: the support a prior lives on, and the transform PyMC samples it through. NUTS
//! moves on all of ℝ, so a parameter confined to (0, ∞) or (0, 1) is sampled as an
//! unconstrained `u` with `x = f(u)`. The density of `u` is `p(f(u)) · |f'(u)|`, which is why
//! [`Constrained`] carries the log-Jacobian and its derivative: without it the chain would
//! sample the wrong distribution.

use std::fmt;

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

#[cfg(test)]
mod tests {
    use super::*;

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
                assert!(
                    (c.dvalue_du - (up.value - down.value) / (2.0 * h)).abs() <= 1e-8 * c.dvalue_du.abs().max(1.0),
                    "{s:?} dx/du at {u}"
                );
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
}

//! Lift-test calibration (docs/02-fitting.md, "Calibrating with experiments"): each experiment's
//! measured lift `Δy ± σ` at spend `x → x + Δx` of one (geo, channel) cell adds a likelihood term
//! on the saturation difference `Sat(x̃ + Δx̃; θ) − Sat(x̃; θ)` with that cell's saturation
//! parameters, in the scaled units of the row's channel and target (PyMC-Marketing 1.3's
//! `add_lift_test_measurements`). Steady state: no adstock, as in 1.3. With time-varying media
//! the lift is also multiplied by the media multiplier `N[date, geo]` of the test's training
//! week.

use super::design::Scales;
use super::multiplier::{MediaMultiplier, MultiplierWork};
use super::prior::student_t_constant;
use super::space::Handle;
use super::spec::SpecError;
use super::special::{digamma, ln_gamma, LN_SQRT_2PI};
use super::term::{Gradient, Point, Term};
use crate::calendar::Date;
use crate::transforms::{saturation, SaturationKind};
use serde::{Deserialize, Serialize};
use std::any::Any;

/// How a measured lift is distributed around the model's lift (`lift_likelihood`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LiftLikelihood {
    /// `Normal(mu = lift, sigma)` on signed lifts.
    #[default]
    Normal,
    /// `StudentT(nu, mu = lift, sigma)` with the config's `lift_nu`.
    StudentT,
    /// `Gamma(mu = lift, sigma)`: positive lifts only.
    Gamma,
}

impl LiftLikelihood {
    pub fn is_default(&self) -> bool {
        *self == LiftLikelihood::Normal
    }
}

/// One experiment, in original units: the channel (an index into the model's channels), the
/// geo (an index into its geos; `None` in a national model), the spend per period before the
/// test, the change in spend, the measured change in the target and its standard error, and
/// the training week it ran in (required with time-varying media, ignored without).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct LiftTest {
    pub channel: usize,
    pub geo: Option<usize>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<Date>,
    pub x: f64,
    pub delta_x: f64,
    pub delta_y: f64,
    pub sigma: f64,
}

/// Checks lift tests against a model of `channels` channels and `geos` geos (0: national) and
/// the likelihood; with time-varying media, `dates` are the training dates, one of which each
/// test must name (1.3's `exact_row_indices`). The error names the row (1-based).
pub fn check_lift_tests(
    tests: &[LiftTest],
    likelihood: LiftLikelihood,
    (channels, geos): (usize, usize),
    dates: Option<&[Date]>,
) -> Result<(), SpecError> {
    for (i, t) in tests.iter().enumerate() {
        let bad = |reason: String| Err(SpecError::LiftTest { row: i + 1, reason });
        if t.channel >= channels {
            return bad(format!("channel index {} out of range (the model has {channels} channels)", t.channel));
        }
        match (t.geo, geos) {
            (Some(_), 0) => return bad("a geo is given but the model has no geo column".into()),
            (None, g) if g > 0 => return bad("the geo is missing (the model is a panel)".into()),
            (Some(g), n) if g >= n => return bad(format!("geo index {g} out of range (the model has {n} geos)")),
            _ => {}
        }
        match (t.date, dates) {
            (None, Some(_)) => return bad("the date is missing (media varies over time: time_varying_media)".into()),
            (Some(d), Some(dates)) if dates.binary_search(&d).is_err() => {
                return bad(format!("date {d} is not a training date"))
            }
            _ => {}
        }
        let values = [("x", t.x), ("delta_x", t.delta_x), ("delta_y", t.delta_y), ("sigma", t.sigma)];
        if let Some((name, v)) = values.iter().find(|(_, v)| !v.is_finite()) {
            return bad(format!("{name} = {v} is not a finite number"));
        }
        if t.sigma <= 0.0 {
            return bad(format!("sigma = {} must be > 0", t.sigma));
        }
        // A standard error this small pins the lift to a point: (delta_y - lift) / sigma and its
        // square overflow, and the sampler finds no starting point. Refused here, naming the row.
        if t.sigma < MIN_SIGMA || t.sigma < MIN_RELATIVE_SIGMA * t.delta_y.abs() {
            return bad(format!(
                "sigma = {:e} is too small: a lift test's standard error must be at least {MIN_SIGMA:e} and at least \
                 {MIN_RELATIVE_SIGMA:e} × |delta_y| ({:e})",
                t.sigma,
                MIN_RELATIVE_SIGMA * t.delta_y.abs()
            ));
        }
        if t.x < 0.0 || t.x + t.delta_x < 0.0 {
            return bad(format!("x = {} and x + delta_x = {} must be >= 0 (spend)", t.x, t.x + t.delta_x));
        }
        if likelihood == LiftLikelihood::Gamma && (t.delta_y <= 0.0 || t.delta_x <= 0.0) {
            return bad(format!(
                "the gamma lift likelihood needs delta_x > 0 and delta_y > 0, got {} and {}",
                t.delta_x, t.delta_y
            ));
        }
    }
    Ok(())
}

/// The smallest standard error a lift test may have, absolute and relative to its `delta_y`.
const MIN_SIGMA: f64 = 1e-100;
const MIN_RELATIVE_SIGMA: f64 = 1e-6;

/// A test in the model's scaled units, with the (geo, channel) cell it reads.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Scaled {
    cell: usize,
    x: f64,
    dx: f64,
    dy: f64,
    sigma: f64,
    /// The row's target scale, back to original units.
    target_scale: f64,
    /// Where the row reads the media multiplier, with time-varying media.
    at: usize,
}

/// The lift tests' term of the log density.
#[derive(Debug, Clone)]
pub struct Lift {
    likelihood: LiftLikelihood,
    /// Degrees of freedom of the Student-t.
    nu: f64,
    kind: SaturationKind,
    /// Per saturation parameter, the position each (geo, channel) cell reads (geo-major).
    params: Vec<Vec<usize>>,
    rows: Vec<Scaled>,
    /// The media multiplier, with time-varying media.
    multiplier: Option<MediaMultiplier>,
}

impl Lift {
    /// The term of checked `tests`, scaled by `scales`, over the saturation blocks of the
    /// media component (`channels` channels) and its `multiplier` if media varies over time;
    /// `kind` is the likelihood, the Student-t's ν (unused by the others) and the saturation.
    pub fn new(
        tests: &[LiftTest],
        (likelihood, nu, kind): (LiftLikelihood, f64, SaturationKind),
        (saturation, multiplier): (&[(Handle, Vec<usize>)], Option<MediaMultiplier>),
        channels: usize,
        scales: &Scales,
    ) -> Lift {
        let rows = tests
            .iter()
            .map(|t| {
                let g = t.geo.unwrap_or(0);
                let (sx, sy) = (scales.channel_of(g, t.channel), scales.target_of(g));
                Scaled {
                    cell: g * channels + t.channel,
                    x: t.x / sx,
                    dx: t.delta_x / sx,
                    dy: t.delta_y / sy,
                    sigma: t.sigma / sy,
                    target_scale: sy,
                    at: multiplier.as_ref().map_or(0, |m| {
                        m.index(g, t.date.and_then(|d| m.week_of(d)).expect("a checked test's training week"))
                    }),
                }
            })
            .collect();
        let params = saturation.iter().map(|(_, at)| at.clone()).collect();
        Lift { likelihood, nu, kind, params, rows, multiplier }
    }

    /// The saturation parameters of row `r`'s cell.
    fn params_of(&self, theta: &[f64], r: &Scaled) -> [f64; 3] {
        let mut p = [0.0; 3];
        for (v, at) in p.iter_mut().zip(&self.params) {
            *v = theta[at[r.cell]];
        }
        p
    }

    /// The model's lift of each test in original units, at parameter values `theta`.
    pub fn estimates(&self, theta: &[f64]) -> Vec<f64> {
        let mut work = self.work();
        if let (Some(m), Some(w)) = (&self.multiplier, &mut work) {
            m.evaluate(theta, w);
        }
        self.rows
            .iter()
            .map(|r| {
                let p = self.params_of(theta, r);
                let lift = saturation::evaluate(self.kind, r.x + r.dx, &p).value
                    - saturation::evaluate(self.kind, r.x, &p).value;
                let n = work.as_ref().map_or(1.0, |w| w.values()[r.at]);
                n * lift * r.target_scale
            })
            .collect()
    }

    fn work(&self) -> Option<MultiplierWork> {
        self.multiplier.as_ref().map(MediaMultiplier::workspace)
    }

    /// `ln p(dy | lift, σ)` and its derivative in `lift`.
    fn logp_dlift(&self, dy: f64, lift: f64, sigma: f64) -> (f64, f64) {
        match self.likelihood {
            LiftLikelihood::Normal => {
                let z = (dy - lift) / sigma;
                (-0.5 * z * z - sigma.ln() - LN_SQRT_2PI, z / sigma)
            }
            LiftLikelihood::StudentT => {
                let nu = self.nu;
                let z = (dy - lift) / sigma;
                let q = 1.0 + z * z / nu;
                (student_t_constant(nu, sigma) - 0.5 * (nu + 1.0) * q.ln(), (nu + 1.0) * z / (sigma * nu * q))
            }
            LiftLikelihood::Gamma => {
                // Gamma(α = m²/σ², β = m/σ²) with mean m = lift: undefined for m <= 0.
                if lift <= 0.0 {
                    return (f64::NEG_INFINITY, 0.0);
                }
                let s2 = sigma * sigma;
                let (alpha, beta) = (lift * lift / s2, lift / s2);
                let lp = alpha * beta.ln() - ln_gamma(alpha) + (alpha - 1.0) * dy.ln() - beta * dy;
                let d_alpha = beta.ln() - digamma(alpha) + dy.ln();
                let d_beta = alpha / beta - dy;
                (lp, d_alpha * 2.0 * lift / s2 + d_beta / s2)
            }
        }
    }
}

impl Term for Lift {
    fn name(&self) -> &str {
        "lift_tests"
    }

    fn workspace(&self, _weeks: usize) -> Box<dyn Any + Send> {
        Box::new(self.work())
    }

    fn logp_grad(&self, at: &Point, grad: &mut Gradient, work: &mut dyn Any) -> f64 {
        let work = work.downcast_mut::<Option<MultiplierWork>>().expect("the lift tests' workspace");
        if let (Some(m), Some(w)) = (&self.multiplier, work.as_mut()) {
            m.evaluate(at.theta, w);
        }
        let mut lp = 0.0;
        for r in &self.rows {
            let p = self.params_of(at.theta, r);
            let (lo, hi) = (saturation::evaluate(self.kind, r.x, &p), saturation::evaluate(self.kind, r.x + r.dx, &p));
            let sat = hi.value - lo.value;
            let (l, dl) = match work.as_mut() {
                None => self.logp_dlift(r.dy, sat, r.sigma),
                Some(w) => {
                    // lift = N · sat: dl/dN = dl/dlift · sat, dl/dsat = dl/dlift · N.
                    let n = w.values()[r.at];
                    let (l, dl) = self.logp_dlift(r.dy, n * sat, r.sigma);
                    w.dvalues[r.at] += dl * sat;
                    (l, dl * n)
                }
            };
            lp += l;
            for ((at, d_hi), d_lo) in self.params.iter().zip(hi.dparams).zip(lo.dparams) {
                grad.theta[at[r.cell]] += dl * (d_hi - d_lo);
            }
        }
        if let (Some(m), Some(w)) = (&self.multiplier, work.as_mut()) {
            m.backward(at.theta, grad.theta, w);
        }
        lp
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn test(channel: usize, geo: Option<usize>) -> LiftTest {
        LiftTest { channel, geo, date: None, x: 1.0, delta_x: 0.5, delta_y: 0.2, sigma: 0.1 }
    }

    #[test]
    fn bad_rows_are_named() {
        let err = |t: LiftTest, l: LiftLikelihood, geos: usize| {
            check_lift_tests(&[test(0, None), t], l, (2, geos), None).unwrap_err().to_string()
        };
        let normal = LiftLikelihood::Normal;
        assert!(err(test(2, None), normal, 0).contains("row 2: channel index 2"));
        assert!(err(test(0, Some(0)), normal, 0).contains("no geo column"));
        assert!(check_lift_tests(&[test(0, None)], normal, (2, 3), None).unwrap_err().to_string().contains("row 1"));
        assert!(err(LiftTest { sigma: 0.0, ..test(1, None) }, normal, 0).contains("sigma = 0 must be > 0"));
        assert!(
            err(LiftTest { sigma: 1e-300, ..test(1, None) }, normal, 0).contains("row 2: sigma = 1e-300 is too small")
        );
        assert!(err(LiftTest { sigma: 1e-8, ..test(1, None) }, normal, 0).contains("too small"));
        assert!(check_lift_tests(&[LiftTest { sigma: 1e-6, ..test(1, None) }], normal, (2, 0), None).is_ok());
        assert!(err(LiftTest { x: f64::NAN, ..test(1, None) }, normal, 0).contains("x = NaN"));
        assert!(err(LiftTest { delta_x: -2.0, ..test(1, None) }, normal, 0).contains(">= 0"));
        let negative = LiftTest { delta_y: -0.2, ..test(1, None) };
        assert!(check_lift_tests(&[negative], normal, (2, 0), None).is_ok());
        assert!(err(negative, LiftLikelihood::Gamma, 0).contains("gamma"));
        // With time-varying media each test names a training date; without, a date is ignored.
        let dates = [Date::from_ymd(2024, 1, 1), Date::from_ymd(2024, 1, 8)];
        let on = |date: Option<Date>| {
            let t = LiftTest { date, ..test(1, None) };
            check_lift_tests(&[t], normal, (2, 0), Some(&dates)).map_err(|e| e.to_string())
        };
        assert!(on(None).unwrap_err().contains("row 1: the date is missing"));
        assert!(on(Some(Date::from_ymd(2024, 1, 9))).unwrap_err().contains("date 2024-01-09 is not a training date"));
        assert!(on(Some(dates[1])).is_ok());
        let unknown = LiftTest { date: Some(Date::from_ymd(1999, 1, 1)), ..test(1, None) };
        assert!(check_lift_tests(&[unknown], normal, (2, 0), None).is_ok());
    }

    #[test]
    fn densities_match_closed_forms() {
        let lift = |likelihood, nu| Lift {
            likelihood,
            nu,
            kind: SaturationKind::Logistic,
            params: Vec::new(),
            rows: Vec::new(),
            multiplier: None,
        };
        // Normal(0.3; 0.25, 0.1) and its derivative in the mean.
        let (lp, d) = lift(LiftLikelihood::Normal, 0.0).logp_dlift(0.3, 0.25, 0.1);
        assert!((lp - (-0.125 - 0.1f64.ln() - LN_SQRT_2PI)).abs() < 1e-12 && (d - 5.0).abs() < 1e-12);
        // Gamma(mu 2, sigma 1) is Gamma(α 4, β 2): at 1.5, 4 ln 2 − ln 6 + 3 ln 1.5 − 3.
        let (lp, _) = lift(LiftLikelihood::Gamma, 0.0).logp_dlift(1.5, 2.0, 1.0);
        let expected = 4.0 * 2f64.ln() - 6f64.ln() + 3.0 * 1.5f64.ln() - 3.0;
        assert!((lp - expected).abs() < 1e-12, "{lp} {expected}");
        assert_eq!(lift(LiftLikelihood::Gamma, 0.0).logp_dlift(1.5, -0.1, 1.0).0, f64::NEG_INFINITY);
        // Derivatives in the mean against central differences.
        for (l, nu) in [(LiftLikelihood::StudentT, 4.0), (LiftLikelihood::Gamma, 0.0), (LiftLikelihood::Normal, 0.0)] {
            let f = lift(l, nu);
            let (h, m) = (1e-6, 0.7);
            let fd = (f.logp_dlift(0.5, m + h, 0.2).0 - f.logp_dlift(0.5, m - h, 0.2).0) / (2.0 * h);
            assert!((f.logp_dlift(0.5, m, 0.2).1 - fd).abs() < 1e-6, "{l:?}");
        }
    }
}

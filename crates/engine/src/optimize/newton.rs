//! The mean utility's global optimum when every channel's response is concave: Newton steps on
//! its KKT system. For the mean utility the response is separable by channel, and with concave
//! responses the optimum is characterised by one multiplier `λ`: interior channels have
//! marginal response `λ`, channels at their lower bound at most `λ`, at their upper bound at
//! least `λ`.

use super::allocate::Optimizer;
use super::bounds::Bounds;
use super::response::MeanResponse;
use rayon::prelude::*;

impl Optimizer<'_> {
    /// Global optimum of the mean utility when every response is concave: Newton steps on
    /// the KKT system. Each step maximises the second-order model of the responses, which is
    /// separable with a diagonal Hessian, so its multiplier is found by bisection without
    /// evaluating the responses again; a backtracking line search keeps every step uphill.
    pub(super) fn by_newton(&self, budget: f64, bounds: &Bounds) -> Vec<f64> {
        // Slopes may be infinite at zero spend: evaluate a 1e-12 share inside.
        let floor = budget * 1e-12;
        let at = |b: &[f64]| -> Vec<MeanResponse> {
            b.par_iter().zip(self.responses).map(|(&x, r)| r.mean_at(x.max(floor))).collect()
        };
        let total = |e: &[MeanResponse]| -> f64 { e.iter().map(|e| e.value).sum() };
        let mut b = bounds.project(&vec![budget / self.responses.len() as f64; self.responses.len()], budget);
        let mut e = at(&b);
        for _ in 0..100 {
            if super::interrupt::interrupted() {
                break;
            }
            // A linear response has no curvature: a tiny one makes its model step go to a bound.
            let c: Vec<f64> =
                e.iter().map(|e| (-e.curvature).max(1e-12 * e.slope.abs() / budget).max(f64::MIN_POSITIVE)).collect();
            // The model's maximiser: b_m + (g_m - λ) / c_m within the bounds, adding up.
            let z: Vec<f64> = (0..b.len()).map(|m| b[m] + e[m].slope / c[m]).collect();
            let w: Vec<f64> = c.iter().map(|c| 1.0 / c).collect();
            let target = bounds.project_scaled(&z, &w, budget);
            let d: Vec<f64> = target.iter().zip(&b).map(|(t, x)| t - x).collect();
            if d.iter().all(|v| v.abs() <= 1e-13 * budget) {
                break;
            }
            let mut t = 1.0;
            let (next, next_e) = loop {
                let candidate: Vec<f64> = b.iter().zip(&d).map(|(x, di)| x + t * di).collect();
                let ce = at(&candidate);
                if total(&ce) >= total(&e) || t < 1e-10 {
                    break (candidate, ce);
                }
                t *= 0.5;
            };
            let gain = total(&next_e) - total(&e);
            (b, e) = (next, next_e);
            if gain <= 1e-15 * total(&e).abs() && t < 1.0 {
                break;
            }
        }
        b
    }
}

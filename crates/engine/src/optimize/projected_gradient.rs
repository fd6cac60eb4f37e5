//! Spectral projected gradient from several starts, for the utilities other than the mean and
//! for responses that are not concave (hill slope > 1), where no multiplier certifies a global
//! optimum.

use super::allocate::Optimizer;
use super::bounds::Bounds;
use super::totals::Totals;
use rand::{RngExt, SeedableRng};

impl Optimizer<'_> {
    /// Best of spectral projected gradient runs from the given starts, the mean response's
    /// grid optimum, the equal split, each cell's largest share of its budget, and seeded
    /// random points.
    pub(super) fn by_projected_gradient(&self, totals: &Totals, bounds: &Bounds, starts: &[Vec<f64>]) -> Vec<f64> {
        let m = self.responses.len();
        let mut candidates: Vec<Vec<f64>> = starts.to_vec();
        // The mean is separable by cell: each equality's grid optimum is its own.
        let grid =
            totals.groups.iter().flat_map(|g| self.part(g).grid_optimum(g.budget, &bounds.slice(g.cells.clone()), 100));
        candidates.push(grid.collect());
        let equal = totals.equal();
        candidates.push(equal.clone());
        for k in 0..m {
            let group = totals.group_of(k);
            let mut z = equal.clone();
            z[group.cells.clone()].fill(0.0);
            z[k] = group.budget;
            candidates.push(z);
        }
        let mut rng = rand::rngs::StdRng::seed_from_u64(20_251_123);
        for _ in 0..3 {
            let w: Vec<f64> = (0..m).map(|_| -rng.random::<f64>().max(1e-12).ln()).collect();
            candidates.push(totals.split(&w));
        }
        let (best, _) = candidates
            .iter()
            .map(|start| self.spg(totals, bounds, &totals.project(bounds, start)))
            .max_by(|a, b| a.1.total_cmp(&b.1))
            .expect("at least one start");
        best
    }

    /// The mean response's global optimum over allocations in steps of `budget / steps`, by
    /// dynamic programming over channels: separable, so exact on the grid whatever the shapes.
    fn grid_optimum(&self, budget: f64, bounds: &Bounds, steps: usize) -> Vec<f64> {
        let unit = budget / steps as f64;
        // best[k]: the best mean response of the channels so far spending k units, with choices.
        let mut best: Vec<(f64, Vec<usize>)> =
            (0..=steps).map(|k| (if k == 0 { 0.0 } else { f64::NEG_INFINITY }, Vec::new())).collect();
        for (m, r) in self.responses.iter().enumerate() {
            let allowed = |j: usize| {
                (j as f64 * unit) >= bounds.lower[m] - 0.5 * unit && (j as f64 * unit) <= bounds.upper[m] + 0.5 * unit
            };
            let value: Vec<f64> = (0..=steps)
                .map(|j| if allowed(j) { r.mean_at(j as f64 * unit).value } else { f64::NEG_INFINITY })
                .collect();
            best = (0..=steps)
                .map(|k| {
                    let j = (0..=k)
                        .max_by(|&a, &b| (best[k - a].0 + value[a]).total_cmp(&(best[k - b].0 + value[b])))
                        .expect("k >= 0");
                    let mut choice = best[k - j].1.clone();
                    choice.push(j);
                    (best[k - j].0 + value[j], choice)
                })
                .collect();
        }
        best[steps].1.iter().map(|&j| j as f64 * unit).collect()
    }

    /// Spectral projected gradient ascent (Birgin, Martínez and Raydan 2000) with a
    /// non-monotone line search, in budget units scaled by the budget.
    fn spg(&self, totals: &Totals, bounds: &Bounds, start: &[f64]) -> (Vec<f64>, f64) {
        const MEMORY: usize = 10;
        let budget = totals.budget();
        let mut x = start.to_vec();
        let mut e = self.evaluate(&x);
        let scale = e.utility.abs().max(f64::MIN_POSITIVE);
        let ascent = |g: &[f64]| -> Vec<f64> { g.iter().map(|v| v * budget / scale).collect() };
        let mut g = ascent(&e.gradient);
        let mut history = vec![e.utility];
        // A first step that moves at most a tenth of the budget keeps the start's basin.
        let mut step = 0.1 / g.iter().fold(f64::MIN_POSITIVE, |a, v| a.max(v.abs()));
        for _ in 0..300 {
            if super::interrupt::interrupted() {
                break;
            }
            let target: Vec<f64> = x.iter().zip(&g).map(|(xi, gi)| xi + step * budget * gi).collect();
            let d: Vec<f64> = totals.project(bounds, &target).iter().zip(&x).map(|(p, xi)| p - xi).collect();
            let size = d.iter().fold(0.0f64, |a, v| a.max(v.abs())) / budget;
            if size < 1e-11 {
                break;
            }
            let slope: f64 = d.iter().zip(&g).map(|(di, gi)| di / budget * gi).sum();
            let reference = history.iter().copied().fold(f64::NEG_INFINITY, f64::max);
            let mut t = 1.0;
            let (next, next_e) = loop {
                let candidate: Vec<f64> = x.iter().zip(&d).map(|(xi, di)| xi + t * di).collect();
                let ce = self.evaluate(&candidate);
                if ce.utility / scale >= reference / scale + 1e-4 * t * slope || t < 1e-12 {
                    break (candidate, ce);
                }
                t *= 0.5;
            };
            let g_next = ascent(&next_e.gradient);
            let s: Vec<f64> = next.iter().zip(&x).map(|(a, b)| (a - b) / budget).collect();
            let sy: f64 = s.iter().zip(g_next.iter().zip(&g)).map(|(si, (gn, go))| si * (go - gn)).sum();
            let ss: f64 = s.iter().map(|v| v * v).sum();
            step = if sy > 0.0 { (ss / sy).clamp(1e-10, 1e10) } else { 1e10 };
            (x, e, g) = (next, next_e, g_next);
            history.push(e.utility);
            if history.len() > MEMORY {
                history.remove(0);
            }
        }
        (x, e.utility)
    }
}

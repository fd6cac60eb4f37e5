//! Comparing models fitted to the same weeks: the pointwise log-likelihood of every stored draw,
//! and ArviZ 1.x's `compare` (arviz_stats 1.3) over their PSIS-LOO: a ranking by elpd, each
//! model's difference to the best with its standard error, and stacking weights (Yao et al.
//! 2018).

use super::loo::Elpd;
use crate::inference::sampler::Trace;
use crate::model::Model;
use ndarray::Array2;

/// `ln p(ỹ_{t,g} | θ_s)` for every draw `s` (chain-major) and training row, geo-major (a
/// national model's weeks): the model's likelihood of the scaled target `ỹ = y / s_y`, each
/// geo with its own noise, as PyMC-Marketing's log_likelihood group holds it (its likelihood
/// observes `target / target_scale`; ArviZ's LOO treats each (date, geo) as one observation).
pub fn log_likelihood(model: &Model, trace: &Trace) -> Array2<f64> {
    let design = &model.design;
    let rows = design.y.len();
    let mean = model.mean();
    let mut work = mean.workspaces(rows);
    let mut mu = vec![0.0; rows];
    let mut out = Array2::zeros((trace.num_draws(), rows));
    for (mut row, theta) in out.rows_mut().into_iter().zip(trace.draws()) {
        mean.forward(design, theta, &mut mu, &mut work);
        let row = row.as_slice_mut().expect("a row of a standard-layout array");
        model.observation().pointwise(&design.y, &mu, design.weeks(), theta, row);
    }
    out
}

/// One model's place in a comparison.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Compared {
    /// 0 for the model with the highest elpd.
    pub rank: usize,
    /// `elpd - elpd_best`, summed over the observations where both are finite.
    pub elpd_diff: f64,
    /// `√(n · var(elpd_i - elpd_best_i))`, population variance; 0 for the best.
    pub dse: f64,
    pub weight: f64,
}

/// Compares models by their PSIS-LOO elpd (at least one model; the same observations, in the
/// same order); the result is in the order of `models`.
pub fn compare(models: &[&Elpd]) -> Vec<Compared> {
    let mut order: Vec<usize> = (0..models.len()).collect();
    order.sort_by(|&a, &b| models[b].elpd.total_cmp(&models[a].elpd));
    let best = models[order[0]];
    let pointwise: Vec<&[f64]> = models.iter().map(|m| m.elpd_i.as_slice()).collect();
    let weights = stacking_weights(&pointwise);
    let mut out = vec![Compared { rank: 0, elpd_diff: 0.0, dse: 0.0, weight: 0.0 }; models.len()];
    for (rank, &m) in order.iter().enumerate() {
        let (elpd_diff, dse) = if rank == 0 {
            (0.0, 0.0)
        } else {
            let diff: Vec<f64> =
                models[m].elpd_i.iter().zip(&best.elpd_i).map(|(a, b)| a - b).filter(|d| d.is_finite()).collect();
            let n = diff.len() as f64;
            let mean = diff.iter().sum::<f64>() / n;
            let var = diff.iter().map(|d| (d - mean).powi(2)).sum::<f64>() / n;
            (diff.iter().sum(), (n * var).sqrt())
        };
        out[m] = Compared { rank, elpd_diff, dse, weight: weights[m] };
    }
    out
}

/// Stacking weights: the `w` on the simplex that maximises `Σ_i ln Σ_k w_k exp(elpd_ik)`,
/// the log score of the mixture of the models' leave-one-out predictive densities.
///
/// ArviZ hands this concave problem to SciPy's SLSQP from equal weights and stops at its
/// default tolerance; here it is solved to machine precision by Newton steps on the face of the
/// simplex where the weights are positive (an active set), so the optimum is the same and
/// ArviZ's weights are within SLSQP's tolerance of it.
pub fn stacking_weights(elpd_i: &[&[f64]]) -> Vec<f64> {
    let k = elpd_i.len();
    let n = elpd_i[0].len();
    // exp(elpd_ik) scaled per observation by its largest, which leaves the optimum unchanged.
    let e: Vec<Vec<f64>> = (0..n)
        .map(|i| {
            let top = elpd_i.iter().map(|m| m[i]).fold(f64::NEG_INFINITY, f64::max);
            elpd_i.iter().map(|m| (m[i] - top).exp()).collect()
        })
        .collect();
    let score =
        |w: &[f64]| -> f64 { e.iter().map(|row| row.iter().zip(w).map(|(a, b)| a * b).sum::<f64>().ln()).sum() };
    let mut w = vec![1.0 / k as f64; k];
    let mut active = vec![true; k];
    for _ in 0..500 {
        // Gradient and Hessian of the log score.
        let mut g = vec![0.0; k];
        let mut h = vec![vec![0.0; k]; k];
        for row in &e {
            let mix: f64 = row.iter().zip(&w).map(|(a, b)| a * b).sum();
            for a in 0..k {
                g[a] += row[a] / mix;
                for b in 0..k {
                    h[a][b] -= row[a] * row[b] / (mix * mix);
                }
            }
        }
        let free: Vec<usize> = (0..k).filter(|&a| active[a]).collect();
        let d = newton_step(&free, &g, &h);
        let mut step = vec![0.0; k];
        for (&a, da) in free.iter().zip(&d) {
            step[a] = *da;
        }
        if step.iter().all(|s| s.abs() <= 1e-14) {
            // Optimal on this face; a weight at zero whose gradient beats the others' (n at
            // the optimum) re-enters.
            let entering = (0..k)
                .filter(|&a| !active[a] && g[a] > n as f64 * (1.0 + 1e-12))
                .max_by(|&a, &b| g[a].total_cmp(&g[b]));
            match entering {
                Some(a) => {
                    active[a] = true;
                    continue;
                }
                None => break,
            }
        }
        // The longest step that keeps the weights non-negative; the one that reaches zero leaves.
        let (mut t, mut leaving) = (1.0, None);
        for a in 0..k {
            if step[a] < 0.0 && -w[a] / step[a] < t {
                (t, leaving) = (-w[a] / step[a], Some(a));
            }
        }
        let current = score(&w);
        let mut candidate: Vec<f64>;
        loop {
            candidate = w.iter().zip(&step).map(|(w, s)| (w + t * s).max(0.0)).collect();
            if score(&candidate) >= current || t < 1e-12 {
                break;
            }
            (t, leaving) = (t / 2.0, None);
        }
        w = candidate;
        if let Some(a) = leaving {
            (w[a], active[a]) = (0.0, false);
        }
    }
    let total: f64 = w.iter().sum();
    w.iter().map(|v| v / total).collect()
}

/// The Newton step on the weights `free` that keeps their sum: the solution `d` of
/// `H d - λ 1 = -g`, `Σ d = 0`, by Gaussian elimination with partial pivoting. A ridge of
/// 1e-12 of the Hessian's scale keeps it solvable when two models predict alike.
fn newton_step(free: &[usize], g: &[f64], h: &[Vec<f64>]) -> Vec<f64> {
    let m = free.len();
    let scale = free.iter().map(|&a| h[a][a].abs()).fold(0.0, f64::max).max(f64::MIN_POSITIVE);
    let mut a = vec![vec![0.0; m + 2]; m + 1];
    for (r, &i) in free.iter().enumerate() {
        for (c, &j) in free.iter().enumerate() {
            a[r][c] = h[i][j] - if r == c { 1e-12 * scale } else { 0.0 };
        }
        a[r][m] = -1.0;
        a[r][m + 1] = -g[i];
        a[m][r] = 1.0;
    }
    for col in 0..=m {
        let pivot = (col..=m).max_by(|&x, &y| a[x][col].abs().total_cmp(&a[y][col].abs())).expect("rows");
        a.swap(col, pivot);
        let pivot_row = a[col].clone();
        if pivot_row[col] == 0.0 {
            continue;
        }
        for row in a.iter_mut().enumerate().filter(|(r, _)| *r != col).map(|(_, row)| row) {
            let f = row[col] / pivot_row[col];
            for (x, p) in row[col..].iter_mut().zip(&pivot_row[col..]) {
                *x -= f * p;
            }
        }
    }
    (0..m).map(|r| if a[r][r] == 0.0 { 0.0 } else { a[r][m + 1] / a[r][r] }).collect()
}

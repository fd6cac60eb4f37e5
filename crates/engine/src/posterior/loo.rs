//! Out-of-sample predictive accuracy from pointwise log-likelihoods: PSIS-LOO as ArviZ 1.x's
//! `loo` computes it (arviz_stats 1.3: `_psislw`, `_ps_tail`, `_gpdfit`, `_loo`, `_summary`;
//! Vehtari, Gelman & Gabry 2017, and Vehtari et al. 2024 for Pareto smoothing), and WAIC as
//! ArviZ 0.23's `waic` computed it (ArviZ 1.x has no WAIC).
//!
//! A log-likelihood matrix is `samples × observations`, the samples chain after chain as
//! ArviZ flattens `(chain, draw)`.

use crate::inference::diagnostics::ess_mean;
use ndarray::{ArrayView1, ArrayView2, Axis};

/// The Pareto k above which PSIS-LOO's estimate of an observation is unreliable.
pub const PARETO_K_BAD: f64 = 0.7;

/// Fewer samples give fewer than 5 tail draws, too few to fit the Pareto tail.
pub const MIN_SAMPLES: usize = 25;

/// An expected log pointwise predictive density: the total, its standard error, the effective
/// number of parameters, and the pointwise values.
#[derive(Debug, Clone, PartialEq)]
pub struct Elpd {
    pub elpd: f64,
    pub se: f64,
    pub p: f64,
    pub elpd_i: Vec<f64>,
}

/// PSIS-LOO: the elpd and each observation's Pareto k.
#[derive(Debug, Clone, PartialEq)]
pub struct Loo {
    pub elpd: Elpd,
    pub pareto_k: Vec<f64>,
}

impl Loo {
    /// Observations whose Pareto k is above 0.7.
    pub fn bad_k(&self) -> usize {
        self.pareto_k.iter().filter(|&&k| k > PARETO_K_BAD).count()
    }
}

/// `ln Σ exp(a)`, shifted by the maximum as SciPy's `logsumexp`.
fn logsumexp(a: impl Iterator<Item = f64> + Clone) -> f64 {
    let m = a.clone().fold(f64::NEG_INFINITY, f64::max);
    let m = if m.is_finite() { m } else { 0.0 };
    a.map(|v| (v - m).exp()).sum::<f64>().ln() + m
}

fn variance(x: &[f64], ddof: f64) -> f64 {
    let mean = x.iter().sum::<f64>() / x.len() as f64;
    x.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (x.len() as f64 - ddof)
}

/// Relative efficiency of the draws, `r_eff`: the mean ESS of the mean over every scalar
/// parameter (`chains × draws` each) divided by the number of samples; 1 for one chain.
pub fn relative_efficiency<'a>(parameters: impl IntoIterator<Item = ArrayView2<'a, f64>>) -> f64 {
    let (mut total, mut count, mut samples) = (0.0, 0usize, 0usize);
    for draws in parameters {
        if draws.nrows() == 1 {
            return 1.0;
        }
        total += ess_mean(draws);
        count += 1;
        samples = draws.len();
    }
    total / count as f64 / samples as f64
}

/// Empirical-Bayes estimate of the generalized Pareto shape `k` and scale `σ` of the
/// exceedances `x` (ascending, at least 5): Zhang & Stephens (2009) with ArviZ's weakly
/// informative prior pulling `k` towards 0.5 with the weight of 10 observations.
/// `(NaN, NaN)` when the first quartile equals the minimum (far from a Pareto tail).
fn gpdfit(x: &[f64]) -> (f64, f64) {
    const PRIOR_BS: f64 = 3.0;
    const PRIOR_K: f64 = 10.0;
    let n = x.len();
    let nf = n as f64;
    let m_est = 30 + (nf.sqrt() as usize);
    let xstar = x[(nf / 4.0 + 0.5 - 1.0) as usize];
    if xstar <= x[0] {
        return (f64::NAN, f64::NAN);
    }
    let mut b: Vec<f64> = (1..=m_est)
        .map(|j| (1.0 - (m_est as f64 / (j as f64 - 0.5)).sqrt()) / (PRIOR_BS * xstar) + 1.0 / x[n - 1])
        .collect();
    let mean_log1p = |b: f64| x.iter().map(|&v| (-b * v).ln_1p()).sum::<f64>() / nf;
    let len_scale: Vec<f64> = b
        .iter()
        .map(|&b| {
            let k = mean_log1p(b);
            nf * ((-b / k).ln() - k - 1.0)
        })
        .collect();
    let total = logsumexp(len_scale.iter().copied());
    let mut w: Vec<f64> = len_scale.iter().map(|l| (l - total).exp()).collect();
    // Negligible weights out, the rest renormalised.
    let keep: Vec<bool> = w.iter().map(|&w| w >= 10.0 * f64::EPSILON).collect();
    let mut kept = keep.iter();
    b.retain(|_| *kept.next().expect("one flag per b"));
    let mut kept = keep.iter();
    w.retain(|_| *kept.next().expect("one flag per weight"));
    let sum: f64 = w.iter().sum();
    let b_post: f64 = b.iter().zip(&w).map(|(b, w)| b * (w / sum)).sum();
    let k = mean_log1p(b_post);
    let sigma = -k / b_post;
    let k = (nf * k + PRIOR_K * 0.5) / (nf + PRIOR_K);
    if k.is_nan() {
        (f64::INFINITY, f64::NAN)
    } else {
        (k, sigma)
    }
}

/// Quantile function of the generalized Pareto distribution.
fn gpinv(p: f64, k: f64, sigma: f64, mu: f64) -> f64 {
    if sigma <= 0.0 {
        f64::NAN
    } else if k == 0.0 {
        mu - sigma * (-p).ln_1p()
    } else {
        mu + sigma * (-k * (-p).ln_1p()).exp_m1() / k
    }
}

/// Pareto-smoothed log importance weights of leaving out one observation, whose
/// log-likelihood per sample is `log_lik` (at least [`MIN_SAMPLES`]), normalised to sum to 1;
/// and the Pareto k of their tail.
pub fn psis_log_weights(log_lik: ArrayView1<f64>, r_eff: f64) -> (Vec<f64>, f64) {
    let n = log_lik.len();
    assert!(n >= MIN_SAMPLES, "PSIS needs at least {MIN_SAMPLES} samples, got {n}");
    let nf = n as f64;
    let tail_len = if nf * r_eff > 225.0 { (3.0 * (nf / r_eff).sqrt()).floor() } else { (nf / 5.0).floor() } as usize;
    // The raw weights are 1 / likelihood, shifted so that the largest is exp(0).
    let max = log_lik.iter().map(|v| -v).fold(f64::NEG_INFINITY, f64::max);
    let mut lw: Vec<f64> = log_lik.iter().map(|v| -v - max).collect();
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by(|&a, &b| lw[a].total_cmp(&lw[b]));
    let tail = &order[n - tail_len..];
    let draws_tail: Vec<f64> = tail.iter().map(|&i| lw[i]).collect();
    let max_tail = draws_tail[tail_len - 1];
    let cutoff = lw[order[n - tail_len - 1]];
    // ArviZ raises when the tail is flat; its weights are then left as they are.
    let k = if (max_tail - draws_tail[0]).abs() < f64::MIN_POSITIVE {
        f64::NAN
    } else {
        let cutoff = cutoff.exp();
        let exceedances: Vec<f64> = draws_tail.iter().map(|v| v.exp() - cutoff).collect();
        let (k, sigma) = gpdfit(&exceedances);
        if k.is_finite() {
            for (j, &i) in tail.iter().enumerate() {
                let p = (j as f64 + 0.5) / tail_len as f64;
                let smoothed = gpinv(p, k, sigma, cutoff).ln();
                lw[i] = if smoothed > max_tail { max_tail } else { smoothed };
            }
        }
        k
    };
    let total = logsumexp(lw.iter().copied());
    lw.iter_mut().for_each(|v| *v -= total);
    (lw, k)
}

/// PSIS-LOO of a `samples × observations` log-likelihood matrix: per observation
/// `elpd_i = ln Σ_s w_s p(y_i | θ_s)` with the smoothed weights, `p_i` the in-sample log
/// predictive density minus `elpd_i`; the standard error is `√(n · var(elpd_i))`, sample
/// variance.
pub fn loo(log_lik: ArrayView2<f64>, r_eff: f64) -> Loo {
    let s = log_lik.nrows() as f64;
    let (mut elpd_i, mut p_i, mut pareto_k) = (Vec::new(), Vec::new(), Vec::new());
    for column in log_lik.axis_iter(Axis(1)) {
        let (lw, k) = psis_log_weights(column, r_eff);
        let elpd = logsumexp(lw.iter().zip(column).map(|(w, l)| w + l));
        let lppd = logsumexp(column.iter().copied()) - s.ln();
        elpd_i.push(elpd);
        p_i.push(lppd - elpd);
        pareto_k.push(k);
    }
    let n = elpd_i.len() as f64;
    let se = if elpd_i.len() > 1 { (n * variance(&elpd_i, 1.0)).sqrt() } else { 0.0 };
    Loo { elpd: Elpd { elpd: elpd_i.iter().sum(), se, p: p_i.iter().sum(), elpd_i }, pareto_k }
}

/// WAIC on the elpd scale: per observation the log predictive density minus the variance of
/// the log-likelihood over the samples (population variance); the standard error is
/// `√(n · var(waic_i))`, population variance.
pub fn waic(log_lik: ArrayView2<f64>) -> Elpd {
    let s = log_lik.nrows() as f64;
    let (mut waic_i, mut p) = (Vec::new(), 0.0);
    for column in log_lik.axis_iter(Axis(1)) {
        let lppd = logsumexp(column.iter().copied()) - s.ln();
        let var = variance(&column.to_vec(), 0.0);
        waic_i.push(lppd - var);
        p += var;
    }
    let n = waic_i.len() as f64;
    Elpd { elpd: waic_i.iter().sum(), se: (n * variance(&waic_i, 0.0)).sqrt(), p, elpd_i: waic_i }
}

//! Adstock: the carry-over of spend into later weeks, as a causal convolution with a weight
//! vector of length `l_max` (current week plus `l_max - 1` lags, zero history before the first
//! row). Formulas follow PyMC-Marketing's `mmm.transformers` so that fitted parameters mean
//! the same thing in both systems.
//!
//! Every kernel returns its weights together with their derivatives with respect to its
//! parameters: the model's gradient and the SQL functions share this one implementation.

use super::{check_finite, TransformError};
use crate::numeric::{add_combination, add_dots};

/// Longest carry-over window accepted (ten years of weeks): a bound on memory and work per row.
pub const MAX_L_MAX: usize = 520;

/// The adstock kernels of PyMC-Marketing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AdstockKind {
    Geometric,
    Delayed,
    Binomial,
    WeibullPdf,
    WeibullCdf,
    None,
}

impl AdstockKind {
    /// Parameter names as PyMC-Marketing prints them, without the `adstock_` prefix.
    pub fn param_names(self) -> &'static [&'static str] {
        match self {
            Self::Geometric | Self::Binomial => &["alpha"],
            Self::Delayed => &["alpha", "theta"],
            Self::WeibullPdf | Self::WeibullCdf => &["lam", "k"],
            Self::None => &[],
        }
    }
}

/// Weights `w_k` (k = 0..l_max-1) and `dw_k/dθ_j` for up to two parameters.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Weights {
    pub w: Vec<f64>,
    pub dw: Vec<[f64; 2]>,
}

impl Weights {
    /// Causal convolution `a_t = Σ_k w_k x_{t-k}` into `out` (same length as `x`).
    pub fn convolve(&self, x: &[f64], out: &mut [f64]) {
        convolve(&self.w, x, out);
    }
}

/// `out_t = Σ_{k=0}^{min(L-1, t)} w_k x_{t-k}`. From week `L-1` on every lag applies and
/// `out` is a combination of shifted copies of `x`, accumulated a few lags per pass over weeks
/// that vectorise; the first `L-1` weeks are summed directly.
pub fn convolve(w: &[f64], x: &[f64], out: &mut [f64]) {
    let full = w.len().saturating_sub(1).min(x.len());
    for (t, o) in out[..full].iter_mut().enumerate() {
        *o = w.iter().zip(x[..=t].iter().rev()).map(|(w, x)| w * x).sum();
    }
    out[full..].fill(0.0);
    if full < x.len() {
        add_combination(&mut out[full..], w, |k| &x[full - k..]);
    }
}

/// `out_t = Σ_{k: t+k < n} w_k r_{t+k}`, the adjoint of [`convolve`]: how much week `t`'s
/// input moved the output weighted by `r`. Every lag applies up to week `n-L`.
pub fn convolve_adjoint(w: &[f64], r: &[f64], out: &mut [f64]) {
    let body = r.len().saturating_sub(w.len().saturating_sub(1));
    out[..body].fill(0.0);
    if body > 0 {
        add_combination(&mut out[..body], w, |k| &r[k..]);
    }
    for (t, o) in out.iter_mut().enumerate().skip(body) {
        *o = w.iter().zip(&r[t..]).map(|(w, r)| w * r).sum();
    }
}

/// `c_k = Σ_t s_{t+k} x_t` for each lag `k < c.len()`: the derivative of `Σ_t s_t out_t` in
/// `w_k` when `out` is [`convolve`]`(w, x)`. Weeks before `n-L+1` pair with every lag and are
/// summed for all lags in a few passes; the rest directly.
pub fn correlate(s: &[f64], x: &[f64], c: &mut [f64]) {
    let n = x.len();
    let body = n.saturating_sub(c.len().saturating_sub(1));
    c.fill(0.0);
    if body > 0 {
        add_dots(&x[..body], |k| &s[k..], c);
    }
    for (k, ck) in c.iter_mut().enumerate() {
        *ck += s.iter().skip(body + k).zip(&x[body..]).map(|(s, x)| s * x).sum::<f64>();
    }
}

/// Checks the window length shared by every kernel.
pub fn check_l_max(l_max: i64) -> Result<usize, TransformError> {
    if (1..=MAX_L_MAX as i64).contains(&l_max) {
        Ok(l_max as usize)
    } else {
        Err(TransformError::out_of_range("l_max", l_max as f64, "1 to 520"))
    }
}

/// Checks a spend series: finite and non-negative, naming the first bad element (1-based, as
/// SQL arrays count).
pub fn check_series(arg: &str, x: &[f64]) -> Result<(), TransformError> {
    for (i, &v) in x.iter().enumerate() {
        let name = format!("{arg}[{}]", i + 1);
        check_finite(&name, v)?;
        if v < 0.0 {
            return Err(TransformError::out_of_range(&name, v, ">= 0 (spend cannot be negative)"));
        }
    }
    Ok(())
}

/// Validates the parameters of `kind` for use outside the sampler (SQL, simulator, optimizer).
pub fn check_params(kind: AdstockKind, params: &[f64]) -> Result<(), TransformError> {
    for (name, &v) in kind.param_names().iter().zip(params) {
        check_finite(name, v)?;
    }
    match kind {
        AdstockKind::Geometric | AdstockKind::Delayed => {
            if !(0.0..1.0).contains(&params[0]) {
                return Err(TransformError::out_of_range("alpha", params[0], "[0, 1)"));
            }
            if kind == AdstockKind::Delayed && params[1] < 0.0 {
                return Err(TransformError::out_of_range("theta", params[1], ">= 0"));
            }
        }
        AdstockKind::Binomial => {
            if !(params[0] > 0.0 && params[0] <= 1.0) {
                return Err(TransformError::out_of_range("alpha", params[0], "(0, 1]"));
            }
        }
        AdstockKind::WeibullPdf | AdstockKind::WeibullCdf => {
            for (name, &v) in ["lam", "k"].iter().zip(params) {
                if v <= 0.0 {
                    return Err(TransformError::out_of_range(name, v, "> 0"));
                }
            }
        }
        AdstockKind::None => {}
    }
    Ok(())
}

/// Number of weights for `l_max`: PyMC-Marketing's Weibull CDF kernel prepends `w_0 = 1` to
/// `l_max` survival products, so it is one longer than the others.
pub fn kernel_len(kind: AdstockKind, l_max: usize) -> usize {
    if kind == AdstockKind::WeibullCdf {
        l_max + 1
    } else {
        l_max
    }
}

/// The kernel's weights and their parameter derivatives.
pub fn weights(kind: AdstockKind, params: &[f64], l_max: usize, normalize: bool) -> Weights {
    let n = kernel_len(kind, l_max);
    let mut out = Weights { w: vec![0.0; n], dw: vec![[0.0; 2]; n] };
    weights_into(kind, params, normalize, &mut out);
    out
}

/// Fills `out` (whose length is `kernel_len`) without allocating: the sampler calls this for every
/// channel at every gradient evaluation.
pub fn weights_into(kind: AdstockKind, params: &[f64], normalize: bool, out: &mut Weights) {
    match kind {
        AdstockKind::Geometric => {
            // α^k by repeated multiplication (the sampler's hot path), d/dα α^k = k α^(k-1).
            let alpha = params[0];
            let mut previous = 0.0;
            let mut power = 1.0;
            for (k, (w, dw)) in out.w.iter_mut().zip(out.dw.iter_mut()).enumerate() {
                (*w, *dw) = (power, [k as f64 * previous, 0.0]);
                previous = power;
                power *= alpha;
            }
        }
        // α^((k-θ)²): the peak effect arrives θ weeks after the spend.
        AdstockKind::Delayed => fill(out, |k| {
            let (alpha, theta) = (params[0], params[1]);
            let e = (k - theta).powi(2);
            let w = alpha.powf(e);
            let d_alpha = if e == 0.0 { 0.0 } else { e * alpha.powf(e - 1.0) };
            // d/dθ α^e = α^e ln α · (-2(k-θ)); zero where the weight itself vanishes.
            let d_theta = if w == 0.0 { 0.0 } else { -2.0 * (k - theta) * w * alpha.ln() };
            (w, [d_alpha, d_theta])
        }),
        AdstockKind::Binomial => {
            let l_max = out.w.len() as f64;
            let p = 1.0 / params[0] - 1.0;
            let dp = -1.0 / (params[0] * params[0]);
            fill(out, |k| {
                let base = 1.0 - k / (l_max + 1.0);
                let w = base.powf(p);
                (w, [w * base.ln() * dp, 0.0])
            })
        }
        AdstockKind::WeibullPdf => weibull_pdf(params[0], params[1], out),
        AdstockKind::WeibullCdf => weibull_cdf(params[0], params[1], out),
        AdstockKind::None => fill(out, |k| (if k == 0.0 { 1.0 } else { 0.0 }, [0.0; 2])),
    }
    if normalize {
        normalize_in_place(out);
    }
}

/// Writes `kernel(k)` for k = 0..l_max.
fn fill(out: &mut Weights, kernel: impl Fn(f64) -> (f64, [f64; 2])) {
    for (k, (w, dw)) in out.w.iter_mut().zip(out.dw.iter_mut()).enumerate() {
        (*w, *dw) = kernel(k as f64);
    }
}

/// Weibull density at `t = k+1`, min-max rescaled over the window so that the largest weight
/// is 1 and the smallest 0 (PyMC-Marketing's convention). Rescaling in log space keeps the
/// weights defined where every density value underflows; a window whose values are all equal
/// (`l_max = 1`) gets weight 1 throughout, where PyMC-Marketing divides 0 by 0.
fn weibull_pdf(lam: f64, shape: f64, out: &mut Weights) {
    // First the log density and its derivatives.
    fill(out, |k| {
        let z = (k + 1.0) / lam;
        let zk = z.powf(shape);
        let log_p = (shape / lam).ln() + (shape - 1.0) * z.ln() - zk;
        (log_p, [(shape / lam) * (zk - 1.0), 1.0 / shape + z.ln() - zk * z.ln()])
    });
    let (lo, hi) = argmin_argmax(&out.w);
    let (log_hi, dlog_hi) = (out.w[hi], out.dw[hi]);
    // q_t = p_t / p_max and w_t = (q_t - q_min) / (1 - q_min).
    let q_min = (out.w[lo] - log_hi).exp();
    let dq_min = [0, 1].map(|j| q_min * (out.dw[lo][j] - dlog_hi[j]));
    let range = 1.0 - q_min;
    for (w, dw) in out.w.iter_mut().zip(out.dw.iter_mut()) {
        if range == 0.0 {
            (*w, *dw) = (1.0, [0.0; 2]);
            continue;
        }
        let q = (*w - log_hi).exp();
        let dq = [0, 1].map(|j| q * (dw[j] - dlog_hi[j]));
        *w = (q - q_min) / range;
        *dw = [0, 1].map(|j| (dq[j] - dq_min[j]) / range + (q - q_min) * dq_min[j] / (range * range));
    }
}

/// `w_0 = 1`, `w_j = Π_{i=1..j} (1 - F(i))` for j = 1..l_max, with `1 - F(i) = exp(-(i/λ)^k)`:
/// the share of the effect surviving each week.
fn weibull_cdf(lam: f64, shape: f64, out: &mut Weights) {
    let mut log_w = 0.0;
    let mut dlog_w = [0.0, 0.0];
    for (j, (w, dw)) in out.w.iter_mut().zip(out.dw.iter_mut()).enumerate() {
        if j > 0 {
            let z = j as f64 / lam;
            let zk = z.powf(shape);
            log_w -= zk;
            dlog_w[0] += zk * shape / lam;
            dlog_w[1] -= zk * z.ln();
        }
        *w = log_w.exp();
        *dw = dlog_w.map(|d| *w * d);
    }
}

/// `w / Σw` with the quotient rule applied to the derivatives.
fn normalize_in_place(out: &mut Weights) {
    let sum: f64 = out.w.iter().sum();
    let dsum = [0, 1].map(|j| out.dw.iter().map(|d| d[j]).sum::<f64>());
    for (w, dw) in out.w.iter_mut().zip(out.dw.iter_mut()) {
        *dw = [0, 1].map(|j| dw[j] / sum - *w * dsum[j] / (sum * sum));
        *w /= sum;
    }
}

fn argmin_argmax(v: &[f64]) -> (usize, usize) {
    let mut lo = 0;
    let mut hi = 0;
    for (i, &x) in v.iter().enumerate() {
        if x < v[lo] {
            lo = i;
        }
        if x > v[hi] {
            hi = i;
        }
    }
    (lo, hi)
}

#[cfg(test)]
mod tests {
    use super::*;

    const KINDS: [(AdstockKind, [f64; 2]); 5] = [
        (AdstockKind::Geometric, [0.6, 0.0]),
        (AdstockKind::Delayed, [0.5, 1.7]),
        (AdstockKind::Binomial, [0.3, 0.0]),
        (AdstockKind::WeibullPdf, [2.5, 1.8]),
        (AdstockKind::WeibullCdf, [3.0, 1.4]),
    ];

    #[test]
    fn derivatives_match_central_differences() {
        for (kind, params) in KINDS {
            for normalize in [false, true] {
                let w = weights(kind, &params, 9, normalize);
                for j in 0..kind.param_names().len() {
                    let h = 1e-6 * params[j].abs().max(1e-3);
                    let (mut up, mut down) = (params, params);
                    up[j] += h;
                    down[j] -= h;
                    let (wu, wd) = (weights(kind, &up, 9, normalize), weights(kind, &down, 9, normalize));
                    for k in 0..9 {
                        let fd = (wu.w[k] - wd.w[k]) / (2.0 * h);
                        let err = (fd - w.dw[k][j]).abs() / fd.abs().max(1e-8);
                        assert!(err < 1e-6, "{kind:?} normalize={normalize} k={k} param {j}: {fd} vs {}", w.dw[k][j]);
                    }
                }
            }
        }
    }

    #[test]
    fn normalized_weights_keep_a_constant_spend_constant() {
        for (kind, params) in KINDS {
            let w = weights(kind, &params, 6, true);
            let x = vec![2.0; 20];
            let mut a = vec![0.0; 20];
            w.convolve(&x, &mut a);
            assert!((a[19] - 2.0).abs() < 1e-12, "{kind:?}: steady state {}", a[19]);
        }
    }

    #[test]
    fn convolution_is_causal() {
        let w = weights(AdstockKind::Geometric, &[0.5, 0.0], 4, false);
        let mut a = vec![0.0; 6];
        w.convolve(&[0.0, 0.0, 1.0, 0.0, 0.0, 0.0], &mut a);
        assert_eq!(a, vec![0.0, 0.0, 1.0, 0.5, 0.25, 0.125]);
    }

    #[test]
    fn convolution_its_adjoint_and_correlation_match_their_definitions() {
        let series = |n: usize, f: f64| (0..n).map(|i| ((i as f64 + 1.0) * f).sin()).collect::<Vec<f64>>();
        for (n, l) in [(12, 1), (12, 5), (12, 12), (12, 13), (4, 9), (1, 3)] {
            let (w, x, s) = (series(l, 0.9), series(n, 0.7), series(n, 1.3));
            let (mut out, mut adjoint, mut c) = (vec![0.0; n], vec![0.0; n], vec![0.0; l]);
            convolve(&w, &x, &mut out);
            convolve_adjoint(&w, &s, &mut adjoint);
            correlate(&s, &x, &mut c);
            let lagged = |k: usize, t: usize| if k <= t { x[t - k] } else { 0.0 };
            for t in 0..n {
                let expected: f64 = (0..l).map(|k| w[k] * lagged(k, t)).sum();
                assert!((out[t] - expected).abs() < 1e-14, "convolve n={n} l={l} t={t}");
                let expected: f64 = (0..l).filter(|k| t + k < n).map(|k| w[k] * s[t + k]).sum();
                assert!((adjoint[t] - expected).abs() < 1e-14, "adjoint n={n} l={l} t={t}");
            }
            for (k, &ck) in c.iter().enumerate().take(l) {
                let expected: f64 = (0..n).map(|t| s[t] * lagged(k, t)).sum();
                assert!((ck - expected).abs() < 1e-14, "correlate n={n} l={l} k={k}");
            }
        }
    }

    #[test]
    fn rejects_out_of_range_parameters() {
        assert!(check_params(AdstockKind::Geometric, &[1.0]).is_err());
        assert!(check_params(AdstockKind::Geometric, &[-0.1]).is_err());
        assert!(check_params(AdstockKind::Binomial, &[0.0]).is_err());
        assert!(check_params(AdstockKind::WeibullPdf, &[0.0, 1.0]).is_err());
        assert!(check_params(AdstockKind::Delayed, &[0.5, f64::NAN]).is_err());
        assert!(check_l_max(0).is_err());
        assert!(check_l_max(521).is_err());
        assert_eq!(check_l_max(8), Ok(8));
    }
}

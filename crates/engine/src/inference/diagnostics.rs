//! Convergence diagnostics as ArviZ computes them: rank-normalised split R-hat, bulk and tail
//! ESS (Vehtari, Gelman, Simpson, Carpenter & Bürkner 2021), MCSE of mean and sd, HDI, E-BFMI.
//! Inputs are `chains × draws` arrays of one scalar parameter.

use crate::stats::{median_of_sorted, quantile_of_sorted};
use ndarray::{Array2, ArrayView2, Axis};

/// ArviZ's summary row of one parameter.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Summary {
    pub mean: f64,
    pub sd: f64,
    pub hdi_lower: f64,
    pub hdi_upper: f64,
    pub mcse_mean: f64,
    pub mcse_sd: f64,
    pub ess_bulk: f64,
    pub ess_tail: f64,
    pub r_hat: f64,
}

pub fn summarize(draws: ArrayView2<f64>, hdi_prob: f64) -> Summary {
    let flat: Vec<f64> = draws.iter().copied().collect();
    // One sorted copy serves the HDI, the median of the folded R-hat and the tail quantiles;
    // the rank-normalised split chains serve both R-hat and the bulk ESS.
    let sorted_draws = sorted(flat.clone());
    let (hdi_lower, hdi_upper) = hdi_of_sorted(&sorted_draws, hdi_prob);
    let bulk = z_scale(split_chains(draws).view());
    Summary {
        mean: mean(&flat),
        sd: sd(&flat),
        hdi_lower,
        hdi_upper,
        mcse_mean: mcse_mean(draws),
        mcse_sd: mcse_sd(draws),
        ess_bulk: ess(bulk.view()),
        ess_tail: tail_ess(draws, &sorted_draws),
        r_hat: rhat_of(draws, &bulk, &sorted_draws),
    }
}

/// Rank-normalised split R-hat: the larger of the bulk and the folded (tail) versions.
pub fn rhat(draws: ArrayView2<f64>) -> f64 {
    let sorted_draws = sorted(draws.iter().copied().collect());
    rhat_of(draws, &z_scale(split_chains(draws).view()), &sorted_draws)
}

/// [`rhat`] and [`ess_bulk`], sharing the rank-normalised split chains: what a fit's health
/// reads of every parameter.
pub fn rhat_and_ess_bulk(draws: ArrayView2<f64>) -> (f64, f64) {
    let sorted_draws = sorted(draws.iter().copied().collect());
    let bulk = z_scale(split_chains(draws).view());
    (rhat_of(draws, &bulk, &sorted_draws), ess(bulk.view()))
}

/// R-hat from the rank-normalised split chains `bulk` and the sorted draws.
fn rhat_of(draws: ArrayView2<f64>, bulk: &Array2<f64>, sorted_draws: &[f64]) -> f64 {
    split_rhat(bulk).max(folded_rhat(draws, sorted_draws))
}

/// R-hat of the distances from the median: sensitive to chains that differ in spread.
fn folded_rhat(draws: ArrayView2<f64>, sorted_draws: &[f64]) -> f64 {
    let median = median_of_sorted(sorted_draws);
    let folded = draws.mapv(|x| (x - median).abs());
    split_rhat(&z_scale(split_chains(folded.view()).view()))
}

/// ESS of the rank-normalised split chains: efficiency for the centre of the distribution.
pub fn ess_bulk(draws: ArrayView2<f64>) -> f64 {
    ess(z_scale(split_chains(draws).view()).view())
}

/// The smaller ESS of the 5% and 95% quantile indicators: efficiency for the tails.
pub fn ess_tail(draws: ArrayView2<f64>) -> f64 {
    tail_ess(draws, &sorted(draws.iter().copied().collect()))
}

fn tail_ess(draws: ArrayView2<f64>, sorted_draws: &[f64]) -> f64 {
    [0.05, 0.95]
        .map(|p| {
            let q = quantile_of_sorted(sorted_draws, p);
            ess(split_chains(draws.mapv(|x| f64::from(u8::from(x <= q))).view()).view())
        })
        .into_iter()
        .fold(f64::INFINITY, f64::min)
}

/// ESS of the split chains without rank normalisation: efficiency for the mean (ArviZ's
/// `ess(method="mean")`).
pub fn ess_mean(draws: ArrayView2<f64>) -> f64 {
    ess(split_chains(draws).view())
}

/// Monte-Carlo standard error of the mean: `sd / √ESS` with the plain split-chain ESS.
pub fn mcse_mean(draws: ArrayView2<f64>) -> f64 {
    let flat: Vec<f64> = draws.iter().copied().collect();
    sd(&flat) / ess_mean(draws).sqrt()
}

/// Monte-Carlo standard error of the sd, through the ESS of the squared deviations.
pub fn mcse_sd(draws: ArrayView2<f64>) -> f64 {
    let m = mean(&draws.iter().copied().collect::<Vec<_>>());
    let squares = draws.mapv(|x| (x - m) * (x - m));
    let ess = ess(split_chains(squares.view()).view());
    let evar = squares.mean().expect("draws");
    let varvar = (squares.mapv(|s| s * s).mean().expect("draws") - evar * evar) / ess;
    (varvar / evar / 4.0).sqrt()
}

/// Narrowest interval holding `prob` of the sample (ArviZ's unimodal HDI).
pub fn hdi(sample: &[f64], prob: f64) -> (f64, f64) {
    hdi_of_sorted(&sorted(sample.to_vec()), prob)
}

fn hdi_of_sorted(s: &[f64], prob: f64) -> (f64, f64) {
    let n = s.len();
    let width = (prob * n as f64).floor() as usize;
    let start = (0..n - width).min_by(|&a, &b| (s[a + width] - s[a]).total_cmp(&(s[b + width] - s[b]))).unwrap_or(0);
    (s[start], s[(start + width).min(n - 1)])
}

/// Energy Bayesian fraction of missing information of one chain; below 0.3 suggests the
/// sampler explores the energy distribution poorly.
pub fn bfmi(energy: &[f64]) -> f64 {
    // ArviZ: mean squared step over the variance, with both normalised by the same count.
    let m = mean(energy);
    let steps: f64 = energy.windows(2).map(|w| (w[1] - w[0]).powi(2)).sum();
    steps / energy.iter().map(|e| (e - m).powi(2)).sum::<f64>()
}

fn mean(x: &[f64]) -> f64 {
    x.iter().sum::<f64>() / x.len() as f64
}

fn sd(x: &[f64]) -> f64 {
    let m = mean(x);
    (x.iter().map(|v| (v - m).powi(2)).sum::<f64>() / (x.len() - 1) as f64).sqrt()
}

fn sorted(mut v: Vec<f64>) -> Vec<f64> {
    v.sort_by(f64::total_cmp);
    v
}

/// Each chain cut in half (the middle draw of an odd length dropped), doubling the chains so
/// that R-hat and ESS see trends within chains.
fn split_chains(draws: ArrayView2<f64>) -> Array2<f64> {
    let (chains, n) = draws.dim();
    let half = n / 2;
    Array2::from_shape_fn((2 * chains, half), |(c, d)| {
        if c < chains {
            draws[[c, d]]
        } else {
            draws[[c - chains, n - half + d]]
        }
    })
}

/// Ranks (ties averaged) mapped through the normal quantile: `Φ⁻¹((r - 3/8) / (S + 1/4))`.
fn z_scale(draws: ArrayView2<f64>) -> Array2<f64> {
    let mut pairs: Vec<(f64, usize)> = draws.iter().copied().zip(0..).collect();
    pairs.sort_unstable_by(|a, b| a.0.total_cmp(&b.0));
    let mut ranks = vec![0.0; pairs.len()];
    let mut i = 0;
    while i < pairs.len() {
        let mut j = i;
        while j + 1 < pairs.len() && pairs[j + 1].0 == pairs[i].0 {
            j += 1;
        }
        let avg = (i + j) as f64 / 2.0 + 1.0;
        for &(_, k) in &pairs[i..=j] {
            ranks[k] = avg;
        }
        i = j + 1;
    }
    let size = pairs.len() as f64;
    Array2::from_shape_vec(
        draws.raw_dim(),
        ranks.iter().map(|r| normal_quantile((r - 0.375) / (size + 0.25))).collect(),
    )
    .expect("same shape")
}

/// Classic (non-rank) R-hat of already split chains.
fn split_rhat(draws: &Array2<f64>) -> f64 {
    let n = draws.ncols() as f64;
    let chain_means = draws.mean_axis(Axis(1)).expect("draws");
    let within = draws.var_axis(Axis(1), 1.0).mean().expect("chains");
    let between = n * chain_means.var(1.0);
    ((between / within + n - 1.0) / n).sqrt()
}

/// ESS with Geyer's initial positive and monotone sequences over the chains' mean
/// autocovariance. Autocovariances are computed lag by lag only as far as the sequence
/// needs, which for mixing chains is a few dozen lags.
fn ess(draws: ArrayView2<f64>) -> f64 {
    let (chains, n) = draws.dim();
    let centered: Vec<Vec<f64>> = draws
        .outer_iter()
        .map(|c| {
            let m = c.mean().expect("draws");
            c.iter().map(|x| x - m).collect()
        })
        .collect();
    let acov = |t: usize| {
        centered.iter().map(|c| c[..n - t].iter().zip(&c[t..]).map(|(a, b)| a * b).sum::<f64>() / n as f64).sum::<f64>()
            / chains as f64
    };
    let nf = n as f64;
    let mean_var = acov(0) * nf / (nf - 1.0);
    let mut var_plus = mean_var * (nf - 1.0) / nf;
    if chains > 1 {
        let means: Vec<f64> = draws.outer_iter().map(|c| c.mean().expect("draws")).collect();
        let m = mean(&means);
        var_plus += means.iter().map(|x| (x - m).powi(2)).sum::<f64>() / (chains - 1) as f64;
    }
    let rho = |t: usize| 1.0 - (mean_var - acov(t)) / var_plus;
    let mut rho_hat = vec![0.0; n];
    rho_hat[0] = 1.0;
    let (mut even, mut odd) = (1.0, rho(1));
    rho_hat[1] = odd;
    let mut t = 1;
    while t < n.saturating_sub(3) && even + odd > 0.0 {
        even = rho(t + 1);
        odd = rho(t + 2);
        if even + odd >= 0.0 {
            rho_hat[t + 1] = even;
            rho_hat[t + 2] = odd;
        }
        t += 2;
    }
    // ArviZ's indices; max_t is -1 when the chains are too short for one pair of lags.
    let max_t = t as isize - 2;
    let first_excluded = (max_t + 1) as usize;
    if even > 0.0 {
        rho_hat[first_excluded] = even;
    }
    let mut t = 1;
    while t as isize + 2 <= max_t {
        if rho_hat[t + 1] + rho_hat[t + 2] > rho_hat[t - 1] + rho_hat[t] {
            rho_hat[t + 1] = (rho_hat[t - 1] + rho_hat[t]) / 2.0;
            rho_hat[t + 2] = rho_hat[t + 1];
        }
        t += 2;
    }
    let total = (chains * n) as f64;
    let tau =
        (-1.0 + 2.0 * rho_hat[..first_excluded].iter().sum::<f64>() + rho_hat[first_excluded]).max(1.0 / total.log10());
    if rho_hat.iter().any(|r| r.is_nan()) {
        f64::NAN
    } else {
        total / tau
    }
}

/// Standard normal quantile, Wichura's AS 241 (PPND16), about 1e-16 relative.
pub fn normal_quantile(p: f64) -> f64 {
    let q = p - 0.5;
    if q.abs() <= 0.425 {
        let r = 0.180625 - q * q;
        return q * poly(
            &[
                3.387_132_872_796_366_5,
                133.141_667_891_784_38,
                1_971.590_950_306_551_3,
                13_731.693_765_509_46,
                45_921.953_931_549_87,
                67_265.770_927_008_7,
                33_430.575_583_588_13,
                2_509.080_928_730_122_7,
            ],
            r,
        ) / poly(
            &[
                1.0,
                42.313_330_701_600_91,
                687.187_007_492_057_9,
                5_394.196_021_424_751,
                21_213.794_301_586_597,
                39_307.895_800_092_71,
                28_729.085_735_721_943,
                5_226.495_278_852_545,
            ],
            r,
        );
    }
    let r = (-(if q < 0.0 { p } else { 1.0 - p }).ln()).sqrt();
    let x = if r <= 5.0 {
        let r = r - 1.6;
        poly(
            &[
                1.423_437_110_749_683_5,
                4.630_337_846_156_546,
                5.769_497_221_460_691,
                3.647_848_324_763_204_5,
                1.270_458_252_452_368_4,
                0.241_780_725_177_450_6,
                0.022_723_844_989_269_184,
                7.745_450_142_783_414e-4,
            ],
            r,
        ) / poly(
            &[
                1.0,
                2.053_191_626_637_759,
                1.676_384_830_183_803_8,
                0.689_767_334_985_1,
                0.148_103_976_427_480_08,
                0.015_198_666_563_616_457,
                5.475_938_084_995_345e-4,
                1.050_750_071_644_416_9e-9,
            ],
            r,
        )
    } else {
        let r = r - 5.0;
        poly(
            &[
                6.657_904_643_501_103,
                5.463_784_911_164_114,
                1.784_826_539_917_291_3,
                0.296_560_571_828_504_9,
                0.026_532_189_526_576_124,
                0.001_242_660_947_388_078_4,
                2.711_555_568_743_487_6e-5,
                2.010_334_399_292_288_1e-7,
            ],
            r,
        ) / poly(
            &[
                1.0,
                0.599_832_206_555_888,
                0.136_929_880_922_735_8,
                0.014_875_361_290_850_615,
                7.868_691_311_456_133e-4,
                1.846_318_317_510_054_8e-5,
                1.421_511_758_316_446e-7,
                2.044_263_103_389_939_7e-15,
            ],
            r,
        )
    };
    if q < 0.0 {
        -x
    } else {
        x
    }
}

/// `c[0] + c[1] x + c[2] x² + ...` by Horner's rule.
fn poly(c: &[f64], x: f64) -> f64 {
    c.iter().rev().fold(0.0, |acc, &ci| acc * x + ci)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use rand_distr::{Distribution, Normal};

    fn chains(f: impl Fn(usize, usize) -> f64) -> Array2<f64> {
        Array2::from_shape_fn((4, 500), |(c, d)| f(c, d))
    }

    #[test]
    fn normal_quantile_inverts_known_points() {
        assert_eq!(normal_quantile(0.5), 0.0);
        assert!((normal_quantile(0.975) - 1.959_963_984_540_054).abs() < 1e-15);
        assert!((normal_quantile(1e-10) + 6.361_340_902_404_056).abs() < 1e-13);
    }

    #[test]
    fn iid_chains_mix_and_shifted_chains_do_not() {
        let mut rng = rand::rngs::StdRng::seed_from_u64(3);
        let normal = Normal::new(0.0, 1.0).unwrap();
        let iid: Vec<f64> = (0..2000).map(|_| normal.sample(&mut rng)).collect();
        let good = chains(|c, d| iid[c * 500 + d]);
        let s = summarize(good.view(), 0.94);
        assert!(s.r_hat < 1.01, "{}", s.r_hat);
        assert!((1400.0..2600.0).contains(&s.ess_bulk), "{}", s.ess_bulk);
        let bad = chains(|c, d| iid[c * 500 + d] + if c == 0 { 2.0 } else { 0.0 });
        assert!(rhat(bad.view()) > 1.1);
        let (lo, hi) = (s.hdi_lower, s.hdi_upper);
        assert!(lo < -1.7 && hi > 1.7 && hi < 2.1, "{lo} {hi}");
    }

    #[test]
    fn autocorrelation_lowers_ess() {
        let mut rng = rand::rngs::StdRng::seed_from_u64(4);
        let normal = Normal::new(0.0, 1.0).unwrap();
        let mut series = Array2::zeros((4, 500));
        for mut row in series.outer_iter_mut() {
            let mut x = 0.0;
            for v in row.iter_mut() {
                x = 0.9 * x + normal.sample(&mut rng);
                *v = x;
            }
        }
        // AR(1) with φ = 0.9 has ESS ≈ N (1 - φ)/(1 + φ) ≈ 105.
        let e = ess_bulk(series.view());
        assert!((60.0..170.0).contains(&e), "{e}");
    }
}

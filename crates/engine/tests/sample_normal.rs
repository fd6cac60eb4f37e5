//! The sampler glue end to end on a known target: a correlated bivariate normal sampled
//! through the same `sample` entry point the MMM uses, with each mass matrix, its mean and
//! covariance recovered.

use mmm_engine::inference::sampler::{sample, Target};
use mmm_engine::inference::Control;
use mmm_engine::inference::{MassMatrix, SamplerSettings};
use std::sync::Arc;

/// `N(m, Σ)` with `Σ = [[s1², ρ s1 s2], [ρ s1 s2, s2²]]`, sampled in its own coordinates.
struct Normal2 {
    mean: [f64; 2],
    sd: [f64; 2],
    rho: f64,
}

impl Normal2 {
    /// `Σ⁻¹`.
    fn precision(&self) -> [[f64; 2]; 2] {
        let [s1, s2] = self.sd;
        let det = s1 * s1 * s2 * s2 * (1.0 - self.rho * self.rho);
        let c = self.rho * s1 * s2;
        [[s2 * s2 / det, -c / det], [-c / det, s1 * s1 / det]]
    }
}

impl Target for Normal2 {
    type Scratch = ();

    fn dim(&self) -> usize {
        2
    }

    fn scratch(&self) {}

    fn logp_grad(&self, u: &[f64], grad: &mut [f64], _scratch: &mut ()) -> f64 {
        let p = self.precision();
        let d = [u[0] - self.mean[0], u[1] - self.mean[1]];
        let pd = [p[0][0] * d[0] + p[0][1] * d[1], p[1][0] * d[0] + p[1][1] * d[1]];
        grad[0] = -pd[0];
        grad[1] = -pd[1];
        -0.5 * (d[0] * pd[0] + d[1] * pd[1])
    }

    fn constrain(&self, u: &[f64], theta: &mut [f64]) {
        theta.copy_from_slice(u);
    }

    fn initial_point(&self) -> Vec<f64> {
        vec![0.0, 0.0]
    }
}

fn recovers_a_correlated_normal(mass_matrix: MassMatrix) {
    let target = Normal2 { mean: [1.0, -2.0], sd: [2.0, 0.5], rho: 0.8 };
    let settings =
        SamplerSettings { chains: 4, tune: 500, draws: 2000, mass_matrix, seed: Some(42), ..Default::default() };
    let trace = sample(Arc::new(target), &settings, |_| Control::Continue).unwrap();
    assert_eq!(trace.divergences(), 0, "{mass_matrix:?}");
    let n = (settings.chains * settings.draws) as f64;
    let draws: Vec<&[f64]> = trace.draws().collect();
    let mean = |i: usize| draws.iter().map(|d| d[i]).sum::<f64>() / n;
    let (m0, m1) = (mean(0), mean(1));
    let cov = |i: usize, j: usize, mi: f64, mj: f64| draws.iter().map(|d| (d[i] - mi) * (d[j] - mj)).sum::<f64>() / n;
    let (v0, v1, c01) = (cov(0, 0, m0, m0), cov(1, 1, m1, m1), cov(0, 1, m0, m1));
    // NUTS draws of a Gaussian are nearly independent (bulk ESS is typically above half the
    // draws), so with 8000 draws the Monte-Carlo standard error of a mean is at most about
    // sd·√(2/8000) = 0.016 sd, and of a variance about σ²·√(2·2/8000) = 0.022 σ². The bounds
    // are 5 such errors: a correct sampler fails them with probability below 1e-6, while a
    // wrong density or gradient (e.g. a sign or a missing correlation) misses them by far.
    assert!((m0 - 1.0).abs() < 5.0 * 0.016 * 2.0, "mean 0: {m0} ({mass_matrix:?})");
    assert!((m1 + 2.0).abs() < 5.0 * 0.016 * 0.5, "mean 1: {m1} ({mass_matrix:?})");
    assert!((v0 / 4.0 - 1.0).abs() < 5.0 * 0.022, "variance 0: {v0} ({mass_matrix:?})");
    assert!((v1 / 0.25 - 1.0).abs() < 5.0 * 0.022, "variance 1: {v1} ({mass_matrix:?})");
    // The sample correlation's standard error is about (1 - ρ²)/√n_eff = 0.36/√4000 = 0.006.
    let corr = c01 / (v0 * v1).sqrt();
    assert!((corr - 0.8).abs() < 0.03, "correlation: {corr} ({mass_matrix:?})");
}

#[test]
fn recovers_a_correlated_normal_with_a_diagonal_mass_matrix() {
    recovers_a_correlated_normal(MassMatrix::Diag);
}

#[test]
fn recovers_a_correlated_normal_with_a_low_rank_mass_matrix() {
    recovers_a_correlated_normal(MassMatrix::LowRank);
}

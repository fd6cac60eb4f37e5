//! The observation likelihood: `ỹ_{t,g} ~ Normal(mu_{t,g}, σ_g)`, Student-t, or Normal truncated
//! below at 0 (PyMC-Marketing's hierarchical examples), i.i.d. over weeks and geos.

use super::prior::student_t_constant;
use super::space::Handle;
use super::spec::Likelihood;
use super::special::{digamma, ln_phi, LN_SQRT_2PI};
use super::term::{Gradient, Point, Term};
use crate::numeric::{dot, wide};
use std::any::Any;
use std::f64::consts::PI;

/// The likelihood of the scaled target given the mean, with its noise parameters' blocks and
/// where each geo reads them: its own `y_sigma` by default, a shared one when the block has no
/// geo dim.
#[derive(Debug, Clone, PartialEq)]
pub struct Observation {
    pub kind: Likelihood,
    pub sigma: Handle,
    /// Per geo, the position of its σ.
    pub sigma_at: Vec<usize>,
    /// Degrees of freedom, for the Student-t, with the position each geo reads.
    pub nu: Option<(Handle, Vec<usize>)>,
}

impl Term for Observation {
    fn name(&self) -> &str {
        "likelihood"
    }

    fn reads_mean(&self) -> bool {
        true
    }

    /// The residuals of the Normal likelihood.
    fn workspace(&self, weeks: usize) -> Box<dyn Any + Send> {
        Box::new(vec![0.0; weeks])
    }

    fn logp_grad(&self, at: &Point, grad: &mut Gradient, work: &mut dyn Any) -> f64 {
        let weeks = at.design.weeks();
        let resid: &mut Vec<f64> = work.downcast_mut().expect("the likelihood's workspace");
        let series = at.design.y.chunks(weeks).zip(at.mu.chunks(weeks)).zip(grad.mu.chunks_mut(weeks));
        let mut lp = 0.0;
        for (g, ((y, mu), dmu)) in series.enumerate() {
            let i_sigma = self.sigma_at[g];
            let nu = self.nu.as_ref().map(|(_, at)| at[g]);
            lp += self.series(y, mu, at.theta, i_sigma, nu, &mut resid[..y.len()], dmu, grad.theta);
        }
        lp
    }
}

impl Observation {
    /// `ln p(ỹ_{t,g} | mu_{t,g}, θ)` of every observation into `out`, geo-major as `y` with
    /// `weeks` per geo, each geo with its own noise parameters: the terms of [`Term::logp_grad`]
    /// one by one, the pointwise log-likelihood that LOO and WAIC read.
    pub fn pointwise(&self, y: &[f64], mu: &[f64], weeks: usize, theta: &[f64], out: &mut [f64]) {
        let series = y.chunks(weeks).zip(mu.chunks(weeks)).zip(out.chunks_mut(weeks));
        for (g, ((y, mu), out)) in series.enumerate() {
            let sigma = theta[self.sigma_at[g]];
            let terms = out.iter_mut().zip(y).zip(mu);
            match self.kind {
                Likelihood::Normal => {
                    let constant = -0.5 * (2.0 * PI).ln() - sigma.ln();
                    for ((l, y), m) in terms {
                        let z = (y - m) / sigma;
                        *l = constant - 0.5 * z * z;
                    }
                }
                Likelihood::TruncatedNormal => {
                    // The Normal density renormalised by Φ(mu/σ), its mass above 0.
                    for ((l, y), m) in terms {
                        let z = (y - m) / sigma;
                        *l = if *y < 0.0 {
                            f64::NEG_INFINITY
                        } else {
                            -LN_SQRT_2PI - sigma.ln() - 0.5 * z * z - ln_phi(m / sigma)
                        };
                    }
                }
                Likelihood::StudentT => {
                    let (_, nu_at) = self.nu.as_ref().expect("a Student-t likelihood has nu");
                    let nu = theta[nu_at[g]];
                    let constant = student_t_constant(nu, sigma);
                    for ((l, y), m) in terms {
                        let z = (y - m) / sigma;
                        *l = constant - 0.5 * (nu + 1.0) * (z * z / nu).ln_1p();
                    }
                }
            }
        }
    }

    /// One geo's series: its log likelihood, with the derivatives added to `dmu` and to its
    /// noise parameters at `i_sigma` (and `i_nu`) in `grad_theta`.
    #[allow(clippy::too_many_arguments)] // one geo's slices of the point and of the gradient
    fn series(
        &self,
        y: &[f64],
        mu: &[f64],
        theta: &[f64],
        i_sigma: usize,
        i_nu: Option<usize>,
        resid: &mut [f64],
        dmu: &mut [f64],
        grad_theta: &mut [f64],
    ) -> f64 {
        let sigma = theta[i_sigma];
        let n = y.len() as f64;
        match self.kind {
            Likelihood::Normal => {
                wide(|| resid.iter_mut().zip(y).zip(mu).for_each(|((r, y), m)| *r = y - m));
                let ss = dot(resid, resid);
                let precision = 1.0 / (sigma * sigma);
                wide(|| dmu.iter_mut().zip(resid.iter()).for_each(|(g, r)| *g += r * precision));
                grad_theta[i_sigma] += -n / sigma + ss / (sigma * sigma * sigma);
                -0.5 * n * (2.0 * PI).ln() - n * sigma.ln() - 0.5 * ss / (sigma * sigma)
            }
            Likelihood::TruncatedNormal => {
                // Normal(mu, σ) truncated below at 0: the Normal term minus ln Φ(mu/σ) per week,
                // whose derivatives are -λ/σ in mu and λa/σ in σ, λ = φ(a)/Φ(a), a = mu/σ.
                if y.iter().any(|&v| v < 0.0) {
                    return f64::NEG_INFINITY;
                }
                let (mut ll, mut dsigma) = (0.0, 0.0);
                for ((g, y), m) in dmu.iter_mut().zip(y).zip(mu) {
                    let (z, a) = ((y - m) / sigma, m / sigma);
                    let ln_cdf = ln_phi(a);
                    let lambda = (-LN_SQRT_2PI - 0.5 * a * a - ln_cdf).exp();
                    ll += -0.5 * z * z - ln_cdf;
                    *g += z / sigma - lambda / sigma;
                    dsigma += z * z / sigma + lambda * a / sigma;
                }
                grad_theta[i_sigma] += dsigma - n / sigma;
                ll - n * (LN_SQRT_2PI + sigma.ln())
            }
            Likelihood::StudentT => {
                let i_nu = i_nu.expect("a Student-t likelihood has nu");
                let nu = theta[i_nu];
                let (mut ll, mut dsigma, mut dnu) = (0.0, 0.0, 0.0);
                for ((g, y), m) in dmu.iter_mut().zip(y).zip(mu) {
                    let z = (y - m) / sigma;
                    let q = 1.0 + z * z / nu;
                    ll -= 0.5 * (nu + 1.0) * q.ln();
                    *g += (nu + 1.0) * z / (sigma * nu * q);
                    dsigma += (nu + 1.0) * z * z / (sigma * nu * q);
                    dnu += -0.5 * q.ln() + 0.5 * (nu + 1.0) * z * z / (nu * nu * q);
                }
                grad_theta[i_sigma] += dsigma - n / sigma;
                grad_theta[i_nu] += dnu + n * (0.5 * digamma(0.5 * (nu + 1.0)) - 0.5 * digamma(0.5 * nu) - 0.5 / nu);
                ll + n * student_t_constant(nu, sigma)
            }
        }
    }
}

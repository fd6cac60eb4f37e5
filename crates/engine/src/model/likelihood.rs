//! The observation likelihood: `ỹ_t ~ Normal(mu_t, σ)` or Student-t, i.i.d. over weeks.

use super::prior::student_t_constant;
use super::space::Handle;
use super::spec::Likelihood;
use super::special::digamma;
use super::term::{Gradient, Point, Term};
use crate::numeric::{dot, wide};
use std::any::Any;
use std::f64::consts::PI;

/// The likelihood of the scaled target given the mean, with its noise parameters' blocks.
#[derive(Debug, Clone, PartialEq)]
pub struct Observation {
    pub kind: Likelihood,
    pub sigma: Handle,
    /// Degrees of freedom, for the Student-t.
    pub nu: Option<Handle>,
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
        let (y, mu) = (&at.design.y, at.mu);
        let i_sigma = self.sigma.index(0);
        let sigma = at.theta[i_sigma];
        let n = y.len() as f64;
        match self.kind {
            Likelihood::Normal => {
                let resid: &mut Vec<f64> = work.downcast_mut().expect("the Normal likelihood's workspace");
                wide(|| resid.iter_mut().zip(y).zip(mu).for_each(|((r, y), m)| *r = y - m));
                let ss = dot(resid, resid);
                let precision = 1.0 / (sigma * sigma);
                wide(|| grad.mu.iter_mut().zip(resid.iter()).for_each(|(g, r)| *g += r * precision));
                grad.theta[i_sigma] += -n / sigma + ss / (sigma * sigma * sigma);
                -0.5 * n * (2.0 * PI).ln() - n * sigma.ln() - 0.5 * ss / (sigma * sigma)
            }
            Likelihood::StudentT => {
                let i_nu = self.nu.expect("a Student-t likelihood has nu").index(0);
                let nu = at.theta[i_nu];
                let (mut ll, mut dsigma, mut dnu) = (0.0, 0.0, 0.0);
                for ((g, y), m) in grad.mu.iter_mut().zip(y).zip(mu) {
                    let z = (y - m) / sigma;
                    let q = 1.0 + z * z / nu;
                    ll -= 0.5 * (nu + 1.0) * q.ln();
                    *g += (nu + 1.0) * z / (sigma * nu * q);
                    dsigma += (nu + 1.0) * z * z / (sigma * nu * q);
                    dnu += -0.5 * q.ln() + 0.5 * (nu + 1.0) * z * z / (nu * nu * q);
                }
                grad.theta[i_sigma] += dsigma - n / sigma;
                grad.theta[i_nu] += dnu + n * (0.5 * digamma(0.5 * (nu + 1.0)) - 0.5 * digamma(0.5 * nu) - 0.5 / nu);
                ll + n * student_t_constant(nu, sigma)
            }
        }
    }
}

//! The log density as a sum of terms: the priors of every block, the observation likelihood,
//! and room for more (lift-test likelihoods, Gaussian-process priors). A term reads the
//! parameter values and, if it says so, the mean `mu_t`, and adds its derivatives to a
//! [`Gradient`]; the model runs each once per evaluation.

use super::design::Design;
use super::space::ParameterSpace;
use std::any::Any;
use std::fmt;

/// Where the log density is being evaluated.
#[derive(Debug, Clone, Copy)]
pub struct Point<'a> {
    pub space: &'a ParameterSpace,
    pub design: &'a Design,
    /// The unconstrained coordinates the sampler moves in.
    pub u: &'a [f64],
    /// Parameter values.
    pub theta: &'a [f64],
    /// `ln |dθ_i/du_i|` per element.
    pub log_jac: &'a [f64],
    /// The mean `mu_t` in scaled units; computed only for terms that read it.
    pub mu: &'a [f64],
}

/// Derivatives of the log density, which each term adds to.
#[derive(Debug)]
pub struct Gradient<'a> {
    /// In the unconstrained coordinates, for densities of `u` itself.
    pub u: &'a mut [f64],
    /// In the parameter values.
    pub theta: &'a mut [f64],
    /// In the mean `mu_t`; the mean's components carry it on to their parameters.
    pub mu: &'a mut [f64],
}

/// One additive term of the log density.
pub trait Term: fmt::Debug + Send + Sync {
    fn name(&self) -> &str;

    /// Whether the term reads `mu_t` (the mean's forward pass then runs before it).
    fn reads_mean(&self) -> bool {
        false
    }

    /// Buffers the term reuses between evaluations over `weeks` weeks, so that evaluating
    /// allocates nothing; handed back to [`Term::logp_grad`].
    fn workspace(&self, _weeks: usize) -> Box<dyn Any + Send> {
        Box::new(())
    }

    /// The term's value at `at`, its derivatives added to `grad`.
    fn logp_grad(&self, at: &Point, grad: &mut Gradient, work: &mut dyn Any) -> f64;
}

/// Every block's prior, with the log-Jacobian of the transform it is sampled through.
#[derive(Debug, Clone, Copy, Default)]
pub struct Priors;

impl Term for Priors {
    fn name(&self) -> &str {
        "priors"
    }

    fn logp_grad(&self, at: &Point, grad: &mut Gradient, _work: &mut dyn Any) -> f64 {
        at.space.prior_logp_grad(at, grad)
    }
}

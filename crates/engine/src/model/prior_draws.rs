//! Draws from the priors alone, as PyMC's `sample_prior_predictive` makes them: ancestral
//! (forward) sampling, hyper-priors first and each block given the blocks it reads, so every
//! draw is exact and independent of the others.
//!
//! A draw is a parameter vector in the representation the sampler records (values, not
//! offsets): a non-centred block draws its offset `z ~ Normal(0, 1)` (or `StudentT(nu, 0, 1)`)
//! and stores `mu + sigma z`, an `exp` block stores `exp(raw)`, and a `LogNormalPrior`'s mean and
//! std become the log's location and scale first. So every answer reads prior draws exactly as
//! it reads posterior draws. Blocks come in declaration order and a block only reads earlier
//! ones, so one pass fills the vector.

use super::density::Model;
use super::prior::Prior;
use super::space::{log_location_scale, ParameterSpace};
use super::spec::SpecError;
use crate::inference::sampler::{ChainTrace, Trace};
use rand::Rng;
use std::ops::Range;

/// The terms of the log density that forward sampling accounts for: the blocks' priors, and
/// the likelihoods of data (the target, lift tests) that a prior-only fit leaves out. A term
/// that constrains parameters otherwise (a Gaussian-process prior written as a term) has no
/// forward sampler here, and prior-only fits of it are refused by name.
const FORWARD_TERMS: [&str; 3] = ["priors", "likelihood", "lift_tests"];

/// How to draw one block: its priors, where each element reads its hyper-parameters, and the
/// transforms that give the recorded value.
#[derive(Debug, Clone)]
struct Step {
    range: Range<usize>,
    priors: Vec<Prior>,
    /// Per hyper-parameter: its canonical index and, per element, the position it is read from.
    hyper: Vec<(usize, Vec<usize>)>,
    mean_std: bool,
    centred: bool,
    exp: bool,
}

/// The forward sampler of a parameter space.
#[derive(Debug, Clone)]
pub struct PriorDraws {
    dim: usize,
    steps: Vec<Step>,
}

impl PriorDraws {
    pub fn new(space: &ParameterSpace) -> PriorDraws {
        let steps = space
            .blocks()
            .map(|b| {
                let dims: Vec<&str> = b.dims.iter().map(|d| d.name.as_str()).collect();
                let hyper = b
                    .hyper
                    .iter()
                    .map(|(param, from)| {
                        let k = b.priors[0].param_names().position(|p| p == param).expect("a declared parameter");
                        (k, space.positions(*from, &dims).expect("a declared block broadcasts over its child"))
                    })
                    .collect();
                Step {
                    range: b.range(),
                    priors: b.priors.clone(),
                    hyper,
                    mean_std: b.mean_std,
                    centred: b.transform.centred(),
                    exp: b.transform.exp(),
                }
            })
            .collect();
        PriorDraws { dim: space.dim(), steps }
    }

    /// The forward sampler of `model`'s parameters, refused (naming the term) when the model's
    /// density has a term it cannot account for.
    pub fn of(model: &Model) -> Result<PriorDraws, SpecError> {
        if let Some(term) = model.density.terms.iter().find(|t| !FORWARD_TERMS.contains(&t.name())) {
            return Err(SpecError::Config(format!(
                "prior_only: the model's term \"{}\" has no forward sampler; fit without \"prior_only\"",
                term.name()
            )));
        }
        Ok(PriorDraws::new(model.space()))
    }

    pub fn dim(&self) -> usize {
        self.dim
    }

    /// One joint draw of every parameter, written to `theta`.
    pub fn draw(&self, rng: &mut impl Rng, theta: &mut [f64]) {
        for step in &self.steps {
            for (j, i) in step.range.clone().enumerate() {
                let mut prior = step.priors[j];
                for (k, positions) in &step.hyper {
                    prior = prior.with_param(*k, theta[positions[j]]);
                }
                if let (true, Prior::Normal { mu, sigma }) = (step.mean_std, prior) {
                    let (mu, sigma, _) = log_location_scale(mu, sigma);
                    prior = Prior::Normal { mu, sigma };
                }
                let raw = match (step.centred, prior) {
                    (true, prior) => prior.sample(rng),
                    (false, Prior::Normal { mu, sigma }) => {
                        mu + sigma * Prior::Normal { mu: 0.0, sigma: 1.0 }.sample(rng)
                    }
                    (false, Prior::StudentT { nu, mu, sigma }) => {
                        mu + sigma * Prior::StudentT { nu, mu: 0.0, sigma: 1.0 }.sample(rng)
                    }
                    (false, other) => unreachable!("the space refuses a non-centred {other}"),
                };
                theta[i] = if step.exp { raw.exp() } else { raw };
            }
        }
    }

    /// `chains × draws` independent draws, chain `c` from its own stream of `seed` (as the
    /// sampler's chains are), recorded as a sampler's trace with no divergences.
    pub fn trace(&self, chains: usize, draws: usize, seed: u64) -> Trace {
        let chains = (0..chains)
            .map(|chain| {
                let mut rng = crate::inference::sampler::chain_rng(seed, chain);
                let mut values = vec![0.0; draws * self.dim];
                for theta in values.chunks_exact_mut(self.dim.max(1)) {
                    self.draw(&mut rng, theta);
                }
                ChainTrace {
                    values,
                    diverging: vec![false; draws],
                    tree_depth: vec![0; draws],
                    max_treedepth_reached: vec![false; draws],
                    energy: Vec::new(),
                    step_size: f64::NAN,
                }
            })
            .collect();
        Trace { dim: self.dim, chains }
    }
}

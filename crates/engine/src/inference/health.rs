//! Whether a fit can be trusted as sampled: its worst R-hat and bulk ESS over every scalar
//! parameter and its divergences, judged against gates. The catalog stores the verdict with
//! each model so that a user sees `check_diagnostics` before reading its answers.

use super::diagnostics::{ess_bulk, rhat};
use super::sampler::Trace;

/// What a fit must meet to be `ok`. Stan's and ArviZ's advice: R-hat at most 1.01 and no
/// divergent transitions.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Gates {
    pub max_r_hat: f64,
    pub max_divergences: usize,
}

impl Default for Gates {
    fn default() -> Gates {
        Gates { max_r_hat: 1.01, max_divergences: 0 }
    }
}

/// The verdict on a fit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Ok,
    CheckDiagnostics,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Ok => "ok",
            Status::CheckDiagnostics => "check_diagnostics",
        }
    }
}

/// A fit's convergence figures and the verdict they give.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Health {
    /// The largest rank-normalised split R-hat over every scalar parameter.
    pub max_r_hat: f64,
    /// The smallest bulk ESS over every scalar parameter.
    pub min_ess_bulk: f64,
    pub divergences: usize,
    pub status: Status,
}

impl Health {
    pub fn judge(trace: &Trace, gates: &Gates) -> Health {
        let (mut max_r_hat, mut min_ess_bulk) = (f64::NEG_INFINITY, f64::INFINITY);
        for i in 0..trace.dim {
            let draws = trace.parameter(i);
            max_r_hat = max_r_hat.max(rhat(draws.view()));
            min_ess_bulk = min_ess_bulk.min(ess_bulk(draws.view()));
        }
        let divergences = trace.divergences();
        let status = if divergences <= gates.max_divergences && max_r_hat <= gates.max_r_hat {
            Status::Ok
        } else {
            Status::CheckDiagnostics
        };
        Health { max_r_hat, min_ess_bulk, divergences, status }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::inference::sampler::ChainTrace;
    use rand::SeedableRng;
    use rand_distr::{Distribution, Normal};

    /// Four chains of 500 draws of two parameters: independent normals, the second shifted by
    /// `shift` in the first chain; `diverging` draws of the last chain marked divergent.
    fn trace(shift: f64, diverging: usize) -> Trace {
        let mut rng = rand::rngs::StdRng::seed_from_u64(7);
        let normal = Normal::new(0.0, 1.0).unwrap();
        let chains = (0..4)
            .map(|c| {
                let values = (0..1000)
                    .map(|i| normal.sample(&mut rng) + if c == 0 && i % 2 == 1 { shift } else { 0.0 })
                    .collect();
                ChainTrace {
                    values,
                    diverging: (0..500).map(|d| c == 3 && d < diverging).collect(),
                    tree_depth: vec![3; 500],
                    max_treedepth_reached: vec![false; 500],
                    energy: vec![0.0; 500],
                    step_size: 0.5,
                }
            })
            .collect();
        Trace { dim: 2, chains }
    }

    #[test]
    fn mixed_chains_pass_and_each_gate_fails_on_its_own() {
        let good = Health::judge(&trace(0.0, 0), &Gates::default());
        assert_eq!(good.status, Status::Ok);
        assert!(good.max_r_hat < 1.01 && good.min_ess_bulk > 1000.0, "{good:?}");

        let shifted = Health::judge(&trace(2.0, 0), &Gates::default());
        assert_eq!(shifted.status, Status::CheckDiagnostics);
        assert!(shifted.max_r_hat > 1.1, "{shifted:?}");

        let divergent = Health::judge(&trace(0.0, 3), &Gates::default());
        assert_eq!((divergent.divergences, divergent.status), (3, Status::CheckDiagnostics));
        let tolerant = Health::judge(&trace(0.0, 3), &Gates { max_divergences: 3, ..Gates::default() });
        assert_eq!(tolerant.status, Status::Ok);
    }
}

//! Whether a fit can be trusted as sampled: its worst R-hat and bulk ESS over every scalar
//! parameter and its divergences, judged against gates. The catalog stores the verdict with
//! each model so that a user sees `check_diagnostics` before reading its answers.

use super::diagnostics::rhat_and_ess_bulk;
use super::sampler::Trace;
use rayon::prelude::*;

/// What a fit must meet to be `ok`. Stan's and ArviZ's advice: R-hat at most 1.01, no
/// divergent transitions, and a bulk ESS of at least 100 per chain for four chains (400).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Gates {
    pub max_r_hat: f64,
    pub max_divergences: usize,
    pub min_ess_bulk: f64,
}

impl Default for Gates {
    fn default() -> Gates {
        Gates { max_r_hat: 1.01, max_divergences: 0, min_ess_bulk: 400.0 }
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
        // Hundreds of parameters with time-varying effects or many geos: in parallel, then
        // folded in parameter order.
        let figures: Vec<(f64, f64)> =
            (0..trace.dim).into_par_iter().map(|i| rhat_and_ess_bulk(trace.parameter(i).view())).collect();
        let (mut max_r_hat, mut min_ess_bulk) = (f64::NEG_INFINITY, f64::INFINITY);
        for (r_hat, ess) in figures {
            max_r_hat = max_r_hat.max(r_hat);
            min_ess_bulk = min_ess_bulk.min(ess);
        }
        let divergences = trace.divergences();
        let mut health = Health { max_r_hat, min_ess_bulk, divergences, status: Status::Ok };
        if health.gates(gates).any(|(passed, _)| !passed) {
            health.status = Status::CheckDiagnostics;
        }
        health
    }

    /// Why the gates gave this status: the failed gates, or every gate when all passed, each
    /// as its figure against its bound (`max r_hat 1.034 > 1.01; min bulk ESS 212 < 400`).
    pub fn reason(&self, gates: &Gates) -> String {
        let failed: Vec<String> = self.gates(gates).filter(|(passed, _)| !passed).map(|(_, text)| text).collect();
        if failed.is_empty() {
            self.gates(gates).map(|(_, text)| text).collect::<Vec<_>>().join(", ")
        } else {
            failed.join("; ")
        }
    }

    /// Each gate: whether it passed, and its figure against its bound. A NaN figure (a
    /// parameter that never moved) fails.
    fn gates(&self, gates: &Gates) -> impl Iterator<Item = (bool, String)> {
        let (r_hat, ess) = (self.max_r_hat, self.min_ess_bulk);
        let r_hat_ok = r_hat <= gates.max_r_hat;
        let divergences_ok = self.divergences <= gates.max_divergences;
        let ess_ok = ess >= gates.min_ess_bulk;
        let sign = |ok: bool, pass: &str, fail: &str| if ok { pass.to_string() } else { fail.to_string() };
        [
            (r_hat_ok, format!("max r_hat {r_hat:.3} {} {}", sign(r_hat_ok, "<=", ">"), gates.max_r_hat)),
            (
                divergences_ok,
                format!(
                    "{} divergences {} {}",
                    self.divergences,
                    sign(divergences_ok, "<=", ">"),
                    gates.max_divergences
                ),
            ),
            (ess_ok, format!("min bulk ESS {ess:.0} {} {}", sign(ess_ok, ">=", "<"), gates.min_ess_bulk)),
        ]
        .into_iter()
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
        assert_eq!(divergent.reason(&Gates::default()), "3 divergences > 0");
        let three = Gates { max_divergences: 3, ..Gates::default() };
        let tolerant = Health::judge(&trace(0.0, 3), &three);
        assert_eq!(tolerant.status, Status::Ok);
        let reason = tolerant.reason(&three);
        assert!(
            reason.starts_with("max r_hat 1.0") && reason.contains(", 3 divergences <= 3, min bulk ESS "),
            "{reason}"
        );

        let demanding = Gates { min_ess_bulk: 1e6, ..Gates::default() };
        let few = Health::judge(&trace(0.0, 0), &demanding);
        assert_eq!(few.status, Status::CheckDiagnostics);
        assert!(few.reason(&demanding).starts_with("min bulk ESS ") && few.reason(&demanding).ends_with(" < 1000000"));
    }
}

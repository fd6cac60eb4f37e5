//! Warm starts: a refit after new weeks begins where the previous version's chains ended, with
//! their adapted step sizes, and tunes for less long.
//!
//! A warm start only chooses the starting points and the first step size; tuning still adapts
//! step size and mass matrix to the new posterior before any draw is kept, so it changes how
//! long a fit takes, never what it converges to.

use super::sampler::ChainAdaptation;
use crate::model::ParameterSpace;
use serde::{Deserialize, Serialize};

/// Tuning draws of a warm refit unless its config gives `tune`. nutpie, which runs the same
/// nuts-rs adaptation, tunes 300 draws by default; from a start in the typical set that schedule
/// has its full shape (an early window of 90 draws switching every 10, a main window of 80 or
/// more, a final step-size window of 45), and what a cold start spends beyond it is mostly the
/// walk from the priors' centre to the posterior.
pub const WARM_TUNE: usize = 300;

/// The tuning length of a warm refit whose previous settings tuned `cold_tune` draws: never
/// longer than a cold fit would tune.
pub fn warm_tune(cold_tune: usize) -> usize {
    cold_tune.min(WARM_TUNE)
}

/// What a fit leaves for a warm start of its next version: each chain's end, and the labels of
/// the unconstrained coordinates, which say which parameter space the positions belong to.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Adaptation {
    /// `block` or `block[labels, ...]`, in vector order.
    pub parameters: Vec<String>,
    pub chains: Vec<ChainAdaptation>,
}

impl Adaptation {
    /// The chains' ends of a fit over `space`, labelled.
    pub fn new(space: &ParameterSpace, chains: Vec<ChainAdaptation>) -> Adaptation {
        Adaptation { parameters: labels(space), chains }
    }

    /// Whether this adaptation can start a fit over `space`; if not, why: another parameter
    /// space (spec or channels changed) or a malformed record.
    pub fn fits(&self, space: &ParameterSpace) -> Result<(), String> {
        let now = labels(space);
        if self.parameters != now {
            let only = |a: &[String], b: &[String]| {
                a.iter().filter(|p| !b.contains(p)).cloned().collect::<Vec<_>>().join(", ")
            };
            let (gone, new) = (only(&self.parameters, &now), only(&now, &self.parameters));
            return Err(match (gone.is_empty(), new.is_empty()) {
                (true, true) => "the previous fit's parameters are in another order".to_string(),
                (false, true) => format!("the previous fit's parameter space had {gone}, which this one does not"),
                (true, false) => format!("this fit's parameter space adds {new}"),
                (false, false) => format!("the previous fit's parameter space had {gone}; this one has {new} instead"),
            });
        }
        let dim = now.len();
        let usable = |c: &ChainAdaptation| {
            c.position.len() == dim
                && c.inv_mass.len() == dim
                && c.step_size.is_finite()
                && c.step_size > 0.0
                && c.position.iter().all(|x| x.is_finite())
                && c.inv_mass.iter().all(|v| v.is_finite() && *v >= 0.0)
        };
        if self.chains.is_empty() || !self.chains.iter().all(usable) {
            return Err("the previous fit's adaptation is incomplete".to_string());
        }
        Ok(())
    }
}

/// `block` or `block[labels, ...]` (ArviZ's form, geo included) for every element of `space`,
/// in vector order.
fn labels(space: &ParameterSpace) -> Vec<String> {
    let mut labelled: Vec<(usize, String)> = space
        .blocks()
        .flat_map(|b| {
            (0..b.len()).map(move |i| {
                let coordinates = b.labels(i);
                let label = match coordinates.is_empty() {
                    true => b.name.clone(),
                    false => format!("{}[{}]", b.name, coordinates.join(", ")),
                };
                (b.handle().index(i), label)
            })
        })
        .collect();
    labelled.sort_unstable_by_key(|(i, _)| *i);
    labelled.into_iter().map(|(_, label)| label).collect()
}

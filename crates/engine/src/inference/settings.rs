//! How to sample: the sampler keys of `mmm_fit`'s `config`, with PyMC's defaults.

use crate::model::spec::{check_range, SpecError};
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// Sampler settings (PyMC's defaults: 4 chains, 1000 tune, 1000 draws, target_accept 0.8);
/// field names are the config's JSON keys.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SamplerSettings {
    pub chains: usize,
    pub tune: usize,
    pub draws: usize,
    pub target_accept: f64,
    pub max_treedepth: u64,
    pub mass_matrix: MassMatrix,
    /// Absent means "draw one": [`SamplerSettings::with_seed`] records the one drawn, so that
    /// the stored settings reproduce the fit.
    pub seed: Option<u64>,
}

/// The mass matrix NUTS adapts while tuning (config key `mass_matrix`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MassMatrix {
    /// One variance per coordinate, as PyMC and nutpie do by default.
    #[default]
    Diag,
    /// nutpie's low-rank modified mass matrix: the diagonal plus the few directions in which
    /// the draws and their gradients disagree most, which follows correlated coordinates.
    LowRank,
}

impl Default for SamplerSettings {
    fn default() -> Self {
        SamplerSettings {
            chains: 4,
            tune: 1000,
            draws: 1000,
            target_accept: 0.8,
            max_treedepth: 10,
            mass_matrix: MassMatrix::Diag,
            seed: None,
        }
    }
}

impl SamplerSettings {
    /// Parses the sampler keys of a config object, naming the offending key in every error.
    pub fn from_json(v: &Value) -> Result<SamplerSettings, SpecError> {
        let s: SamplerSettings = serde_path_to_error::deserialize(v).map_err(|e| SpecError::Config(e.to_string()))?;
        check_range("chains", (1..=64).contains(&s.chains), s.chains, "1 to 64")?;
        check_range("draws", (4..=100_000).contains(&s.draws), s.draws, "4 to 100000")?;
        check_range("tune", s.tune <= 100_000, s.tune, "0 to 100000")?;
        check_range(
            "target_accept",
            s.target_accept > 0.0 && s.target_accept < 1.0,
            s.target_accept,
            "a number in (0, 1)",
        )?;
        check_range("max_treedepth", (1..=20).contains(&s.max_treedepth), s.max_treedepth, "1 to 20")?;
        Ok(s)
    }

    /// Fills the seed, drawing one when absent.
    pub fn with_seed(mut self) -> SamplerSettings {
        self.seed.get_or_insert_with(rand::random);
        self
    }
}

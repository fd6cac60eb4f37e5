//! Known truth for geo panels: one process per geo around shared channel effects. Each geo
//! draws its own spend, controls and noise (its own seed), has its own size (the whole series
//! scaled) and its own channel effects, log-normally spread around the base process's; geos
//! "short on signal" have four times the noise, the case partial pooling is for.

use super::generator::{simulate, Simulated};
use super::spec::{SimulationError, SimulationSpec};
use crate::model::design::Panel;
use rand::rngs::StdRng;
use rand::{RngExt, SeedableRng};
use rand_distr::StandardNormal;
use serde::{Deserialize, Serialize};

/// What to simulate: the base process and how geos vary around it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PanelSpec {
    /// The process of a typical geo; its seed seeds every geo's.
    pub base: SimulationSpec,
    pub geos: usize,
    /// Standard deviation of `ln(effect)` of each (geo, channel) around the base effect.
    pub effect_sd: f64,
    /// Standard deviation of the log size of each geo (the scale of its whole series).
    pub size_sd: f64,
    /// How many geos (the last ones) have four times the base noise.
    pub short_on_signal: usize,
}

/// The simulated panel: per geo, its data and true contributions.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SimulatedPanel {
    /// `geo_01`, `geo_02`, ... (already in the order a panel sorts them).
    pub geos: Vec<String>,
    /// Per geo, its process, rows and truth (`contributions` per channel and week in units of
    /// that geo's `y`).
    pub series: Vec<Simulated>,
}

impl SimulatedPanel {
    /// The rows as a panel, ready to fit.
    pub fn panel(&self) -> Panel {
        let series = self.geos.iter().cloned().zip(self.series.iter().map(|s| s.data.clone())).collect();
        Panel::from_geos(series).expect("simulated geos share their dates")
    }
}

/// Draws the panel of `spec`.
pub fn simulate_panel(spec: &PanelSpec) -> Result<SimulatedPanel, SimulationError> {
    let mut rng = StdRng::seed_from_u64(spec.base.seed);
    let mut normal = || -> f64 { rng.sample(StandardNormal) };
    let width = spec.geos.to_string().len().max(2);
    let mut geos = Vec::with_capacity(spec.geos);
    let mut series = Vec::with_capacity(spec.geos);
    for g in 0..spec.geos {
        let mut geo = spec.base.clone();
        geo.seed = spec.base.seed.wrapping_add(1000 * (g as u64 + 1));
        geo.scale *= (spec.size_sd * normal()).exp();
        for c in &mut geo.channels {
            c.effect *= (spec.effect_sd * normal()).exp();
        }
        if g + spec.short_on_signal >= spec.geos {
            geo.noise_sd *= 4.0;
        }
        geos.push(format!("geo_{:0width$}", g + 1));
        series.push(simulate(&geo)?);
    }
    Ok(SimulatedPanel { geos, series })
}

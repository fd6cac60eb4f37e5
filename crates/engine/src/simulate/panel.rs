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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::simulate::{geo_panel, geo_panel_short_on_signal};

    #[test]
    fn presets_give_every_geo_its_data_and_truth() {
        let sim = simulate_panel(&geo_panel(3)).unwrap();
        assert_eq!(sim.geos.len(), 8);
        assert_eq!(sim.geos[0], "geo_01");
        let panel = sim.panel();
        assert_eq!(panel.geos, sim.geos);
        assert_eq!((panel.dates().len(), panel.channel_names().len()), (156, 4));
        for s in &sim.series {
            // y is exactly the sum of its parts, channel contributions included.
            for t in [0, 77, 155] {
                let channels: f64 = s.contributions.iter().map(|c| c[t]).sum();
                let controls: f64 = s.baseline.controls.iter().map(|c| c[t]).sum();
                let parts = s.baseline.intercept + s.baseline.trend[t] + s.baseline.seasonality[t];
                let y = channels + controls + parts + s.noise[t];
                assert!((y - s.data.y[t]).abs() < 1e-9 * y.abs(), "{y} vs {}", s.data.y[t]);
            }
        }
        // Geos differ in their effects around the shared ones.
        let tv: Vec<f64> = sim.series.iter().map(|s| s.spec.channels[0].effect).collect();
        assert!(tv.windows(2).all(|w| w[0] != w[1]));

        let short = simulate_panel(&geo_panel_short_on_signal(3)).unwrap();
        let noise: Vec<f64> = short.series.iter().map(|s| s.spec.noise_sd).collect();
        assert_eq!(noise[..5], [20.0; 5]);
        assert_eq!(noise[5..], [80.0; 3]);
        // The same seed gives the same panel.
        assert_eq!(simulate_panel(&geo_panel(3)).unwrap(), sim);
    }
}

//! Cost-per-target calibration with a known truth: on simulated data where two channels' spend
//! moves together ([`correlated_channels`]: both follow one budget), the data alone barely tell
//! their effects apart; one cost-per-target row per channel, at the true ratio with a 10 %
//! standard error, brings both channels' ROAS within 15 % of the truth and narrows their 94 %
//! intervals by at least half. Prints the figures before and after.

mod common;

use mmm_engine::inference::{fit, Control, FitConfig};
use mmm_engine::model::cost_calibration::CostCalibration;
use mmm_engine::posterior::{decomposition, Band};
use mmm_engine::simulate::{correlated_channels, simulate};
use serde_json::json;

#[test]
fn cost_per_target_rows_pin_down_channels_whose_spend_moves_together() {
    let sim = simulate(&correlated_channels(5)).unwrap();
    let mut data = sim.data.clone();
    // The budget both channels follow is the confounder, not a control of the model.
    (data.controls, data.control_names) = (Vec::new(), Vec::new());
    let spend: Vec<f64> = data.channels.iter().map(|x| x.iter().sum()).collect();
    let true_roas: Vec<f64> = sim.contributions.iter().zip(&spend).map(|(c, s)| c.iter().sum::<f64>() / s).collect();
    // The measured cost per target is the truth's (total spend over total contribution, the
    // same as their means) with a 10 % standard error.
    let rows: Vec<CostCalibration> = (0..2)
        .map(|c| {
            let value = 1.0 / true_roas[c];
            CostCalibration { channel: c, geo: None, value, sigma: 0.1 * value }
        })
        .collect();

    let config = FitConfig::from_json(&json!({"chains": 4, "tune": 1000, "draws": 1000, "seed": 17})).unwrap();
    let roas = |rows: Vec<CostCalibration>| -> Vec<Band> {
        let mut config = config.clone();
        config.spec.cost_calibration = rows;
        let f = fit(config, data.clone(), "y", |_| Control::Continue).unwrap();
        let parts = decomposition(&f.model, &f.trace);
        data.channel_names
            .iter()
            .zip(&spend)
            .map(|(name, spend)| {
                let draws = &parts.iter().find(|p| p.component == *name).unwrap().values;
                let roas: Vec<f64> = draws.rows().into_iter().map(|r| r.sum() / spend).collect();
                Band::of(&roas, 0.94)
            })
            .collect()
    };
    let (before, after) = (roas(Vec::new()), roas(rows.clone()));

    let mut failures = Vec::new();
    for (c, name) in data.channel_names.iter().enumerate() {
        let gain = common::calibration_gain((name, true_roas[c]), before[c], after[c], 3, &mut failures);
        println!(
            "{name}: true ROAS {:.3}; cost per target {:.3} ± {:.3}; {gain}",
            true_roas[c], rows[c].value, rows[c].sigma
        );
    }
    assert!(failures.is_empty(), "{}", failures.join("; "));
}

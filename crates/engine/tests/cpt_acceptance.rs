//! Cost-per-target calibration against PyMC-Marketing 1.3.0: the example data's standard
//! national fit (yearly seasonality 2, controls event_1, event_2, t, 1.3's default priors)
//! calibrated with one cost-per-target row per channel. The engine's posterior means of every
//! parameter, and of each row's cost per target, equal 1.3's (nutpie, 4 chains × 1000 + 1000,
//! `add_cost_per_target_calibration`) within 3 combined Monte Carlo standard errors.
//! `scripts/reference/cpt_r2.py` writes `fixtures/cpt_r2.json`: the rows, the sampler settings,
//! and 1.3's posterior means and MCSEs.

mod common;

use mmm_engine::inference::{fit, Control};
use mmm_engine::model::cost_calibration::CostCalibration;
use serde_json::Value;

const REFERENCE: &str = "tests/fixtures/cpt_r2.json";

#[test]
fn cost_calibrated_posterior_matches_pymc_marketing_1_3() {
    let reference: Value = serde_json::from_str(&std::fs::read_to_string(REFERENCE).unwrap()).unwrap();
    let data = common::example_dataset();
    let mut config = common::example_config(&reference);
    config.spec.cost_calibration = reference["cost_calibration"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| CostCalibration {
            channel: data.channel_names.iter().position(|c| *c == r["channel"]).unwrap(),
            geo: None,
            value: r["cost_per_target"].as_f64().unwrap(),
            sigma: r["sigma"].as_f64().unwrap(),
        })
        .collect();
    let started = std::time::Instant::now();
    let fit = fit(config, data, "y", |_| Control::Continue).unwrap();
    let seconds = started.elapsed().as_secs_f64();
    let (mut report, mut failures, max_rhat) =
        common::compare_parameters(&fit, reference["parameters"].as_array().unwrap());

    // Each row's cost per target in original units.
    let theirs: Vec<(f64, f64)> = reference["estimates"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["mean"].as_f64().unwrap(), e["mcse"].as_f64().unwrap()))
        .collect();
    let estimates = |theta: &[f64]| fit.model.cost_estimates(theta);
    common::compare_derived(&fit, estimates, &theirs, "cost per target", (&mut report, &mut failures));
    println!(
        "{}\nmax r_hat {max_rhat:.3}, {} divergences, fit {seconds:.1} s (1.3 + nutpie: {:.0} s)",
        report.join("\n"),
        fit.trace.divergences(),
        reference["seconds"].as_f64().unwrap()
    );
    assert!(failures.is_empty(), "{}", failures.join("; "));
}

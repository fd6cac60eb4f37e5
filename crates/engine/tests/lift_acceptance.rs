//! Lift tests against PyMC-Marketing 1.3.0 (issue #14 acceptance): the example data's standard
//! national fit (yearly seasonality 2, controls event_1, event_2, t, 1.3's default priors)
//! calibrated with one lift test per channel, the Normal lift likelihood. The engine's posterior
//! means of every parameter, and of each test's estimated lift, equal 1.3's (nutpie, 4 chains ×
//! 1000 + 1000, `add_lift_test_measurements`) within 3 combined Monte Carlo standard errors.
//! `scripts/reference/lift_r2.py` writes `fixtures/lift_r2.json`: the tests, the sampler
//! settings, and 1.3's posterior means and MCSEs.

mod common;

use mmm_engine::inference::{fit, Control};
use mmm_engine::model::calibration::LiftTest;
use serde_json::Value;

const REFERENCE: &str = "tests/fixtures/lift_r2.json";

#[test]
fn lift_calibrated_posterior_matches_pymc_marketing_1_3() {
    let reference: Value = serde_json::from_str(&std::fs::read_to_string(REFERENCE).unwrap()).unwrap();
    let data = common::example_dataset();
    let mut config = common::example_config(&reference);
    config.spec.lift_tests = reference["lift_tests"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| LiftTest {
            channel: data.channel_names.iter().position(|c| *c == t["channel"]).unwrap(),
            geo: None,
            date: None,
            x: t["x"].as_f64().unwrap(),
            delta_x: t["delta_x"].as_f64().unwrap(),
            delta_y: t["delta_y"].as_f64().unwrap(),
            sigma: t["sigma"].as_f64().unwrap(),
        })
        .collect();
    let started = std::time::Instant::now();
    let fit = fit(config, data, "y", |_| Control::Continue).unwrap();
    let seconds = started.elapsed().as_secs_f64();

    let (mut report, mut failures, max_rhat) =
        common::compare_parameters(&fit, reference["parameters"].as_array().unwrap());

    // Each test's estimated lift in original units.
    let means = reference["estimated_lift"].as_array().unwrap().iter();
    let mcses = reference["estimated_lift_mcse"].as_array().unwrap().iter();
    let theirs: Vec<(f64, f64)> = means.zip(mcses).map(|(m, s)| (m.as_f64().unwrap(), s.as_f64().unwrap())).collect();
    let lifts = |theta: &[f64]| fit.model.lift_estimates(theta);
    common::compare_derived(&fit, lifts, &theirs, "estimated lift", (&mut report, &mut failures));
    println!(
        "{}\nmax r_hat {max_rhat:.3}, {} divergences, fit {seconds:.1} s (1.3 + nutpie: {:.0} s)",
        report.join("\n"),
        fit.trace.divergences(),
        reference["seconds"].as_f64().unwrap()
    );
    assert!(failures.is_empty(), "{}", failures.join("; "));
}

//! PyMC Labs' geo configuration against PyMC-Marketing 1.3.0 (issue #22): `hill_sigmoid`
//! saturation with its amplitude and steepness shared by the geos, its `sigma` log-normal per
//! (geo, channel) with a mean and std per channel (non-centred), and the adstock shared, on
//! `scripts/bench`'s panel (8 geos × 156 weeks × 8 channels + 4 controls, yearly seasonality 2).
//! The engine's posterior means equal 1.3's (nutpie, 4 chains × 1000 + 1000) within 3 combined
//! Monte Carlo standard errors, for every parameter.
//!
//! `export_data` (ignored) writes the panel and the config to `fixtures/labs_r2_data.json`;
//! `scripts/reference/labs_r2.py` fits it with 1.3 and writes `fixtures/labs_r2.json`.

mod common;

use mmm_engine::inference::{fit, Control, FitConfig};
use mmm_engine::simulate::simulate_panel;
use serde_json::{json, Value};

const DATA: &str = "tests/fixtures/labs_r2_data.json";
const REFERENCE: &str = "tests/fixtures/labs_r2.json";

/// PyMC Labs' configuration with the sampler settings.
fn config() -> Value {
    let mut config = common::labs_config();
    config
        .as_object_mut()
        .unwrap()
        .extend(json!({"chains": 4, "tune": 1000, "draws": 1000, "seed": 23}).as_object().unwrap().clone());
    config
}

#[test]
#[ignore = "writes the data fixture: cargo test -p mmm_engine --test labs_acceptance -- --ignored"]
fn export_data() {
    let mut out = common::panel_json(&simulate_panel(&common::bench_panel(8, 8)).unwrap().panel());
    out["config"] = config();
    std::fs::write(DATA, serde_json::to_string(&out).unwrap() + "\n").unwrap();
}

#[test]
fn labs_configuration_posterior_matches_pymc_marketing_1_3() {
    let read = |path: &str| -> Value { serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap() };
    let (data, reference) = (read(DATA), read(REFERENCE));
    assert_eq!(reference["pymc_marketing"], "1.3.0");
    assert_eq!(data["config"], config(), "the data fixture was written with another config");
    let panel = common::fixture_panel(&data);
    let started = std::time::Instant::now();
    let fit = fit(FitConfig::from_json(&data["config"]).unwrap(), panel, "y", |_| Control::Continue).unwrap();
    let seconds = started.elapsed().as_secs_f64();
    let (report, failures, max_rhat) = common::compare_parameters(&fit, reference["parameters"].as_array().unwrap());
    println!("{}", report.join("\n"));
    println!(
        "{} parameters, {} more than 3 combined MCSE apart, max r_hat {max_rhat:.3}, {} divergences, fit {seconds:.1} s",
        report.len(),
        failures.len(),
        fit.trace.divergences()
    );
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

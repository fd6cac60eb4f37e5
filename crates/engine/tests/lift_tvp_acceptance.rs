//! Lift tests with time-varying media against PyMC-Marketing 1.3.0: on the data
//! `scripts/reference/tvp_r2.py` simulates (national, and the 3-geo panel), with
//! `time_varying_media` (m = 200) and one dated lift test per (geo,) channel,
//! `scripts/reference/lift_tvp_r2.py` evaluates 1.3's log density and each test's
//! `lift_measurements_model_estimated_lift` at three points (fixtures/lift_tvp_r2.json). The
//! engine's lifts at those points equal 1.3's, and so do the changes of its log density between
//! the points.

mod common;

use mmm_engine::calendar::Date;
use mmm_engine::model::calibration::LiftTest;
use mmm_engine::model::{Model, ModelSpec};
use serde_json::Value;

fn close(ours: f64, theirs: f64) -> bool {
    (ours - theirs).abs() <= 1e-8 * theirs.abs().max(1e-300)
}

fn check(case: &str, reference: &Value) {
    let panel = common::fixture_panel(&reference["data"]);
    let mut spec = ModelSpec::from_json(&reference["config"]).unwrap();
    let channels = panel.channel_names().to_vec();
    spec.lift_tests = reference["lift_tests"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| LiftTest {
            channel: channels.iter().position(|c| *c == t["channel"]).unwrap(),
            geo: t["geo"].as_str().map(|g| panel.geos.iter().position(|x| x == g).unwrap()),
            date: Some(Date::parse(t["date"].as_str().unwrap()).unwrap()),
            x: t["x"].as_f64().unwrap(),
            delta_x: t["delta_x"].as_f64().unwrap(),
            delta_y: t["delta_y"].as_f64().unwrap(),
            sigma: t["sigma"].as_f64().unwrap(),
        })
        .collect();
    let model = Model::panel(spec, &panel).unwrap();
    let (mut grad, mut scratch) = (vec![0.0; model.dim()], model.scratch());
    let mut densities = Vec::new();
    for (k, point) in reference["points"].as_array().unwrap().iter().enumerate() {
        let (theta, missing) = common::theta_from_rows(&model, point["parameters"].as_array().unwrap(), "value");
        assert!(missing.is_empty(), "{case}: 1.3 has no {missing:?}");
        let lifts = model.lift_estimates(&theta);
        let theirs: Vec<f64> = serde_json::from_value(point["lift_original"].clone()).unwrap();
        assert_eq!(lifts.len(), theirs.len());
        for (i, (ours, theirs)) in lifts.iter().zip(&theirs).enumerate() {
            assert!(close(*ours, *theirs), "{case} point {k} test {i}: lift {ours} vs 1.3's {theirs}");
        }
        let mut u = vec![0.0; model.dim()];
        model.unconstrain(&theta, &mut u);
        densities.push((model.logp_grad(&u, &mut grad, &mut scratch), point["log_density"].as_f64().unwrap()));
    }
    for (k, pair) in densities.windows(2).enumerate() {
        let (ours, theirs) = (pair[1].0 - pair[0].0, pair[1].1 - pair[0].1);
        assert!(close(ours, theirs), "{case}: log density from point {k} to {}: {ours} vs 1.3's {theirs}", k + 1);
    }
    println!("{case}: {} points, log densities {densities:?}", densities.len());
}

#[test]
fn lifts_and_log_density_are_pymc_marketings() {
    let reference: Value =
        serde_json::from_str(&std::fs::read_to_string("tests/fixtures/lift_tvp_r2.json").unwrap()).unwrap();
    assert_eq!(reference["pymc_marketing"], "1.3.0");
    for case in ["national", "panel"] {
        check(case, &reference["cases"][case]);
    }
}

//! The log-density sweep against PyMC-Marketing 1.3.0 (issue #22): for every configuration of
//! `scripts/reference/logp_sweep.py`'s matrix, the engine's log density and its gradient at 1.3's
//! points of the unconstrained space (fixtures/logp_sweep.json) equal 1.3's to 1e-8 relative:
//! the log density relative to its size, each gradient element relative to max(1, its size).
//! Where a gradient element differs, the finite difference of the (shared) log density decides:
//! if ours is it and 1.3's is not, 1.3's gradient is off there (reported, not failed: its
//! truncated normal's log mass and weibull_cdf's kernel, by a few 1e-8 to 1e-7).
//! Both sides have the same parameters, named alike, with the same transforms: a parameter
//! that one side has and the other lacks fails the case.

mod common;

use mmm_engine::calendar::Date;
use mmm_engine::model::calibration::LiftTest;
use mmm_engine::model::cost_calibration::CostCalibration;
use mmm_engine::model::design::Panel;
use mmm_engine::model::events::Event;
use mmm_engine::model::{Model, ModelSpec};
use serde_json::{json, Map, Value};
use std::collections::HashMap;

const TOLERANCE: f64 = 1e-8;

/// The failures of one case: 1.3's value variables the engine lacks, engine parameters 1.3
/// lacks, and every log density or gradient element that differs.
fn check(name: &str, case: &Value) -> Vec<String> {
    let panel = common::fixture_panel(&case["data"]);
    let mut spec = ModelSpec::from_json(&case["config"]).unwrap_or_else(|e| panic!("{name}: {e}"));
    spec.lift_tests = lift_tests(&case["data"], &panel);
    spec.cost_calibration = cost_calibration(&case["data"], &panel);
    spec.events = events(&case["data"]);
    let model = Model::panel(spec, &panel).unwrap_or_else(|e| panic!("{name}: {e}"));
    let mut position: HashMap<(String, Value), usize> = HashMap::new();
    for block in model.space().blocks() {
        for element in 0..block.len() {
            let labels = block.labels(element);
            let coord: Map<String, Value> =
                block.dims.iter().zip(&labels).map(|(d, l)| (d.name.clone(), json!(l))).collect();
            position.insert((block.name.clone(), Value::Object(coord)), block.offset() + element);
        }
    }
    let (mut failures, mut grad, mut scratch) = (Vec::new(), vec![0.0; model.dim()], model.scratch());
    let rows = case["coordinates"].as_array().unwrap();
    let mut at = Vec::with_capacity(rows.len());
    for row in rows {
        let key = (row["name"].as_str().unwrap().to_string(), row["coord"].clone());
        match position.get(&key) {
            Some(&i) => at.push(i),
            None => {
                failures.push(format!("{name}: the engine has no {} {} (1.3's {})", key.0, key.1, row["value_var"]))
            }
        }
    }
    for ((block, coord), i) in &position {
        if !at.contains(i) {
            failures.push(format!("{name}: 1.3 has no {block} {coord}"));
        }
    }
    if !failures.is_empty() {
        return failures;
    }
    let numbers = |v: &Value| -> Vec<f64> { serde_json::from_value(v.clone()).unwrap() };
    for (k, point) in case["points"].as_array().unwrap().iter().enumerate() {
        let mut u = vec![f64::NAN; model.dim()];
        for (&i, v) in at.iter().zip(numbers(&point["u"])) {
            u[i] = v;
        }
        let ours = model.logp_grad(&u, &mut grad, &mut scratch);
        let theirs = point["log_density"].as_f64().unwrap();
        let same_density = (ours - theirs).abs() <= TOLERANCE * theirs.abs();
        if !same_density {
            failures.push(format!("{name} point {k}: log density {ours} vs 1.3's {theirs} ({:+e})", ours - theirs));
        }
        for ((row, &i), theirs) in rows.iter().zip(&at).zip(numbers(&point["grad"])) {
            let ours = grad[i];
            if (ours - theirs).abs() <= TOLERANCE * theirs.abs().max(1.0) {
                continue;
            }
            // Where both sides evaluate the same function (the log densities agree) and ours is
            // its finite difference while 1.3's is not, it is 1.3's gradient that is off.
            let fd = finite_difference(&model, &u, i, &mut scratch);
            let label = format!("{name} point {k}: d logp / d {}{}", row["value_var"], row["coord"]);
            let ours_is_fd = (ours - fd).abs() <= TOLERANCE * fd.abs().max(1.0);
            if same_density && ours_is_fd && (ours - fd).abs() < 0.1 * (theirs - fd).abs() {
                println!("{label}: 1.3's {theirs} is off; ours {ours} is the finite difference {fd}");
            } else {
                failures.push(format!("{label}: {ours} vs 1.3's {theirs} (finite difference {fd})"));
            }
        }
    }
    println!("{name}: {} coordinates, {} points", position.len(), case["points"].as_array().unwrap().len());
    failures
}

/// The rows of table `key` of the data (none when it has none), each with its channel's and
/// geo's positions.
fn rows<'a>(data: &'a Value, key: &str, panel: &Panel) -> Vec<(&'a Value, usize, Option<usize>)> {
    let index = |names: &[String], name: &Value| names.iter().position(|n| name == n.as_str()).unwrap();
    let rows = data[key].as_array().map_or(&[][..], Vec::as_slice);
    rows.iter()
        .map(|t| (t, index(panel.channel_names(), &t["channel"]), t.get("geo").map(|g| index(&panel.geos, g))))
        .collect()
}

fn number(row: &Value, key: &str) -> f64 {
    row[key].as_f64().unwrap()
}

/// The data's lift tests (rows of `add_lift_test_measurements`).
fn lift_tests(data: &Value, panel: &Panel) -> Vec<LiftTest> {
    rows(data, "lift_tests", panel)
        .into_iter()
        .map(|(t, channel, geo)| LiftTest {
            channel,
            geo,
            date: None,
            x: number(t, "x"),
            delta_x: number(t, "delta_x"),
            delta_y: number(t, "delta_y"),
            sigma: number(t, "sigma"),
        })
        .collect()
}

/// The data's cost-per-target rows (of `add_cost_per_target_calibration`).
fn cost_calibration(data: &Value, panel: &Panel) -> Vec<CostCalibration> {
    rows(data, "cost_calibration", panel)
        .into_iter()
        .map(|(r, channel, geo)| CostCalibration { channel, geo, value: number(r, "value"), sigma: number(r, "sigma") })
        .collect()
}

/// The data's events (rows of `add_events`' table).
fn events(data: &Value) -> Vec<Event> {
    let date = |e: &Value, key: &str| Date::parse(e[key].as_str().unwrap()).unwrap();
    let rows = data["events"].as_array().map_or(&[][..], Vec::as_slice);
    rows.iter()
        .map(|e| Event {
            name: e["name"].as_str().unwrap().into(),
            start: date(e, "start_date"),
            end: date(e, "end_date"),
        })
        .collect()
}

/// `d logp / d u_i` by the five-point stencil, step 1e-3: rounding (ε |logp| / h) and
/// truncation (h⁴) errors both near 1e-11 for these models.
fn finite_difference(model: &Model, u: &[f64], i: usize, scratch: &mut mmm_engine::model::density::Scratch) -> f64 {
    let h = 1e-3;
    let mut grad = vec![0.0; u.len()];
    let mut at = |step: f64| {
        let mut v = u.to_vec();
        v[i] += step * h;
        model.logp_grad(&v, &mut grad, scratch)
    };
    (8.0 * (at(1.0) - at(-1.0)) - (at(2.0) - at(-2.0))) / (12.0 * h)
}

#[test]
fn log_density_and_gradient_are_pymc_marketings_at_every_point() {
    let reference: Value =
        serde_json::from_str(&std::fs::read_to_string("tests/fixtures/logp_sweep.json").unwrap()).unwrap();
    assert_eq!(reference["pymc_marketing"], "1.3.0");
    let cases = reference["cases"].as_object().unwrap();
    let failures: Vec<String> = cases.iter().flat_map(|(name, case)| check(name, case)).collect();
    assert!(failures.is_empty(), "{} failures:\n{}", failures.len(), failures.join("\n"));
    println!("{} configurations", cases.len());
}

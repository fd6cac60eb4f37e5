//! Shared by the integration tests and benches: the shipped example data set and simulated
//! data with many channels. Not every user needs every helper.
#![allow(dead_code)]

use mmm_engine::calendar::Date;
use mmm_engine::model::Dataset;
use mmm_engine::simulate::{simulate, tv_social_search};

/// PyMC-Marketing's example data with the standard fit's columns: channels x1, x2 and controls
/// event_1, event_2, t.
pub fn example_dataset() -> Dataset {
    let csv = include_str!("../../../../data/pymc_mmm_example.csv");
    let mut lines = csv.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let rows: Vec<Vec<&str>> = lines.map(|l| l.split(',').collect()).collect();
    let column = |name: &str| {
        let i = header.iter().position(|h| *h == name).unwrap();
        rows.iter().map(|r| r[i].parse::<f64>().unwrap()).collect::<Vec<_>>()
    };
    Dataset {
        dates: rows.iter().map(|r| Date::parse(r[0]).unwrap()).collect(),
        y: column("y"),
        channel_names: vec!["x1".into(), "x2".into()],
        channels: vec![column("x1"), column("x2")],
        control_names: vec!["event_1".into(), "event_2".into(), "t".into()],
        controls: vec![column("event_1"), column("event_2"), column("t")],
    }
}

/// The tv/social/search process stretched to `weeks` and repeated to `channels` channels.
pub fn simulated(weeks: usize, channels: usize) -> Dataset {
    let mut spec = tv_social_search(7);
    spec.weeks = weeks;
    let base = spec.channels.clone();
    spec.channels = (0..channels)
        .map(|i| {
            let mut c = base[i % base.len()].clone();
            c.name = format!("{}_{i}", c.name);
            c.effect /= (channels as f64 / 3.0).max(1.0);
            c
        })
        .collect();
    simulate(&spec).unwrap().data
}

/// Peak resident memory of this process so far (VmHWM), in MB: the benches' memory figure.
pub fn peak_memory_mb() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        .map_or(f64::NAN, |kb| kb / 1024.0)
}

/// Largest error of `model`'s analytic gradient against a five-point finite difference,
/// relative to max(1, |finite difference|) and beyond the stencil's rounding noise, at
/// `points` random points within `spread` of the initial point in every coordinate.
pub fn worst_gradient_error(model: &mmm_engine::model::Model, seed: u64, points: usize, spread: f64) -> f64 {
    use rand::{RngExt, SeedableRng};
    let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
    let dim = model.dim();
    let mut scratch = model.scratch();
    let (mut grad, mut other) = (vec![0.0; dim], vec![0.0; dim]);
    let center = model.initial_point();
    let mut worst: f64 = 0.0;
    for _ in 0..points {
        let u: Vec<f64> = center.iter().map(|c| c + rng.random_range(-spread..spread)).collect();
        let lp = model.logp_grad(&u, &mut grad, &mut scratch);
        assert!(lp.is_finite(), "log density not finite at {u:?}");
        for i in 0..dim {
            let h = 1e-4;
            let mut at = |step: f64| {
                let mut v = u.clone();
                v[i] += step * h;
                model.logp_grad(&v, &mut other, &mut scratch)
            };
            let fd = (8.0 * (at(1.0) - at(-1.0)) - (at(2.0) - at(-2.0))) / (12.0 * h);
            let noise = 1e-10 * lp.abs();
            worst = worst.max(((grad[i] - fd).abs() - noise).max(0.0) / fd.abs().max(1.0));
        }
    }
    worst
}

/// Every parameter of `fit` against a PyMC-Marketing reference: `parameters` are the fixture's
/// rows `{"name", "coord": {dim: label}, "mean", "mcse"}` (scripts/reference/*_r2.py), matched
/// by the engine's block name and labels. Each line of the result's report is
/// `name[labels]: ours vs theirs (distance)`, the distance `|ours − theirs|` in combined MCSE
/// (`sqrt(mcse_ours² + mcse_theirs²)`); `failures` are those beyond `limit`.
pub fn compare_with_reference(
    fit: &mmm_engine::inference::Fit,
    parameters: &[serde_json::Value],
    limit: f64,
) -> Comparison {
    use mmm_engine::inference::diagnostics::{mcse_mean, rhat};
    use serde_json::{json, Map, Value};
    let mut out = Comparison { report: Vec::new(), failures: Vec::new(), compared: 0, max_rhat: 0.0 };
    for block in fit.model.space().blocks() {
        for element in 0..block.len() {
            let labels = block.labels(element);
            let coord: Map<String, Value> =
                block.dims.iter().zip(&labels).map(|(d, l)| (d.name.clone(), json!(l))).collect();
            let label = format!("{}[{}]", block.name, labels.join(","));
            let theirs = parameters
                .iter()
                .find(|p| p["name"] == block.name.as_str() && p["coord"] == Value::Object(coord.clone()))
                .unwrap_or_else(|| panic!("the reference has no {label}"));
            let draws = fit.trace.parameter(block.offset() + element);
            let ours = draws.mean().unwrap();
            let (m, s) = (theirs["mean"].as_f64().unwrap(), theirs["mcse"].as_f64().unwrap());
            let z = (ours - m).abs() / (mcse_mean(draws.view()).powi(2) + s * s).sqrt();
            out.max_rhat = out.max_rhat.max(rhat(draws.view()));
            out.report.push(format!("{label}: {ours:.5} vs {m:.5} ({z:.2})"));
            if z > limit {
                out.failures.push(format!("{label}: {ours:.5} vs {m:.5} ({z:.2} combined MCSE)"));
            }
            out.compared += 1;
        }
    }
    out
}

/// What [`compare_with_reference`] found.
pub struct Comparison {
    pub report: Vec<String>,
    pub failures: Vec<String>,
    /// Parameters compared: all of the engine's.
    pub compared: usize,
    pub max_rhat: f64,
}

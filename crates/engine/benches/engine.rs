//! Engine benchmark: log density + gradient cost (the example model, and each saturation kind
//! on 156 weeks × 8 channels), the standard fit of the example data (wall time, min bulk ESS
//! per second, peak memory), and how fit time grows with weeks and channels on simulated data.
//! Run with `cargo bench --bench engine`.

#[path = "../tests/common/mod.rs"]
mod common;

use mmm_engine::inference::diagnostics::ess_bulk;
use mmm_engine::inference::FitConfig;
use mmm_engine::inference::{fit, Control};
use mmm_engine::model::Model;
use serde_json::json;
use std::time::Instant;

fn standard_config(seed: u64) -> FitConfig {
    FitConfig::from_json(&json!({"yearly_seasonality": 2, "target_accept": 0.9, "seed": seed})).unwrap()
}

/// Nanoseconds per log density + gradient evaluation at the model's initial point.
fn ns_per_evaluation(model: &Model, evals: usize) -> f64 {
    let u = model.initial_point();
    let mut grad = vec![0.0; model.dim()];
    let mut scratch = model.scratch();
    let start = Instant::now();
    let mut sink = 0.0;
    for _ in 0..evals {
        sink += model.logp_grad(&u, &mut grad, &mut scratch);
    }
    assert!(sink.is_finite());
    start.elapsed().as_nanos() as f64 / evals as f64
}

fn main() {
    let data = common::example_dataset();
    let model = Model::new(standard_config(1).spec, &data).unwrap();
    println!(
        "| log density + gradient, example model ({} parameters, 179 weeks) | {:.0} ns per evaluation |",
        model.dim(),
        ns_per_evaluation(&model, 200_000)
    );
    let panel_geo = common::simulated(156, 8);
    for kind in ["logistic", "hill", "hill_sigmoid", "michaelis_menten", "tanh", "root"] {
        let spec = FitConfig::from_json(&json!({"saturation": kind})).unwrap().spec;
        let model = Model::new(spec, &panel_geo).unwrap();
        let ns = ns_per_evaluation(&model, 20_000);
        println!("| log density + gradient, {kind} saturation, 156 weeks × 8 channels | {ns:.0} ns per evaluation |");
    }

    let mut times = Vec::new();
    for seed in 1..=5 {
        let start = Instant::now();
        let f = fit(standard_config(seed), data.clone(), "y", |_| Control::Continue).unwrap();
        let secs = start.elapsed().as_secs_f64();
        let min_ess = (0..f.trace.dim).map(|i| ess_bulk(f.trace.parameter(i).view())).fold(f64::INFINITY, f64::min);
        times.push((secs, min_ess, f.trace.divergences()));
    }
    times.sort_by(|a, b| a.0.total_cmp(&b.0));
    let (secs, min_ess, divergences) = times[times.len() / 2];
    println!("| standard fit, 4 chains × (1000 tune + 1000 draws), median of 5 | {secs:.3} s wall, min ess_bulk {min_ess:.0} ({:.0}/s), {divergences} divergences |", min_ess / secs);
    println!("| peak memory of the process | {:.1} MB |", common::peak_memory_mb());

    println!();
    println!("| weeks × channels | fit wall time (4 chains × 2000 iterations) |");
    println!("|---|---|");
    for (weeks, channels) in [(52, 2), (156, 2), (520, 2), (156, 5), (156, 10), (156, 20)] {
        let data = common::simulated(weeks, channels);
        let start = Instant::now();
        fit(FitConfig::from_json(&json!({"seed": 1})).unwrap(), data, "y", |_| Control::Continue).unwrap();
        println!("| {weeks} × {channels} | {:.2} s |", start.elapsed().as_secs_f64());
    }
}

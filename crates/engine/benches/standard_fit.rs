//! One standard fit of the example data by the engine alone, for `scripts/bench`: a fresh
//! process per run, so that its peak memory (VmHWM) is the fit's. Writes JSON in the shape of
//! `scripts/reference/pymc_benchmark.py`'s output (system, settings, runs, optimizer).
//!
//! ```sh
//! cargo bench --bench standard_fit -- --seed 1 --out fit.json [--optimize] [--config '{"chains": 1}']
//! cargo bench --bench standard_fit -- --scale --weeks 52,156 --channels 2,5 --out scale.json
//! ```
//!
//! `--optimize` also times the budget optimization of the historical mean weekly budget over 8
//! weeks (channel responses + solve, median of 11). `--scale` instead fits simulated data
//! (`tests/common::simulated`, default config, seed 1) for every weeks × channels pair.
//! `--config` merges its keys over every fit's config (the smoke test's tiny chains).

#[path = "../tests/common/mod.rs"]
mod common;

use mmm_engine::inference::diagnostics::summarize;
use mmm_engine::inference::FitConfig;
use mmm_engine::inference::{fit, Control, Fit, FitError};
use mmm_engine::model::Dataset;
use mmm_engine::optimize::{channel_responses, Bounds, Horizon, Optimizer, Utility};
use serde_json::{json, Value};
use std::time::Instant;

/// `base` with the keys of `overrides` (a JSON object) replaced or added.
fn config(mut base: Value, overrides: &Value) -> Value {
    if let (Some(b), Some(o)) = (base.as_object_mut(), overrides.as_object()) {
        b.extend(o.clone());
    }
    base
}

/// A fit and its wall time in seconds.
fn timed_fit(config: &Value, data: Dataset) -> Result<(Fit, f64), FitError> {
    let config = FitConfig::from_json(config).expect("valid config");
    let start = Instant::now();
    let f = fit(config, data, "y", |_| Control::Continue)?;
    Ok((f, start.elapsed().as_secs_f64()))
}

/// ArviZ's summary of every scalar parameter (model units), named as `mmm_summary` names them.
fn params(f: &Fit) -> Vec<Value> {
    let blocks = f.model.space().blocks();
    let elements = blocks.flat_map(|b| (0..b.len()).map(move |i| (b, i)));
    elements
        .map(|(b, i)| {
            let s = summarize(f.trace.parameter(b.handle().index(i)).view(), 0.94);
            json!({"parameter": b.name, "coordinate": b.coordinate(i), "mean": s.mean, "sd": s.sd,
                   "mcse_mean": s.mcse_mean, "ess_bulk": s.ess_bulk, "r_hat": s.r_hat})
        })
        .collect()
}

fn min_ess_bulk(params: &[Value]) -> f64 {
    params.iter().filter_map(|p| p["ess_bulk"].as_f64()).fold(f64::INFINITY, f64::min)
}

/// Budget optimization as `mmm_optimize_budget(model, budget)` does it: responses over 8 weeks
/// plus l_max of carry-over, mean utility; median of 11 timed repetitions.
fn optimize(f: &Fit) -> Value {
    let budget = f.panel.data[0].mean_weekly_spend();
    let bounds = Bounds::parse(&f.panel.data[0].channel_names, None, budget).expect("bounds");
    let horizon = Horizon { num_periods: 8, carry_in: false };
    let mut times = Vec::new();
    let mut best = None;
    for _ in 0..11 {
        let start = Instant::now();
        let responses = channel_responses(&f.model, &f.panel.data[0], &f.trace, horizon);
        let a = Optimizer { responses: &responses, utility: Utility::Mean }.solve(budget, &bounds, &[]).expect("solve");
        times.push(start.elapsed().as_secs_f64());
        best = Some(a);
    }
    times.sort_by(f64::total_cmp);
    let a = best.expect("11 solves");
    let allocation: serde_json::Map<String, Value> =
        f.panel.data[0].channel_names.iter().cloned().zip(a.budgets.iter().map(|&b| json!(b))).collect();
    json!({"budget": budget, "num_periods": 8, "solve_s": times[5], "method": a.method.as_str(),
           "allocation": allocation, "response_mean": a.utility})
}

/// Fit time of simulated data for every weeks × channels pair.
fn scale(weeks: &[usize], channels: &[usize], overrides: &Value) -> Value {
    let mut cells = Vec::new();
    for &w in weeks {
        for &c in channels {
            // Too few weeks for the model (e.g. 52 weeks for 20 channels) is a cell without a time.
            match timed_fit(&config(json!({"seed": 1}), overrides), common::simulated(w, c)) {
                Ok((f, secs)) => {
                    eprintln!("scale: {w} weeks x {c} channels: {secs:.2} s");
                    cells.push(json!({"weeks": w, "channels": c, "wall_s": secs, "divergences": f.trace.divergences(),
                                      "min_ess_bulk": min_ess_bulk(&params(&f))}));
                }
                Err(e) => {
                    eprintln!("scale: {w} weeks x {c} channels: {e}");
                    cells.push(json!({"weeks": w, "channels": c, "error": e.to_string()}));
                }
            }
        }
    }
    json!({"system": "pg_mmm engine", "scale": cells})
}

fn standard(seed: u64, with_optimizer: bool, overrides: &Value) -> Value {
    let settings = config(json!({"yearly_seasonality": 2, "target_accept": 0.9, "seed": seed}), overrides);
    let (f, secs) = timed_fit(&settings, common::example_dataset()).expect("fit");
    let peak = common::peak_memory_mb();
    let params = params(&f);
    let min_ess = min_ess_bulk(&params);
    eprintln!(
        "engine run {seed}: wall {secs:.2} s, min ess_bulk {min_ess:.0}, {} divergences, peak RSS {peak:.1} MB",
        f.trace.divergences()
    );
    json!({
        "system": "pg_mmm engine",
        "settings": settings,
        "runs": [{"seed": seed, "wall_s": secs, "peak_rss_mb": peak, "min_ess_bulk": min_ess,
                  "min_ess_per_s": min_ess / secs, "divergences": f.trace.divergences(), "params": params}],
        "optimizer": if with_optimizer { optimize(&f) } else { Value::Null },
    })
}

fn main() {
    let (mut seed, mut out, mut optimize, mut scale_mode) = (1, None, false, false);
    let (mut weeks, mut channels, mut overrides) = (vec![52, 156, 520], vec![2, 5, 10, 20], json!({}));
    let list =
        |v: String| v.split(',').map(|x| x.trim().parse().expect("a comma-separated list of integers")).collect();
    // cargo bench appends `--bench`; anything unknown is ignored.
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--seed" => seed = args.next().and_then(|v| v.parse().ok()).expect("--seed takes an integer"),
            "--out" => out = args.next(),
            "--optimize" => optimize = true,
            "--scale" => scale_mode = true,
            "--weeks" => weeks = list(args.next().expect("--weeks takes a list")),
            "--channels" => channels = list(args.next().expect("--channels takes a list")),
            "--config" => {
                overrides = serde_json::from_str(&args.next().expect("--config takes JSON")).expect("--config: JSON")
            }
            _ => {}
        }
    }
    let result = if scale_mode { scale(&weeks, &channels, &overrides) } else { standard(seed, optimize, &overrides) };
    let text = serde_json::to_string_pretty(&result).expect("JSON") + "\n";
    match out {
        Some(path) => std::fs::write(&path, text).unwrap_or_else(|e| panic!("write {path}: {e}")),
        None => print!("{text}"),
    }
}

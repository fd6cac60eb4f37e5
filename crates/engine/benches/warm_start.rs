//! Warm-started refits, for `scripts/bench`: the example data fitted on all but its last 4
//! weeks, then refitted on all weeks cold (the stored settings: 1000 tuning draws from the
//! priors' centre), warm (300 tuning draws from where the first fit's chains ended) and, to
//! tell what the start buys from what the shorter tuning buys, cold with as few tuning draws.
//! Repetitions alternate the order of the refits so that drifting load hits them alike. This is
//! the engine call `mmm_refit` makes; the SQL layer around it (reading rows, storing draws) is
//! the same for every start.
//!
//! ```sh
//! cargo bench --bench warm_start -- --runs 5 --out "$PWD/warm.json" [--tune 150]
//! ```
//!
//! `--tune` sets the short tuning of the warm and the short cold refit (default: the warm
//! default, 300); `--out` is relative to `crates/engine`, where cargo runs benches.
//!
//! Prints a markdown report: wall times, the speed-up of warm over cold, min bulk ESS per
//! second, and whether every parameter's posterior mean agrees with the cold refit's within 3
//! combined Monte Carlo standard errors, sqrt(mcse_cold² + mcse_other²).

#[path = "../tests/common/mod.rs"]
mod common;

use mmm_engine::inference::diagnostics::{summarize, Summary};
use mmm_engine::inference::warm::WARM_TUNE;
use mmm_engine::inference::{fit_from, Control, Fit, FitConfig, Start, WarmStart};
use mmm_engine::model::Dataset;
use serde_json::{json, Value};
use std::time::Instant;

const KINDS: [&str; 3] = ["cold", "warm", "cold_short"];

fn config(seed: u64, tune: usize) -> FitConfig {
    let c = json!({"yearly_seasonality": 2, "target_accept": 0.9, "seed": seed, "tune": tune});
    FitConfig::from_json(&c).expect("valid config")
}

/// A fit and its wall time in seconds.
fn timed(config: FitConfig, data: Dataset, warm: Option<WarmStart>) -> (Fit, f64) {
    let start = Instant::now();
    let f = fit_from(config, data, "y", warm, |_| Control::Continue).expect("fit");
    (f, start.elapsed().as_secs_f64())
}

fn summaries(f: &Fit) -> Vec<Summary> {
    (0..f.trace.dim).map(|i| summarize(f.trace.parameter(i).view(), 0.94)).collect()
}

/// The largest |mean difference| / combined MCSE over the parameters.
fn worst_z(a: &[Summary], b: &[Summary]) -> f64 {
    a.iter().zip(b).map(|(a, b)| (a.mean - b.mean).abs() / a.mcse_mean.hypot(b.mcse_mean)).fold(0.0, f64::max)
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    let n = v.len();
    if n % 2 == 1 {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]) / 2.0
    }
}

fn main() {
    let (mut runs, mut out, mut short) = (3, None, WARM_TUNE);
    // cargo bench appends `--bench`; anything unknown is ignored.
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--runs" => runs = args.next().and_then(|v| v.parse().ok()).expect("--runs takes an integer"),
            "--out" => out = args.next(),
            "--tune" => short = args.next().and_then(|v| v.parse().ok()).expect("--tune takes an integer"),
            _ => {}
        }
    }
    let all = common::example_dataset();
    let earlier = all.rows(0..all.dates.len() - 4);
    let (previous, previous_s) = timed(config(1, 1000), earlier, None);
    let adaptation = previous.adaptation.clone().expect("a sampled fit's adaptation");
    eprintln!("warm_start: first fit on {} weeks: {previous_s:.2} s", all.dates.len() - 4);

    let mut rows: Vec<Value> = Vec::new();
    for run in 1..=runs {
        // Odd runs cold first, even runs warm first.
        let mut order = KINDS.to_vec();
        if run % 2 == 0 {
            order.reverse();
        }
        let seed = 100 + run as u64;
        let mut fits = std::collections::HashMap::new();
        for kind in order {
            let (f, secs) = match kind {
                "cold" => timed(config(seed, 1000), all.clone(), None),
                "warm" => {
                    let warm = WarmStart { adaptation: Ok(&adaptation), tune: Some(short) };
                    timed(config(seed, 1000), all.clone(), Some(warm))
                }
                _ => timed(config(seed, short), all.clone(), None),
            };
            let s = summaries(&f);
            let min_ess = s.iter().map(|s| s.ess_bulk).fold(f64::INFINITY, f64::min);
            let max_r_hat = s.iter().map(|s| s.r_hat).fold(0.0, f64::max);
            let tune = match f.start {
                Start::Warm { tune } => tune,
                _ => f.sampler.tune,
            };
            eprintln!("warm_start: run {run} {kind}: {secs:.2} s, min ess_bulk {min_ess:.0}, max r_hat {max_r_hat:.4}");
            fits.insert(
                kind,
                (
                    s,
                    json!({"run": run, "kind": kind, "tune": tune, "wall_s": secs, "min_ess_bulk": min_ess,
                "min_ess_per_s": min_ess / secs, "max_r_hat": max_r_hat, "divergences": f.trace.divergences()}),
                ),
            );
        }
        let cold = fits["cold"].0.clone();
        for kind in KINDS {
            let (s, mut row) = fits.remove(kind).expect("every kind ran");
            if kind != "cold" {
                let z = worst_z(&s, &cold);
                row["worst_mean_diff_in_combined_mcse"] = json!(z);
                row["means_agree_within_3_mcse"] = json!(z <= 3.0);
            }
            rows.push(row);
        }
    }

    let of = |kind: &str, key: &str| -> Vec<f64> {
        rows.iter().filter(|r| r["kind"] == kind).map(|r| r[key].as_f64().expect("a number")).collect()
    };
    println!("| refit on all {} weeks | tune | wall s (median) | min ESS/s (median) | max r_hat | divergences | means within 3 MCSE of cold (runs) | worst |diff| / MCSE |", all.dates.len());
    println!("|---|---|---|---|---|---|---|---|");
    for kind in KINDS {
        let agree = rows.iter().filter(|r| r["kind"] == kind && r["means_agree_within_3_mcse"] == true).count();
        let (label, check, worst) = match kind {
            "cold" => ("cold (stored settings)", "-".to_string(), "-".to_string()),
            "warm" => (
                "warm_start",
                format!("{agree}/{runs}"),
                format!("{:.2}", of(kind, "worst_mean_diff_in_combined_mcse").into_iter().fold(0.0, f64::max)),
            ),
            _ => (
                "cold, short tune",
                format!("{agree}/{runs}"),
                format!("{:.2}", of(kind, "worst_mean_diff_in_combined_mcse").into_iter().fold(0.0, f64::max)),
            ),
        };
        println!(
            "| {label} | {} | {:.2} | {:.0} | {:.4} | {} | {check} | {worst} |",
            of(kind, "tune")[0],
            median(of(kind, "wall_s")),
            median(of(kind, "min_ess_per_s")),
            of(kind, "max_r_hat").into_iter().fold(0.0, f64::max),
            of(kind, "divergences").into_iter().sum::<f64>(),
        );
    }
    let speedups: Vec<f64> = of("cold", "wall_s").iter().zip(of("warm", "wall_s")).map(|(c, w)| c / w).collect();
    println!(
        "\nWarm over cold: {:.2}x faster (median of {runs} alternating runs; per run {}).",
        median(speedups.clone()),
        speedups.iter().map(|s| format!("{s:.2}x")).collect::<Vec<_>>().join(", ")
    );
    let result = json!({"system": "pg_mmm engine", "warm_start": {"first_fit_s": previous_s, "runs": rows}});
    if let Some(path) = out {
        let text = serde_json::to_string_pretty(&result).expect("JSON") + "\n";
        std::fs::write(&path, text).unwrap_or_else(|e| panic!("write {path}: {e}"));
    }
}

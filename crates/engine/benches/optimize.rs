//! Optimizer benchmark over 4000 posterior draws: `mmm_optimize_budget`'s solve for the
//! standard example fit (2 channels) and a 10-channel simulated fit, and the response curves.
//! Run with `cargo bench --bench optimize`; prints a markdown table.

#[path = "../tests/common/mod.rs"]
mod common;

use mmm_engine::inference::FitConfig;
use mmm_engine::inference::{fit, Control, Fit};
use mmm_engine::model::Dataset;
use mmm_engine::optimize::curves::response_curve;
use mmm_engine::optimize::{channel_responses, Bounds, Horizon, Optimizer, Utility};
use serde_json::{json, Value};
use std::time::Instant;

/// Median wall time of `runs` calls, in milliseconds.
fn median_ms(runs: usize, mut f: impl FnMut()) -> f64 {
    let mut times: Vec<f64> = (0..runs)
        .map(|_| {
            let start = Instant::now();
            f();
            start.elapsed().as_secs_f64() * 1e3
        })
        .collect();
    times.sort_by(f64::total_cmp);
    times[runs / 2]
}

fn fitted(data: Dataset, config: Value) -> Fit {
    fit(FitConfig::from_json(&config).unwrap(), data, "y", |_| Control::Continue).unwrap()
}

fn main() {
    println!("| what (4000 draws, 8 weeks + l_max carry-over) | median of 11 |");
    println!("|---|---|");
    let example = fitted(common::example_dataset(), json!({"yearly_seasonality": 2, "target_accept": 0.9, "seed": 1}));
    let ten = fitted(common::simulated(104, 10), json!({"tune": 500, "seed": 1}));
    for (label, f) in [("example, 2 channels", &example), ("simulated, 10 channels", &ten)] {
        let budget = f.panel.data[0].mean_weekly_spend();
        let bounds = Bounds::parse(&f.panel.data[0].channel_names, None, budget).unwrap();
        let horizon = Horizon { num_periods: 8, carry_in: false };
        let mut method = "";
        let ms = median_ms(11, || {
            let responses = channel_responses(&f.model, &f.panel.data[0], &f.trace, horizon);
            let a = Optimizer { responses: &responses, utility: Utility::Mean }.solve(budget, &bounds, &[]).unwrap();
            method = a.method.as_str();
        });
        println!("| optimize budget, {label} (responses + solve, {method}) | {ms:.1} ms |");
        let ms = median_ms(11, || {
            for m in 0..f.panel.data[0].channels.len() {
                response_curve(
                    &f.model,
                    &f.trace,
                    &f.costs(),
                    &[0],
                    m,
                    1.5 * f.model.design.scales.channels[m],
                    50,
                    0.94,
                );
            }
        });
        println!("| response curves, {label} (50 points per channel, with bands) | {ms:.1} ms |");
    }
}

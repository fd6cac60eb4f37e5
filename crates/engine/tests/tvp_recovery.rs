//! A drifting baseline is recovered: simulated sales whose intercept swings by ±30 % over two
//! years (the simulator's `drift`), fitted with `"time_varying_intercept": true`, give an
//! intercept process whose 90% bands cover the true intercept on at least 85% of weeks.

use mmm_engine::inference::FitConfig;
use mmm_engine::inference::{fit, Control};
use mmm_engine::posterior::{decomposition, Band};
use mmm_engine::simulate::{simulate, tv_social_search, Drift};
use serde_json::json;

#[test]
fn a_drifting_intercept_is_recovered() {
    let mut spec = tv_social_search(21);
    spec.drift = Drift { amplitude: 0.3, period: 104.0 };
    let sim = simulate(&spec).unwrap();
    let truth: Vec<f64> = sim.baseline.drift.iter().map(|d| sim.baseline.intercept + d).collect();
    let config = FitConfig::from_json(&json!({
        "time_varying_intercept": true, "chains": 2, "tune": 500, "draws": 400, "seed": 8,
    }))
    .unwrap();
    let f = fit(config, sim.data.clone(), "y", |_| Control::Continue).unwrap();
    let intercept = decomposition(&f.model, &f.trace).into_iter().find(|c| c.component == "intercept").unwrap().values;
    let mean = intercept.mean_axis(ndarray::Axis(0)).unwrap();
    let weeks = truth.len();
    let rmse = (mean.iter().zip(&truth).map(|(m, t)| (m - t).powi(2)).sum::<f64>() / weeks as f64).sqrt();
    let covered = (0..weeks)
        .filter(|&w| {
            let band = Band::of(&intercept.column(w).to_vec(), 0.90);
            (band.lower..=band.upper).contains(&truth[w])
        })
        .count() as f64
        / weeks as f64;
    let swing = 0.3 * sim.baseline.intercept;
    eprintln!("intercept process RMSE {rmse:.1} (swing ±{swing:.0}); 90% coverage {covered:.3} of {weeks} weeks");
    assert!(rmse < 0.25 * swing, "RMSE {rmse}");
    assert!(covered >= 0.85, "coverage {covered}");
}

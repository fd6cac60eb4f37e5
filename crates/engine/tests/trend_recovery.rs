//! A trend break is recovered: simulated sales whose baseline rises for 90 weeks and then
//! falls, fitted with `"trend": {"changepoints": 8}`, give a posterior trend close to the
//! truth, with both slopes' signs and sizes and 90% bands that cover the true trend on most
//! weeks.

use mmm_engine::inference::FitConfig;
use mmm_engine::inference::{fit, Control};
use mmm_engine::posterior::{decomposition, Band};
use mmm_engine::simulate::{simulate, tv_social_search};
use serde_json::json;

/// The break's week and the slopes before and after it, in units of sales per week.
const BREAK: usize = 90;
const RISE: f64 = 3.0;
const FALL: f64 = -4.0;

fn true_trend(week: usize) -> f64 {
    let w = week as f64;
    if week <= BREAK {
        RISE * w
    } else {
        RISE * BREAK as f64 + FALL * (w - BREAK as f64)
    }
}

#[test]
fn a_trend_break_is_recovered() {
    let sim = simulate(&tv_social_search(11)).unwrap();
    let mut data = sim.data.clone();
    let truth: Vec<f64> = (0..data.y.len()).map(true_trend).collect();
    data.y.iter_mut().zip(&truth).for_each(|(y, t)| *y += t);
    let config = FitConfig::from_json(&json!({
        "trend": {"changepoints": 8}, "chains": 2, "tune": 500, "draws": 400, "seed": 4,
    }))
    .unwrap();
    let f = fit(config, data, "y", |_| Control::Continue).unwrap();
    let trend = decomposition(&f.model, &f.trace).into_iter().find(|c| c.component == "trend").unwrap().values;
    let mean = trend.mean_axis(ndarray::Axis(0)).unwrap();
    let weeks = truth.len();
    let range = truth.iter().cloned().fold(f64::NEG_INFINITY, f64::max) - truth.iter().cloned().fold(0.0, f64::min);
    let rmse = (mean.iter().zip(&truth).map(|(m, t)| (m - t).powi(2)).sum::<f64>() / weeks as f64).sqrt();
    let slope = |from: usize, to: usize| (mean[to] - mean[from]) / (to - from) as f64;
    let (rise, fall) = (slope(10, 80), slope(100, weeks - 1));
    let covered = (0..weeks)
        .filter(|&w| {
            let band = Band::of(&trend.column(w).to_vec(), 0.90);
            (band.lower..=band.upper).contains(&truth[w])
        })
        .count() as f64
        / weeks as f64;
    eprintln!(
        "trend RMSE {rmse:.1} over a range of {range:.0}; slopes {rise:.2} and {fall:.2}; 90% coverage {covered:.2}"
    );
    assert!(rmse < 0.1 * range, "RMSE {rmse}");
    assert!((rise - RISE).abs() < 0.25 * RISE, "rise {rise}");
    assert!((fall - FALL).abs() < 0.25 * FALL.abs(), "fall {fall}");
    assert!(covered >= 0.8, "coverage {covered}");
}

//! A drifting baseline is recovered: simulated sales whose intercept swings by ±30 % over two
//! years (the simulator's `drift`), with flighted channels, fitted with
//! `"time_varying_intercept": true`, give an intercept process whose 90% bands cover the true
//! intercept on at least 85% of weeks and whose posterior mean follows the drift.

use mmm_engine::inference::FitConfig;
use mmm_engine::inference::{fit, Control};
use mmm_engine::posterior::{decomposition, Band};
use mmm_engine::simulate::{simulate, tv_social_search, Drift, SpendPattern};
use serde_json::json;

#[test]
fn a_drifting_intercept_is_recovered() {
    let mut spec = tv_social_search(21);
    spec.drift = Drift { amplitude: 0.3, period: 104.0 };
    // Flighted channels (no spend in about half the weeks) and no control: the weeks without
    // media show the baseline, which always-on spend or a never-zero control would share.
    for (c, amount) in spec.channels.iter_mut().zip([4000.0, 3000.0, 1500.0]) {
        c.spend = SpendPattern::Threshold { threshold: 0.5, below: 0.0, amount };
    }
    spec.controls.clear();
    let sim = simulate(&spec).unwrap();
    let data = sim.data.clone();
    let truth: Vec<f64> = sim.baseline.drift.iter().map(|d| sim.baseline.intercept + d).collect();
    let config = FitConfig::from_json(&json!({
        "time_varying_intercept": true, "chains": 2, "tune": 500, "draws": 400, "seed": 8,
    }))
    .unwrap();
    let f = fit(config, data, "y", |_| Control::Continue).unwrap();
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
    // The level is shared with the media's carry-over (adstock rarely lets a week go without
    // media), so the drift's shape is what the weeks pin down: the posterior mean follows it.
    let centred = |v: &[f64]| {
        let m = v.iter().sum::<f64>() / v.len() as f64;
        v.iter().map(|x| x - m).collect::<Vec<_>>()
    };
    let (a, b) = (centred(mean.as_slice().unwrap()), centred(&truth));
    let dot = |x: &[f64], y: &[f64]| x.iter().zip(y).map(|(p, q)| p * q).sum::<f64>();
    let correlation = dot(&a, &b) / (dot(&a, &a) * dot(&b, &b)).sqrt();
    eprintln!(
        "intercept process: 90% coverage {covered:.3} of {weeks} weeks; correlation of the posterior mean with \
         the truth {correlation:.3}; RMSE {rmse:.1} (swing ±{swing:.0})"
    );
    assert!(correlation > 0.9, "correlation {correlation}");
    assert!(covered >= 0.85, "coverage {covered}");
}

//! The standard fit of PyMC-Marketing's example data recovers the data-generating process
//! (docs/02-fitting.md, "Simulated data", the `example` preset), samples cleanly, and is
//! reproducible from its seed.

mod common;

use mmm_engine::inference::diagnostics::summarize;
use mmm_engine::inference::FitConfig;
use mmm_engine::inference::{fit, Control, Fit};
use mmm_engine::posterior::decomposition;
use mmm_engine::transforms::{adstock, saturation, AdstockKind, SaturationKind};
use serde_json::json;

fn standard_fit(extra: serde_json::Value) -> Fit {
    let mut config = json!({"yearly_seasonality": 2, "target_accept": 0.9, "seed": 20261123});
    config.as_object_mut().unwrap().extend(extra.as_object().unwrap().clone());
    fit(FitConfig::from_json(&config).unwrap(), common::example_dataset(), "y", |_| Control::Continue).unwrap()
}

/// Mean of parameter `name` at coordinate index `i`, with its summary.
fn posterior_mean(f: &Fit, name: &str, i: usize) -> f64 {
    let block = f.model.space().handle(name).unwrap();
    let draws = f.trace.parameter(block.index(i));
    draws.mean().unwrap()
}

/// True total contribution of a channel: 1000 · effect · Σ_t logistic(adstock(x), λ).
fn true_total(x: &[f64], alpha: f64, lam: f64, effect: f64) -> f64 {
    let mut a = vec![0.0; x.len()];
    adstock::weights(AdstockKind::Geometric, &[alpha], 8, true).convolve(x, &mut a);
    a.iter().map(|&v| 1000.0 * effect * saturation::evaluate(SaturationKind::Logistic, v, &[lam, 1.0]).value).sum()
}

#[test]
fn standard_fit_recovers_the_truth() {
    let f = standard_fit(json!({}));
    assert_eq!(f.trace.divergences(), 0, "divergences");
    for i in 0..f.trace.dim {
        let s = summarize(f.trace.parameter(i).view(), 0.94);
        assert!(s.r_hat <= 1.01, "parameter {i}: r_hat {}", s.r_hat);
        assert!(s.ess_bulk >= 400.0, "parameter {i}: ess_bulk {}", s.ess_bulk);
    }
    let within = |name: &str, i: usize, lo: f64, hi: f64| {
        let m = posterior_mean(&f, name, i);
        assert!((lo..=hi).contains(&m), "{name}[{i}] mean {m} outside [{lo}, {hi}]");
    };
    within("adstock_alpha", 0, 0.34, 0.46);
    within("adstock_alpha", 1, 0.10, 0.30);
    within("saturation_beta", 0, 0.32, 0.40);
    within("y_sigma", 0, 0.027, 0.034);

    let components = decomposition(&f.model, &f.trace);
    for (m, (alpha, lam, effect)) in [(0.4, 4.0, 3.0), (0.2, 3.0, 2.0)].into_iter().enumerate() {
        let truth = true_total(&f.panel.data[0].channels[m], alpha, lam, effect);
        let channel = components.iter().find(|c| c.component == f.panel.data[0].channel_names[m]).unwrap();
        let fitted = channel.values.sum_axis(ndarray::Axis(1)).mean().unwrap();
        let rel = (fitted - truth).abs() / truth;
        assert!(rel < 0.15, "channel {m}: fitted total {fitted:.0} vs truth {truth:.0} ({:.1}%)", rel * 100.0);
    }
}

#[test]
fn one_seed_gives_identical_draws() {
    let short = json!({"tune": 100, "draws": 50, "chains": 3});
    let (a, b) = (standard_fit(short.clone()), standard_fit(short));
    assert_eq!(a.trace, b.trace);
    let other = fit(
        FitConfig::from_json(&json!({"tune": 100, "draws": 50, "chains": 3, "seed": 1})).unwrap(),
        common::example_dataset(),
        "y",
        |_| Control::Continue,
    )
    .unwrap();
    assert_ne!(a.trace, other.trace);
}

#[test]
fn cancelling_stops_the_fit() {
    let started = std::time::Instant::now();
    let result = fit(FitConfig::from_json(&json!({"tune": 100000})).unwrap(), common::example_dataset(), "y", |p| {
        if p.done > 50 {
            Control::Cancel
        } else {
            Control::Continue
        }
    });
    assert!(matches!(
        result,
        Err(mmm_engine::inference::FitError::Sample(mmm_engine::inference::SampleError::Cancelled))
    ));
    assert!(started.elapsed().as_secs_f64() < 5.0, "cancel took {:?}", started.elapsed());
}

//! Warm-started refits: a refit after 4 new weeks that starts from the previous fit's chains
//! samples the same posterior as a cold refit, with shorter tuning; a warm start over another
//! parameter space falls back to a cold one and says why.

mod common;

use mmm_engine::inference::diagnostics::summarize;
use mmm_engine::inference::warm::WARM_TUNE;
use mmm_engine::inference::{fit, fit_from, Adaptation, Control, Fit, FitConfig, Start, WarmStart};
use mmm_engine::model::Dataset;
use serde_json::{json, Value};

fn config(extra: Value) -> FitConfig {
    let mut config = json!({"yearly_seasonality": 2, "target_accept": 0.9, "seed": 7});
    config.as_object_mut().unwrap().extend(extra.as_object().unwrap().clone());
    FitConfig::from_json(&config).unwrap()
}

fn refit(extra: Value, data: Dataset, warm: Option<WarmStart>) -> Fit {
    fit_from(config(extra), data, "y", warm, |_| Control::Continue).unwrap()
}

/// All weeks, and all but the last 4.
fn weeks() -> (Dataset, Dataset) {
    let all = common::example_dataset();
    let earlier = all.rows(0..all.dates.len() - 4);
    (all, earlier)
}

#[test]
fn warm_refit_after_four_weeks_samples_the_cold_posterior() {
    let (all, earlier) = weeks();
    let previous = fit(config(json!({})), earlier, "y", |_| Control::Continue).unwrap();
    let adaptation = previous.adaptation.clone().unwrap();
    assert_eq!(adaptation.chains.len(), 4);
    assert!(adaptation.chains.iter().all(|c| c.step_size > 0.0 && c.inv_mass.iter().all(|v| *v > 0.0)));

    let cold = refit(json!({"seed": 8}), all.clone(), None);
    let warm = refit(json!({"seed": 8}), all, Some(WarmStart { adaptation: Ok(&adaptation), tune: None }));
    assert_eq!(cold.start, Start::Cold);
    assert_eq!(warm.start, Start::Warm { tune: WARM_TUNE });
    // The stored settings keep the cold tuning length, for the next cold refit.
    assert_eq!(warm.sampler.tune, 1000);
    assert_ne!(warm.trace.chains[0].values, cold.trace.chains[0].values, "a warm start changes the draws");
    assert_eq!(warm.trace.divergences(), 0);
    for i in 0..warm.trace.dim {
        let (w, c) = (summarize(warm.trace.parameter(i).view(), 0.94), summarize(cold.trace.parameter(i).view(), 0.94));
        assert!(w.r_hat <= 1.01, "parameter {i}: warm r_hat {}", w.r_hat);
        assert!(w.ess_bulk >= 400.0, "parameter {i}: warm ess_bulk {}", w.ess_bulk);
        let combined = w.mcse_mean.hypot(c.mcse_mean);
        assert!(
            (w.mean - c.mean).abs() <= 3.0 * combined,
            "parameter {i}: warm mean {} cold {} differ by more than 3 combined MCSE {combined}",
            w.mean,
            c.mean
        );
    }
}

#[test]
fn chains_start_apart_and_an_explicit_tune_wins() {
    let (all, earlier) = weeks();
    let small = json!({"chains": 2, "tune": 200, "draws": 50});
    let previous = refit(small.clone(), earlier, None);
    let adaptation = previous.adaptation.clone().unwrap();
    // Four chains from two: chains 0 and 2 both start around the previous chain 0's end.
    let first = refit(
        json!({"chains": 4, "tune": 0, "draws": 4}),
        all.clone(),
        Some(WarmStart { adaptation: Ok(&adaptation), tune: None }),
    );
    assert_eq!(first.start, Start::Warm { tune: 0 });
    let starts: Vec<&[f64]> = first.trace.chains.iter().map(|c| &c.values[..first.trace.dim]).collect();
    for (i, a) in starts.iter().enumerate() {
        for b in &starts[i + 1..] {
            assert_ne!(a, b, "chains start from distinct points");
        }
    }
    // The previous tune was shorter than WARM_TUNE: a warm refit never tunes longer than cold.
    let shorter = refit(small.clone(), all.clone(), Some(WarmStart { adaptation: Ok(&adaptation), tune: None }));
    assert_eq!(shorter.start, Start::Warm { tune: 200 });
    let given = refit(small, all, Some(WarmStart { adaptation: Ok(&adaptation), tune: Some(120) }));
    assert_eq!(given.start, Start::Warm { tune: 120 });
}

#[test]
fn another_parameter_space_falls_back_to_a_cold_start() {
    let (all, earlier) = weeks();
    let small = json!({"chains": 1, "tune": 50, "draws": 20});
    let previous = refit(small.clone(), earlier, None).adaptation.unwrap();
    let mut more_seasonality = small.clone();
    more_seasonality["yearly_seasonality"] = json!(3);
    let f = refit(more_seasonality, all.clone(), Some(WarmStart { adaptation: Ok(&previous), tune: None }));
    let Start::Fallback(reason) = &f.start else { panic!("expected a fallback, got {:?}", f.start) };
    assert!(reason.contains("adds") && reason.contains("gamma_fourier"), "{reason}");
    assert_eq!(f.trace.draws_per_chain(), 20);

    let mut broken = previous.clone();
    broken.chains[0].position.pop();
    let f = refit(small.clone(), all.clone(), Some(WarmStart { adaptation: Ok(&broken), tune: None }));
    assert_eq!(f.start, Start::Fallback("the previous fit's adaptation is incomplete".into()));

    let f = refit(small, all, Some(WarmStart { adaptation: Err("none was stored"), tune: None }));
    assert_eq!(f.start, Start::Fallback("none was stored".into()));
}

#[test]
fn adaptation_round_trips_through_json() {
    let (_, earlier) = weeks();
    let a = refit(json!({"chains": 2, "tune": 30, "draws": 10}), earlier, None).adaptation.unwrap();
    let back: Adaptation = serde_json::from_value(serde_json::to_value(&a).unwrap()).unwrap();
    assert_eq!(back, a);
    assert_eq!(a.parameters[0], "intercept");
    assert!(a.parameters.contains(&"adstock_alpha[x1]".to_string()), "{:?}", a.parameters);
}

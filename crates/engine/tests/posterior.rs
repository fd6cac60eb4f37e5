//! Derived quantities of a short fit of the example data: the decomposition, prediction with
//! carried-in adstock, posterior predictive draws, ROAS and fit metrics.

mod common;

use mmm_engine::inference::FitConfig;
use mmm_engine::inference::{fit, Control, Fit};
use mmm_engine::posterior::{decomposition, fit_metrics, fitted_mean, posterior_predictive, predict, roas, Band, Roas};
use ndarray::{s, Axis};
use serde_json::json;

fn short_fit() -> Fit {
    let config =
        FitConfig::from_json(&json!({"yearly_seasonality": 2, "chains": 2, "tune": 400, "draws": 300, "seed": 5}));
    fit(config.unwrap(), common::example_dataset(), "y", |_| Control::Continue).unwrap()
}

#[test]
fn derived_quantities_are_consistent() {
    let f = short_fit();
    let components = decomposition(&f.model, &f.trace);
    let names: Vec<_> = components.iter().map(|c| c.component.as_str()).collect();
    assert_eq!(names, ["intercept", "x1", "x2", "event_1", "event_2", "t", "seasonality"]);
    let mean = fitted_mean(&components);
    assert_eq!(mean.dim(), (600, 179));
    let channels = components.iter().filter(|c| c.group == "channels");
    assert!(channels.flat_map(|c| c.values.iter()).all(|&c| c >= 0.0));

    // The fit explains the data: R² of the posterior mean, and 94% predictive bands that
    // cover about 94% of the weeks.
    let metrics = fit_metrics(&f.panel.data[0].y, &mean);
    assert!(metrics.r2 > 0.9 && metrics.mape < 0.1, "{metrics:?}");
    let ppc = posterior_predictive(&f.model, &f.trace, &mean, 1);
    let covered = (0..179)
        .filter(|&t| {
            let band = Band::of(&ppc.column(t).to_vec(), 0.94);
            (band.lower..=band.upper).contains(&f.panel.data[0].y[t])
        })
        .count();
    assert!((150..=179).contains(&covered), "94% bands cover {covered} of 179 weeks");

    // ROAS × spend is the channel's total contribution, draw by draw.
    for Roas { channel: name, spend, per_draw, .. } in roas(&f.panel, &f.costs(), &components) {
        let c = components.iter().find(|c| c.component == name).unwrap();
        let totals = c.values.sum_axis(Axis(1));
        for (r, total) in per_draw.iter().zip(&totals) {
            assert!((r * spend - total).abs() <= 1e-9 * total.abs());
        }
    }
}

#[test]
fn prediction_carries_adstock_in_from_training() {
    let f = short_fit();
    let mean = fitted_mean(&decomposition(&f.model, &f.trace));
    // Predicting the last 20 training weeks from the 159 before them reproduces the fit there,
    // because the carried-in l_max weeks hold all the adstock history that matters.
    let (head, tail) = (f.panel.data[0].rows(0..159), f.panel.data[0].rows(159..179));
    let predicted = predict(&f.model, &head, &f.trace, &tail);
    let expected = mean.slice(s![.., 159..]);
    let worst = (&predicted - &expected).iter().fold(0.0f64, |m, v| m.max(v.abs()));
    assert!(worst < 1e-9, "largest difference {worst}");
    // Without spend, the channels' share fades as the carried-in adstock runs out.
    let mut quiet = tail.clone();
    quiet.channels.iter_mut().for_each(|x| x.iter_mut().for_each(|v| *v = 0.0));
    let without = predict(&f.model, &head, &f.trace, &quiet);
    assert!((&expected - &without).column(19).iter().all(|&d| d > 0.0));
}

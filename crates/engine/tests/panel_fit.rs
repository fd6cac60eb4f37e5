//! A geo panel end to end: a small simulated panel (3 geos × 104 weeks × 2 channels) is
//! sampled through the panel density, the chains agree, and every geo's channel
//! contributions cover the simulated truth; predictions per geo carry adstock in.

use mmm_engine::inference::diagnostics::summarize;
use mmm_engine::inference::{fit, Control, FitConfig};
use mmm_engine::model::design::Panel;
use mmm_engine::model::Dataset;
use mmm_engine::posterior::{decomposition, fitted_mean, predict_panel, roas, Band, Roas};
use mmm_engine::simulate::{geo_panel, simulate_panel, PanelSpec};
use serde_json::json;

fn small_panel() -> PanelSpec {
    let mut spec = geo_panel(31);
    spec.geos = 3;
    spec.base.weeks = 104;
    // tv and radio, whose bursts tell their effects from the intercept (social's steady spend
    // would not, and search follows the demand control).
    spec.base.channels = vec![spec.base.channels[0].clone(), spec.base.channels[3].clone()];
    spec
}

#[test]
fn a_simulated_panel_is_recovered() {
    let truth = simulate_panel(&small_panel()).unwrap();
    let config = FitConfig::from_json(&json!({
        "scaling": {"target": "per_geo", "channel": "per_geo"},
        "chains": 2, "tune": 400, "draws": 400, "seed": 7,
    }))
    .unwrap();
    let fit = fit(config, truth.panel(), "y", |_| Control::Continue).unwrap();
    assert_eq!(fit.model.geos, truth.geos);
    for i in 0..fit.trace.dim {
        let s = summarize(fit.trace.parameter(i).view(), 0.94);
        assert!(s.r_hat <= 1.05, "parameter {i}: r_hat {}", s.r_hat);
    }
    // Channel series hold every geo's weeks, geo after geo, in units of that geo's target.
    let components = decomposition(&fit.model, &fit.trace);
    let weeks = fit.model.design.weeks();
    for (g, geo) in truth.series.iter().enumerate() {
        for (c, name) in geo.data.channel_names.iter().enumerate() {
            let series = components.iter().find(|x| x.group == "channels" && &x.component == name).unwrap();
            let totals = series.values.slice(ndarray::s![.., g * weeks..(g + 1) * weeks]).sum_axis(ndarray::Axis(1));
            let band = Band::of(totals.as_slice().unwrap(), 0.94);
            let expected: f64 = geo.contributions[c].iter().sum();
            assert!(
                (band.lower..=band.upper).contains(&expected),
                "geo {g}, {name}: truth {expected:.0} outside the 94% interval [{:.0}, {:.0}] (mean {:.0})",
                band.lower,
                band.upper,
                band.mean
            );
            assert!(
                (band.mean - expected).abs() < 0.35 * expected,
                "geo {g}, {name}: mean {:.0} vs truth {expected:.0}",
                band.mean
            );
        }
    }

    // ROAS per geo and over all geos: the total row's contribution is the geos', draw by draw.
    let returns = roas(&fit.panel, &fit.costs(), &components);
    assert_eq!(returns.len(), 2 * (3 + 1));
    for total in returns.iter().filter(|r| r.geo.is_none()) {
        let geos: Vec<&Roas> = returns.iter().filter(|r| r.geo.is_some() && r.channel == total.channel).collect();
        assert_eq!(geos.iter().map(|r| r.geo.unwrap()).collect::<Vec<_>>(), [0, 1, 2]);
        assert!((total.spend - geos.iter().map(|r| r.spend).sum::<f64>()).abs() <= 1e-9 * total.spend);
        for d in [0, 400, 799] {
            let sum: f64 = geos.iter().map(|r| r.per_draw[d] * r.spend).sum();
            let all = total.per_draw[d] * total.spend;
            assert!((all - sum).abs() <= 1e-9 * all.abs(), "{}: draw {d}: {all} vs {sum}", total.channel);
        }
    }

    // Predicting the last weeks from the earlier ones, adstock carried in, gives every geo's
    // fitted mean of those weeks.
    let split = 90;
    let part = |range: std::ops::Range<usize>| Panel {
        geos: fit.panel.geos.clone(),
        data: fit.panel.data.iter().map(|d| rows(d, range.clone())).collect(),
    };
    let predicted = predict_panel(&fit.model, &part(0..split), &fit.trace, &part(split..weeks));
    let fitted = fitted_mean(&components);
    let future = weeks - split;
    assert_eq!(predicted.dim(), (fit.trace.num_draws(), 3 * future));
    for g in 0..3 {
        for t in 0..future {
            for d in [0, 100, 799] {
                let (p, f) = (predicted[[d, g * future + t]], fitted[[d, g * weeks + split + t]]);
                assert!((p - f).abs() < 1e-9 * f.abs(), "geo {g}, week {t}, draw {d}: {p} vs {f}");
            }
        }
    }
}

/// Rows `range` of a dataset.
fn rows(d: &Dataset, range: std::ops::Range<usize>) -> Dataset {
    let mut out = Dataset::empty(d.channel_names.clone(), d.control_names.clone());
    for t in range {
        out.push(d.dates[t], d.y[t], d.channels.iter().map(|x| x[t]), d.controls.iter().map(|z| z[t]));
    }
    out
}

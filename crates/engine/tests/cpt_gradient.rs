//! Cost-per-target / ROAS calibration in the log density: the analytic gradient with the term
//! against finite differences at random points for every saturation kind and both targets,
//! national and over a 2-geo panel, with time-varying media (the contribution times the media
//! multiplier) and with a cost per unit (the spend in money); the term's value against a hand
//! computation from the decomposition; and bad rows refused.

mod common;

use mmm_engine::model::cost_calibration::CostCalibration;
use mmm_engine::model::design::Panel;
use mmm_engine::model::{Model, ModelSpec};
use serde_json::{json, Value};

const SATURATIONS: [&str; 7] = ["logistic", "hill", "michaelis_menten", "tanh", "root", "none", "hill_sigmoid"];

/// The model of `config` with one row per channel (per geo of a panel), each measuring 1.3
/// times the model's ratio at the initial point with a 10 % standard error, so that the term
/// weighs and its derivative is not zero there.
fn calibrated(config: Value, panel: &Panel) -> Model {
    let mut spec = ModelSpec::from_json(&config).unwrap();
    let cells: Vec<Option<usize>> =
        if panel.geos.is_empty() { vec![None] } else { (0..panel.geos.len()).map(Some).collect() };
    spec.cost_calibration = cells
        .iter()
        .flat_map(|&geo| (0..2).map(move |channel| CostCalibration { channel, geo, value: 1.0, sigma: 1.0 }))
        .collect();
    let probe = Model::panel(spec.clone(), panel).unwrap();
    let mut theta = vec![0.0; probe.dim()];
    probe.constrain(&probe.initial_point(), &mut theta);
    for (row, estimate) in spec.cost_calibration.iter_mut().zip(probe.cost_estimates(&theta)) {
        (row.value, row.sigma) = (1.3 * estimate, 0.13 * estimate);
    }
    Model::panel(spec, panel).unwrap()
}

/// Two geos: the example data and a copy with a higher level and more spend.
fn two_geos() -> Panel {
    let base = common::example_dataset();
    let mut other = base.clone();
    other.y.iter_mut().for_each(|y| *y *= 1.5);
    other.channels.iter_mut().flatten().for_each(|x| *x *= 1.3);
    Panel::from_geos(vec![("north".into(), base), ("south".into(), other)]).unwrap()
}

#[test]
fn national_gradient_matches_finite_differences() {
    let panel = Panel::national(common::example_dataset());
    for (i, saturation) in SATURATIONS.into_iter().enumerate() {
        for (j, target) in ["cost_per_target", "roas"].into_iter().enumerate() {
            let model = calibrated(json!({"saturation": saturation, "l_max": 4, "calibration_target": target}), &panel);
            assert_eq!(model.density.terms.last().unwrap().name(), "cost_calibration");
            let err = common::worst_gradient_error(&model, (10 * i + j) as u64, 4, 1.0);
            assert!(err < 1e-6, "{saturation} × {target}: error {err:e}");
        }
    }
}

#[test]
fn panel_gradient_matches_finite_differences() {
    let panel = two_geos();
    for (i, saturation) in SATURATIONS.into_iter().enumerate() {
        for (j, target) in ["cost_per_target", "roas"].into_iter().enumerate() {
            // Per-geo media parameters by default; shared ones under full pooling.
            for pooling in ["none", "full"] {
                let config =
                    json!({"saturation": saturation, "l_max": 4, "pooling": pooling, "calibration_target": target});
                let model = calibrated(config, &panel);
                let err = common::worst_gradient_error(&model, (100 + 10 * i + j) as u64, 2, 1.0);
                assert!(err < 1e-6, "{saturation} × {target} × {pooling}: error {err:e}");
            }
        }
    }
}

/// At one point, the term is `Σ_rows ln Normal(value | ratio, σ)` with the ratio taken from the
/// channels' decomposition (original units) and the data's spend.
#[test]
fn the_term_is_the_normal_density_of_mean_spend_over_mean_contribution() {
    let panel = two_geos();
    for target in ["cost_per_target", "roas"] {
        let model = calibrated(json!({"calibration_target": target}), &panel);
        let mut bare_spec = model.spec.clone();
        bare_spec.cost_calibration.clear();
        let bare = Model::panel(bare_spec, &panel).unwrap();
        let u: Vec<f64> = model.initial_point().iter().enumerate().map(|(i, u)| u + 0.1 * (i % 3) as f64).collect();
        let mut grad = vec![0.0; model.dim()];
        let lp = model.logp_grad(&u, &mut grad, &mut model.scratch());
        let lp_bare = bare.logp_grad(&u, &mut grad, &mut bare.scratch());
        let mut theta = vec![0.0; model.dim()];
        model.constrain(&u, &mut theta);
        // The channels' series in original units, as the decomposition reports them.
        let media = model.mean().get("channels").unwrap();
        let weeks = panel.data[0].y.len();
        let mut series = vec![vec![0.0; 2 * weeks]; 2];
        let scale = model.design.scales.targets(2);
        media.decompose(&model.design, &theta, &scale, &mut series, media.workspace(2 * weeks).as_mut());
        let mut expected = 0.0;
        let estimates = model.cost_estimates(&theta);
        for (row, estimate) in model.spec.cost_calibration.iter().zip(estimates) {
            let (g, c) = (row.geo.unwrap(), row.channel);
            let delta: f64 = series[c][g * weeks..(g + 1) * weeks].iter().sum::<f64>() / weeks as f64;
            let spend: f64 = panel.data[g].channels[c].iter().sum::<f64>() / weeks as f64;
            let ratio = if target == "roas" { delta / spend } else { spend / delta };
            assert!((estimate - ratio).abs() < 1e-9 * ratio, "{target}: {estimate} vs {ratio}");
            let z = (row.value - ratio) / row.sigma;
            expected += -0.5 * z * z - row.sigma.ln() - 0.5 * (2.0 * std::f64::consts::PI).ln();
        }
        assert!(
            (lp - lp_bare - expected).abs() < 1e-8 * expected.abs().max(1.0),
            "{target}: {} vs {expected}",
            lp - lp_bare
        );
    }
}

#[test]
fn time_varying_media_and_cost_per_unit_gradients_match_finite_differences() {
    let national = Panel::national(common::example_dataset().rows(0..60));
    let panel = two_geos().rows(0..60);
    let tvm = json!({"time_varying_media": true, "hsgp": {"m": 8}});
    let priced = json!({"cost_per_unit": {"x1": 0.02, "x2": 3.5}});
    for (j, target) in ["cost_per_target", "roas"].into_iter().enumerate() {
        for (k, saturation) in ["logistic", "hill"].into_iter().enumerate() {
            for (name, extra) in [("tvm", &tvm), ("cost per unit", &priced)] {
                let mut config = json!({"saturation": saturation, "l_max": 4, "calibration_target": target});
                config.as_object_mut().unwrap().extend(extra.as_object().unwrap().clone());
                for (geos, data) in [(0, &national), (2, &panel)] {
                    let model = calibrated(config.clone(), data);
                    let err = common::worst_gradient_error(&model, (300 + 10 * j + 2 * k + geos) as u64, 2, 1.0);
                    assert!(err < 1e-6, "{name} × {saturation} × {target} × {geos} geos: error {err:e}");
                }
            }
        }
    }
}

/// With time-varying media the ratio's contribution is the decomposition's (which includes the
/// multiplier); with a cost per unit its spend is money, units × cost.
#[test]
fn the_ratio_reads_the_multiplied_contribution_and_money() {
    let panel = two_geos().rows(0..60);
    let weeks = 60;
    let config = json!({"time_varying_media": true, "hsgp": {"m": 8}, "cost_per_unit": {"x1": 0.02}});
    for target in ["cost_per_target", "roas"] {
        let mut config = config.clone();
        config["calibration_target"] = json!(target);
        let model = calibrated(config, &panel);
        let u: Vec<f64> =
            model.initial_point().iter().enumerate().map(|(i, u)| u + 0.3 * ((i % 5) as f64 - 2.0)).collect();
        let mut theta = vec![0.0; model.dim()];
        model.constrain(&u, &mut theta);
        let media = model.mean().get("channels").unwrap();
        let mut series = vec![vec![0.0; 2 * weeks]; 2];
        let scale = model.design.scales.targets(2);
        media.decompose(&model.design, &theta, &scale, &mut series, media.workspace(2 * weeks).as_mut());
        let n = &model.media_multipliers(std::iter::once(&theta[..]), panel.dates()).unwrap()[0][weeks..];
        assert!(n.iter().any(|n| (n - 1.0).abs() > 1e-3), "the multiplier is not trivially 1");
        for (row, estimate) in model.spec.cost_calibration.iter().zip(model.cost_estimates(&theta)) {
            let (g, c) = (row.geo.unwrap(), row.channel);
            let cost = if c == 0 { 0.02 } else { 1.0 };
            let delta: f64 = series[c][g * weeks..(g + 1) * weeks].iter().sum::<f64>() / weeks as f64;
            let spend: f64 = panel.data[g].channels[c].iter().map(|x| x * cost).sum::<f64>() / weeks as f64;
            let ratio = if target == "roas" { delta / spend } else { spend / delta };
            assert!((estimate - ratio).abs() < 1e-9 * ratio, "{target} ({g}, {c}): {estimate} vs {ratio}");
        }
    }
}

#[test]
fn bad_rows_and_options_are_refused() {
    let data = common::example_dataset();
    let row = |channel, geo, value, sigma| CostCalibration { channel, geo, value, sigma };
    let err = |rows: Vec<CostCalibration>| {
        let spec = ModelSpec { cost_calibration: rows, ..ModelSpec::default() };
        Model::new(spec, &data).unwrap_err().to_string()
    };
    assert!(err(vec![row(0, None, 10.0, 1.0), row(1, None, 10.0, 0.0)]).contains("cost_calibration row 2: sigma"));
    assert!(err(vec![row(0, None, 0.0, 1.0)]).contains("row 1: value = 0"));
    assert!(err(vec![row(0, None, 10.0, 1.0), row(0, None, 12.0, 1.0)]).contains("same channel and geo as row 1"));
    assert!(err(vec![row(0, Some(0), 10.0, 1.0)]).contains("no geo column"));
    let config = ModelSpec::from_json(&json!({"calibration_target": "cpa"})).unwrap_err().to_string();
    assert!(config.contains("calibration_target"), "{config}");
    // The target kind is stored with the spec when it is not the default; the rows are not.
    let spec = ModelSpec::from_json(&json!({"calibration_target": "roas"})).unwrap();
    let stored = serde_json::to_value(&spec).unwrap();
    assert_eq!(stored["calibration_target"], "roas");
    assert!(serde_json::to_value(ModelSpec::default()).unwrap().get("calibration_target").is_none());
    assert_eq!(ModelSpec::from_json(&stored).unwrap(), spec);
}

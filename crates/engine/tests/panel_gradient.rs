//! Geo panels: the analytic gradient of the panel log density (per-geo components, shared
//! and per-geo parameters, hyper-priors, non-centred and `exp` blocks, the three
//! likelihoods) against finite differences at random points, for panels of 1, 2 and 5 geos;
//! a one-geo panel against the national model; and the decomposition per geo.

mod common;

use mmm_engine::model::design::Panel;
use mmm_engine::model::{Dataset, Model, ModelSpec};
use rand::{RngExt, SeedableRng};
use serde_json::{json, Value};

/// `geos` geos over the first `weeks` weeks of the example data, each with its own level,
/// seasonality and spend pattern, and labels that sort in another order than they are given.
fn panel(geos: usize, weeks: usize) -> Panel {
    let base = common::example_dataset();
    let series = (0..geos)
        .map(|g| {
            let f = g as f64;
            let mut d = Dataset::empty(base.channel_names.clone(), base.control_names.clone());
            for t in 0..weeks {
                let shifted = (t + 3 * g) % base.dates.len();
                let y = base.y[t] * (1.0 + 0.4 * f) + 300.0 * f * (t as f64 / 9.0).sin();
                let channels = base.channels.iter().map(|x| x[shifted] * (1.0 + 0.25 * f));
                let controls = base.controls.iter().map(|x| x[t]);
                d.push(base.dates[t], y, channels, controls);
            }
            (format!("geo_{}", geos - g), d)
        })
        .collect();
    Panel::from_geos(series).unwrap()
}

/// Configs that exercise every kind of block a panel can have.
fn configs() -> Vec<(&'static str, Value)> {
    vec![
        ("defaults", json!({"yearly_seasonality": 2})),
        (
            "partial pooling, truncated normal",
            json!({"pooling": "partial", "yearly_seasonality": 2, "likelihood": "truncated_normal"}),
        ),
        (
            "full pooling, Student-t, per-geo scales",
            json!({"pooling": "full", "likelihood": "student_t", "scaling": {"target": "per_geo", "channel": "per_geo"}}),
        ),
        (
            "hand-written hierarchy",
            json!({"yearly_seasonality": 1, "saturation": "hill", "scaling": {"target": "per_geo"}, "priors": {
                // Exp of a centred Normal whose scale is per channel.
                "saturation_kappa": {"dist": "Normal", "mu": 0, "sigma": {"dist": "HalfNormal", "sigma": 0.5, "dims": "channel"},
                                     "dims": ["channel", "geo"], "transform": "exp"},
                // LogNormalPrior's mean/std form, non-centred.
                "saturation_beta": {"dist": "LogNormal", "mean": 0.5, "std": 0.3, "dims": ["geo", "channel"], "centered": false},
                // Shared by every geo.
                "adstock_alpha": {"dist": "Beta", "alpha": 1, "beta": 3, "dims": ["channel"]},
                // A non-centred StudentT with hyper-priors on nu and mu.
                "intercept": {"dist": "StudentT", "nu": {"dist": "Gamma", "alpha": 4, "beta": 1},
                              "mu": {"dist": "Normal", "mu": 0, "sigma": 1}, "sigma": 1, "dims": ["geo"], "centered": false},
                // A centred Gamma whose rate is a hyper-prior.
                "y_sigma": {"dist": "Gamma", "alpha": 2, "beta": {"dist": "Exponential", "lam": 1}, "dims": "geo"},
                // Controls partially pooled, centred.
                "gamma_control": {"dist": "Normal", "mu": {"dist": "Normal", "sigma": 1, "dims": "control"},
                                  "sigma": {"dist": "HalfNormal", "sigma": 1}, "dims": ["geo", "control"]},
            }}),
        ),
        (
            "LogNormalPrior with hyper-priors",
            json!({"likelihood": "truncated_normal", "priors": {
                // PyMC-Marketing's panel test fixture, non-centred.
                "saturation_beta": {"dist": "LogNormal", "dims": ["channel", "geo"], "centered": false,
                                    "mean": {"dist": "Gamma", "mu": 0.25, "sigma": 0.10, "dims": "channel"},
                                    "std": {"dist": "Exponential", "scale": 0.10, "dims": "channel"}},
                // Centred, the std a constant.
                "saturation_lam": {"dist": "LogNormal", "mean": {"dist": "Gamma", "mu": 2, "sigma": 1}, "std": 1,
                                   "dims": ["geo", "channel"]},
            }}),
        ),
    ]
}

#[test]
fn panel_gradients_match_finite_differences() {
    for geos in [1, 2, 5] {
        let data = panel(geos, 40);
        for (k, (name, config)) in configs().into_iter().enumerate() {
            let spec = ModelSpec::from_json(&config).unwrap();
            let model = Model::panel(spec, &data).unwrap();
            let points = if geos == 5 { 2 } else { 3 };
            let err = common::worst_gradient_error(&model, 100 * geos as u64 + k as u64, points, 1.0);
            assert!(err < 1e-6, "{geos} geos, {name}: error {err:e}");
        }
    }
}

#[test]
fn blocks_have_the_dims_the_config_asks_for() {
    let data = panel(3, 30);
    let space = |config: Value| Model::panel(ModelSpec::from_json(&config).unwrap(), &data).unwrap();
    let dims = |model: &Model, name: &str| -> Vec<String> {
        model.space().find(name).unwrap_or_else(|| panic!("no {name}")).dims.iter().map(|d| d.name.clone()).collect()
    };
    let model = space(json!({"yearly_seasonality": 1}));
    assert_eq!(model.geos, ["geo_1", "geo_2", "geo_3"]);
    for (name, expected) in [
        ("intercept", vec!["geo"]),
        ("adstock_alpha", vec!["geo", "channel"]),
        ("saturation_beta", vec!["geo", "channel"]),
        ("gamma_control", vec!["geo", "control"]),
        ("gamma_fourier", vec!["geo", "fourier_mode"]),
        ("y_sigma", vec!["geo"]),
    ] {
        assert_eq!(dims(&model, name), expected, "{name}");
    }
    // Every geo's element is its own: its geo label beside its channel.
    let beta = model.space().find("saturation_beta").unwrap();
    assert_eq!((beta.geo(3), beta.coordinate(3)), (Some("geo_2"), Some("x2".to_string())));

    let partial = space(json!({"pooling": "partial", "yearly_seasonality": 1}));
    let names: Vec<&str> = partial.space().blocks().map(|b| b.name.as_str()).collect();
    assert!(names.contains(&"saturation_beta_raw_mu") && names.contains(&"saturation_beta_raw_sigma"), "{names:?}");
    assert!(names.contains(&"gamma_fourier_sigma"), "{names:?}");
    assert_eq!(dims(&partial, "saturation_lam"), ["channel"]);
    assert_eq!(dims(&partial, "saturation_beta_raw_mu"), ["channel"]);
    assert_eq!(dims(&partial, "adstock_alpha"), ["geo", "channel"]);
    assert_eq!(dims(&partial, "gamma_control"), ["control"]);

    let lognormal = space(json!({"priors": {"saturation_beta": {"dist": "LogNormal", "centered": false,
        "mean": {"dist": "Gamma", "mu": 0.25, "sigma": 0.1, "dims": "channel"}, "std": 0.1}}}));
    assert_eq!(dims(&lognormal, "saturation_beta_mean"), ["channel"]);
    assert!(lognormal.space().find("saturation_beta_std").is_none());

    let full = space(json!({"pooling": "full"}));
    assert_eq!(dims(&full, "saturation_beta"), ["channel"]);
    assert_eq!(dims(&full, "intercept"), ["geo"]);

    // A user's prior outside the media without dims is shared by the geos, as in PyMC-Marketing.
    let shared = space(
        json!({"priors": {"y_sigma": {"dist": "HalfNormal", "sigma": 1}, "intercept": {"dist": "Normal", "sigma": 1}}}),
    );
    assert!(dims(&shared, "y_sigma").is_empty() && dims(&shared, "intercept").is_empty());
    // Media priors without dims keep (geo, channel).
    let media = space(json!({"priors": {"saturation_lam": {"dist": "Gamma", "alpha": 2, "beta": 1}}}));
    assert_eq!(dims(&media, "saturation_lam"), ["geo", "channel"]);
}

#[test]
fn a_one_geo_panel_is_the_national_model() {
    let data = panel(1, 50);
    let config = ModelSpec::from_json(&json!({"yearly_seasonality": 2})).unwrap();
    let national = Model::new(config.clone(), &data.data[0]).unwrap();
    let one = Model::panel(config, &data).unwrap();
    assert_eq!(national.dim(), one.dim());
    assert_eq!(national.design.y, one.design.y);
    let mut rng = rand::rngs::StdRng::seed_from_u64(5);
    let (mut g1, mut g2) = (vec![0.0; one.dim()], vec![0.0; one.dim()]);
    for _ in 0..5 {
        let u: Vec<f64> = one.initial_point().iter().map(|c| c + rng.random_range(-1.0..1.0)).collect();
        let a = national.logp_grad(&u, &mut g1, &mut national.scratch());
        let b = one.logp_grad(&u, &mut g2, &mut one.scratch());
        assert_eq!(a.to_bits(), b.to_bits());
        assert_eq!(g1, g2);
    }
}

#[test]
fn decomposition_per_geo_sums_to_the_mean_in_each_geos_units() {
    let data = panel(3, 30);
    let config = json!({"yearly_seasonality": 1, "scaling": {"target": "per_geo", "channel": "per_geo"}});
    let model = Model::panel(ModelSpec::from_json(&config).unwrap(), &data).unwrap();
    let scales = &model.design.scales;
    assert_eq!(scales.geo_target.len(), 3);
    assert_eq!(scales.target_of(2), data.data[2].y.iter().fold(0.0f64, |m, v| m.max(*v)));
    assert_eq!(scales.channel_of(1, 0), data.data[1].channels[0].iter().fold(0.0f64, |m, v| m.max(*v)));

    let mut rng = rand::rngs::StdRng::seed_from_u64(9);
    let u: Vec<f64> = model.initial_point().iter().map(|c| c + rng.random_range(-0.5..0.5)).collect();
    let mut theta = vec![0.0; model.dim()];
    model.constrain(&u, &mut theta);
    let trace_mu = {
        let mut mu = vec![0.0; model.design.y.len()];
        let mut work = model.mean().workspaces(mu.len());
        model.mean().forward(&model.design, &theta, &mut mu, &mut work);
        mu
    };
    let weeks = model.design.weeks();
    let s_y = scales.targets(3);
    let mut total = vec![0.0; trace_mu.len()];
    for c in model.mean().components() {
        let mut out = vec![vec![0.0; trace_mu.len()]; c.parts().len()];
        c.decompose(&model.design, &theta, &s_y, &mut out, c.workspace(trace_mu.len()).as_mut());
        out.iter().flatten().enumerate().for_each(|(i, v)| total[i % trace_mu.len()] += v);
    }
    for (i, (t, m)) in total.iter().zip(&trace_mu).enumerate() {
        let expected = m * s_y[i / weeks];
        assert!((t - expected).abs() < 1e-9 * expected.abs().max(1.0), "week {i}: {t} vs {expected}");
    }
    // A truncated Normal needs a target that is never negative.
    let mut negative = data.clone();
    negative.data[1].y[4] = -1.0;
    let truncated = ModelSpec::from_json(&json!({"likelihood": "truncated_normal"})).unwrap();
    assert!(Model::panel(truncated, &negative).unwrap_err().to_string().contains("likelihood"));
    // Channel x1 in geo 2 is the cell's own adstock and saturation of that geo's spend.
    let p = model.channel_params_in(&theta, 2, 0);
    assert!(p.saturation[1] > 0.0 && p.adstock[0] > 0.0 && p.adstock[0] < 1.0);
}

//! Lift tests in the log density: the analytic gradient with the lift term against finite
//! differences at random points for every saturation kind and lift likelihood, national and
//! over a 2-geo panel, with and without time-varying media (the lift times the media
//! multiplier at the test's week); the term's value against a hand computation; and a model
//! without lift tests unchanged.

mod common;

use mmm_engine::calendar::Date;
use mmm_engine::model::calibration::LiftTest;
use mmm_engine::model::design::Panel;
use mmm_engine::model::{Model, ModelSpec};
use mmm_engine::transforms::saturation;
use serde_json::{json, Value};

const SATURATIONS: [&str; 7] = ["logistic", "hill", "michaelis_menten", "tanh", "root", "none", "hill_sigmoid"];

/// The spec of `config` with one test per channel (per geo of a panel of `geos` geos): spend
/// near the data's, a positive lift and a tight standard error, so that the term weighs.
fn with_tests(config: Value, geos: usize) -> ModelSpec {
    let mut spec = ModelSpec::from_json(&config).unwrap();
    let cells: Vec<Option<usize>> = if geos == 0 { vec![None] } else { (0..geos).map(Some).collect() };
    spec.lift_tests = cells
        .iter()
        .flat_map(|&geo| {
            (0..2).map(move |c| LiftTest {
                channel: c,
                geo,
                date: None,
                x: 0.3 + 0.1 * c as f64,
                delta_x: 0.15,
                delta_y: 150.0 + 50.0 * c as f64,
                sigma: 40.0,
            })
        })
        .collect();
    spec
}

/// Two geos: the example data and a copy with a higher level and more spend.
fn two_geos() -> Panel {
    let base = common::example_dataset();
    let mut other = base.clone();
    other.y.iter_mut().for_each(|y| *y *= 1.5);
    other.channels.iter_mut().flatten().for_each(|x| *x *= 1.3);
    Panel::from_geos(vec![("north".into(), base), ("south".into(), other)]).unwrap()
}

fn likelihoods() -> [Value; 3] {
    [json!({}), json!({"lift_likelihood": "student_t", "lift_nu": 4}), json!({"lift_likelihood": "gamma"})]
}

fn merged(a: &Value, b: &Value) -> Value {
    let mut out = a.clone();
    out.as_object_mut().unwrap().extend(b.as_object().unwrap().clone());
    out
}

#[test]
fn national_gradient_matches_finite_differences() {
    let data = common::example_dataset();
    for (i, saturation) in SATURATIONS.into_iter().enumerate() {
        for (j, likelihood) in likelihoods().iter().enumerate() {
            let config = merged(&json!({"saturation": saturation, "l_max": 4}), likelihood);
            let model = Model::new(with_tests(config, 0), &data).unwrap();
            assert_eq!(model.density.terms.last().unwrap().name(), "lift_tests");
            let err = common::worst_gradient_error(&model, (10 * i + j) as u64, 4, 1.0);
            assert!(err < 1e-6, "{saturation} × {likelihood}: error {err:e}");
        }
    }
}

#[test]
fn panel_gradient_matches_finite_differences() {
    let panel = two_geos();
    for (i, saturation) in SATURATIONS.into_iter().enumerate() {
        for (j, likelihood) in likelihoods().iter().enumerate() {
            // Per-geo saturation parameters by default; shared ones under full pooling.
            for pooling in ["none", "full"] {
                let config = merged(&json!({"saturation": saturation, "l_max": 4, "pooling": pooling}), likelihood);
                let model = Model::panel(with_tests(config, 2), &panel).unwrap();
                let err = common::worst_gradient_error(&model, (100 + 10 * i + j) as u64, 2, 1.0);
                assert!(err < 1e-6, "{saturation} × {likelihood} × {pooling}: error {err:e}");
            }
        }
    }
}

/// The tests of `with_tests`, each dated on a different training week of `dates`.
fn dated(mut spec: ModelSpec, dates: &[Date]) -> ModelSpec {
    for (k, t) in spec.lift_tests.iter_mut().enumerate() {
        t.date = Some(dates[(17 * k + 5) % dates.len()]);
    }
    spec
}

#[test]
fn time_varying_media_gradient_matches_finite_differences() {
    let national = Panel::national(common::example_dataset().rows(0..60));
    let panel = two_geos().rows(0..60);
    for (j, likelihood) in likelihoods().iter().enumerate() {
        for (k, saturation) in ["logistic", "hill"].into_iter().enumerate() {
            let config = json!({"saturation": saturation, "l_max": 4, "time_varying_media": true, "hsgp": {"m": 8}});
            let config = merged(&config, likelihood);
            for (geos, data) in [(0, &national), (2, &panel)] {
                let model = Model::panel(dated(with_tests(config.clone(), geos), data.dates()), data).unwrap();
                assert_eq!(model.density.terms.last().unwrap().name(), "lift_tests");
                let err = common::worst_gradient_error(&model, (200 + 10 * j + 2 * k + geos) as u64, 2, 1.0);
                assert!(err < 1e-6, "{saturation} × {likelihood} × {geos} geos: error {err:e}");
            }
        }
    }
}

/// With time-varying media the model's lift is `N[date, geo] · (Sat(x̃ + Δx̃) − Sat(x̃))` in the
/// row's target units, and a date is required and must be a training date; without, a date is
/// ignored.
#[test]
fn time_varying_media_multiplies_the_lift_at_the_tests_week() {
    let panel = two_geos().rows(0..60);
    let config = json!({"time_varying_media": true, "hsgp": {"m": 8}});
    let model = Model::panel(dated(with_tests(config.clone(), 2), panel.dates()), &panel).unwrap();
    let u: Vec<f64> = model.initial_point().iter().enumerate().map(|(i, u)| u + 0.3 * ((i % 5) as f64 - 2.0)).collect();
    let mut theta = vec![0.0; model.dim()];
    model.constrain(&u, &mut theta);
    let estimates = model.lift_estimates(&theta);
    let scales = &model.design.scales;
    for (t, estimate) in model.spec.lift_tests.iter().zip(&estimates) {
        let (g, c) = (t.geo.unwrap(), t.channel);
        let week = panel.dates().iter().position(|d| Some(*d) == t.date).unwrap();
        let n = model.media_multipliers(std::iter::once(&theta[..]), panel.dates()).unwrap()[0]
            [g * panel.dates().len() + week];
        let p = model.channel_params_in(&theta, g, c).saturation;
        let sat = |x: f64| saturation::evaluate(model.spec.saturation, x / scales.channel_of(g, c), &p).value;
        let expected = n * (sat(t.x + t.delta_x) - sat(t.x)) * scales.target_of(g);
        assert!((estimate - expected).abs() < 1e-12 * expected.abs(), "{estimate} vs {expected}");
        assert!((n - 1.0).abs() > 1e-3, "the multiplier at the point is not trivially 1: {n}");
    }
    // Missing and unknown dates are refused, naming the row.
    let err = |spec: ModelSpec| Model::panel(spec, &panel).unwrap_err().to_string();
    let mut spec = dated(with_tests(config.clone(), 2), panel.dates());
    spec.lift_tests[2].date = None;
    assert!(err(spec).contains("lift_tests row 3: the date is missing"));
    let mut spec = dated(with_tests(config, 2), panel.dates());
    spec.lift_tests[1].date = Some(Date::from_ymd(2000, 1, 1));
    assert!(err(spec).contains("lift_tests row 2: date 2000-01-01 is not a training date"));
    // Without time-varying media a date, even an unknown one, changes nothing.
    let plain = Model::panel(with_tests(json!({}), 2), &panel).unwrap();
    let mut spec = with_tests(json!({}), 2);
    spec.lift_tests.iter_mut().for_each(|t| t.date = Some(Date::from_ymd(2000, 1, 1)));
    let ignored = Model::panel(spec, &panel).unwrap();
    let mut theta = vec![0.0; plain.dim()];
    plain.constrain(&plain.initial_point(), &mut theta);
    assert_eq!(plain.lift_estimates(&theta), ignored.lift_estimates(&theta));
}

#[test]
fn the_term_is_the_normal_density_of_the_scaled_saturation_difference() {
    let data = common::example_dataset();
    let bare = Model::new(ModelSpec::default(), &data).unwrap();
    let model = Model::new(with_tests(json!({}), 0), &data).unwrap();
    let u = model.initial_point();
    let (mut grad, mut scratch) = (vec![0.0; model.dim()], model.scratch());
    let lp = model.logp_grad(&u, &mut grad, &mut scratch);
    let lp_bare = bare.logp_grad(&u, &mut grad, &mut bare.scratch());
    let mut theta = vec![0.0; model.dim()];
    model.constrain(&u, &mut theta);
    // By hand: logistic saturation β(1 − e^{−λx})/(1 + e^{−λx}) of spend over the channel's
    // maximum, lifts over the target's maximum.
    let (sy, mut expected) = (data.y.iter().cloned().fold(0.0, f64::max), 0.0);
    let estimates = model.lift_estimates(&theta);
    for (c, t) in model.spec.lift_tests.iter().enumerate() {
        let sx = data.channels[c].iter().cloned().fold(0.0, f64::max);
        let p = model.channel_params(&theta, c).saturation;
        let sat = |x: f64| p[1] * (1.0 - (-p[0] * x / sx).exp()) / (1.0 + (-p[0] * x / sx).exp());
        let lift = sat(t.x + t.delta_x) - sat(t.x);
        assert!((estimates[c] - lift * sy).abs() < 1e-9 * sy, "{} vs {}", estimates[c], lift * sy);
        let (z, s) = ((t.delta_y / sy - lift) / (t.sigma / sy), t.sigma / sy);
        expected += -0.5 * z * z - s.ln() - 0.5 * (2.0 * std::f64::consts::PI).ln();
    }
    assert!((lp - lp_bare - expected).abs() < 1e-9, "{} vs {expected}", lp - lp_bare);
}

#[test]
fn bad_tests_and_options_are_refused() {
    let data = common::example_dataset();
    let err = |spec: ModelSpec| Model::new(spec, &data).unwrap_err().to_string();
    let mut spec = with_tests(json!({}), 0);
    spec.lift_tests[1].sigma = -1.0;
    assert!(err(spec).contains("lift_tests row 2: sigma"));
    let mut spec = with_tests(json!({"lift_likelihood": "gamma"}), 0);
    spec.lift_tests[0].delta_y = 0.0;
    assert!(err(spec).contains("lift_tests row 1"));
    let mut spec = with_tests(json!({}), 0);
    spec.lift_tests[0].geo = Some(0);
    assert!(err(spec).contains("no geo column"));
    let config = |v: Value| ModelSpec::from_json(&v).unwrap_err().to_string();
    assert!(config(json!({"lift_likelihood": "student_t"})).contains("lift_nu"));
    assert!(config(json!({"lift_nu": 3})).contains("lift_nu"));
    assert!(config(json!({"lift_likelihood": "student_t", "lift_nu": 0})).contains("lift_nu"));
    assert!(config(json!({"lift_likelihood": "cauchy"})).contains("lift_likelihood"));
    // A panel's tests name their geo.
    let panel_err = Model::panel(with_tests(json!({}), 0), &two_geos()).unwrap_err().to_string();
    assert!(panel_err.contains("geo is missing"), "{panel_err}");
}

#[test]
fn a_spec_without_tests_stores_as_before() {
    let stored = serde_json::to_value(ModelSpec::default()).unwrap();
    assert!(stored.get("lift_likelihood").is_none() && stored.get("lift_tests").is_none());
    let spec = ModelSpec::from_json(&json!({"lift_likelihood": "student_t", "lift_nu": 5})).unwrap();
    let back = ModelSpec::from_json(&serde_json::to_value(&spec).unwrap()).unwrap();
    assert_eq!(back, spec);
}

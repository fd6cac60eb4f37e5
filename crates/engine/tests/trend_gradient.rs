//! The linear trend with changepoints and the events (docs/02-fitting.md, "Trend and events"):
//! their analytic gradients against finite differences at random points, national and over a
//! 2-geo panel, with shared and per-geo parameters; their series in the decomposition; and
//! prediction past the training weeks with the training's frozen time scale and changepoints.

mod common;

use mmm_engine::calendar::Date;
use mmm_engine::inference::sampler::{ChainTrace, Trace};
use mmm_engine::model::design::Panel;
use mmm_engine::model::events::Event;
use mmm_engine::model::{Dataset, Model, ModelSpec};
use mmm_engine::posterior::{decomposition, predict};
use serde_json::{json, Value};

/// An event inside the example's weeks, one straddling its start and one after its end.
fn events(data: &Dataset) -> Vec<Event> {
    let (first, last) = (data.dates[0], *data.dates.last().unwrap());
    let at = |name: &str, start: Date, days: i32| Event { name: name.into(), start, end: start.plus_days(days) };
    vec![
        at("spring_sale", data.dates[20].plus_days(2), 4),
        at("launch", first.plus_days(-10), 12),
        at("black_friday", last.plus_days(9), 3),
    ]
}

fn model(config: Value, data: &Panel) -> Model {
    let mut spec = ModelSpec::from_json(&config).unwrap();
    spec.events = events(&data.data[0]);
    Model::panel(spec, data).unwrap()
}

/// Two geos over the first 60 weeks of the example data, the second with its own level.
fn two_geos() -> Panel {
    let base = common::example_dataset().rows(0..60);
    let mut other = base.clone();
    other.y.iter_mut().enumerate().for_each(|(t, y)| *y = *y * 0.7 + 40.0 * t as f64);
    Panel::from_geos(vec![("north".into(), base), ("south".into(), other)]).unwrap()
}

#[test]
fn trend_and_event_gradients_match_finite_differences() {
    let national = Panel::national(common::example_dataset().rows(0..60));
    let per_geo = json!({"trend": {"changepoints": 6, "include_intercept": true}, "priors": {
        "trend_delta": {"dist": "Laplace", "mu": 0, "b": 0.25, "dims": ["geo", "changepoint"]},
        "trend_k": {"dist": "Normal", "mu": 0, "sigma": 0.05, "dims": "geo"},
        "event_sigma": {"dist": "Gamma", "mu": 7, "sigma": 1, "dims": ["geo"]},
        "event_effect_size": {"dist": "Normal", "mu": 0, "sigma": 1, "dims": ["geo", "event"]},
    }});
    let cases = [
        ("national defaults", json!({"trend": {}}), &national),
        (
            "national with intercept, Student-t",
            json!({"trend": {"changepoints": 4, "include_intercept": true},
            "likelihood": "student_t", "yearly_seasonality": 1}),
            &national,
        ),
        ("2 geos, shared trend", json!({"trend": {"changepoints": 5}}), &two_geos()),
        ("2 geos, per-geo trend and effects", per_geo, &two_geos()),
    ];
    for (k, (name, config, data)) in cases.into_iter().enumerate() {
        let model = model(config, data);
        let err = common::worst_gradient_error(&model, 40 + k as u64, 3, 1.0);
        assert!(err < 1e-6, "{name}: error {err:e}");
    }
}

#[test]
fn blocks_have_one_trend_for_all_geos_by_default() {
    let m = model(json!({"trend": {"changepoints": 5, "include_intercept": true}}), &two_geos());
    let dims =
        |name: &str| -> Vec<String> { m.space().find(name).unwrap().dims.iter().map(|d| d.name.clone()).collect() };
    assert_eq!(dims("trend_delta"), ["changepoint"]);
    assert!(dims("trend_k").is_empty() && dims("event_sigma").is_empty());
    assert_eq!(dims("event_effect_size"), ["event"]);
    let delta = m.space().find("trend_delta").unwrap();
    assert_eq!(delta.priors[0].to_string(), "Laplace(mu=0, b=0.25)");
    assert_eq!(m.space().find("event_sigma").unwrap().priors[0].to_string(), "Gamma(alpha=49, beta=7)");
    // Without trend or events the blocks do not exist, and priors for them are refused.
    let plain = ModelSpec::from_json(&json!({"priors": {"trend_delta": {"dist": "Normal", "sigma": 1}}})).unwrap();
    let err = Model::panel(plain, &two_geos()).unwrap_err().to_string();
    assert!(err.contains("trend_delta"), "{err}");
    let bad = ModelSpec::from_json(&json!({"trend": {"changepoints": 0}})).unwrap_err().to_string();
    assert!(bad.contains("trend.changepoints"), "{bad}");
    let unknown = ModelSpec::from_json(&json!({"trend": {"n_changepoints": 3}})).unwrap_err().to_string();
    assert!(unknown.contains("n_changepoints"), "{unknown}");
}

/// A trace of one chain holding `draws`.
fn trace(draws: &[Vec<f64>]) -> Trace {
    let n = draws.len();
    Trace {
        dim: draws[0].len(),
        chains: vec![ChainTrace {
            values: draws.concat(),
            diverging: vec![false; n],
            tree_depth: vec![0; n],
            max_treedepth_reached: vec![false; n],
            energy: Vec::new(),
            step_size: f64::NAN,
        }],
    }
}

#[test]
fn prediction_extends_the_training_trend_and_events() {
    let data = common::example_dataset();
    let (training, future) = (data.rows(0..80), data.rows(80..100));
    let m = model(json!({"trend": {"changepoints": 3, "include_intercept": true}}), &Panel::national(training.clone()));
    let mut theta = vec![0.0; m.dim()];
    m.constrain(&m.initial_point(), &mut theta);
    // δ = (0.2, -0.5, 0.1) over changepoints at t̃ = 0, 0.5, 1; k = 0.1; one event's effect.
    let set = |theta: &mut Vec<f64>, name: &str, values: &[f64]| {
        let range = m.space().find(name).unwrap().range();
        theta[range].copy_from_slice(values);
    };
    set(&mut theta, "trend_delta", &[0.2, -0.5, 0.1]);
    set(&mut theta, "trend_k", &[0.1]);
    set(&mut theta, "event_effect_size", &[0.0, 0.0, 3.0]);
    let t = trace(&[theta]);
    let parts = decomposition(&m, &t);
    let trend = parts.iter().find(|c| c.component == "trend").unwrap();
    assert_eq!(trend.group, "trend");
    assert!(parts.iter().any(|c| c.component == "events" && c.group == "events"));
    let s_y = m.design.scales.target;
    let t_max = f64::from(training.dates[79].0 - training.dates[0].0);
    let expected = |date: Date| {
        let x = f64::from(date.0 - training.dates[0].0) / t_max;
        s_y * (0.1 + 0.2 * x - 0.5 * (x - 0.5).max(0.0) + 0.1 * (x - 1.0).max(0.0))
    };
    for (w, date) in training.dates.iter().enumerate() {
        assert!((trend.values[[0, w]] - expected(*date)).abs() < 1e-9 * s_y, "week {w}");
    }
    // The future's mean, less what the media and the intercept add, is the trend continued
    // with the training's t_max and changepoints, plus the event after the training's end.
    let ahead = predict(&m, &training, &t, &future);
    let black_friday = &events(&training)[2];
    let media_and_intercept = {
        let alone = model(json!({}), &Panel::national(training.clone()));
        let mut theta0 = vec![0.0; alone.dim()];
        alone.constrain(&alone.initial_point(), &mut theta0);
        predict(&alone, &training, &trace(&[theta0]), &future)
    };
    let mut sigma = vec![0.0; m.dim()];
    m.constrain(&m.initial_point(), &mut sigma);
    let sigma = sigma[m.space().find("event_sigma").unwrap().range()][0];
    for (w, date) in future.dates.iter().enumerate() {
        let x = black_friday.distance(*date) / sigma;
        let event = 3.0 * (-0.5 * x * x).exp() / (sigma * (2.0 * std::f64::consts::PI).sqrt());
        let got = ahead[[0, w]] - media_and_intercept[[0, w]];
        assert!((got - expected(*date) - s_y * event).abs() < 1e-9 * s_y, "future week {w}: {got}");
    }
}

//! The time-varying intercept and media (docs/02-fitting.md, "Time-varying intercept and
//! media"): the analytic gradient through η, ℓ (the spectral density), the offsets, the softplus
//! and the division by the training mean against finite differences at random points, national
//! and over a 2-geo panel; the blocks and their priors; the decomposition with the processes;
//! prediction past the training weeks with the frozen time frame and mean; the optimizer's
//! window and the in-sample contribution grid with the media multiplier; and the config's
//! errors.

mod common;

use mmm_engine::inference::sampler::{ChainTrace, Trace};
use mmm_engine::model::design::Panel;
use mmm_engine::model::{Dataset, Model, ModelSpec};
use mmm_engine::optimize::curves::ContributionGrid;
use mmm_engine::optimize::{ChannelResponse, Horizon};
use mmm_engine::posterior::{decomposition, predict};
use serde_json::{json, Value};

/// Two geos over the first 60 weeks of the example data, the second with its own level.
fn two_geos() -> Panel {
    let base = common::example_dataset().rows(0..60);
    let mut other = base.clone();
    other.y.iter_mut().enumerate().for_each(|(t, y)| *y = *y * 0.7 + 40.0 * t as f64);
    Panel::from_geos(vec![("north".into(), base), ("south".into(), other)]).unwrap()
}

fn model(config: Value, data: &Panel) -> Model {
    Model::panel(ModelSpec::from_json(&config).unwrap(), data).unwrap()
}

#[test]
fn gradients_match_finite_differences() {
    let national = Panel::national(common::example_dataset().rows(0..60));
    let both = |m: usize| json!({"time_varying_intercept": true, "time_varying_media": true, "hsgp": {"m": m}});
    let cases = [
        ("national intercept", json!({"time_varying_intercept": true, "hsgp": {"m": 12}}), &national),
        ("national media, L = 80", json!({"time_varying_media": true, "hsgp": {"m": 15, "L": 80}}), &national),
        (
            "national both, seasonality, trend",
            {
                let mut c = both(10);
                c["yearly_seasonality"] = json!(2);
                c["trend"] = json!({"changepoints": 3});
                // Normal in place of the Laplace defaults, whose kink at 0 a finite difference
                // may straddle.
                let normal = json!({"dist": "Normal", "mu": 0, "sigma": 1});
                c["priors"] = json!({"gamma_fourier": normal, "trend_delta": normal});
                c
            },
            &national,
        ),
        ("2 geos, both", both(8), &two_geos()),
        (
            "2 geos, both, full pooling",
            {
                let mut c = both(8);
                c["pooling"] = json!("full");
                c
            },
            &two_geos(),
        ),
    ];
    for (k, (name, config, data)) in cases.into_iter().enumerate() {
        let model = model(config, data);
        let err = common::worst_gradient_error(&model, 70 + k as u64, 3, 1.0);
        assert!(err < 1e-6, "{name}: error {err:e}");
    }
    // The default m = 200 at one point.
    let err = common::worst_gradient_error(&model(both(200), &national), 90, 1, 0.5);
    assert!(err < 1e-6, "m = 200: error {err:e}");
}

#[test]
fn blocks_are_pymc_marketings() {
    let m = model(json!({"time_varying_intercept": true, "time_varying_media": true}), &two_geos());
    let dims =
        |name: &str| -> Vec<String> { m.space().find(name).unwrap().dims.iter().map(|d| d.name.clone()).collect() };
    for n in ["intercept_latent_process", "media_temporal_latent_multiplier"] {
        let block = |suffix: &str| m.space().find(&format!("{n}_raw_{suffix}")).unwrap();
        assert!(dims(&format!("{n}_raw_eta")).is_empty() && dims(&format!("{n}_raw_ls")).is_empty());
        assert_eq!(dims(&format!("{n}_raw_hsgp_coefs_offset")), ["geo".to_string(), format!("{n}_raw_m")]);
        assert_eq!(block("hsgp_coefs_offset").len(), 2 * 200);
        assert_eq!(block("eta").priors[0].to_string(), "Exponential(lam=1)");
        assert_eq!(block("ls").priors[0].to_string(), "InverseGamma(alpha=2.25, beta=6.25)");
        assert_eq!(block("hsgp_coefs_offset").priors[0].to_string(), "Normal(mu=0, sigma=1)");
    }
    // The processes' blocks come last: a model without them keeps its parameter vector.
    let plain = model(json!({}), &two_geos());
    assert_eq!(m.space().find("intercept_latent_process_raw_eta").unwrap().range().start, plain.dim());
}

#[test]
fn config_errors_name_the_key() {
    let cases = [
        (json!({"hsgp": {"m": 0}}), "hsgp.m"),
        (json!({"hsgp": {"m": 5000}}), "hsgp.m"),
        (json!({"hsgp": {"L": -1}}), "hsgp.L"),
        (json!({"hsgp": {"eta_lam": 0}}), "hsgp.eta_lam"),
        (json!({"hsgp": {"ls_mu": -5}}), "hsgp.ls_mu"),
        (json!({"hsgp": {"ls_sigma": "wide"}}), "hsgp.ls_sigma"),
        (json!({"hsgp": {"drop_first": true}}), "drop_first"),
        (json!({"time_varying_media": "yes"}), "time_varying_media"),
        (json!({"time_varying_intercept": 1}), "time_varying_intercept"),
    ];
    for (config, key) in cases {
        let err = ModelSpec::from_json(&config).unwrap_err().to_string();
        assert!(err.contains(key), "{config}: {err}");
    }
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

/// Random parameter values around the initial point.
fn draws(m: &Model, n: usize, seed: u64) -> Vec<Vec<f64>> {
    use rand::{RngExt, SeedableRng};
    let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
    let center = m.initial_point();
    (0..n)
        .map(|_| {
            let u: Vec<f64> = center.iter().map(|c| c + rng.random_range(-1.0..1.0)).collect();
            let mut theta = vec![0.0; m.dim()];
            m.constrain(&u, &mut theta);
            theta
        })
        .collect()
}

#[test]
fn decomposition_carries_the_processes() {
    let data = two_geos();
    let m = model(json!({"time_varying_intercept": true, "time_varying_media": true, "hsgp": {"m": 30}}), &data);
    let plain = model(json!({}), &data);
    let thetas = draws(&m, 3, 5);
    let parts = decomposition(&m, &trace(&thetas));
    let names: Vec<_> = parts.iter().map(|c| (c.group.as_str(), c.component.as_str())).collect();
    assert_eq!(names[..3], [("intercept", "intercept"), ("channels", "x1"), ("channels", "x2")]);
    // Without the processes' blocks the same values give the constant components; with them,
    // each week is the constant one times its geo's multiplier.
    let constant = decomposition(&plain, &trace(&thetas.iter().map(|t| t[..plain.dim()].to_vec()).collect::<Vec<_>>()));
    for (d, theta) in thetas.iter().enumerate() {
        let processes = m.time_varying(theta);
        assert_eq!(processes.len(), 2);
        for (k, (name, values)) in processes.iter().enumerate() {
            for g in 0..2 {
                let mean = values[g * 60..(g + 1) * 60].iter().sum::<f64>() / 60.0;
                assert!((mean - 1.0).abs() < 1e-12, "{name} geo {g}: training mean {mean}");
            }
            let groups: &[usize] = if k == 0 { &[0] } else { &[1, 2] };
            for &c in groups {
                for (w, n) in values.iter().enumerate() {
                    let (got, base) = (parts[c].values[[d, w]], constant[c].values[[d, w]]);
                    assert!((got - base * n).abs() < 1e-9 * base.abs().max(1.0), "{name} week {w}");
                }
            }
        }
    }
}

#[test]
fn prediction_extends_the_process_with_the_training_frame() {
    let data = without_controls();
    let (training, future) = (data.rows(0..80), data.rows(80..100));
    let config = json!({"time_varying_intercept": true, "time_varying_media": true, "hsgp": {"m": 40}});
    let m = model(config, &Panel::national(training.clone()));
    let plain = model(json!({}), &Panel::national(training.clone()));
    let thetas = draws(&m, 2, 9);
    let ahead = predict(&m, &training, &trace(&thetas), &future);
    // The training model's processes over a design of the new weeks alone: the basis at
    // X = 80..99 with the training's X_mid, L and f_mean.
    let future_design = Panel::national(future.clone()).design(&m.design.scales, 0);
    let new_weeks = m.with_design(future_design);
    for (d, theta) in thetas.iter().enumerate() {
        let train = m.time_varying(theta);
        assert!((train[0].1.iter().sum::<f64>() / 80.0 - 1.0).abs() < 1e-12);
        let new = new_weeks.time_varying(theta);
        // Not normalised over the new weeks: their mean is not 1.
        assert!((new[1].1.iter().sum::<f64>() / 20.0 - 1.0).abs() > 1e-6);
        let b = theta[m.per_geo("intercept").unwrap()[0]] * m.design.scales.target;
        let constant = predict(&plain, &training, &trace(&[theta[..plain.dim()].to_vec()]), &future);
        for w in 0..future.dates.len() {
            let expected = b * new[0].1[w] + (constant[[0, w]] - b) * new[1].1[w];
            assert!((ahead[[d, w]] - expected).abs() < 1e-9 * expected.abs().max(1.0), "draw {d} week {w}");
        }
    }
}

/// The example data without controls: a plain model's mean is its intercept and channels.
fn without_controls() -> Dataset {
    let mut data = common::example_dataset();
    (data.control_names, data.controls) = (Vec::new(), Vec::new());
    data
}

#[test]
fn in_sample_contributions_carry_the_multiplier() {
    let training = without_controls().rows(0..100);
    let m = model(json!({"time_varying_media": true, "hsgp": {"m": 30}}), &Panel::national(training));
    let t = trace(&draws(&m, 3, 13));
    let parts = decomposition(&m, &t);
    for (c, name) in ["x1", "x2"].into_iter().enumerate() {
        let series = &parts.iter().find(|p| p.component == name).unwrap().values;
        let totals = ContributionGrid::new(&m, &t).scaled_contribution((0, c), 1.0);
        for (d, total) in totals.iter().enumerate() {
            let sum = series.row(d).sum();
            assert!((total - sum).abs() < 1e-9 * sum.abs().max(1.0), "{name} draw {d}: {total} vs {sum}");
        }
    }
}

#[test]
fn optimizer_window_weeks_carry_the_media_multiplier() {
    let training = without_controls().rows(0..100);
    let m = model(json!({"time_varying_media": true, "hsgp": {"m": 30}}), &Panel::national(training.clone()));
    let t = trace(&draws(&m, 3, 17));
    let horizon = Horizon { num_periods: 6, carry_in: true };
    let response = ChannelResponse::new(&m, &training, &t, (0, 0), horizon, 1.0);
    // The same weeks as a forecast: 6 weeks of spend b on x1 after the training weeks, then the
    // 8 weeks of carry-over; the difference to no spend is the response's difference, week by
    // week times the multiplier of the weeks after training.
    let b = 0.6 * training.channels[0].iter().cloned().fold(0.0, f64::max);
    let last = *training.dates.last().unwrap();
    let future = |spend: f64| Dataset {
        dates: (1..=14).map(|k| last.plus_days(7 * k)).collect(),
        y: vec![0.0; 14],
        channel_names: training.channel_names.clone(),
        channels: vec![(0..14).map(|k| if k < 6 { spend } else { 0.0 }).collect(), vec![0.0; 14]],
        control_names: Vec::new(),
        controls: Vec::new(),
    };
    let lift = predict(&m, &training, &t, &future(b)) - predict(&m, &training, &t, &future(0.0));
    let (mut at_b, mut at_0, mut slopes) = (vec![0.0; 3], vec![0.0; 3], vec![0.0; 3]);
    response.per_draw(b, &mut at_b, &mut slopes);
    response.per_draw(0.0, &mut at_0, &mut slopes);
    for d in 0..3 {
        let (ours, forecast) = (at_b[d] - at_0[d], lift.row(d).sum());
        assert!((ours - forecast).abs() < 1e-9 * forecast.abs().max(1.0), "draw {d}: {ours} vs {forecast}");
    }
    // Without the multiplier the response would differ: the test can fail.
    let plain = model(json!({}), &Panel::national(training.clone()));
    let constant = ChannelResponse::new(
        &plain,
        &training,
        &trace(&draws(&m, 3, 17).iter().map(|th| th[..plain.dim()].to_vec()).collect::<Vec<_>>()),
        (0, 0),
        horizon,
        1.0,
    );
    let mut plain_b = vec![0.0; 3];
    constant.per_draw(b, &mut plain_b, &mut slopes);
    assert!((0..3).any(|d| (plain_b[d] - at_b[d]).abs() > 1e-6 * at_b[d].abs()));
}

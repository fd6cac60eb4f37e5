//! Shared by the integration tests and benches: the shipped example data set and simulated
//! data with many channels. Not every user needs every helper.
#![allow(dead_code)]

use mmm_engine::calendar::Date;
use mmm_engine::model::Dataset;
use mmm_engine::simulate::{simulate, tv_social_search};

/// PyMC-Marketing's example data with the standard fit's columns: channels x1, x2 and controls
/// event_1, event_2, t.
pub fn example_dataset() -> Dataset {
    let csv = include_str!("../../../../data/pymc_mmm_example.csv");
    let mut lines = csv.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let rows: Vec<Vec<&str>> = lines.map(|l| l.split(',').collect()).collect();
    let column = |name: &str| {
        let i = header.iter().position(|h| *h == name).unwrap();
        rows.iter().map(|r| r[i].parse::<f64>().unwrap()).collect::<Vec<_>>()
    };
    Dataset {
        dates: rows.iter().map(|r| Date::parse(r[0]).unwrap()).collect(),
        y: column("y"),
        channel_names: vec!["x1".into(), "x2".into()],
        channels: vec![column("x1"), column("x2")],
        control_names: vec!["event_1".into(), "event_2".into(), "t".into()],
        controls: vec![column("event_1"), column("event_2"), column("t")],
    }
}

/// The tv/social/search process stretched to `weeks` and repeated to `channels` channels.
pub fn simulated(weeks: usize, channels: usize) -> Dataset {
    let mut spec = tv_social_search(7);
    spec.weeks = weeks;
    let base = spec.channels.clone();
    spec.channels = (0..channels)
        .map(|i| {
            let mut c = base[i % base.len()].clone();
            c.name = format!("{}_{i}", c.name);
            c.effect /= (channels as f64 / 3.0).max(1.0);
            c
        })
        .collect();
    simulate(&spec).unwrap().data
}

/// Peak resident memory of this process so far (VmHWM), in MB: the benches' memory figure.
pub fn peak_memory_mb() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        .map_or(f64::NAN, |kb| kb / 1024.0)
}

/// Largest error of `model`'s analytic gradient against a five-point finite difference,
/// relative to max(1, |finite difference|) and beyond the stencil's rounding noise, at
/// `points` random points within `spread` of the initial point in every coordinate.
pub fn worst_gradient_error(model: &mmm_engine::model::Model, seed: u64, points: usize, spread: f64) -> f64 {
    use rand::{RngExt, SeedableRng};
    let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
    let dim = model.dim();
    let mut scratch = model.scratch();
    let (mut grad, mut other) = (vec![0.0; dim], vec![0.0; dim]);
    let center = model.initial_point();
    let mut worst: f64 = 0.0;
    for _ in 0..points {
        let u: Vec<f64> = center.iter().map(|c| c + rng.random_range(-spread..spread)).collect();
        let lp = model.logp_grad(&u, &mut grad, &mut scratch);
        assert!(lp.is_finite(), "log density not finite at {u:?}");
        for i in 0..dim {
            let h = 1e-4;
            let mut at = |step: f64| {
                let mut v = u.clone();
                v[i] += step * h;
                model.logp_grad(&v, &mut other, &mut scratch)
            };
            let fd = (8.0 * (at(1.0) - at(-1.0)) - (at(2.0) - at(-2.0))) / (12.0 * h);
            let noise = 1e-10 * lp.abs();
            worst = worst.max(((grad[i] - fd).abs() - noise).max(0.0) / fd.abs().max(1.0));
        }
    }
    worst
}

/// `|ours − theirs|` in combined MCSE, from our draws (`chains × draws`) and a reference's mean
/// and MCSE: our mean and the distance.
pub fn mcse_distance(draws: ndarray::ArrayView2<f64>, theirs: f64, their_mcse: f64) -> (f64, f64) {
    use mmm_engine::inference::diagnostics::mcse_mean;
    let ours = draws.mean().unwrap();
    (ours, (ours - theirs).abs() / (mcse_mean(draws).powi(2) + their_mcse.powi(2)).sqrt())
}

/// Every parameter of `fit` against a PyMC-Marketing fixture's `parameters` (name, coordinate,
/// mean, MCSE): one report line per element, the elements more than 3 combined MCSE apart, and
/// the largest R-hat. Panics when either side has a parameter the other lacks.
pub fn compare_parameters(
    fit: &mmm_engine::inference::Fit,
    parameters: &[serde_json::Value],
) -> (Vec<String>, Vec<String>, f64) {
    use serde_json::{json, Map, Value};
    let (mut report, mut failures, mut compared, mut max_rhat) = (Vec::new(), Vec::new(), 0, 0.0_f64);
    for block in fit.model.space().blocks() {
        for element in 0..block.len() {
            let labels = block.labels(element);
            let coord: Map<String, Value> =
                block.dims.iter().zip(&labels).map(|(d, l)| (d.name.clone(), json!(l))).collect();
            let label = format!("{}[{}]", block.name, labels.join(","));
            let theirs = parameters
                .iter()
                .find(|p| p["name"] == block.name.as_str() && p["coord"] == Value::Object(coord.clone()))
                .unwrap_or_else(|| panic!("the reference has no {label}"));
            let draws = fit.trace.parameter(block.offset() + element);
            let (m, s) = (theirs["mean"].as_f64().unwrap(), theirs["mcse"].as_f64().unwrap());
            let (ours, z) = mcse_distance(draws.view(), m, s);
            max_rhat = max_rhat.max(mmm_engine::inference::diagnostics::rhat(draws.view()));
            report.push(format!("{label}: {ours:.5} vs {m:.5} ({z:.2})"));
            if z > 3.0 {
                failures.push(format!("{label}: {ours:.5} vs {m:.5} ({z:.2} combined MCSE)"));
            }
            compared += 1;
        }
    }
    assert_eq!(compared, parameters.len(), "the reference has parameters the engine lacks");
    (report, failures, max_rhat)
}

/// The example data's standard config (yearly seasonality 2, 1.3's default priors) with a
/// fixture's sampler settings (`reference["sampler"]`: chains, tune, draws, seed).
pub fn example_config(reference: &serde_json::Value) -> mmm_engine::inference::FitConfig {
    let s = &reference["sampler"];
    mmm_engine::inference::FitConfig::from_json(&serde_json::json!({
        "yearly_seasonality": 2, "chains": s["chains"], "tune": s["tune"], "draws": s["draws"], "seed": s["seed"],
    }))
    .unwrap()
}

/// Quantities derived from `fit`'s draws (`per_draw` maps a draw to one value per quantity)
/// against a fixture's `(mean, MCSE)` of each: a report line per quantity, `{label} {i}`, and a
/// failure for each more than 3 combined MCSE apart.
pub fn compare_derived(
    fit: &mmm_engine::inference::Fit,
    per_draw: impl Fn(&[f64]) -> Vec<f64>,
    theirs: &[(f64, f64)],
    label: &str,
    (report, failures): (&mut Vec<String>, &mut Vec<String>),
) {
    let values: Vec<Vec<f64>> = fit.trace.draws().map(per_draw).collect();
    let per_chain = fit.trace.draws_per_chain();
    for (i, &(m, s)) in theirs.iter().enumerate() {
        let draws =
            ndarray::Array2::from_shape_fn((fit.trace.chains.len(), per_chain), |(c, d)| values[c * per_chain + d][i]);
        let (ours, z) = mcse_distance(draws.view(), m, s);
        report.push(format!("{label} {i}: {ours:.4e} vs {m:.4e} ({z:.2})"));
        if z > 3.0 {
            failures.push(format!("{label} {i}: {ours:.4e} vs {m:.4e} ({z:.2} combined MCSE)"));
        }
    }
}

/// What calibration did to one channel's 94% band against the truth `t` (issue #14's
/// acceptance): a report fragment, and a failure when the calibrated mean misses `t` by more
/// than 15% or the interval is not at most half as wide as without calibration. `digits` are
/// the decimals of the report.
pub fn calibration_gain(
    (name, t): (&str, f64),
    before: mmm_engine::posterior::Band,
    after: mmm_engine::posterior::Band,
    digits: usize,
    failures: &mut Vec<String>,
) -> String {
    let error = |band: mmm_engine::posterior::Band| 100.0 * (band.mean - t).abs() / t;
    let (width_before, width_after) = (before.upper - before.lower, after.upper - after.lower);
    let band =
        |b: mmm_engine::posterior::Band| format!("{:.digits$} [{:.digits$}, {:.digits$}]", b.mean, b.lower, b.upper);
    if error(after) > 15.0 {
        failures.push(format!("{name}: {:.digits$} vs true {t:.digits$}", after.mean));
    }
    if width_after > 0.5 * width_before {
        failures.push(format!("{name}: 94 % interval width {width_after:.digits$} vs {width_before:.digits$} before"));
    }
    format!(
        "without calibration {} (error {:.1} %, width {width_before:.digits$}); with it {} (error {:.1} %, \
         width {width_after:.digits$}, {:.0} % of before)",
        band(before),
        error(before),
        band(after),
        error(after),
        100.0 * width_after / width_before,
    )
}

/// The data a fixture holds in the layout of `scripts/reference/tvp_r2.py` (and
/// `panel_r2_data.json`, `logp_sweep.json`): a national model when `geos` is null.
pub fn fixture_panel(data: &serde_json::Value) -> mmm_engine::model::design::Panel {
    let names = |key: &str| -> Vec<String> { serde_json::from_value(data[key].clone()).unwrap() };
    let channels = names("channels");
    let controls = if data["controls"].is_array() { names("controls") } else { Vec::new() };
    let dates: Vec<mmm_engine::calendar::Date> =
        names("dates").iter().map(|d| mmm_engine::calendar::Date::parse(d).unwrap()).collect();
    let dataset = |s: &serde_json::Value| mmm_engine::model::Dataset {
        dates: dates.clone(),
        y: serde_json::from_value(s["y"].clone()).unwrap(),
        channels: channels.iter().map(|c| serde_json::from_value(s["channels"][c].clone()).unwrap()).collect(),
        controls: controls.iter().map(|c| serde_json::from_value(s["controls"][c].clone()).unwrap()).collect(),
        channel_names: channels.clone(),
        control_names: controls.clone(),
    };
    let series = data["series"].as_array().unwrap();
    match data["geos"].as_array() {
        None => mmm_engine::model::design::Panel::national(dataset(&series[0])),
        Some(geos) => mmm_engine::model::design::Panel::from_geos(
            geos.iter().zip(series).map(|(g, s)| (g.as_str().unwrap().to_string(), dataset(s))).collect(),
        )
        .unwrap(),
    }
}

/// Parameter values of `model` from a PyMC-Marketing fixture's rows `{"name", "coord", key}`
/// (pg_mmm's block names and coordinates), and the labels of the elements no row gives (left
/// NaN).
pub fn theta_from_rows(
    model: &mmm_engine::model::Model,
    rows: &[serde_json::Value],
    key: &str,
) -> (Vec<f64>, Vec<String>) {
    use serde_json::{json, Map, Value};
    let (mut theta, mut missing) = (vec![f64::NAN; model.dim()], Vec::new());
    for block in model.space().blocks() {
        for element in 0..block.len() {
            let labels = block.labels(element);
            let coord: Map<String, Value> =
                block.dims.iter().zip(&labels).map(|(d, l)| (d.name.clone(), json!(l))).collect();
            match rows.iter().find(|p| p["name"] == block.name.as_str() && p["coord"] == Value::Object(coord.clone())) {
                Some(row) => theta[block.offset() + element] = row[key].as_f64().unwrap(),
                None => missing.push(format!("{}[{}]", block.name, labels.join(","))),
            }
        }
    }
    (theta, missing)
}

/// `scripts/bench`'s panel: `geos` geos × 156 weeks of the first `channels` of its eight
/// channels (`search` follows the `demand` control) and four controls.
pub fn bench_panel(geos: usize, channels: usize) -> mmm_engine::simulate::PanelSpec {
    use serde_json::{json, Value};
    let channel = |name: &str, spend: Value, alpha: f64, lam: f64, effect: f64| {
        json!({"name": name, "spend": spend, "effect": effect,
               "adstock": {"kind": "geometric", "params": [alpha], "l_max": 8, "normalize": true},
               "saturation": {"kind": "logistic", "params": [lam, 1.0]}})
    };
    let on = |level: f64, noise: f64, share: f64, burst: f64| json!({"pattern": "always_on", "level": level, "noise": noise, "burst_share": share, "burst": burst});
    let seasonal = |level: f64, amplitude: f64, peak_day: u32, noise_sd: f64| json!({"pattern": "seasonal", "level": level, "amplitude": amplitude, "peak_day": peak_day, "noise_sd": noise_sd});
    let media = [
        channel("tv", on(2000.0, 0.3, 0.25, 6.0), 0.5, 1.5, 350.0),
        channel("social", on(1500.0, 0.25, 0.0, 1.0), 0.25, 2.5, 150.0),
        channel(
            "search",
            json!({"pattern": "follows_control", "control": "demand", "per_unit": 10, "noise": 0.2}),
            0.05,
            3.5,
            50.0,
        ),
        channel("radio", on(800.0, 0.3, 0.1, 3.0), 0.35, 2.0, 80.0),
        channel("video", on(1200.0, 0.35, 0.2, 3.0), 0.4, 1.8, 120.0),
        channel("ooh", on(1000.0, 0.2, 0.2, 3.0), 0.6, 1.2, 60.0),
        channel("display", on(900.0, 0.3, 0.0, 1.0), 0.15, 3.0, 70.0),
        channel("print", on(600.0, 0.4, 0.15, 4.0), 0.3, 2.0, 40.0),
    ];
    let controls = json!([
        {"name": "demand", "pattern": seasonal(100.0, 0.25, 350, 8.0), "gamma": 1.5},
        {"name": "price_index", "pattern": seasonal(50.0, 0.1, 180, 3.0), "gamma": -2.0},
        {"name": "competitor", "pattern": seasonal(30.0, 0.3, 90, 5.0), "gamma": -1.0},
        {"name": "holiday", "pattern": {"pattern": "events", "dates": ["2021-11-21", "2022-11-20", "2023-11-19"]},
         "gamma": 60},
    ]);
    let base = json!({"start": "2021-01-03", "weeks": 156, "channels": media[..channels], "controls": controls,
                      "intercept": 600, "noise_sd": 20, "seed": 11});
    let spec = json!({"base": base, "geos": geos, "effect_sd": 0.2, "size_sd": 0.3, "short_on_signal": 0});
    serde_json::from_value(spec).expect("the bench's panel spec")
}

/// PyMC Labs' parameter-recovery configuration of geo models in pg_mmm's keys (issue #22):
/// `hill_sigmoid` with its `sigma` log-normal per (geo, channel) around a mean and std per
/// channel (non-centred), its `beta` and `lam` and the adstock shared by the geos.
pub fn labs_config() -> serde_json::Value {
    serde_json::json!({
        "adstock": "geometric", "l_max": 8, "saturation": "hill_sigmoid", "yearly_seasonality": 2,
        "priors": {
            "adstock_alpha": {"dist": "Beta", "alpha": 1, "beta": 3, "dims": ["channel"]},
            "saturation_sigma": {"dist": "LogNormal", "dims": ["geo", "channel"], "centered": false,
                                 "mean": {"dist": "Gamma", "mu": 0.25, "sigma": 0.10, "dims": ["channel"]},
                                 "std": {"dist": "Exponential", "scale": 0.10, "dims": ["channel"]}},
            "saturation_beta": {"dist": "HalfNormal", "sigma": 1.5, "dims": ["channel"]},
            "saturation_lam": {"dist": "HalfNormal", "sigma": 1.5, "dims": ["channel"]}
        }
    })
}

/// A panel in the layout [`fixture_panel`] reads (`geos`, `dates`, `channels`, `controls`, one
/// `series` per geo): what the data fixtures the reference scripts fit hold.
pub fn panel_json(panel: &mmm_engine::model::design::Panel) -> serde_json::Value {
    use serde_json::{json, Map, Value};
    let columns = |names: &[String], values: &[Vec<f64>]| -> Map<String, Value> {
        names.iter().zip(values).map(|(n, v)| (n.clone(), json!(v))).collect()
    };
    let series: Vec<Value> = panel
        .data
        .iter()
        .map(|d| {
            json!({
                "y": d.y,
                "channels": columns(&d.channel_names, &d.channels),
                "controls": columns(&d.control_names, &d.controls),
            })
        })
        .collect();
    json!({
        "geos": panel.geos,
        "dates": panel.dates().iter().map(Date::to_string).collect::<Vec<_>>(),
        "channels": panel.channel_names(),
        "controls": panel.control_names(),
        "series": series,
    })
}

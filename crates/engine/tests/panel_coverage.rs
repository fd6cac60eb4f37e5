//! Calibration of geo panels on known truth (issue #11 acceptance): 90% intervals of per-geo
//! weekly channel contributions cover the simulated truth at a rate near 90% over a batch of
//! panels, and on the short-on-signal preset partial pooling estimates per-geo channel
//! contributions better than independent geos.

use mmm_engine::inference::{self, Control, Fit, FitConfig};
use mmm_engine::posterior::{decomposition, Band};
use mmm_engine::simulate::{geo_panel, geo_panel_short_on_signal, simulate_panel, SimulatedPanel};
use serde_json::{json, Value};
use std::time::Instant;

/// Fits `sim` with `config`, returning the fit and its wall time.
fn fit(sim: &SimulatedPanel, config: Value) -> (Fit, f64) {
    let started = Instant::now();
    let f = inference::fit(FitConfig::from_json(&config).unwrap(), sim.panel(), "y", |_| Control::Continue).unwrap();
    (f, started.elapsed().as_secs_f64())
}

/// Per geo and channel, the draws of the weekly contributions: `[geo][channel]` of
/// `draws × weeks`, in units of that geo's `y`.
fn contributions(f: &Fit) -> Vec<Vec<ndarray::Array2<f64>>> {
    let components = decomposition(&f.model, &f.trace);
    let weeks = f.model.design.weeks();
    (0..f.panel.geos.len())
        .map(|g| {
            f.panel
                .channel_names()
                .iter()
                .map(|name| {
                    let series = components.iter().find(|x| x.group == "channels" && &x.component == name).unwrap();
                    series.values.slice(ndarray::s![.., g * weeks..(g + 1) * weeks]).to_owned()
                })
                .collect()
        })
        .collect()
}

#[test]
fn ninety_percent_intervals_of_geo_contributions_cover_the_truth() {
    let (mut covered, mut cells, mut seconds) = (0usize, 0usize, 0.0);
    for seed in 0..4u64 {
        let mut spec = geo_panel(200 + seed);
        spec.geos = 3;
        spec.base.weeks = 104;
        let sim = simulate_panel(&spec).unwrap();
        let config = json!({
            "scaling": {"target": "per_geo", "channel": "per_geo"},
            "chains": 2, "tune": 500, "draws": 500, "seed": seed,
        });
        let (f, s) = fit(&sim, config);
        seconds += s;
        let before = (covered, cells);
        for (g, per_channel) in contributions(&f).iter().enumerate() {
            for (c, draws) in per_channel.iter().enumerate() {
                for (t, &truth) in sim.series[g].contributions[c].iter().enumerate() {
                    let band = Band::of(&draws.column(t).to_vec(), 0.90);
                    covered += usize::from((band.lower..=band.upper).contains(&truth));
                    cells += 1;
                }
            }
        }
        println!("panel {seed}: {:.3}", (covered - before.0) as f64 / (cells - before.1) as f64);
    }
    let rate = covered as f64 / cells as f64;
    println!("coverage of 90% intervals: {rate:.3} over {cells} geo-channel-weeks (fits {seconds:.1} s)");
    assert!((0.85..=0.95).contains(&rate), "coverage {rate:.3} over {cells} geo-channel-weeks");
}

#[test]
fn partial_pooling_helps_geos_short_on_signal() {
    // The preset's 8 geos, the last 3 with four times the noise, over 104 of its 156 weeks:
    // the gap between the two is far wider than a shorter fit's noise, and CI time is halved.
    let mut spec = geo_panel_short_on_signal(7);
    spec.base.weeks = 104;
    let sim = simulate_panel(&spec).unwrap();
    let short = sim.series.iter().filter(|s| s.spec.noise_sd > sim.series[0].spec.noise_sd).count();
    // Mean absolute error of the posterior mean of each (geo, channel)'s weekly contributions,
    // relative to the truth's mean: over all geos, and over the geos short on signal.
    let errors = |f: &Fit| -> (f64, f64) {
        let per_cell: Vec<(bool, f64)> = contributions(f)
            .iter()
            .enumerate()
            .flat_map(|(g, per_channel)| {
                let sim = &sim;
                per_channel.iter().enumerate().map(move |(c, draws)| {
                    let truth = &sim.series[g].contributions[c];
                    let mean = draws.mean_axis(ndarray::Axis(0)).unwrap();
                    let error: f64 = mean.iter().zip(truth).map(|(m, t)| (m - t).abs()).sum();
                    (g + short >= sim.geos.len(), error / truth.iter().sum::<f64>())
                })
            })
            .collect();
        let mean = |cells: Vec<f64>| cells.iter().sum::<f64>() / cells.len() as f64;
        (mean(per_cell.iter().map(|c| c.1).collect()), mean(per_cell.iter().filter(|c| c.0).map(|c| c.1).collect()))
    };
    let mut report = Vec::new();
    let mut all = Vec::new();
    for pooling in ["none", "partial"] {
        let config = json!({
            "pooling": pooling, "scaling": {"target": "per_geo", "channel": "per_geo"},
            "chains": 2, "tune": 500, "draws": 500, "seed": 3,
        });
        let (f, seconds) = fit(&sim, config);
        let (every, short_geos) = errors(&f);
        report.push(format!(
            "pooling {pooling}: mean relative error {every:.3} over all geos, {short_geos:.3} over the {short} \
             short on signal (fit {seconds:.1} s)"
        ));
        all.push((every, short_geos));
    }
    println!("{}", report.join("\n"));
    assert!(all[1].0 < all[0].0, "{}", report.join("; "));
}

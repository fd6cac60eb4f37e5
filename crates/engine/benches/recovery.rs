//! Recovery of known truth by a panel's prior presets (issue #22): simulated panels of four
//! shapes × three seeds, each fitted under every candidate, scored on the weekly contribution
//! of every (geo, channel) against the simulation's truth. `scripts/bench recovery` runs it.
//!
//! The shapes, all 104 weeks of `tv_social_search` (+ radio) unless said otherwise:
//! - `few_geos`: 3 geos;
//! - `many_geos`: 16 geos;
//! - `short_on_signal`: 8 geos, the last 3 with four times the noise;
//! - `moving_together`: 6 geos of [`correlated_channels`], two channels following one budget
//!   (which the fits leave out, as the confounder it is).
//!
//! In the first three, `search` follows the control `demand` (a control that media follow).
//!
//! ```sh
//! cargo bench --bench recovery -- --write DIR   # the panels, with their truth, as JSON
//! cargo bench --bench recovery -- --fit DIR     # every candidate on every panel; the report
//! ```
//!
//! `--fit` also scores PyMC-Marketing 1.3 with PyMC Labs' configuration where
//! `scripts/reference/recovery_benchmark.py` left its answer (`<panel>.pymc.json`) beside a
//! panel. `--quick` writes one seed per shape, to be sampled 1 chain × (50 + 50).

#[path = "../tests/common/mod.rs"]
mod common;

use mmm_engine::inference::diagnostics::rhat_and_ess_bulk;
use mmm_engine::inference::{fit, Control, FitConfig};
use mmm_engine::posterior::{decomposition, Band};
use mmm_engine::simulate::{correlated_channels, geo_panel, geo_panel_short_on_signal, simulate_panel, PanelSpec};
use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use std::time::Instant;

/// Probability mass of the intervals whose coverage is scored.
const INTERVAL: f64 = 0.90;

/// The candidates, each a config merged over the shared settings: today's `partial` (with
/// global and with per-geo scales), PyMC Labs' configuration, independent geos and shared
/// media parameters.
fn candidates() -> Vec<(&'static str, Value)> {
    let per_geo = json!({"target": "per_geo", "channel": "per_geo"});
    vec![
        ("partial", json!({"pooling": "partial"})),
        ("partial per-geo scales", json!({"pooling": "partial", "scaling": per_geo})),
        ("labs", common::labs_config()),
        ("none", json!({})),
        ("full", json!({"pooling": "full"})),
    ]
}

/// The shapes' panels for `seed`, named `<shape>_<seed>`, and the controls fits leave out.
fn shapes(seed: u64) -> Vec<(String, PanelSpec, &'static [&'static str])> {
    let sized = |mut spec: PanelSpec, geos: usize| {
        spec.base.weeks = 104;
        spec.geos = geos;
        spec
    };
    let together =
        PanelSpec { base: correlated_channels(seed), geos: 6, effect_sd: 0.2, size_sd: 0.3, short_on_signal: 0 };
    vec![
        (format!("few_geos_{seed}"), sized(geo_panel(seed), 3), &[][..]),
        (format!("many_geos_{seed}"), sized(geo_panel(100 + seed), 16), &[][..]),
        (format!("short_on_signal_{seed}"), sized(geo_panel_short_on_signal(200 + seed), 8), &[][..]),
        (format!("moving_together_{seed}"), sized(together, 6), &["budget"][..]),
    ]
}

/// Writes every panel with its truth (`truth[geo][channel][week]`, in units of that geo's `y`)
/// and PyMC Labs' configuration with the sampler settings, as `DIR/<panel>.json`.
fn write(dir: &Path, quick: bool) {
    std::fs::create_dir_all(dir).expect("the output directory");
    let sampler = if quick {
        json!({"chains": 1, "tune": 50, "draws": 50})
    } else {
        json!({"chains": 2, "tune": 500, "draws": 500})
    };
    let seeds = if quick { 1..2 } else { 1..4 };
    for seed in seeds {
        for (name, spec, leave_out) in shapes(seed) {
            let mut sim = simulate_panel(&spec).expect("simulated panel");
            for series in &mut sim.series {
                let data = &mut series.data;
                while let Some(i) = data.control_names.iter().position(|n| leave_out.contains(&n.as_str())) {
                    data.control_names.remove(i);
                    data.controls.remove(i);
                }
            }
            let mut out = common::panel_json(&sim.panel());
            out["truth"] = json!(sim.series.iter().map(|s| &s.contributions).collect::<Vec<_>>());
            out["sampler"] = sampler.clone();
            out["config"] = common::labs_config();
            let path = dir.join(format!("{name}.json"));
            std::fs::write(&path, serde_json::to_string(&out).unwrap() + "\n").expect("writing a panel");
            eprintln!("wrote {}", path.display());
        }
    }
}

/// Per cell (`[geo][channel][week]`) a posterior mean and interval, and how they were sampled.
struct Answer {
    mean: Vec<Vec<Vec<f64>>>,
    lower: Vec<Vec<Vec<f64>>>,
    upper: Vec<Vec<Vec<f64>>>,
    seconds: f64,
    min_ess: f64,
    max_rhat: f64,
    divergences: usize,
}

/// How well an answer recovers the truth.
#[derive(Default, Clone, Copy)]
struct Score {
    /// Mean over (geo, channel) of the weekly contributions' RMSE relative to |mean truth|.
    relative_rmse: f64,
    /// Mean over channels of |estimated − true total| / true total, over all geos and weeks.
    total_error: f64,
    /// Share of (geo, channel, week) cells whose truth is inside the interval.
    coverage: f64,
    seconds: f64,
    ess_per_second: f64,
    max_rhat: f64,
    divergences: f64,
}

impl Score {
    fn of(answer: &Answer, truth: &[Vec<Vec<f64>>]) -> Score {
        let (mut rmse, mut cells, mut covered, mut weeks) = (0.0, 0usize, 0usize, 0usize);
        let channels = truth[0].len();
        let (mut true_totals, mut totals) = (vec![0.0; channels], vec![0.0; channels]);
        for (g, per_channel) in truth.iter().enumerate() {
            for (c, series) in per_channel.iter().enumerate() {
                let mean = &answer.mean[g][c];
                let squares: f64 = series.iter().zip(mean).map(|(t, m)| (m - t).powi(2)).sum();
                let level = series.iter().sum::<f64>() / series.len() as f64;
                rmse += (squares / series.len() as f64).sqrt() / level.abs();
                cells += 1;
                for (t, truth) in series.iter().enumerate() {
                    covered += usize::from((answer.lower[g][c][t]..=answer.upper[g][c][t]).contains(truth));
                    weeks += 1;
                }
                true_totals[c] += series.iter().sum::<f64>();
                totals[c] += mean.iter().sum::<f64>();
            }
        }
        let total_error = totals.iter().zip(&true_totals).map(|(e, t)| ((e - t) / t).abs()).sum::<f64>();
        Score {
            relative_rmse: rmse / cells as f64,
            total_error: total_error / channels as f64,
            coverage: covered as f64 / weeks as f64,
            seconds: answer.seconds,
            ess_per_second: answer.min_ess / answer.seconds,
            max_rhat: answer.max_rhat,
            divergences: answer.divergences as f64,
        }
    }

    /// The mean of several scores (max r_hat the largest).
    fn mean(scores: &[Score]) -> Score {
        let n = scores.len() as f64;
        let avg = |f: fn(&Score) -> f64| scores.iter().map(f).sum::<f64>() / n;
        Score {
            relative_rmse: avg(|s| s.relative_rmse),
            total_error: avg(|s| s.total_error),
            coverage: avg(|s| s.coverage),
            seconds: avg(|s| s.seconds),
            ess_per_second: avg(|s| s.ess_per_second),
            max_rhat: scores.iter().map(|s| s.max_rhat).fold(0.0, f64::max),
            divergences: avg(|s| s.divergences),
        }
    }

    fn row(&self, shape: &str, candidate: &str) -> String {
        format!(
            "| {shape} | {candidate} | {:.3} | {:.3} | {:.3} | {:.1} | {:.2} | {:.3} | {:.1} |",
            self.relative_rmse,
            self.total_error,
            self.coverage,
            self.seconds,
            self.ess_per_second,
            self.max_rhat,
            self.divergences
        )
    }
}

/// The engine's answer on the panel `data` under `candidate` (merged over the sampler settings
/// and yearly seasonality 2), with `seed`.
fn engine_answer(data: &Value, candidate: &Value, seed: u64) -> Answer {
    let mut config = json!({"yearly_seasonality": 2, "seed": seed});
    for over in [&data["sampler"], candidate] {
        config.as_object_mut().unwrap().extend(over.as_object().unwrap().clone());
    }
    let panel = common::fixture_panel(data);
    let started = Instant::now();
    let f = fit(FitConfig::from_json(&config).expect("a candidate config"), panel, "y", |_| Control::Continue)
        .expect("fit");
    let seconds = started.elapsed().as_secs_f64();
    let (mut min_ess, mut max_rhat) = (f64::INFINITY, 0.0_f64);
    for i in 0..f.trace.dim {
        let (rhat, ess) = rhat_and_ess_bulk(f.trace.parameter(i).view());
        (min_ess, max_rhat) = (min_ess.min(ess), max_rhat.max(rhat));
    }
    let components = decomposition(&f.model, &f.trace);
    let weeks = f.model.design.weeks();
    let (mut mean, mut lower, mut upper) = (Vec::new(), Vec::new(), Vec::new());
    for g in 0..f.panel.geos.len() {
        let bands: Vec<Vec<Band>> = f
            .panel
            .channel_names()
            .iter()
            .map(|name| {
                let series = components.iter().find(|x| x.group == "channels" && &x.component == name).unwrap();
                (g * weeks..(g + 1) * weeks).map(|t| Band::of(&series.values.column(t).to_vec(), INTERVAL)).collect()
            })
            .collect();
        mean.push(bands.iter().map(|b| b.iter().map(|x| x.mean).collect()).collect());
        lower.push(bands.iter().map(|b| b.iter().map(|x| x.lower).collect()).collect());
        upper.push(bands.iter().map(|b| b.iter().map(|x| x.upper).collect()).collect());
    }
    Answer { mean, lower, upper, seconds, min_ess, max_rhat, divergences: f.trace.divergences() }
}

/// PyMC-Marketing's answer, if `recovery_benchmark.py` left one at `path`.
fn pymc_answer(path: &Path) -> Option<Answer> {
    let v: Value = serde_json::from_str(&std::fs::read_to_string(path).ok()?).expect("a PyMC answer");
    let cells = |key: &str| serde_json::from_value(v[key].clone()).expect("[geo][channel][week] numbers");
    let number = |key: &str| v[key].as_f64().expect("a number");
    Some(Answer {
        mean: cells("mean"),
        lower: cells("lower"),
        upper: cells("upper"),
        seconds: number("seconds"),
        min_ess: number("min_ess"),
        // One chain has no r_hat.
        max_rhat: v["max_rhat"].as_f64().unwrap_or(f64::NAN),
        divergences: number("divergences") as usize,
    })
}

/// Fits every candidate on every panel in `dir` and prints the report in markdown.
fn fit_all(dir: &Path) {
    let mut panels: Vec<PathBuf> = std::fs::read_dir(dir)
        .expect("the panels' directory")
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json") && !p.to_string_lossy().ends_with(".pymc.json"))
        .collect();
    panels.sort();
    let candidates = candidates();
    let pymc = "1.3 labs";
    // Per shape and candidate, the scores of its seeds.
    let mut scores: Vec<(String, String, Vec<Score>)> = Vec::new();
    let mut add = |shape: &str, candidate: &str, score: Score| match scores
        .iter_mut()
        .find(|(s, c, _)| s == shape && c == candidate)
    {
        Some(entry) => entry.2.push(score),
        None => scores.push((shape.to_string(), candidate.to_string(), vec![score])),
    };
    for path in &panels {
        let data: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).expect("a panel");
        let name = path.file_stem().unwrap().to_string_lossy().to_string();
        let (shape, seed) = name.rsplit_once('_').expect("<shape>_<seed>");
        let truth: Vec<Vec<Vec<f64>>> = serde_json::from_value(data["truth"].clone()).expect("the truth");
        for (candidate, config) in &candidates {
            let score = Score::of(&engine_answer(&data, config, seed.parse().unwrap()), &truth);
            eprintln!("{}", score.row(&name, candidate));
            add(shape, candidate, score);
        }
        match pymc_answer(&path.with_extension("pymc.json")) {
            Some(answer) => {
                let score = Score::of(&answer, &truth);
                eprintln!("{}", score.row(&name, pymc));
                add(shape, pymc, score);
            }
            None => eprintln!("{name}: no PyMC-Marketing answer beside it"),
        }
    }
    println!(
        "| shape | candidate | contribution rel. RMSE | channel-total error | {:.0}% coverage | wall s | min ESS/s | max r_hat | divergences |",
        INTERVAL * 100.0
    );
    println!("|---|---|---|---|---|---|---|---|---|");
    for (shape, candidate, s) in &scores {
        println!("{}", Score::mean(s).row(shape, candidate));
    }
    let names = candidates.iter().map(|(c, _)| *c).chain([pymc]);
    for candidate in names {
        let all: Vec<Score> =
            scores.iter().filter(|(_, c, _)| c == candidate).flat_map(|(_, _, s)| s.iter().copied()).collect();
        println!("{}", Score::mean(&all).row("**all**", candidate));
    }
}

fn main() {
    // cargo bench appends `--bench`; anything unknown is ignored.
    let args: Vec<String> = std::env::args().skip(1).collect();
    let value = |flag: &str| args.iter().position(|a| a == flag).map(|i| PathBuf::from(&args[i + 1]));
    let quick = args.iter().any(|a| a == "--quick");
    match (value("--write"), value("--fit")) {
        (Some(dir), _) => write(&dir, quick),
        (None, Some(dir)) => fit_all(&dir),
        _ => eprintln!("usage: cargo bench --bench recovery -- --write DIR [--quick] | --fit DIR"),
    }
}

//! Fits by the engine alone, for the speed goals of issues #11 and #14: the medium panel (8 geos
//! × 156 weeks × 8 channels + 4 controls) and the 40-geo one (40 × 156 × 5), simulated and
//! configured as `scripts/bench panel` does (`panel_spec`, partial pooling, per-geo scales), and
//! the example data as `scripts/bench tvp` fits it (shape `example`; its time-varying arms add
//! their keys with `--arm`).
//! Per fit: CPU seconds of the process, gradient evaluations, mean tree depth, min bulk ESS and
//! max r_hat over every parameter (which ones), min ESS per CPU second and per 1000
//! evaluations. Arms of a comparison run alternately (the machine is shared and noisy).
//!
//! ```sh
//! cargo bench --bench panel_speed -- --shape medium --repeats 2 \
//!     --arm diag='{}' --arm low_rank='{"mass_matrix": "low_rank"}'
//! cargo bench --bench panel_speed -- --profile     # per-evaluation cost by component and term
//! cargo bench --bench panel_speed -- --shape example \
//!     --arm tvp='{"time_varying_intercept": true, "time_varying_media": true}'
//! ```
//!
//! `--config` merges its keys over every fit's config (e.g. fewer draws); an arm's over that.
//! The shapes' own keys stay unless replaced: `--config` with PyMC Labs' priors still fits
//! the medium shape with `"pooling": "partial"` and per-geo scales (issue #22), so every fit
//! prints the config it used.

#[path = "../tests/common/mod.rs"]
mod common;

use mmm_engine::inference::diagnostics::summarize;
use mmm_engine::inference::sampler::{sample, Target, Trace};
use mmm_engine::inference::{Control, FitConfig};
use mmm_engine::model::design::Panel;
use mmm_engine::model::term::{Gradient, Point};
use mmm_engine::model::Model;
use mmm_engine::simulate::simulate_panel;
use serde_json::{json, Value};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Instant;

/// What a shape fits: its rows and its base config.
struct Shape {
    panel: Panel,
    config: Value,
}

impl Shape {
    fn named(name: &str) -> Shape {
        let simulated = |geos, channels| Shape {
            panel: simulate_panel(&common::bench_panel(geos, channels)).expect("simulated panel").panel(),
            config: json!({"pooling": "partial", "scaling": {"target": "per_geo", "channel": "per_geo"},
                           "yearly_seasonality": 2}),
        };
        match name {
            "medium" => simulated(8, 8),
            "meridian" => simulated(40, 5),
            "example" => {
                Shape { panel: Panel::national(common::example_dataset()), config: json!({"yearly_seasonality": 2}) }
            }
            other => panic!("unknown shape {other}: medium, meridian or example"),
        }
    }

    /// The shape's config with `seed` and `overrides` merged over it. Printed: the shape's
    /// own keys (`pooling`, `scaling`) stay unless an override replaces them, which a config
    /// written for another setup easily misses.
    fn config(&self, seed: u64, overrides: &[&Value]) -> FitConfig {
        let mut config = self.config.clone();
        config["seed"] = json!(seed);
        for o in overrides {
            if let (Some(c), Some(o)) = (config.as_object_mut(), o.as_object()) {
                c.extend(o.clone());
            }
        }
        eprintln!("config: {config}");
        FitConfig::from_json(&config).expect("valid config")
    }
}

/// The model, counting its gradient evaluations.
struct Counted {
    model: Model,
    evaluations: AtomicU64,
}

impl Target for Counted {
    type Scratch = mmm_engine::model::density::Scratch;

    fn dim(&self) -> usize {
        self.model.dim()
    }

    fn scratch(&self) -> Self::Scratch {
        self.model.scratch()
    }

    fn logp_grad(&self, u: &[f64], grad: &mut [f64], scratch: &mut Self::Scratch) -> f64 {
        self.evaluations.fetch_add(1, Ordering::Relaxed);
        self.model.logp_grad(u, grad, scratch)
    }

    fn constrain(&self, u: &[f64], theta: &mut [f64]) {
        self.model.constrain(u, theta)
    }

    fn initial_point(&self) -> Vec<f64> {
        self.model.initial_point()
    }
}

/// CPU seconds (user + system, every thread) of this process so far.
fn cpu_seconds() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").expect("/proc/self/stat");
    // Fields after the command name, which is in parentheses and may hold spaces.
    let fields: Vec<&str> = stat[stat.rfind(')').expect("a stat line") + 2..].split(' ').collect();
    let ticks = |i: usize| fields[i].parse::<f64>().expect("clock ticks");
    // utime and stime are fields 14 and 15 of the line, 12 and 13 after the name; USER_HZ 100.
    (ticks(11) + ticks(12)) / 100.0
}

/// One parameter's name and coordinate, as `mmm_summary` shows them.
fn label(model: &Model, index: usize) -> String {
    let block = model.space().blocks().find(|b| b.range().contains(&index)).expect("every index is in a block");
    let element = index - block.offset();
    let labels = block.labels(element).join(",");
    if labels.is_empty() {
        block.name.clone()
    } else {
        format!("{}[{labels}]", block.name)
    }
}

/// Per parameter: its bulk ESS and r_hat.
fn diagnostics(trace: &Trace) -> Vec<(f64, f64)> {
    (0..trace.dim)
        .map(|i| {
            let s = summarize(trace.parameter(i).view(), 0.94);
            (s.ess_bulk, s.r_hat)
        })
        .collect()
}

/// Fits `shape` with `config` and prints one line of figures; returns min ESS per CPU second.
fn run(name: &str, arm: &str, shape: &Shape, config: FitConfig) -> f64 {
    let model = Model::panel(config.spec, &shape.panel).expect("model");
    let target = Arc::new(Counted { model, evaluations: AtomicU64::new(0) });
    let (cpu0, wall0) = (cpu_seconds(), Instant::now());
    let trace = sample(Arc::clone(&target), &config.sampler, |_| Control::Continue).expect("sampling");
    let (cpu, wall) = (cpu_seconds() - cpu0, wall0.elapsed().as_secs_f64());
    let evaluations = target.evaluations.load(Ordering::Relaxed) as f64;
    let stats = trace.sampler_stats();
    let diag = diagnostics(&trace);
    let by = |f: fn(&(f64, f64)) -> f64| {
        let mut order: Vec<usize> = (0..diag.len()).collect();
        order.sort_by(|&a, &b| f(&diag[a]).total_cmp(&f(&diag[b])));
        order
    };
    let ess_order = by(|d| d.0);
    let rhat_order = by(|d| -d.1);
    let model = &target.model;
    let min_ess = diag[ess_order[0]].0;
    let max_rhat = diag[rhat_order[0]].1;
    println!(
        "{name} {arm} seed {}: cpu {cpu:.1} s, wall {wall:.1} s, {:.0} k evaluations ({:.1} µs cpu each), \
         mean depth {:.2}, {} divergences, step {:.3}; min ess_bulk {min_ess:.0} ({}), max r_hat {max_rhat:.3} ({}); \
         {:.2} ess/cpu s, {:.2} ess/1000 evaluations",
        config.sampler.seed.unwrap_or_default(),
        evaluations / 1e3,
        cpu / evaluations * 1e6,
        stats.mean_tree_depth,
        stats.divergences,
        stats.step_sizes.iter().sum::<f64>() / stats.step_sizes.len() as f64,
        label(model, ess_order[0]),
        label(model, rhat_order[0]),
        min_ess / cpu,
        min_ess / evaluations * 1e3,
    );
    let worst: Vec<String> =
        ess_order[..5].iter().map(|&i| format!("{} {:.0}/{:.3}", label(model, i), diag[i].0, diag[i].1)).collect();
    println!("    lowest ess (ess/r_hat): {}", worst.join("; "));
    // A parameter whose chains disagree: per-chain means and sds say stuck chain or slow drift.
    let i = rhat_order[0];
    let per_chain: Vec<String> = trace
        .parameter(i)
        .rows()
        .into_iter()
        .map(|c| {
            let n = c.len() as f64;
            let mean = c.sum() / n;
            let sd = (c.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / n).sqrt();
            format!("{mean:.4}±{sd:.4}")
        })
        .collect();
    println!("    {} per chain: {}", label(model, i), per_chain.join(", "));
    min_ess / cpu
}

/// Nanoseconds per call of `f`, best of 5 rounds of `n` calls.
fn ns_per_call(n: usize, mut f: impl FnMut()) -> f64 {
    (0..5)
        .map(|_| {
            let start = Instant::now();
            (0..n).for_each(|_| f());
            start.elapsed().as_nanos() as f64 / n as f64
        })
        .fold(f64::INFINITY, f64::min)
}

/// Per-evaluation cost of a shape's log density at its initial point, with `overrides`: the
/// whole evaluation, each mean component's forward and backward pass, and each term.
fn profile(name: &str, shape: &Shape, overrides: &[&Value]) {
    let model = Model::panel(shape.config(1, overrides).spec, &shape.panel).expect("model");
    let (density, design) = (&model.density, &model.design);
    let u = model.initial_point();
    let n = 2000;
    let mut grad = vec![0.0; model.dim()];
    let mut scratch = model.scratch();
    let total = ns_per_call(n, || {
        std::hint::black_box(model.logp_grad(&u, &mut grad, &mut scratch));
    });
    let cells = design.geos.max(1) * design.weeks();
    println!(
        "{name}: {} parameters, {} geos × {} weeks; log density + gradient {:.1} µs ({:.2} ns per geo-week)",
        model.dim(),
        design.geos,
        design.weeks(),
        total / 1e3,
        total / cells as f64
    );
    let mut theta = vec![0.0; model.dim()];
    model.constrain(&u, &mut theta);
    let weeks = design.y.len();
    let (mut mu, dmu) = (vec![0.0; weeks], vec![1e-3; weeks]);
    let mut grad_theta = vec![0.0; model.dim()];
    for c in density.mean.components() {
        let mut work = c.workspace(weeks);
        let forward = ns_per_call(n, || c.forward(design, &theta, &mut mu, work.as_mut()));
        let backward =
            ns_per_call(n, || c.backward(design, &theta, std::hint::black_box(&dmu), &mut grad_theta, work.as_mut()));
        println!("    mean {:<12} forward {:>8.1} µs, backward {:>8.1} µs", c.name(), forward / 1e3, backward / 1e3);
    }
    density.mean.forward(design, &theta, &mut mu, &mut density.mean.workspaces(weeks));
    let log_jac = vec![0.0; model.dim()];
    let (mut grad_u, mut grad_mu) = (vec![0.0; model.dim()], vec![0.0; weeks]);
    for t in &density.terms {
        let mut work = t.workspace(weeks);
        let at = Point { space: &density.space, design, u: &u, theta: &theta, log_jac: &log_jac, mu: &mu };
        let ns = ns_per_call(n, || {
            let mut g = Gradient { u: &mut grad_u, theta: &mut grad_theta, mu: &mut grad_mu };
            std::hint::black_box(t.logp_grad(&at, &mut g, work.as_mut()));
        });
        println!("    term {:<12} {:>8.1} µs", t.name(), ns / 1e3);
    }
    let constrain = ns_per_call(n, || model.constrain(std::hint::black_box(&u), &mut theta));
    println!("    constrain        {:>8.1} µs", constrain / 1e3);
}

fn main() {
    let (mut shapes, mut repeats, mut profile_only) = (vec!["medium".to_string(), "meridian".to_string()], 1, false);
    let (mut overrides, mut arms) = (json!({}), Vec::new());
    // cargo bench appends `--bench`; anything unknown is ignored.
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--shape" => {
                shapes = args
                    .next()
                    .expect("--shape takes medium, meridian or example, or a list")
                    .split(',')
                    .map(String::from)
                    .collect()
            }
            "--repeats" => repeats = args.next().and_then(|v| v.parse().ok()).expect("--repeats takes an integer"),
            "--profile" => profile_only = true,
            "--config" => {
                overrides = serde_json::from_str(&args.next().expect("--config takes JSON")).expect("--config: JSON")
            }
            "--arm" => {
                let arm = args.next().expect("--arm takes name=JSON");
                let (name, config) = arm.split_once('=').expect("--arm takes name=JSON");
                arms.push((name.to_string(), serde_json::from_str::<Value>(config).expect("--arm: JSON")));
            }
            _ => {}
        }
    }
    if arms.is_empty() {
        arms.push(("default".to_string(), json!({})));
    }
    for name in &shapes {
        let shape = Shape::named(name);
        for (arm, config) in &arms {
            print!("{arm}: ");
            profile(name, &shape, &[&overrides, config]);
        }
        if profile_only {
            continue;
        }
        let mut results = vec![Vec::new(); arms.len()];
        for r in 0..repeats {
            for ((arm_name, arm), out) in arms.iter().zip(&mut results) {
                out.push(run(name, arm_name, &shape, shape.config(r as u64 + 1, &[&overrides, arm])));
            }
        }
        for ((arm, _), out) in arms.iter().zip(&results) {
            let mean = out.iter().sum::<f64>() / out.len() as f64;
            println!("{name} {arm}: mean {mean:.2} min ess per cpu s over {} runs", out.len());
        }
    }
}

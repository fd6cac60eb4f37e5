//! The budget optimizer: horizon responses agree with the model's forward pass, allocations agree
//! with brute-force grids and are never worse than SciPy's SLSQP, KKT conditions, bounds,
//! infeasible and unreachable requests, scenarios, curves and the contribution grid.

mod common;

use mmm_engine::inference::sampler::{ChainTrace, Trace};
use mmm_engine::inference::FitConfig;
use mmm_engine::inference::{fit, Control, Fit};
use mmm_engine::model::density::ChannelPass;
use mmm_engine::model::Model;
use mmm_engine::optimize::curves::{response_curve, ContributionGrid};
use mmm_engine::optimize::report::historical_split;
use mmm_engine::optimize::sample::{sample_response, sampled_weeks};
use mmm_engine::optimize::{
    channel_responses, AllocationError, BoundStatus, Bounds, BudgetReport, ChannelResponse, Horizon, Method,
    MinBudgetReport, Optimizer, Planner, Utility,
};
use mmm_engine::posterior::decomposition;
use mmm_engine::transforms::SaturationKind;
use rand::{RngExt, SeedableRng};
use serde_json::{json, Value};
use std::sync::OnceLock;

/// A short fit of the example data, shared by the tests that need a real posterior.
fn example_fit() -> &'static Fit {
    static FIT: OnceLock<Fit> = OnceLock::new();
    FIT.get_or_init(|| {
        let config =
            FitConfig::from_json(&json!({"yearly_seasonality": 2, "chains": 2, "tune": 400, "draws": 300, "seed": 11}));
        fit(config.unwrap(), common::example_dataset(), "y", |_| Control::Continue).unwrap()
    })
}

fn no_carry(num_periods: usize) -> Horizon {
    Horizon { num_periods, carry_in: false }
}

/// A model of the example data under `config` with a few draws scattered around its prior's
/// centre: enough to compare two computations of the same response for every kernel.
fn scattered(config: Value, draws: usize) -> (Model, Trace) {
    let data = common::example_dataset();
    let model = Model::new(FitConfig::from_json(&config).unwrap().spec, &data).unwrap();
    let mut rng = rand::rngs::StdRng::seed_from_u64(3);
    let centre = model.initial_point();
    let mut values = Vec::new();
    for _ in 0..draws {
        let u: Vec<f64> = centre.iter().map(|c| c + rng.random_range(-0.7..0.7)).collect();
        let mut theta = vec![0.0; model.dim()];
        model.constrain(&u, &mut theta);
        values.extend(theta);
    }
    let chain = ChainTrace {
        values,
        diverging: vec![false; draws],
        tree_depth: vec![0; draws],
        max_treedepth_reached: vec![false; draws],
        energy: Vec::new(),
        step_size: 1.0,
    };
    (model, Trace { dim: chain.values.len() / draws, chains: vec![chain] })
}

#[test]
fn horizon_response_equals_the_forward_pass() {
    let data = common::example_dataset();
    for adstock in ["geometric", "delayed", "binomial", "weibull_pdf", "weibull_cdf"] {
        for adstock_first in [true, false] {
            let config = json!({"adstock": adstock, "adstock_first": adstock_first, "saturation": "hill", "l_max": 6});
            let (model, trace) = scattered(config, 5);
            for carry_in in [false, true] {
                let horizon = Horizon { num_periods: 4, carry_in };
                let responses = channel_responses(&model, &data, &trace, horizon);
                let budgets = [3000.0, 1500.0];
                for (m, r) in responses.iter().enumerate() {
                    let (mut values, mut slopes) = (vec![0.0; 5], vec![0.0; 5]);
                    r.per_draw(budgets[m], &mut values, &mut slopes);
                    // The same window through the model's own forward pass: the last l_max
                    // training weeks (when carried in), the spending weeks, then l_max weeks
                    // without spend, every week counted.
                    let s_m = model.design.scales.channels[m];
                    let scaled = &model.design.channels[m];
                    let mut x = if carry_in { scaled[scaled.len() - 6..].to_vec() } else { Vec::new() };
                    x.extend(std::iter::repeat_n(budgets[m] / s_m, 4));
                    x.extend(std::iter::repeat_n(0.0, 6));
                    let mut pass = ChannelPass::new(x.len(), &model.spec);
                    for (d, theta) in trace.draws().enumerate() {
                        pass.forward(&model.spec, &x, &model.channel_params(theta, m));
                        let expected = pass.contribution.iter().sum::<f64>() * model.design.scales.target;
                        let label =
                            format!("{adstock} adstock_first={adstock_first} carry_in={carry_in} channel {m} draw {d}");
                        assert!(
                            (values[d] - expected).abs() <= 1e-9 * expected.abs().max(1.0),
                            "{label}: {} vs {expected}",
                            values[d]
                        );
                    }
                    // Slopes against central differences of the values.
                    let h = budgets[m] * 1e-6;
                    let (mut up, mut down, mut ignore) = (vec![0.0; 5], vec![0.0; 5], vec![0.0; 5]);
                    r.per_draw(budgets[m] + h, &mut up, &mut ignore);
                    r.per_draw(budgets[m] - h, &mut down, &mut ignore);
                    for d in 0..5 {
                        let fd = (up[d] - down[d]) / (2.0 * h);
                        // Differences of values lose about 1e-16 |value| / h of precision.
                        let tol = 1e-6 * (fd.abs() + values[d].abs() / budgets[m]);
                        assert!((fd - slopes[d]).abs() <= tol, "{adstock} slope draw {d}: {fd} vs {}", slopes[d]);
                    }
                    let mean = r.mean_at(budgets[m]);
                    assert!((mean.value - values.iter().sum::<f64>() / 5.0).abs() <= 1e-9 * mean.value.abs().max(1.0));
                }
            }
        }
    }
}

#[test]
fn sampled_response_without_noise_is_the_horizon_response() {
    let f = example_fit();
    let responses = channel_responses(&f.model, &f.panel.data[0], &f.trace, no_carry(8));
    let budgets = [2500.0, 1200.0];
    let sampled = sample_response(&f.model, &f.trace, &f.costs(), &budgets, 8, 0.0, 1);
    assert_eq!(sampled[0].dim(), (600, 16));
    for (m, r) in responses.iter().enumerate() {
        let (mut values, mut slopes) = (vec![0.0; 600], vec![0.0; 600]);
        r.per_draw(budgets[m], &mut values, &mut slopes);
        for (row, v) in sampled[m].rows().into_iter().zip(&values) {
            assert!((row.sum() - v).abs() <= 1e-9 * v);
        }
    }
    // Noise spreads the weekly response but keeps its centre.
    let noisy = sample_response(&f.model, &f.trace, &f.costs(), &budgets, 8, 0.2, 1);
    let (a, b) = (sampled[0].sum() / 600.0, noisy[0].sum() / 600.0);
    assert!((a - b).abs() < 0.02 * a, "{a} vs {b}");
    assert_ne!(sampled[0], noisy[0]);

    // Week by week: each channel, then the total, from the week after the fit's last.
    let weeks = sampled_weeks(f, &budgets, 8, 0.2, 1, 0.94);
    assert_eq!(weeks.len(), 3 * 16);
    let last = *f.panel.data[0].dates.last().unwrap();
    for (i, w) in weeks.iter().enumerate() {
        let (series, t) = (i / 16, i % 16);
        assert_eq!(
            (w.series, w.week, w.date),
            (["x1", "x2", "total"][series], t + 1, last.plus_days(7 * (t as i32 + 1)))
        );
        let planned = if series < 2 { budgets[series] } else { budgets.iter().sum() };
        assert_eq!(w.spend, if t < 8 { planned } else { 0.0 });
        assert!(w.response.lower <= w.response.mean && w.response.mean <= w.response.upper);
        if series == 2 {
            let sum = weeks[t].response.mean + weeks[16 + t].response.mean;
            assert!((w.response.mean - sum).abs() <= 1e-9 * sum);
        }
    }
}

#[test]
fn mean_optimum_is_global_and_matches_a_grid_search() {
    let f = example_fit();
    let responses = channel_responses(&f.model, &f.panel.data[0], &f.trace, no_carry(8));
    let optimizer = Optimizer { responses: &responses, utility: Utility::Mean };
    let budget = f.panel.data[0].mean_weekly_spend();
    let bounds = Bounds::parse(&f.panel.data[0].channel_names, None, budget).unwrap();
    let a = optimizer.solve(budget, &bounds, &[]).unwrap();
    assert_eq!(a.method, Method::Newton);
    assert!((a.budgets.iter().sum::<f64>() - budget).abs() <= 1e-9 * budget);
    assert!(a.kkt_residual < 1e-8, "KKT residual {}", a.kkt_residual);

    let steps = 4000;
    let (best_b, best_u) = (0..=steps)
        .map(|i| {
            let b0 = budget * i as f64 / steps as f64;
            (b0, optimizer.evaluate(&[b0, budget - b0]).utility)
        })
        .max_by(|x, y| x.1.total_cmp(&y.1))
        .unwrap();
    assert!(a.utility >= best_u - 1e-9 * best_u, "{} < grid {best_u}", a.utility);
    assert!((a.budgets[0] - best_b).abs() <= budget / steps as f64, "{:?} vs grid {best_b}", a.budgets);
    let equal = optimizer.evaluate(&[budget / 2.0; 2]).utility;
    let historical = optimizer.evaluate(&historical_split(&f.panel.data[0].channels, 8, budget)).utility;
    assert!(a.utility > equal && a.utility > historical);
}

/// Three channels' responses of a known shape: `kind` with parameters per draw from `param`.
fn synthetic(kind: SaturationKind, draws: usize, param: impl Fn(usize, usize) -> [f64; 3]) -> Vec<ChannelResponse> {
    (0..3)
        .map(|m| {
            let params: Vec<[f64; 3]> = (0..draws).map(|d| param(m, d)).collect();
            let slopes: Vec<f64> = (0..draws)
                .flat_map(|d| (0..6).map(move |t| (1.0 + 0.1 * t as f64 + 0.01 * d as f64) / (1000.0 * (m + 1) as f64)))
                .collect();
            ChannelResponse::from_terms(kind, params, slopes, 100.0)
        })
        .collect()
}

/// The best point of a grid over `{b ≥ 0, Σ b = budget}` for three channels.
fn grid_best(optimizer: &Optimizer, budget: f64, steps: usize) -> (f64, [f64; 3]) {
    let mut best = (f64::NEG_INFINITY, [0.0; 3]);
    for i in 0..=steps {
        for j in 0..=steps - i {
            let b = [i as f64, j as f64, (steps - i - j) as f64].map(|v| v * budget / steps as f64);
            let u = optimizer.evaluate(&b).utility;
            if u > best.0 {
                best = (u, b);
            }
        }
    }
    best
}

#[test]
fn three_channel_problems_match_grid_search() {
    // Concave (logistic): Newton on the KKT system; S-shaped (hill, slope 2.5): projected gradient.
    let logistic = synthetic(SaturationKind::Logistic, 50, |m, d| {
        [1.0 + 0.5 * m as f64 + 0.01 * d as f64, 1.0 + 0.3 * m as f64, 0.0]
    });
    let hill = synthetic(SaturationKind::Hill, 50, |m, d| {
        [2.5, 0.8 + 0.4 * m as f64 + 0.002 * d as f64, 1.0 + 0.2 * m as f64]
    });
    for (responses, method) in [(logistic, Method::Newton), (hill, Method::ProjectedGradient)] {
        let optimizer = Optimizer { responses: &responses, utility: Utility::Mean };
        for budget in [500.0, 2000.0, 6000.0] {
            let bounds = Bounds::parse(&["a".into(), "b".into(), "c".into()], None, budget).unwrap();
            let a = optimizer.solve(budget, &bounds, &[]).unwrap();
            assert_eq!(a.method, method);
            let (grid, _) = grid_best(&optimizer, budget, 120);
            assert!(a.utility >= grid - 1e-9 * grid, "{method:?} budget {budget}: {} < grid {grid}", a.utility);
            assert!(a.kkt_residual < 1e-5, "{method:?} budget {budget}: KKT residual {}", a.kkt_residual);
            // Interior channels share the multiplier: equal marginal response.
            for (g, s) in a.marginal.iter().zip(&a.status) {
                if *s == BoundStatus::Interior {
                    assert!(
                        (g - a.multipliers[0]).abs() <= 1e-5 * a.multipliers[0],
                        "{method:?} budget {budget}: {:?}",
                        a.marginal
                    );
                }
            }
        }
    }
}

#[test]
fn bounds_set_statuses_and_infeasible_bounds_are_errors() {
    let responses = synthetic(SaturationKind::Logistic, 50, |m, d| {
        [1.0 + 0.5 * m as f64 + 0.01 * d as f64, 1.0 + 0.3 * m as f64, 0.0]
    });
    let optimizer = Optimizer { responses: &responses, utility: Utility::Mean };
    let channels: Vec<String> = ["a", "b", "c"].map(String::from).to_vec();
    let budget = 2000.0;
    let solve = |bounds: Value| {
        optimizer.solve(budget, &Bounds::parse(&channels, Some(&bounds), budget).unwrap(), &[]).unwrap()
    };
    let free = solve(json!({}));
    assert_eq!(free.status, [BoundStatus::Interior; 3]);
    // A cap below a channel's optimum pins it there, a floor above another's pins that one, and
    // the rest still share one marginal return.
    let pinned = solve(json!({"c": [0, 0.5 * free.budgets[2]], "a": [1.5 * free.budgets[0], budget]}));
    assert_eq!(pinned.status, [BoundStatus::Lower, BoundStatus::Interior, BoundStatus::Upper]);
    assert!((pinned.budgets[2] - 0.5 * free.budgets[2]).abs() <= 1e-9 * budget);
    assert!(pinned.kkt_residual < 1e-8, "{}", pinned.kkt_residual);
    assert!(pinned.marginal[0] < pinned.multipliers[0] && pinned.marginal[2] > pinned.multipliers[0]);
    assert!(pinned.utility < free.utility);

    let f = example_fit();
    let channels = &f.panel.data[0].channel_names;
    let parse = |v: Value| Bounds::parse(channels, Some(&v), budget);
    let example = channel_responses(&f.model, &f.panel.data[0], &f.trace, no_carry(8));
    let optimizer = Optimizer { responses: &example, utility: Utility::Mean };
    let lows = parse(json!({"x1": [budget * 0.7, budget], "x2": [budget * 0.7, budget]})).unwrap();
    assert!(matches!(optimizer.solve(budget, &lows, &[]), Err(AllocationError::LowerAboveBudget { .. })));
    let highs = parse(json!({"x1": [0, budget * 0.2], "x2": [0, budget * 0.2]})).unwrap();
    assert!(matches!(optimizer.solve(budget, &highs, &[]), Err(AllocationError::UpperBelowBudget { .. })));
    assert_eq!(parse(json!({"tv": [0, 1]})), Err(AllocationError::UnknownChannel("tv".into())));
    assert!(matches!(parse(json!({"x1": [5, 1]})), Err(AllocationError::InvalidBound { .. })));
    assert!(matches!(parse(json!({"x1": [-1, 1]})), Err(AllocationError::InvalidBound { .. })));
    assert!(matches!(parse(json!({"x1": 3})), Err(AllocationError::BoundShape(_))));
    assert_eq!(parse(json!([1, 2])), Err(AllocationError::BoundsNotObject));
    assert!(matches!(optimizer.solve(0.0, &bounds_for(channels, 1.0), &[]), Err(AllocationError::Budget(_))));
}

fn bounds_for(channels: &[String], upper: f64) -> Bounds {
    Bounds::parse(channels, None, upper).unwrap()
}

#[test]
fn min_budget_reaches_the_target_and_no_less_does() {
    let f = example_fit();
    let responses = channel_responses(&f.model, &f.panel.data[0], &f.trace, no_carry(8));
    let optimizer = Optimizer { responses: &responses, utility: Utility::Mean };
    let budget = f.panel.data[0].mean_weekly_spend();
    let wide = bounds_for(&f.panel.data[0].channel_names, 10.0 * budget);
    let reference = optimizer.solve(budget, &wide, &[]).unwrap();
    let target = 0.9 * reference.utility;
    let cheapest = optimizer.min_budget(target, &wide).unwrap();
    let spent: f64 = cheapest.budgets.iter().sum();
    assert!((cheapest.utility - target).abs() <= 1e-9 * target, "{} vs {target}", cheapest.utility);
    assert!(spent < budget);
    let less = optimizer.solve(spent * (1.0 - 1e-6), &wide, &[]).unwrap();
    assert!(less.utility < target);

    let narrow = bounds_for(&f.panel.data[0].channel_names, 0.1 * budget);
    let top = optimizer.evaluate(&narrow.upper).utility;
    match optimizer.min_budget(2.0 * top, &narrow) {
        Err(AllocationError::Unreachable { max, .. }) => assert!((max - top).abs() <= 1e-12 * top),
        other => panic!("expected unreachable, got {other:?}"),
    }
}

#[test]
fn scenario_responses_grow_with_the_budget() {
    let f = example_fit();
    let responses = channel_responses(&f.model, &f.panel.data[0], &f.trace, no_carry(8));
    let optimizer = Optimizer { responses: &responses, utility: Utility::Mean };
    let budget = f.panel.data[0].mean_weekly_spend();
    let mut last = f64::NEG_INFINITY;
    for factor in [0.6, 0.8, 1.0, 1.2, 1.8] {
        let b = factor * budget;
        let a = optimizer.solve(b, &bounds_for(&f.panel.data[0].channel_names, b), &[]).unwrap();
        assert!(a.utility > last, "scenario {factor}: {} after {last}", a.utility);
        last = a.utility;
    }
}

#[test]
fn budget_report_compares_the_optimum_with_the_equal_split_and_the_historical_mix() {
    let f = example_fit();
    let planner = Planner::new(f, no_carry(8));
    let budget = f.panel.data[0].mean_weekly_spend();
    let report = planner.optimize(budget, None, Utility::Mean, 0.94).unwrap();
    let BudgetReport { optimized, solution, marginal_roas, equal, historical } = &report;
    assert_eq!(optimized.budgets, solution.budgets);
    assert_eq!(equal.budgets, [budget / 2.0; 2]);
    assert_eq!(historical.budgets, historical_split(&f.panel.data[0].channels, 8, budget));
    assert!(((0..2).map(|m| optimized.share(m)).sum::<f64>() - 1.0).abs() <= 1e-12);
    for o in [optimized, equal, historical] {
        assert_eq!(o.budget, budget);
        // The mean utility is the mean total response, which is the sum of the channels' means.
        let sum: f64 = o.channels.iter().map(|c| c.mean).sum();
        assert!((o.total.mean - sum).abs() <= 1e-9 * sum && (o.utility - sum).abs() <= 1e-9 * sum);
        assert!(o.channels.iter().chain([&o.total]).all(|b| b.lower <= b.mean && b.mean <= b.upper));
    }
    assert_eq!(optimized.utility, solution.utility);
    assert!(solution.utility > equal.utility && solution.utility > historical.utility);
    // Interior channels share one marginal return, which is the multiplier per period.
    if solution.status == [BoundStatus::Interior; 2] {
        let lambda = solution.multipliers[0] / 8.0;
        assert!(marginal_roas.iter().all(|r| (r - lambda).abs() <= 1e-6 * lambda), "{marginal_roas:?} vs {lambda}");
    }
    // A scenario is the same optimum, evaluated the same way.
    assert_eq!(&planner.scenario(budget, None, 0.94).unwrap(), optimized);
    let capped = planner.optimize(budget, Some(&json!({"x1": [0, 0.1 * budget]})), Utility::Mean, 0.94).unwrap();
    assert_eq!(capped.solution.status[0], BoundStatus::Upper);
    assert_eq!(
        planner.optimize(budget, Some(&json!({"tv": [0, 1]})), Utility::Mean, 0.94),
        Err(AllocationError::UnknownChannel("tv".into()))
    );
}

#[test]
fn min_budget_report_is_the_cheapest_allocation_it_reports() {
    let f = example_fit();
    let planner = Planner::new(f, no_carry(8));
    let reference = planner.optimize(f.panel.data[0].mean_weekly_spend(), None, Utility::Mean, 0.94).unwrap();
    let target = 0.8 * reference.solution.utility;
    let MinBudgetReport { outcome, solution } = planner.min_budget(target, None, 0.94).unwrap();
    assert_eq!(outcome.budget, outcome.budgets.iter().sum::<f64>());
    assert!(outcome.budget < reference.optimized.budget);
    assert!((solution.utility - target).abs() <= 1e-9 * target && (outcome.total.mean - target).abs() <= 1e-9 * target);
    // Unbounded channels may spend a thousand times their largest week, and no more.
    let max: f64 = f.model.design.scales.channels.iter().sum();
    match planner.min_budget(1e12, None, 0.94) {
        Err(AllocationError::Unreachable { max: reached, .. }) => {
            let top = Optimizer {
                responses: &channel_responses(&f.model, &f.panel.data[0], &f.trace, no_carry(8)),
                utility: Utility::Mean,
            }
            .evaluate(&[1000.0 * max; 2])
            .utility;
            assert!((reached - top).abs() <= 1e-12 * top, "{reached} vs {top}");
        }
        other => panic!("expected unreachable, got {other:?}"),
    }
}

#[test]
fn every_utility_is_at_least_as_good_as_slsqp() {
    let fixture: Value = serde_json::from_str(include_str!("fixtures/slsqp_allocation.json")).unwrap();
    for case in fixture["cases"].as_array().unwrap() {
        let problem = &fixture["problems"][case["problem"].as_u64().unwrap() as usize];
        let kind: SaturationKind = serde_json::from_value(problem["kind"].clone()).unwrap();
        let target_scale = problem["target_scale"].as_f64().unwrap();
        let responses: Vec<ChannelResponse> = problem["channels"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| {
                let params: Vec<[f64; 3]> = serde_json::from_value(c["params"].clone()).unwrap();
                let slopes: Vec<f64> = serde_json::from_value(c["slopes"].clone()).unwrap();
                ChannelResponse::from_terms(kind, params, slopes, target_scale)
            })
            .collect();
        let name = case["utility"].as_str().unwrap();
        let utility = Utility::parse(name, &case["utility_params"]).unwrap();
        let optimizer = Optimizer { responses: &responses, utility };
        let budget = problem["budget"].as_f64().unwrap();
        let names: Vec<String> = (0..responses.len()).map(|m| format!("c{m}")).collect();
        let a = optimizer.solve(budget, &bounds_for(&names, budget), &[]).unwrap();
        let slsqp: Vec<f64> = serde_json::from_value(case["slsqp_budgets"].clone()).unwrap();
        let theirs = case["slsqp_utility"].as_f64().unwrap();
        // Both evaluate the same utility: our evaluation of their point reproduces their value.
        let at_theirs = optimizer.evaluate(&slsqp).utility;
        assert!((at_theirs - theirs).abs() <= 1e-9 * theirs.abs(), "{kind:?} {name}: {at_theirs} vs SciPy's {theirs}");
        // Quantile-based utilities are piecewise smooth with kinks wherever two draws swap
        // rank; there both solvers stop within 1e-7 of each other, a thousandth of the
        // Monte-Carlo error of such a utility.
        let tol = if utility.is_smooth() { 1e-9 } else { 1e-7 };
        assert!(
            a.utility >= theirs - tol * theirs.abs(),
            "{kind:?} {name}: {} < SLSQP {theirs} at {:?} vs {slsqp:?}",
            a.utility,
            a.budgets
        );
        let equal = optimizer.evaluate(&vec![budget / names.len() as f64; names.len()]).utility;
        assert!(a.utility >= equal, "{kind:?} {name}");
    }
}

#[test]
fn curves_and_grid_agree_with_the_model() {
    let f = example_fit();
    let s = &f.model.design.scales;
    let curve = response_curve(&f.model, &f.trace, &f.costs(), &[0], 0, 1.5 * s.channels[0], 4, 0.94);
    assert_eq!(curve.len(), 4);
    assert_eq!(curve[0].response.mean, 0.0);
    assert!(curve.windows(2).all(|w| w[1].response.mean > w[0].response.mean && w[1].marginal < w[0].marginal));
    // At two thirds of 1.5x the historical max the scaled spend is 1.
    let at_max: f64 = f
        .trace
        .draws()
        .map(|theta| {
            let p = f.model.channel_params(theta, 0).saturation;
            mmm_engine::transforms::saturation::evaluate(f.model.spec.saturation, 1.0, &p).value * s.target
        })
        .sum::<f64>()
        / 600.0;
    assert!((curve[2].response.mean - at_max).abs() <= 1e-9 * at_max);

    let components = decomposition(&f.model, &f.trace);
    for m in 0..2 {
        let grid = ContributionGrid::new(&f.model, &f.trace).scaled_contribution((0, m), 1.0);
        let totals = components[1 + m].values.sum_axis(ndarray::Axis(1));
        for (g, t) in grid.iter().zip(&totals) {
            assert!((g - t).abs() <= 1e-9 * t.abs());
        }
        assert!(ContributionGrid::new(&f.model, &f.trace).scaled_contribution((0, m), 0.0).iter().all(|&v| v == 0.0));
    }
}

#[test]
fn carried_in_weeks_add_a_constant_that_can_reach_a_target_alone() {
    let f = example_fit();
    let carry = channel_responses(&f.model, &f.panel.data[0], &f.trace, Horizon { num_periods: 8, carry_in: true });
    let cold = channel_responses(&f.model, &f.panel.data[0], &f.trace, no_carry(8));
    let optimizer = Optimizer { responses: &carry, utility: Utility::Mean };
    let bounds = bounds_for(&f.panel.data[0].channel_names, 1.0);
    // What the last l_max weeks' spend still delivers: positive, earned with no budget at all.
    let free = optimizer.evaluate(&[0.0, 0.0]).utility;
    let none = Optimizer { responses: &cold, utility: Utility::Mean }.evaluate(&[0.0, 0.0]).utility;
    assert!(free > 0.0 && none == 0.0, "{free} {none}");
    let a = optimizer.min_budget(0.5 * free, &bounds).unwrap();
    assert_eq!(a.budgets, [0.0, 0.0]);
    assert!(a.utility >= 0.5 * free);
    let b = optimizer.min_budget(1.5 * free, &bounds).unwrap();
    assert!(b.budgets.iter().sum::<f64>() > 0.0 && (b.utility - 1.5 * free).abs() <= 1e-9 * free);
}

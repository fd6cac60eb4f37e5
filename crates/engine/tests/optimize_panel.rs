//! The budget optimizer over the (geo, channel) cells of a fitted panel (docs/05-optimization.md,
//! "Panels: budgets over (geo, channel) cells"; issue #11 item 6): one total budget over every
//! cell or each geo's own, bounds per channel or per cell, KKT certificates, a brute-force grid
//! on 2 geos × 2 channels, the reports' labels and per-geo totals, and a one-geo panel answering
//! as the national model.

use mmm_engine::inference::{fit, Control, Fit, FitConfig};
use mmm_engine::model::design::Panel;
use mmm_engine::optimize::{
    cell_responses, channel_responses, AllocationError, BoundStatus, Bounds, BudgetReport, Cell, ChannelResponse,
    Horizon, Method, Optimizer, Planner, Totals, Utility,
};
use mmm_engine::simulate::{geo_panel, simulate_panel};
use serde_json::{json, Value};
use std::sync::OnceLock;

/// A short fit of a small simulated panel: 2 geos × 78 weeks × tv and radio, the target scaled
/// per geo and the channels over both (so that both kinds of scale reach the responses).
fn panel_fit() -> &'static Fit {
    static FIT: OnceLock<Fit> = OnceLock::new();
    FIT.get_or_init(|| {
        let mut spec = geo_panel(5);
        spec.geos = 2;
        spec.base.weeks = 78;
        spec.base.channels = vec![spec.base.channels[0].clone(), spec.base.channels[3].clone()];
        let panel = simulate_panel(&spec).unwrap().panel();
        let config = FitConfig::from_json(&json!({
            "scaling": {"target": "per_geo"}, "chains": 2, "tune": 200, "draws": 60, "seed": 3,
        }))
        .unwrap();
        fit(config, panel, "y", |_| Control::Continue).unwrap()
    })
}

const HORIZON: Horizon = Horizon { num_periods: 8, carry_in: true };

fn planner() -> Planner {
    let f = panel_fit();
    Planner::of(&f.model, &f.panel, &f.trace, HORIZON)
}

fn responses() -> Vec<ChannelResponse> {
    let f = panel_fit();
    cell_responses(&f.model, &f.panel, &f.trace, HORIZON)
}

/// The panel's mean weekly spend over every cell.
fn typical_budget() -> f64 {
    panel_fit().panel.data.iter().map(|d| d.mean_weekly_spend()).sum()
}

fn relative(a: f64, b: f64) -> f64 {
    (a - b).abs() / b.abs()
}

/// Every cell within its bounds, its status where it is, each equality met.
fn assert_feasible(report: &BudgetReport, bounds: &Bounds, totals: &Totals) {
    let s = &report.solution;
    for (i, &b) in s.budgets.iter().enumerate() {
        let (lo, hi) = (bounds.lower[i], bounds.upper[i]);
        assert!(b >= lo - 1e-9 * hi && b <= hi * (1.0 + 1e-12), "cell {i}: {b} outside [{lo}, {hi}]");
        let budget = totals.group_of(i).budget;
        let expected = match s.status[i] {
            BoundStatus::Lower => (b - lo).abs() <= 1e-9 * budget,
            BoundStatus::Upper => (b - hi).abs() <= 1e-9 * budget,
            BoundStatus::Interior => b > lo + 1e-9 * budget && b < hi - 1e-9 * budget,
        };
        assert!(expected, "cell {i}: {b} in [{lo}, {hi}] reported {:?}", s.status[i]);
    }
    for g in &totals.groups {
        let sum: f64 = s.budgets[g.cells.clone()].iter().sum();
        assert!(relative(sum, g.budget) <= 1e-9, "{:?}: {sum} vs {}", g.geo, g.budget);
    }
}

#[test]
fn cells_are_labelled_geo_major_with_per_geo_totals() {
    let planner = planner();
    let budget = typical_budget();
    let report = planner.optimize(budget, None, Utility::Mean, 0.94).unwrap();
    let labels: Vec<(Option<&str>, &str)> =
        planner.cells().iter().map(|c| (c.geo.as_deref(), c.channel.as_str())).collect();
    assert_eq!(
        labels,
        [(Some("geo_01"), "tv"), (Some("geo_01"), "radio"), (Some("geo_02"), "tv"), (Some("geo_02"), "radio")]
    );
    for o in [&report.optimized, &report.equal, &report.historical] {
        assert_eq!(o.cells, planner.cells());
        assert_eq!(o.geos.iter().map(|g| g.geo.as_deref()).collect::<Vec<_>>(), [Some("geo_01"), Some("geo_02")]);
        for (g, geo) in o.geos.iter().enumerate() {
            let cells = 2 * g..2 * g + 2;
            assert!(relative(geo.budget, o.budgets[cells.clone()].iter().sum()) <= 1e-12);
            // A geo's mean response is its cells' means added up; the total is the geos'.
            let sum: f64 = o.channels[cells].iter().map(|c| c.mean).sum();
            assert!(relative(geo.response.mean, sum) <= 1e-9);
            assert!(geo.response.lower <= geo.response.mean && geo.response.mean <= geo.response.upper);
        }
        let sum: f64 = o.geos.iter().map(|g| g.response.mean).sum();
        assert!(relative(o.total.mean, sum) <= 1e-9 && relative(o.utility, sum) <= 1e-9);
    }
    // The historical mix: each cell's share of the last 8 training weeks over all cells.
    let f = panel_fit();
    let recent: Vec<f64> =
        f.panel.data.iter().flat_map(|d| d.channels.iter().map(|x| x[x.len() - 8..].iter().sum::<f64>())).collect();
    let all: f64 = recent.iter().sum();
    for (b, r) in report.historical.budgets.iter().zip(&recent) {
        assert!(relative(*b, budget * r / all) <= 1e-12);
    }
    assert_eq!(report.equal.budgets, [budget / 4.0; 4]);
    assert!(report.solution.utility > report.equal.utility && report.solution.utility > report.historical.utility);
}

#[test]
fn each_cell_carries_in_its_own_geo_with_the_model_s_scales() {
    let f = panel_fit();
    let responses = responses();
    for g in 0..2 {
        let data = &f.panel.data[g];
        for c in 0..2 {
            // The target is scaled per geo, the channels over both geos.
            let target_scale = data.y.iter().fold(0.0, |m, &v| f64::max(m, v));
            let spend_scale = f.panel.data.iter().flat_map(|d| &d.channels[c]).fold(0.0, |m, &v| f64::max(m, v));
            let cell = Cell { spend: &data.channels[c], spend_scale, target_scale, cost_per_unit: 1.0 };
            let draws = f.trace.draws().map(|theta| f.model.channel_params_in(theta, g, c));
            let own = ChannelResponse::of_cell(&f.model.spec, cell, HORIZON, draws);
            for b in [0.0, 500.0, 3000.0] {
                assert_eq!(own.mean_at(b), responses[2 * g + c].mean_at(b), "geo {g}, channel {c}, budget {b}");
            }
        }
    }
}

#[test]
fn kkt_residual_is_tiny_for_concave_cases() {
    let planner = planner();
    let budget = typical_budget();
    let cases: [(f64, Option<Value>, Option<Value>); 5] = [
        (0.5, None, None),
        (1.0, None, None),
        (2.0, None, None),
        (1.0, Some(json!({"tv": [0, 0.2 * budget]})), None),
        (1.0, None, Some(json!({"geo_01": 0.3 * budget, "geo_02": 0.7 * budget}))),
    ];
    for (factor, bounds, geo_budgets) in cases {
        let report = match &geo_budgets {
            None => planner.optimize(factor * budget, bounds.as_ref(), Utility::Mean, 0.94),
            Some(g) => planner.optimize_geo_budgets(g, None, bounds.as_ref(), Utility::Mean, 0.94),
        }
        .unwrap();
        let s = &report.solution;
        assert_eq!(s.method, Method::Newton);
        assert!(s.kkt_residual < 1e-8, "{factor} {bounds:?} {geo_budgets:?}: residual {}", s.kkt_residual);
        assert_eq!(s.multipliers.len(), if geo_budgets.is_some() { 2 } else { 1 });
        // Interior cells of one equality earn the same marginal ROAS: its multiplier per period.
        for (i, roas) in report.marginal_roas.iter().enumerate() {
            let lambda = s.multipliers[if geo_budgets.is_some() { i / 2 } else { 0 }] / 8.0;
            if s.status[i] == BoundStatus::Interior {
                assert!(relative(*roas, lambda) <= 1e-7, "cell {i}: {roas} vs {lambda}");
            }
        }
    }
}

/// Each cell's mean response on the grid `0, h, 2h, ..., steps·h`.
fn tables(responses: &[ChannelResponse], h: f64, steps: usize) -> Vec<Vec<f64>> {
    responses.iter().map(|r| (0..=steps).map(|j| r.mean_at(j as f64 * h).value).collect()).collect()
}

/// Largest curvature magnitude of cell `r`'s mean response within `[b - h, b + h]`.
fn curvature_near(r: &ChannelResponse, b: f64, h: f64) -> f64 {
    [-1.0, -0.5, 0.0, 0.5, 1.0].iter().map(|t| r.mean_at((b + t * h).max(h * 1e-6)).curvature.abs()).fold(0.0, f64::max)
}

#[test]
fn the_mean_optimum_agrees_with_a_grid_search_on_2_geos_and_2_channels() {
    let responses = responses();
    let optimizer = Optimizer { responses: &responses, utility: Utility::Mean };
    let budget = typical_budget();
    let steps = 200;
    let h = budget / steps as f64;
    let bounds = Bounds { lower: vec![0.0; 4], upper: vec![budget; 4] };
    let a = optimizer.solve(budget, &bounds, &[]).unwrap();
    assert_eq!(a.method, Method::Newton);
    // Every allocation of the budget in steps of h over the four cells.
    let t = tables(&responses, h, steps);
    let mut best = (f64::NEG_INFINITY, [0; 4]);
    for i in 0..=steps {
        for j in 0..=steps - i {
            for k in 0..=steps - i - j {
                let l = steps - i - j - k;
                let v = t[0][i] + t[1][j] + t[2][k] + t[3][l];
                if v > best.0 {
                    best = (v, [i, j, k, l]);
                }
            }
        }
    }
    let (grid, at) = best;
    let grid_budgets: Vec<f64> = at.iter().map(|&j| j as f64 * h).collect();
    // No grid point beats the optimum (up to the rounding of the sums).
    assert!(a.utility >= grid - 1e-12 * grid, "optimum {} below the grid's {grid}", a.utility);
    // The bounds 0 and the budget are grid points, so the optimum rounds to a grid point that
    // keeps its cells at a bound where they are and moves each interior cell by less than h,
    // keeping the sum. Interior cells share the marginal λ, so the first-order change is
    // λ Σ d = 0 and the grid's best is at most Σ ½ C_m h² below the optimum (C_m the
    // curvature's largest magnitude within h of the cell's optimum).
    let gap = a.utility - grid;
    let interior = (0..4).filter(|&m| a.status[m] == BoundStatus::Interior);
    let second: f64 = interior.map(|m| 0.5 * curvature_near(&responses[m], a.budgets[m], h) * h * h).sum();
    assert!(gap <= second, "gap {gap} exceeds the grid's resolution {second}");
    // Conversely the responses are concave and the optimum has Σ g_m d_m <= 0 towards every
    // feasible point, so gap >= Σ ½ c_m d_m² with c_m the curvature's smallest magnitude
    // between the two allocations: the grid's allocation is where that allows.
    let spread: f64 = (0..4)
        .map(|m| {
            let (x, y) = (a.budgets[m], grid_budgets[m]);
            let c = [x, 0.5 * (x + y), y]
                .iter()
                .map(|&b| responses[m].mean_at(b.max(h * 1e-6)).curvature.abs())
                .fold(f64::INFINITY, f64::min);
            0.5 * c * (x - y) * (x - y)
        })
        .sum();
    assert!(
        spread <= gap + 1e-12 * a.utility,
        "grid allocation {grid_budgets:?} too far from {:?}: {spread} > {gap}",
        a.budgets
    );
}

#[test]
fn geo_budgets_solve_each_geo_alone_for_the_mean_and_agree_with_a_grid_for_a_risk_utility() {
    let responses = responses();
    let budget = typical_budget();
    let (first, second) = (0.4 * budget, 0.6 * budget);
    let planner = planner();
    let geo_budgets = json!({"geo_01": first, "geo_02": second});
    let totals = Totals::per_geo(&["geo_01".into(), "geo_02".into()], 2, &geo_budgets, Some(budget)).unwrap();
    let bounds = Bounds { lower: vec![0.0; 4], upper: vec![budget; 4] };
    // The mean of a sum is the sum of the means: each geo's optimum is that geo's alone.
    let mean = planner.optimize_geo_budgets(&geo_budgets, None, None, Utility::Mean, 0.94).unwrap();
    assert_feasible(&mean, &bounds, &totals);
    for (g, b) in [(0, first), (1, second)] {
        let alone = Optimizer { responses: &responses[2 * g..2 * g + 2], utility: Utility::Mean };
        let own = alone.solve(b, &Bounds { lower: vec![0.0; 2], upper: vec![budget; 2] }, &[]).unwrap();
        assert_eq!(own.budgets, mean.solution.budgets[2 * g..2 * g + 2]);
        assert_eq!(mean.optimized.geos[g].budget, mean.solution.budgets[2 * g] + mean.solution.budgets[2 * g + 1]);
    }
    // The comparison allocations meet the same budgets.
    for o in [&mean.equal, &mean.historical] {
        assert!(relative(o.geos[0].budget, first) <= 1e-12 && relative(o.geos[1].budget, second) <= 1e-12);
    }
    // A risk utility couples the geos through the draws: the joint optimum, checked against
    // every allocation in steps of a hundredth of each geo's budget.
    let sharpe = Utility::parse("sharpe_ratio", &json!({})).unwrap();
    let report = planner.optimize_geo_budgets(&geo_budgets, Some(budget), None, sharpe, 0.94).unwrap();
    assert_eq!(report.solution.method, Method::ProjectedGradient);
    assert_feasible(&report, &bounds, &totals);
    assert!(report.solution.kkt_residual < 1e-6, "residual {}", report.solution.kkt_residual);
    let optimizer = Optimizer { responses: &responses, utility: sharpe };
    let steps = 100;
    let mut best = (f64::NEG_INFINITY, vec![]);
    for i in 0..=steps {
        for j in 0..=steps {
            let (x, y) = (first * i as f64 / steps as f64, second * j as f64 / steps as f64);
            let b = vec![x, first - x, y, second - y];
            let u = optimizer.evaluate(&b).utility;
            if u > best.0 {
                best = (u, b);
            }
        }
    }
    let u = report.solution.utility;
    assert!(u >= best.0 - 1e-9 * best.0.abs(), "projected gradient {u} below the grid's {}", best.0);
    // The grid's best is within a step of the optimum in each geo.
    for (m, (x, y)) in report.solution.budgets.iter().zip(&best.1).enumerate() {
        let step = [first, second][m / 2] / steps as f64;
        assert!((x - y).abs() <= step, "cell {m}: {x} vs the grid's {y}");
    }
}

#[test]
fn geo_budgets_are_met_exactly_under_mean_and_risk_utilities() {
    let planner = planner();
    let budget = typical_budget();
    let geo_budgets = json!({"geo_01": 0.25 * budget, "geo_02": 0.75 * budget});
    let totals = Totals::per_geo(&["geo_01".into(), "geo_02".into()], 2, &geo_budgets, None).unwrap();
    let bounds = Bounds::parse_cells(
        &["geo_01".into(), "geo_02".into()],
        &["tv".into(), "radio".into()],
        Some(&json!({"radio": [0.01 * budget, budget]})),
        budget,
    )
    .unwrap();
    // The value at risk is left out: it is not smooth, and projected gradient takes seconds on it.
    for name in ["mean", "sharpe_ratio", "raroc"] {
        let utility = Utility::parse(name, &json!({})).unwrap();
        let report = planner
            .optimize_geo_budgets(&geo_budgets, None, Some(&json!({"radio": [0.01 * budget, budget]})), utility, 0.94)
            .unwrap();
        assert_feasible(&report, &bounds, &totals);
        assert!(relative(report.optimized.budget, budget) <= 1e-12, "{name}");
    }
}

#[test]
fn bounds_per_cell_override_bounds_per_channel_and_bind_where_reported() {
    let planner = planner();
    let budget = typical_budget();
    let free = planner.optimize(budget, None, Utility::Mean, 0.94).unwrap().solution;
    // Unbounded, tv earns most in geo_01 and nothing is worth spending on it in geo_02.
    assert!(free.budgets[0] > 0.6 * budget && free.status[2] == BoundStatus::Lower, "{:?}", free.budgets);
    let geos: Vec<String> = vec!["geo_01".into(), "geo_02".into()];
    let channels: Vec<String> = vec!["tv".into(), "radio".into()];
    // tv may take at most 60% of the budget in every geo, except geo_02, which must spend at
    // least 5% there.
    let json = json!({"geo_02": {"tv": [0.05 * budget, budget]}, "tv": [0, 0.6 * budget]});
    let bounds = Bounds::parse_cells(&geos, &channels, Some(&json), budget).unwrap();
    assert_eq!(bounds.lower, [0.0, 0.0, 0.05 * budget, 0.0]);
    assert_eq!(bounds.upper, [0.6 * budget, budget, budget, budget]);
    let report = planner.optimize(budget, Some(&json), Utility::Mean, 0.94).unwrap();
    assert_feasible(&report, &bounds, &Totals::one(budget, 4));
    let s = &report.solution;
    assert_eq!(s.status, [BoundStatus::Upper, BoundStatus::Interior, BoundStatus::Lower, BoundStatus::Interior]);
    assert!(s.kkt_residual < 1e-8, "residual {}", s.kkt_residual);
    // At an upper bound the cell would earn more than the multiplier, at a lower bound less.
    assert!(s.marginal[0] > s.multipliers[0] && s.marginal[2] < s.multipliers[0]);
}

#[test]
fn min_budget_and_scenarios_run_over_cells() {
    let planner = planner();
    let budget = typical_budget();
    let reference = planner.optimize(budget, None, Utility::Mean, 0.94).unwrap();
    assert_eq!(planner.scenario(budget, None, 0.94).unwrap(), reference.optimized);
    let target = 0.95 * reference.solution.utility;
    let cheapest = planner.min_budget(target, Some(&json!({"geo_01": {"tv": [0, 0.1 * budget]}})), 0.94).unwrap();
    assert!(relative(cheapest.solution.utility, target) <= 1e-9);
    assert!(cheapest.solution.kkt_residual < 1e-8);
    assert!(cheapest.solution.budgets[0] <= 0.1 * budget * (1.0 + 1e-12));
    let o = &cheapest.outcome;
    assert!(relative(o.budget, o.geos.iter().map(|g| g.budget).sum()) <= 1e-12);
    assert_eq!(o.cells, planner.cells());
}

#[test]
fn a_one_geo_panel_answers_as_the_national_model() {
    let f = panel_fit();
    let data = f.panel.data[0].clone();
    let config = FitConfig::from_json(&json!({"chains": 1, "tune": 150, "draws": 40, "seed": 9})).unwrap();
    let national = fit(config, data.clone(), "y", |_| Control::Continue).unwrap();
    let one_geo = Panel::from_geos(vec![("north".into(), data.clone())]).unwrap();
    let budget = data.mean_weekly_spend();
    let bounds = json!({"tv": [0.2 * budget, budget]});
    let planners = [
        Planner::new(&national, HORIZON),
        Planner::of(&national.model, &Panel::national(data.clone()), &national.trace, HORIZON),
        Planner::of(&national.model, &one_geo, &national.trace, HORIZON),
    ];
    let reports: Vec<BudgetReport> =
        planners.iter().map(|p| p.optimize(budget, Some(&bounds), Utility::Mean, 0.94).unwrap()).collect();
    // The answer of the channels' own responses, as before panels.
    let responses = channel_responses(&national.model, &national.panel.data[0], &national.trace, HORIZON);
    let parsed = Bounds::parse(&data.channel_names, Some(&bounds), budget).unwrap();
    let direct = Optimizer { responses: &responses, utility: Utility::Mean }.solve(budget, &parsed, &[]).unwrap();
    for r in &reports {
        assert_eq!(r.solution.budgets, direct.budgets);
        assert_eq!(r.solution.utility, direct.utility);
        assert_eq!(r.optimized.channels, reports[0].optimized.channels);
        assert_eq!(r.optimized.total, r.optimized.geos[0].response);
        assert_eq!(r.marginal_roas, reports[0].marginal_roas);
    }
    assert_eq!(reports[0], reports[1]);
    let target = 0.9 * direct.utility;
    let cheapest = planners.iter().map(|p| p.min_budget(target, None, 0.94).unwrap().solution).collect::<Vec<_>>();
    assert!(cheapest.iter().all(|s| *s == cheapest[0]));
    let scenarios = planners.iter().map(|p| p.scenario(2.0 * budget, None, 0.94).unwrap()).collect::<Vec<_>>();
    assert!(scenarios.iter().all(|o| o.budgets == scenarios[0].budgets && o.channels == scenarios[0].channels));
    let geo = |r: &BudgetReport| r.optimized.cells.iter().map(|c| c.geo.clone()).collect::<Vec<_>>();
    assert_eq!(geo(&reports[0]), [None, None]);
    assert_eq!(geo(&reports[2]), [Some("north".to_string()), Some("north".to_string())]);
    // The national model has no geos to budget.
    assert_eq!(
        planners[0].optimize_geo_budgets(&json!({"north": 1.0}), None, None, Utility::Mean, 0.94),
        Err(AllocationError::GeoBudgetsWithoutGeos)
    );
}

#[test]
fn bad_bounds_and_geo_budgets_are_errors_that_name_the_geo_or_channel() {
    let planner = planner();
    let b = typical_budget();
    let optimize = |bounds: Value| planner.optimize(b, Some(&bounds), Utility::Mean, 0.94).map(|_| ());
    let per_geo = |geo_budgets: Value, budget: Option<f64>, bounds: Option<Value>| {
        planner.optimize_geo_budgets(&geo_budgets, budget, bounds.as_ref(), Utility::Mean, 0.94).map(|_| ())
    };
    let cases: Vec<(Result<(), AllocationError>, AllocationError, &str)> = vec![
        (
            optimize(json!({"geo_09": {"tv": [0, 1]}})),
            AllocationError::UnknownGeo("bounds", "geo_09".into()),
            "geo \"geo_09\" in bounds",
        ),
        (optimize(json!({"geo_01": {"cable": [0, 1]}})), AllocationError::UnknownChannel("cable".into()), "cable"),
        (optimize(json!({"cable": [0, 1]})), AllocationError::UnknownChannel("cable".into()), "cable"),
        (optimize(json!({"geo_01": [0, 1]})), AllocationError::GeoBoundsShape("geo_01".into()), "geo_01"),
        (optimize(json!({"geo_01": {"tv": 3}})), AllocationError::BoundShape("tv".into()), "tv"),
        (
            optimize(json!({"geo_02": {"tv": [5, 1]}})),
            AllocationError::InvalidBound { geo: Some("geo_02".into()), channel: "tv".into(), lower: 5.0, upper: 1.0 },
            "channel \"tv\" in geo \"geo_02\"",
        ),
        (
            optimize(json!({"tv": [0.6 * b, b]})),
            AllocationError::LowerAboveBudget { geo: None, sum: 1.2 * b, budget: b },
            "lower bounds add up",
        ),
        (
            per_geo(json!({"geo_01": 0.5 * b, "geo_02": 0.5 * b}), None, Some(json!({"geo_02": {"tv": [0.6 * b, b]}}))),
            AllocationError::LowerAboveBudget { geo: Some("geo_02".into()), sum: 0.6 * b, budget: 0.5 * b },
            "in geo \"geo_02\"",
        ),
        (
            per_geo(
                json!({"geo_01": 10.0, "geo_02": 10.0}),
                None,
                Some(json!({"geo_01": {"tv": [0, 1], "radio": [0, 1]}})),
            ),
            AllocationError::UpperBelowBudget { geo: Some("geo_01".into()), sum: 2.0, budget: 10.0 },
            "in geo \"geo_01\"",
        ),
        (per_geo(json!([1, 2]), None, None), AllocationError::GeoBudgetsNotObject, "geo_budgets"),
        (per_geo(json!({"geo_01": 10.0}), None, None), AllocationError::MissingGeoBudget("geo_02".into()), "geo_02"),
        (
            per_geo(json!({"geo_01": 10.0, "geo_02": 10.0, "geo_03": 1.0}), None, None),
            AllocationError::UnknownGeo("geo_budgets", "geo_03".into()),
            "geo \"geo_03\" in geo_budgets",
        ),
        (
            per_geo(json!({"geo_01": 10.0, "geo_02": 0}), None, None),
            AllocationError::GeoBudget { geo: "geo_02".into(), value: "0".into() },
            "geo \"geo_02\"",
        ),
        (
            per_geo(json!({"geo_01": 10.0, "geo_02": "ten"}), None, None),
            AllocationError::GeoBudget { geo: "geo_02".into(), value: "\"ten\"".into() },
            "geo \"geo_02\"",
        ),
        (
            per_geo(json!({"geo_01": 10.0, "geo_02": 10.0}), Some(25.0), None),
            AllocationError::GeoBudgetsTotal { budget: 25.0, sum: 20.0 },
            "disagrees",
        ),
    ];
    for (got, expected, named) in cases {
        let e = got.expect_err("an error");
        // Sums are compared loosely: they are added up in the bounds' order.
        match (&e, &expected) {
            (
                AllocationError::LowerAboveBudget { geo, sum, budget }
                | AllocationError::UpperBelowBudget { geo, sum, budget },
                AllocationError::LowerAboveBudget { geo: g, sum: s, budget: bb }
                | AllocationError::UpperBelowBudget { geo: g, sum: s, budget: bb },
            ) => {
                assert_eq!(std::mem::discriminant(&e), std::mem::discriminant(&expected));
                assert!(geo == g && relative(*sum, *s) <= 1e-12 && relative(*budget, *bb) <= 1e-12, "{e:?}");
            }
            _ => assert_eq!(e, expected),
        }
        assert!(e.to_string().contains(named), "{e} should name {named}");
        assert!(!e.hint().is_empty());
    }
    // The budget may be given beside geo_budgets when it is their sum.
    assert!(per_geo(json!({"geo_01": 10.0, "geo_02": 10.0}), Some(20.0), None).is_ok());
}

//! Channels measured in units (impressions, GRPs) with a cost per unit: the fit is on units and
//! unchanged by the costs; ROAS, budgets and curves speak money. Checked against the same draws
//! read in units: ROAS divides by the cost, the money optimum is the units optimum of the
//! transformed problem, a cost table varies by date and geo, and beyond training a unit costs
//! what it cost in the last training week.

mod common;

use mmm_engine::inference::{fit, Control, Fit, FitConfig};
use mmm_engine::model::costs::{CostError, CostRow};
use mmm_engine::model::SpecError;
use mmm_engine::optimize::curves::response_curve;
use mmm_engine::optimize::{cell_responses, Horizon, Planner, Utility};
use mmm_engine::posterior::{decomposition, roas};
use mmm_engine::simulate::{geo_panel, simulate_panel};
use serde_json::{json, Value};
use std::sync::Arc;

const HORIZON: Horizon = Horizon { num_periods: 4, carry_in: true };

fn short_fit(extra: Value) -> Fit {
    let mut config = json!({"chains": 2, "tune": 150, "draws": 100, "seed": 3});
    config.as_object_mut().unwrap().extend(extra.as_object().unwrap().clone());
    fit(FitConfig::from_json(&config).unwrap(), common::example_dataset(), "y", |_| Control::Continue).unwrap()
}

/// The same draws, read with other costs (the costs never enter the fit).
fn with_costs(f: &Fit, constants: Value, table: Vec<CostRow>) -> Fit {
    let mut model = (*f.model).clone();
    model.spec.cost_per_unit = serde_json::from_value(constants).unwrap();
    model.spec.cost_table = table;
    Fit { model: Arc::new(model), ..f.clone() }
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-9 * a.abs().max(b.abs()).max(1e-300)
}

#[test]
fn the_fit_is_on_units_and_roas_divides_by_the_cost() {
    let units = short_fit(json!({}));
    let priced = short_fit(json!({"cost_per_unit": {"x1": 0.25}}));
    // Same draws, bit for bit: costs are not part of the model.
    for (a, b) in units.trace.chains.iter().zip(&priced.trace.chains) {
        assert_eq!(a.values, b.values);
    }
    let components = decomposition(&units.model, &units.trace);
    let in_units = roas(&units.panel, &units.costs(), &components);
    let in_money = roas(&priced.panel, &priced.costs(), &components);
    for (u, m) in in_units.iter().zip(&in_money) {
        let cost = if u.channel == "x1" { 0.25 } else { 1.0 };
        assert!(close(m.spend, u.spend * cost), "{} spend {} vs {}", u.channel, m.spend, u.spend);
        assert!(u.per_draw.iter().zip(&m.per_draw).all(|(u, m)| close(*m, u / cost)), "{}", u.channel);
    }
}

#[test]
fn the_money_optimum_is_the_units_optimum_of_the_transformed_problem() {
    let units = short_fit(json!({}));
    let k = 3.0;
    let priced = with_costs(&units, json!({"x1": k}), Vec::new());
    let budget = 2.0 * priced.costs().mean_weekly_spend();
    let optimum = Planner::new(&priced, HORIZON).optimize(budget, None, Utility::Mean, 0.94).unwrap();
    // By hand, in units: x1 buys b/k units, x2 spends the rest; maximise on a fine grid and
    // polish with a golden-section search.
    let r = cell_responses(&units.model, &units.panel, &units.trace, HORIZON);
    let total = |b1: f64| r[0].mean_at((b1 / k).max(1e-9)).value + r[1].mean_at((budget - b1).max(1e-9)).value;
    let steps = 2000;
    let best = (0..=steps).map(|i| budget * i as f64 / steps as f64).max_by(|a, b| total(*a).total_cmp(&total(*b)));
    let (mut lo, mut hi) = {
        let b = best.unwrap();
        ((b - budget / steps as f64).max(0.0), (b + budget / steps as f64).min(budget))
    };
    for _ in 0..100 {
        let (a, b) = (lo + 0.382 * (hi - lo), lo + 0.618 * (hi - lo));
        if total(a) < total(b) {
            lo = a;
        } else {
            hi = b;
        }
    }
    let by_hand = (lo + hi) / 2.0;
    let b1 = optimum.optimized.budgets[0];
    assert!((b1 - by_hand).abs() < 1e-4 * budget, "money optimum {b1} vs units by hand {by_hand}");
    assert!(close(optimum.optimized.budgets.iter().sum(), budget));
    // Each cell's money response is its units response at b / cost.
    let money = cell_responses(&priced.model, &priced.panel, &priced.trace, HORIZON);
    for b in [10.0, 1000.0, budget] {
        assert!(close(money[0].mean_at(b).value, r[0].mean_at(b / k).value));
        assert!(close(money[1].mean_at(b).value, r[1].mean_at(b).value));
    }
    // The historical mix is in money: x1's share of recent spend grows with its cost.
    let plain = Planner::new(&units, HORIZON).optimize(budget, None, Utility::Mean, 0.94).unwrap();
    assert!(optimum.historical.share(0) > plain.historical.share(0));
    // A response curve's x axis is money: the curve at spend s is the units curve at s / k.
    let priced_curve = response_curve(&priced.model, &priced.trace, &priced.costs(), &[0], 0, 3.0 * k, 4, 0.94);
    let units_curve = response_curve(&units.model, &units.trace, &units.costs(), &[0], 0, 3.0, 4, 0.94);
    for (p, u) in priced_curve.iter().zip(&units_curve) {
        assert!(close(p.spend, u.spend * k) && close(p.response.mean, u.response.mean));
        assert!(close(p.marginal, u.marginal / k));
    }
}

#[test]
fn a_table_varies_by_date_and_the_last_weeks_cost_prices_the_horizon() {
    let units = short_fit(json!({}));
    let dates = units.panel.dates().to_vec();
    // x1's cost doubles in the second half of training; x2 is left out (1 per unit).
    let half = dates.len() / 2;
    let table: Vec<CostRow> = dates
        .iter()
        .enumerate()
        .map(|(t, &date)| CostRow {
            date,
            geo: None,
            channel: "x1".into(),
            cost_per_unit: if t < half { 1.0 } else { 2.0 },
        })
        .collect();
    let priced = with_costs(&units, json!({}), table.clone());
    let components = decomposition(&units.model, &units.trace);
    let x1 = &units.panel.data[0].channels[0];
    let spend: f64 = x1.iter().enumerate().map(|(t, x)| x * if t < half { 1.0 } else { 2.0 }).sum();
    let money = &roas(&priced.panel, &priced.costs(), &components)[0];
    assert!(close(money.spend, spend));
    let in_units = &roas(&units.panel, &units.costs(), &components)[0];
    let ratio = in_units.spend / spend;
    assert!(in_units.per_draw.iter().zip(&money.per_draw).all(|(u, m)| close(*m, u * ratio)));
    // The horizon is priced at the last training week's cost: as a constant cost of 2.
    let constant = with_costs(&units, json!({"x1": 2.0}), Vec::new());
    let budget = 1500.0;
    let a = Planner::new(&priced, HORIZON).optimize(budget, None, Utility::Mean, 0.94).unwrap();
    let b = Planner::new(&constant, HORIZON).optimize(budget, None, Utility::Mean, 0.94).unwrap();
    assert_eq!(a.optimized.budgets, b.optimized.budgets);
    // A missing week of a listed channel is named.
    let mut gap = table;
    let missing = gap.remove(7).date;
    let mut config = FitConfig::from_json(&json!({"chains": 1, "tune": 10, "draws": 10, "seed": 1})).unwrap();
    config.spec.cost_table = gap;
    let e = fit(config, common::example_dataset(), "y", |_| Control::Continue).unwrap_err();
    let expected = CostError::Missing { channel: "x1".into(), geo: None, date: missing };
    assert_eq!(e.to_string(), SpecError::Cost(expected).to_string());
}

#[test]
fn a_panel_prices_each_geo() {
    let mut spec = geo_panel(5);
    spec.geos = 2;
    spec.base.weeks = 40;
    spec.base.channels.truncate(2);
    let panel = simulate_panel(&spec).unwrap().panel();
    let config = FitConfig::from_json(&json!({"chains": 2, "tune": 60, "draws": 30, "seed": 2})).unwrap();
    let units = fit(config, panel.clone(), "y", |_| Control::Continue).unwrap();
    let cost = [0.5, 4.0];
    let mut table = Vec::new();
    for (geo, cost) in panel.geos.iter().zip(cost) {
        for &date in panel.dates() {
            let channel = panel.channel_names()[0].clone();
            table.push(CostRow { date, geo: Some(geo.clone()), channel, cost_per_unit: cost });
        }
    }
    let priced = with_costs(&units, json!({}), table);
    let components = decomposition(&units.model, &units.trace);
    let (u, m) = (roas(&units.panel, &units.costs(), &components), roas(&priced.panel, &priced.costs(), &components));
    // Rows per channel: geo 0, geo 1, then all geos.
    for g in 0..2 {
        assert_eq!(m[g].geo, Some(g));
        assert!(u[g].per_draw.iter().zip(&m[g].per_draw).all(|(u, m)| close(*m, u / cost[g])));
        assert!(u[3 + g].per_draw.iter().zip(&m[3 + g].per_draw).all(|(u, m)| close(*u, *m)));
    }
    let (ur, mr) = (
        cell_responses(&units.model, &units.panel, &units.trace, HORIZON),
        cell_responses(&priced.model, &priced.panel, &priced.trace, HORIZON),
    );
    for g in 0..2 {
        for b in [1.0, 100.0, 5000.0] {
            assert!(close(mr[2 * g].mean_at(b).value, ur[2 * g].mean_at(b / cost[g]).value));
            assert!(close(mr[2 * g + 1].mean_at(b).value, ur[2 * g + 1].mean_at(b).value));
        }
    }
    // A plan's response in each cell is the units response to its budget's units.
    let plan = Planner::new(&priced, HORIZON).optimize(4000.0, None, Utility::Mean, 0.94).unwrap();
    assert!(close(plan.optimized.budgets.iter().sum(), 4000.0));
    for (i, &b) in plan.optimized.budgets.iter().enumerate() {
        let units_of = if i % 2 == 0 { b / cost[i / 2] } else { b };
        let expected = ur[i].mean_at(units_of.max(1e-9)).value;
        assert!((plan.optimized.channels[i].mean - expected).abs() <= 1e-6 * expected.abs(), "cell {i}");
    }
}

//! Budget optimization in SQL: `mmm_optimize_budget`, `mmm_min_budget_for_target`,
//! `mmm_budget_scenarios` and `mmm_sample_response` (docs/05-optimization.md). The first three
//! answer per budget cell, a channel of a national model or a (geo, channel) pair of a panel
//! (`geo` NULL for a national model), and carry in the last `l_max`
//! training weeks by default, as PyMC-Marketing 1.3's `budget_optimizer` does; `mmm_sample_response` answers per cell too, and starts cold, as 1.3's
//! `sample_response_distribution` does.

use super::cancel::optimizing;
use super::error::raise;
use super::json_arg::JsonArg;
use super::model_ref::by_model;
use super::store::{load, to_pg_date};
use mmm_engine::optimize::sample::sampled_weeks;
use mmm_engine::optimize::{AllocationError, BudgetReport, Horizon, MinBudgetReport, Planner, Utility};
use pgrx::prelude::*;

by_model!(nullable "mmm_optimize_budget", mmm_optimize_budget_by_id, mmm_optimize_budget_by_name, (
    budget: [Option<f64>],
    num_periods: [default!(Option<i32>, 8)],
    bounds: [default!(Option<JsonArg>, "NULL")],
    utility: [default!(Option<&str>, "'mean'")],
    utility_params: [default!(Option<JsonArg>, "'{}'")],
    carry_in: [default!(Option<bool>, true)],
    hdi_prob: [default!(Option<f64>, 0.94)],
    geo_budgets: [default!(Option<JsonArg>, "NULL")]
) -> TableIterator<'static, (
    name!(channel, String),
    name!(budget_per_period, f64),
    name!(budget_total, f64),
    name!(share, f64),
    name!(contribution, f64),
    name!(contribution_lower, f64),
    name!(contribution_upper, f64),
    name!(marginal_roas, f64),
    name!(bound_status, String),
    name!(equal_budget_per_period, f64),
    name!(equal_contribution, f64),
    name!(historical_budget_per_period, f64),
    name!(historical_contribution, f64),
    name!(utility, f64),
    name!(utility_equal, f64),
    name!(utility_historical, f64),
    name!(kkt_residual, f64),
    name!(method, String),
    name!(geo, Option<String>),
)>, optimize_budget);

by_model!(nullable "mmm_min_budget_for_target", mmm_min_budget_for_target_by_id, mmm_min_budget_for_target_by_name, (
    target_response: [Option<f64>],
    num_periods: [default!(Option<i32>, 8)],
    bounds: [default!(Option<JsonArg>, "NULL")],
    hdi_prob: [default!(Option<f64>, 0.94)],
    carry_in: [default!(Option<bool>, true)]
) -> TableIterator<'static, (
    name!(channel, String),
    name!(budget_per_period, f64),
    name!(budget_total, f64),
    name!(share, f64),
    name!(contribution, f64),
    name!(contribution_lower, f64),
    name!(contribution_upper, f64),
    name!(bound_status, String),
    name!(total_budget_per_period, f64),
    name!(response, f64),
    name!(geo, Option<String>),
)>, min_budget);

by_model!(nullable "mmm_budget_scenarios", mmm_budget_scenarios_by_id, mmm_budget_scenarios_by_name, (
    budgets: [Option<Vec<Option<f64>>>],
    num_periods: [default!(Option<i32>, 8)],
    bounds: [default!(Option<JsonArg>, "NULL")],
    hdi_prob: [default!(Option<f64>, 0.94)],
    carry_in: [default!(Option<bool>, true)]
) -> TableIterator<'static, (
    name!(budget, f64),
    name!(channel, String),
    name!(budget_per_period, f64),
    name!(share, f64),
    name!(contribution, f64),
    name!(contribution_lower, f64),
    name!(contribution_upper, f64),
    name!(response, f64),
    name!(response_lower, f64),
    name!(response_upper, f64),
    name!(geo, Option<String>),
)>, scenarios);

by_model!("mmm_sample_response", mmm_sample_response_by_id, mmm_sample_response_by_name, (
    allocation: [JsonArg],
    num_periods: [default!(i32, 8)],
    noise_level: [default!(f64, 0.01)],
    seed: [default!(i64, 0)],
    hdi_prob: [default!(f64, 0.94)]
) -> TableIterator<'static, (
    name!(week, i32),
    name!(date, pgrx::datum::Date),
    name!(channel, String),
    name!(spend, f64),
    name!(response, f64),
    name!(response_lower, f64),
    name!(response_upper, f64),
    name!(geo, Option<String>),
)>, sampled_response);

/// Raises the ERROR for an allocation request that cannot be met.
fn raise_allocation(e: AllocationError) -> ! {
    raise(PgSqlErrorCode::ERRCODE_INVALID_PARAMETER_VALUE, e.to_string(), e.hint())
}

/// Checks the arguments every budget question shares.
fn check(num_periods: i32, hdi_prob: f64) {
    super::check_hdi_prob(hdi_prob);
    super::check_num_periods(num_periods);
}

fn horizon(num_periods: i32, carry_in: bool) -> Horizon {
    Horizon { num_periods: num_periods as usize, carry_in }
}

type OptimizeRow =
    (String, f64, f64, f64, f64, f64, f64, f64, String, f64, f64, f64, f64, f64, f64, f64, f64, String, Option<String>);

/// The optimal allocation of `budget` per period, per cell, with the equal split and the
/// historical mix of the last `num_periods` weeks beside it; under `geo_budgets` each geo's
/// cells add up to its own budget (and `budget`, if given, must be their sum).
#[allow(clippy::too_many_arguments)] // one per SQL argument
fn optimize_budget(
    id: i64,
    budget: Option<f64>,
    num_periods: Option<i32>,
    bounds: Option<JsonArg>,
    utility: Option<&str>,
    utility_params: Option<JsonArg>,
    carry_in: Option<bool>,
    hdi_prob: Option<f64>,
    geo_budgets: Option<JsonArg>,
) -> Vec<OptimizeRow> {
    let (num_periods, utility) =
        (super::args::required(num_periods, "num_periods"), super::args::required(utility, "utility"));
    let (utility_params, carry_in) =
        (super::args::required(utility_params, "utility_params"), super::args::required(carry_in, "carry_in"));
    let hdi_prob = super::args::required(hdi_prob, "hdi_prob");
    let utility = Utility::parse(utility, &utility_params.0).unwrap_or_else(|e| {
        raise(
            PgSqlErrorCode::ERRCODE_INVALID_PARAMETER_VALUE,
            e.to_string(),
            &format!(
                "utility accepts {}; see the README for each one's utility_params.",
                mmm_engine::optimize::utility::NAMES
            ),
        )
    });
    check(num_periods, hdi_prob);
    let planner = Planner::new(&load(id), horizon(num_periods, carry_in));
    let bounds = bounds.as_ref().map(|b| &b.0);
    let report = match (geo_budgets, budget) {
        (Some(geo_budgets), budget) => {
            optimizing(|| planner.optimize_geo_budgets(&geo_budgets.0, budget, bounds, utility, hdi_prob))
        }
        (None, Some(budget)) => optimizing(|| planner.optimize(budget, bounds, utility, hdi_prob)),
        (None, None) => raise(
            PgSqlErrorCode::ERRCODE_NULL_VALUE_NOT_ALLOWED,
            "budget is NULL".into(),
            "Pass a budget per period, or geo_budgets => '{\"geo\": budget, ...}' for a panel.",
        ),
    }
    .unwrap_or_else(|e| raise_allocation(e));
    let BudgetReport { optimized, solution, marginal_roas, equal, historical } = &report;
    let periods = num_periods as f64;
    (0..optimized.budgets.len())
        .map(|m| {
            let (b, c) = (optimized.budgets[m], optimized.channels[m]);
            (
                optimized.cells[m].channel.clone(),
                b,
                b * periods,
                optimized.share(m),
                c.mean,
                c.lower,
                c.upper,
                marginal_roas[m],
                solution.status[m].as_str().to_string(),
                equal.budgets[m],
                equal.channels[m].mean,
                historical.budgets[m],
                historical.channels[m].mean,
                solution.utility,
                equal.utility,
                historical.utility,
                solution.kkt_residual,
                solution.method.as_str().to_string(),
                optimized.cells[m].geo.clone(),
            )
        })
        .collect()
}

type MinBudgetRow = (String, f64, f64, f64, f64, f64, f64, String, f64, f64, Option<String>);

/// The cheapest allocation whose mean total response over the window reaches the target.
fn min_budget(
    id: i64,
    target_response: Option<f64>,
    num_periods: Option<i32>,
    bounds: Option<JsonArg>,
    hdi_prob: Option<f64>,
    carry_in: Option<bool>,
) -> Vec<MinBudgetRow> {
    let (target_response, num_periods) =
        (super::args::required(target_response, "target_response"), super::args::required(num_periods, "num_periods"));
    let (hdi_prob, carry_in) =
        (super::args::required(hdi_prob, "hdi_prob"), super::args::required(carry_in, "carry_in"));
    if !(target_response > 0.0 && target_response.is_finite()) {
        raise(
            PgSqlErrorCode::ERRCODE_INVALID_PARAMETER_VALUE,
            format!("target_response = {target_response} is out of range"),
            "target_response is a positive total response over the horizon, in the target's units.",
        );
    }
    check(num_periods, hdi_prob);
    let planner = Planner::new(&load(id), horizon(num_periods, carry_in));
    let MinBudgetReport { outcome, solution } =
        optimizing(|| planner.min_budget(target_response, bounds.as_ref().map(|b| &b.0), hdi_prob))
            .unwrap_or_else(|e| raise_allocation(e));
    (0..outcome.budgets.len())
        .map(|m| {
            let (b, c) = (outcome.budgets[m], outcome.channels[m]);
            (
                outcome.cells[m].channel.clone(),
                b,
                b * num_periods as f64,
                outcome.share(m),
                c.mean,
                c.lower,
                c.upper,
                solution.status[m].as_str().to_string(),
                outcome.budget,
                solution.utility,
                outcome.cells[m].geo.clone(),
            )
        })
        .collect()
}

type ScenarioRow = (f64, String, f64, f64, f64, f64, f64, f64, f64, f64, Option<String>);

/// The optimal mean-utility allocation for each budget, with each scenario's total response.
fn scenarios(
    id: i64,
    budgets: Option<Vec<Option<f64>>>,
    num_periods: Option<i32>,
    bounds: Option<JsonArg>,
    hdi_prob: Option<f64>,
    carry_in: Option<bool>,
) -> Vec<ScenarioRow> {
    let (budgets, num_periods) =
        (super::args::elements(budgets, "budgets"), super::args::required(num_periods, "num_periods"));
    let (hdi_prob, carry_in) =
        (super::args::required(hdi_prob, "hdi_prob"), super::args::required(carry_in, "carry_in"));
    check(num_periods, hdi_prob);
    super::limits::check_length("budgets", budgets.len(), super::limits::MAX_SCENARIOS);
    let planner = Planner::new(&load(id), horizon(num_periods, carry_in));
    let mut rows = Vec::new();
    for budget in budgets {
        let o = optimizing(|| planner.scenario(budget, bounds.as_ref().map(|b| &b.0), hdi_prob))
            .unwrap_or_else(|e| raise_allocation(e));
        for (m, c) in o.channels.iter().enumerate() {
            rows.push((
                budget,
                o.cells[m].channel.clone(),
                o.budgets[m],
                o.share(m),
                c.mean,
                c.lower,
                c.upper,
                o.total.mean,
                o.total.lower,
                o.total.upper,
                o.cells[m].geo.clone(),
            ));
        }
    }
    rows
}

type SampledRow = (i32, pgrx::datum::Date, String, f64, f64, f64, f64, Option<String>);

/// Week-by-week response of a given allocation, per cell (channel, or (geo, channel) of a
/// panel), per geo in total and in total over every cell (`geo` NULL), with the spend
/// perturbed by multiplicative noise.
fn sampled_response(
    id: i64,
    allocation: JsonArg,
    num_periods: i32,
    noise_level: f64,
    seed: i64,
    hdi_prob: f64,
) -> Vec<SampledRow> {
    if !(noise_level >= 0.0 && noise_level.is_finite()) {
        raise(
            PgSqlErrorCode::ERRCODE_INVALID_PARAMETER_VALUE,
            format!("noise_level = {noise_level} is out of range"),
            "noise_level is the standard deviation of the relative spend noise, >= 0 (e.g. 0.01).",
        );
    }
    check(num_periods, hdi_prob);
    let fit = load(id);
    let budgets = allocation_of(&fit.panel.geos, fit.panel.channel_names(), &allocation.0);
    sampled_weeks(&fit, &budgets, num_periods as usize, noise_level, seed as u64, hdi_prob)
        .into_iter()
        .map(|w| {
            let r = w.response;
            let (series, geo) = (w.series.to_string(), w.geo.map(str::to_string));
            (w.week as i32, to_pg_date(w.date), series, w.spend, r.mean, r.lower, r.upper, geo)
        })
        .collect()
}

/// Per-period spend of every cell, geo-major: `{"channel": spend, ...}` spends it in every geo
/// of a panel, `{"geo": {"channel": spend}}` in one geo, overriding the channel's spend
/// whatever the key order (as `bounds` reads cells); cells left out spend nothing.
fn allocation_of(geos: &[String], channels: &[String], json: &serde_json::Value) -> Vec<f64> {
    let hint = if geos.is_empty() {
        "allocation is {\"channel\": spend per period, ...} with the model's channel names and numbers >= 0."
    } else {
        "allocation is {\"channel\": spend per period in every geo, \"geo\": {\"channel\": spend}, ...} with the model's geo and channel names and numbers >= 0."
    };
    let invalid = |message: String| -> ! { raise(PgSqlErrorCode::ERRCODE_INVALID_PARAMETER_VALUE, message, hint) };
    let object = json.as_object().unwrap_or_else(|| invalid("allocation must be a JSON object".into()));
    let n = channels.len();
    let mut budgets = vec![0.0; geos.len().max(1) * n];
    let spend = |name: &str, value: &serde_json::Value| {
        value
            .as_f64()
            .filter(|v| *v >= 0.0 && v.is_finite())
            .unwrap_or_else(|| invalid(format!("allocation for channel \"{name}\" must be a number >= 0, got {value}")))
    };
    let channel = |name: &str| {
        channels
            .iter()
            .position(|c| c == name)
            .unwrap_or_else(|| invalid(format!("allocation names unknown channel \"{name}\"")))
    };
    let (per_geo, per_channel): (Vec<_>, Vec<_>) =
        object.iter().partition(|(_, value)| value.is_object() && !geos.is_empty());
    for (name, value) in per_channel {
        let m = channel(name);
        let b = spend(name, value);
        for g in 0..geos.len().max(1) {
            budgets[g * n + m] = b;
        }
    }
    for (geo, value) in per_geo {
        let g = geos
            .iter()
            .position(|x| x == geo)
            .unwrap_or_else(|| invalid(format!("allocation names unknown geo \"{geo}\"")));
        for (name, value) in value.as_object().expect("partitioned on is_object") {
            budgets[g * n + channel(name)] = spend(name, value);
        }
    }
    budgets
}

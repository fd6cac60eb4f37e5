//! Budget optimization in SQL: `mmm_optimize_budget`, `mmm_min_budget_for_target`,
//! `mmm_budget_scenarios` and `mmm_sample_response` (MODEL.md section 8).

use super::error::raise;
use super::model_ref::by_model;
use super::store::{load, to_pg_date};
use mmm_engine::inference::Fit;
use mmm_engine::optimize::allocate::historical_split;
use mmm_engine::optimize::sample::sample_response;
use mmm_engine::optimize::{
    channel_responses, Allocation, AllocationError, Bounds, ChannelResponse, Horizon, Optimizer, Utility,
};
use mmm_engine::posterior::Band;
use pgrx::prelude::*;
use pgrx::JsonB;
use std::rc::Rc;

by_model!("mmm_optimize_budget", mmm_optimize_budget_by_id, mmm_optimize_budget_by_name, (
    budget: [f64],
    num_periods: [default!(i32, 8)],
    bounds: [default!(Option<JsonB>, "NULL")],
    utility: [default!(&str, "'mean'")],
    utility_params: [default!(JsonB, "'{}'")],
    carry_in: [default!(bool, false)],
    hdi_prob: [default!(f64, 0.94)]
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
)>, optimize_budget);

by_model!("mmm_min_budget_for_target", mmm_min_budget_for_target_by_id, mmm_min_budget_for_target_by_name, (
    target_response: [f64],
    num_periods: [default!(i32, 8)],
    bounds: [default!(Option<JsonB>, "NULL")],
    hdi_prob: [default!(f64, 0.94)]
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
)>, min_budget);

by_model!("mmm_budget_scenarios", mmm_budget_scenarios_by_id, mmm_budget_scenarios_by_name, (
    budgets: [Vec<f64>],
    num_periods: [default!(i32, 8)],
    bounds: [default!(Option<JsonB>, "NULL")],
    hdi_prob: [default!(f64, 0.94)]
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
)>, scenarios);

by_model!("mmm_sample_response", mmm_sample_response_by_id, mmm_sample_response_by_name, (
    allocation: [JsonB],
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
)>, sampled_response);

/// Raises the ERROR for an allocation request that cannot be met.
fn raise_allocation(e: AllocationError) -> ! {
    raise(PgSqlErrorCode::ERRCODE_INVALID_PARAMETER_VALUE, e.to_string(), e.hint())
}

/// The fit, its channel responses over `num_periods` weeks, and the parsed bounds.
fn setup(id: i64, num_periods: i32, carry_in: bool, hdi_prob: f64) -> (Rc<Fit>, Vec<ChannelResponse>) {
    super::check_hdi_prob(hdi_prob);
    super::check_num_periods(num_periods);
    let fit = load(id);
    let responses =
        channel_responses(&fit.model, &fit.data, &fit.trace, Horizon { num_periods: num_periods as usize, carry_in });
    (fit, responses)
}

fn bounds_of(fit: &Fit, bounds: &Option<JsonB>, default_upper: f64) -> Bounds {
    Bounds::parse(&fit.data.channel_names, bounds.as_ref().map(|b| &b.0), default_upper)
        .unwrap_or_else(|e| raise_allocation(e))
}

/// An allocation as reported: each channel's response and their total (mean and HDI), and the
/// utility, from one evaluation.
pub struct Outcome {
    pub channels: Vec<Band>,
    pub total: Band,
    pub utility: f64,
}

pub fn outcome(optimizer: &Optimizer, b: &[f64], hdi_prob: f64) -> Outcome {
    let e = optimizer.evaluate(b);
    let total: Vec<f64> = (0..e.samples[0].len()).map(|d| e.samples.iter().map(|s| s[d]).sum()).collect();
    Outcome {
        channels: e.samples.iter().map(|s| Band::of(s, hdi_prob)).collect(),
        total: Band::of(&total, hdi_prob),
        utility: e.utility,
    }
}

type OptimizeRow = (String, f64, f64, f64, f64, f64, f64, f64, String, f64, f64, f64, f64, f64, f64, f64, f64, String);

/// The optimal allocation of `budget` per period, per channel, with the equal split and the
/// historical mix of the last `num_periods` weeks beside it.
#[allow(clippy::too_many_arguments)]
fn optimize_budget(
    id: i64,
    budget: f64,
    num_periods: i32,
    bounds: Option<JsonB>,
    utility: &str,
    utility_params: JsonB,
    carry_in: bool,
    hdi_prob: f64,
) -> Vec<OptimizeRow> {
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
    let (fit, responses) = setup(id, num_periods, carry_in, hdi_prob);
    let bounds = bounds_of(&fit, &bounds, budget);
    let n = responses.len();
    let equal = vec![budget / n as f64; n];
    let historical = historical_split(&fit.data.channels, num_periods as usize, budget);
    let optimizer = Optimizer { responses: &responses, utility };
    let best =
        optimizer.solve(budget, &bounds, &[equal.clone(), historical.clone()]).unwrap_or_else(|e| raise_allocation(e));
    let optimized = outcome(&optimizer, &best.budgets, hdi_prob).channels;
    let at_equal = outcome(&optimizer, &equal, hdi_prob);
    let at_historical = outcome(&optimizer, &historical, hdi_prob);
    let periods = num_periods as f64;
    (0..n)
        .map(|m| {
            let b = best.budgets[m];
            let c = optimized[m];
            (
                fit.data.channel_names[m].clone(),
                b,
                b * periods,
                b / budget,
                c.mean,
                c.lower,
                c.upper,
                responses[m].mean_at(b.max(budget * 1e-12)).slope / periods,
                best.status[m].as_str().to_string(),
                equal[m],
                at_equal.channels[m].mean,
                historical[m],
                at_historical.channels[m].mean,
                best.utility,
                at_equal.utility,
                at_historical.utility,
                best.kkt_residual,
                best.method.as_str().to_string(),
            )
        })
        .collect()
}

type MinBudgetRow = (String, f64, f64, f64, f64, f64, f64, String, f64, f64);

/// The cheapest allocation whose mean total response over the horizon reaches the target.
fn min_budget(
    id: i64,
    target_response: f64,
    num_periods: i32,
    bounds: Option<JsonB>,
    hdi_prob: f64,
) -> Vec<MinBudgetRow> {
    if !(target_response > 0.0 && target_response.is_finite()) {
        raise(
            PgSqlErrorCode::ERRCODE_INVALID_PARAMETER_VALUE,
            format!("target_response = {target_response} is out of range"),
            "target_response is a positive total response over the horizon, in the target's units.",
        );
    }
    let (fit, responses) = setup(id, num_periods, false, hdi_prob);
    // Unbounded channels may spend up to a thousand times the largest historical week.
    let bounds = bounds_of(&fit, &bounds, 1000.0 * fit.model.design.scales.channels.iter().sum::<f64>());
    let optimizer = Optimizer { responses: &responses, utility: Utility::Mean };
    let best: Allocation = optimizer.min_budget(target_response, &bounds).unwrap_or_else(|e| raise_allocation(e));
    let total: f64 = best.budgets.iter().sum();
    let per_channel = outcome(&optimizer, &best.budgets, hdi_prob).channels;
    (0..responses.len())
        .map(|m| {
            let (b, c) = (best.budgets[m], per_channel[m]);
            let share = if total > 0.0 { b / total } else { 0.0 };
            (
                fit.data.channel_names[m].clone(),
                b,
                b * num_periods as f64,
                share,
                c.mean,
                c.lower,
                c.upper,
                best.status[m].as_str().to_string(),
                total,
                best.utility,
            )
        })
        .collect()
}

type ScenarioRow = (f64, String, f64, f64, f64, f64, f64, f64, f64, f64);

/// The optimal mean-utility allocation for each budget, with each scenario's total response.
fn scenarios(id: i64, budgets: Vec<f64>, num_periods: i32, bounds: Option<JsonB>, hdi_prob: f64) -> Vec<ScenarioRow> {
    let (fit, responses) = setup(id, num_periods, false, hdi_prob);
    let optimizer = Optimizer { responses: &responses, utility: Utility::Mean };
    let mut rows = Vec::new();
    for budget in budgets {
        pgrx::check_for_interrupts!();
        let bounds = bounds_of(&fit, &bounds, budget);
        let best = optimizer.solve(budget, &bounds, &[]).unwrap_or_else(|e| raise_allocation(e));
        let Outcome { channels: per_channel, total, .. } = outcome(&optimizer, &best.budgets, hdi_prob);
        for (m, c) in per_channel.iter().enumerate() {
            let b = best.budgets[m];
            rows.push((
                budget,
                fit.data.channel_names[m].clone(),
                b,
                b / budget,
                c.mean,
                c.lower,
                c.upper,
                total.mean,
                total.lower,
                total.upper,
            ));
        }
    }
    rows
}

type SampledRow = (i32, pgrx::datum::Date, String, f64, f64, f64, f64);

/// Week-by-week response of a given allocation, per channel and in total, with the spend
/// perturbed by multiplicative noise.
fn sampled_response(
    id: i64,
    allocation: JsonB,
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
    let (fit, _) = setup(id, num_periods, false, hdi_prob);
    let budgets = allocation_of(&fit.data.channel_names, &allocation.0);
    let periods = num_periods as usize;
    let per_channel = sample_response(&fit.model, &fit.trace, &budgets, periods, noise_level, seed as u64);
    let total = per_channel.iter().fold(ndarray::Array2::zeros(per_channel[0].raw_dim()), |acc, c| acc + c);
    let dates = &fit.data.dates;
    let (last, step) = (dates[dates.len() - 1], dates[1].0 - dates[0].0);
    let names = fit.data.channel_names.iter().map(String::as_str).chain(["total"]);
    let mut rows = Vec::new();
    for ((m, name), values) in names.enumerate().zip(per_channel.iter().chain([&total])) {
        for (t, column) in values.columns().into_iter().enumerate() {
            let spending = t < periods;
            let spend = match budgets.get(m) {
                Some(b) if spending => *b,
                None if spending => budgets.iter().sum(),
                _ => 0.0,
            };
            let band = Band::of(&column.to_vec(), hdi_prob);
            rows.push((
                t as i32 + 1,
                to_pg_date(last.plus_days(step * (t as i32 + 1))),
                name.to_string(),
                spend,
                band.mean,
                band.lower,
                band.upper,
            ));
        }
    }
    rows
}

/// `{"channel": spend per period, ...}`; channels left out spend nothing.
fn allocation_of(channels: &[String], json: &serde_json::Value) -> Vec<f64> {
    let hint = "allocation is {\"channel\": spend per period, ...} with the model's channel names and numbers >= 0.";
    let object = json.as_object().unwrap_or_else(|| {
        raise(PgSqlErrorCode::ERRCODE_INVALID_PARAMETER_VALUE, "allocation must be a JSON object".into(), hint)
    });
    let mut budgets = vec![0.0; channels.len()];
    for (name, value) in object {
        let Some(m) = channels.iter().position(|c| c == name) else {
            raise(
                PgSqlErrorCode::ERRCODE_INVALID_PARAMETER_VALUE,
                format!("allocation names unknown channel \"{name}\""),
                hint,
            )
        };
        budgets[m] = value.as_f64().filter(|v| *v >= 0.0 && v.is_finite()).unwrap_or_else(|| {
            raise(
                PgSqlErrorCode::ERRCODE_INVALID_PARAMETER_VALUE,
                format!("allocation for channel \"{name}\" must be a number >= 0, got {value}"),
                hint,
            )
        });
    }
    budgets
}

//! `mmm_response_curves` and `mmm_contribution_grid` (docs/05-optimization.md): for a geo panel,
//! one set of rows per geo in that geo's units, with the geo in a last column.

use super::error::raise;
use super::model_ref::by_model;
use super::store::load;
use mmm_engine::inference::Fit;
use mmm_engine::model::costs::Costs;
use mmm_engine::optimize::curves::{response_curve, ContributionGrid};
use mmm_engine::posterior::Band;
use pgrx::prelude::*;

by_model!(nullable "mmm_response_curves", mmm_response_curves_by_id, mmm_response_curves_by_name, (
    channel: [default!(Option<&str>, "NULL")],
    max_spend_multiplier: [default!(Option<f64>, 1.5)],
    points: [default!(Option<i32>, 50)],
    hdi_prob: [default!(Option<f64>, 0.94)]
) -> TableIterator<'static, (
    name!(channel, String),
    name!(spend, f64),
    name!(response, f64),
    name!(response_lower, f64),
    name!(response_upper, f64),
    name!(marginal_response, f64),
    name!(geo, Option<String>),
)>, curves);

by_model!("mmm_contribution_grid", mmm_contribution_grid_by_id, mmm_contribution_grid_by_name, (
    start: [default!(f64, 0.0)],
    stop: [default!(f64, 1.5)],
    num: [default!(i32, 16)],
    hdi_prob: [default!(f64, 0.94)]
) -> TableIterator<'static, (
    name!(delta, f64),
    name!(channel, String),
    name!(spend, f64),
    name!(contribution, f64),
    name!(contribution_lower, f64),
    name!(contribution_upper, f64),
    name!(geo, Option<String>),
)>, grid);

fn invalid(message: String, hint: &str) -> ! {
    raise(PgSqlErrorCode::ERRCODE_INVALID_PARAMETER_VALUE, message, hint)
}

/// Channel indices asked for: all, or the one named.
fn channels_of(names: &[String], channel: Option<&str>) -> Vec<usize> {
    match channel {
        None => (0..names.len()).collect(),
        Some(c) => vec![names.iter().position(|n| n == c).unwrap_or_else(|| {
            invalid(
                format!("channel \"{c}\" is not a channel of this model"),
                &format!("channel accepts one of {}, or NULL for all.", names.join(", ")),
            )
        })],
    }
}

/// Each geo's index and label (NULL for a national model, which is geo 0).
fn geos_of(fit: &Fit) -> Vec<(usize, Option<String>)> {
    match fit.panel.geos.as_slice() {
        [] => vec![(0, None)],
        geos => geos.iter().cloned().map(Some).enumerate().collect(),
    }
}

type CurveRow = (String, f64, f64, f64, f64, f64, Option<String>);

/// Each channel's weekly response to a constant weekly spend from 0 to `max_spend_multiplier`
/// times its largest historical week, in each geo (its own largest week, its own units).
fn curves(
    id: i64,
    channel: Option<&str>,
    max_spend_multiplier: Option<f64>,
    points: Option<i32>,
    hdi_prob: Option<f64>,
) -> Vec<CurveRow> {
    let max_spend_multiplier = super::args::required(max_spend_multiplier, "max_spend_multiplier");
    let (points, hdi_prob) = (super::args::required(points, "points"), super::args::required(hdi_prob, "hdi_prob"));
    super::check_hdi_prob(hdi_prob);
    if !(max_spend_multiplier > 0.0 && max_spend_multiplier.is_finite()) {
        invalid(
            format!("max_spend_multiplier = {max_spend_multiplier} is out of range"),
            "max_spend_multiplier is a positive multiple of the largest historical weekly spend, e.g. 1.5.",
        );
    }
    super::limits::check_size("points", points.into(), 2, 10_000, "");
    let fit = load(id);
    let costs = fit.costs();
    let names = fit.panel.channel_names();
    let mut rows = Vec::new();
    for (g, geo) in geos_of(&fit) {
        for m in channels_of(names, channel) {
            pgrx::check_for_interrupts!();
            let max_spend = max_spend_multiplier * largest_week(&fit, &costs, g, m);
            for p in response_curve(&fit.model, &fit.trace, &costs, &[g], m, max_spend, points as usize, hdi_prob) {
                let (name, band) = (names[m].clone(), p.response);
                rows.push((name, p.spend, band.mean, band.lower, band.upper, p.marginal, geo.clone()));
            }
        }
    }
    rows
}

/// Channel `m`'s largest week in geo `g`, in money; the channel's scale there (at its current
/// cost) if the geo never spent on it (a national model's scale is its largest week).
pub(super) fn largest_week(fit: &Fit, costs: &Costs, g: usize, m: usize) -> f64 {
    let largest = costs.spend(g, m).iter().fold(0.0f64, |a, &x| a.max(x));
    if largest > 0.0 {
        largest
    } else {
        fit.model.design.scales.channel_of(g, m) * costs.current(g, m)
    }
}

type GridRow = (f64, String, f64, f64, f64, f64, Option<String>);

/// In-sample contribution of each channel with its whole historical spend multiplied by each
/// of `num` values of δ from `start` to `stop`, in each geo.
fn grid(id: i64, start: f64, stop: f64, num: i32, hdi_prob: f64) -> Vec<GridRow> {
    super::check_hdi_prob(hdi_prob);
    if !(start >= 0.0 && stop >= start && stop.is_finite()) {
        invalid(
            format!("start = {start}, stop = {stop} is not a valid range"),
            "start and stop are spend multipliers with 0 <= start <= stop, e.g. 0 and 1.5.",
        );
    }
    super::limits::check_size("num", num.into(), 1, 1000, "");
    let fit = load(id);
    let costs = fit.costs();
    let contributions = ContributionGrid::new(&fit.model, &fit.trace);
    let mut rows = Vec::new();
    for (g, geo) in geos_of(&fit) {
        for i in 0..num {
            let delta = if num > 1 { start + (stop - start) * i as f64 / (num - 1) as f64 } else { start };
            for (m, name) in fit.panel.channel_names().iter().enumerate() {
                pgrx::check_for_interrupts!();
                let band = Band::of(&contributions.scaled_contribution((g, m), delta), hdi_prob);
                let spend = delta * costs.spend(g, m).iter().sum::<f64>();
                rows.push((delta, name.clone(), spend, band.mean, band.lower, band.upper, geo.clone()));
            }
        }
    }
    rows
}

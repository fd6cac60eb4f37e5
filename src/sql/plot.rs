//! `mmm_plot`: SVG pictures of a model, ready to save or to embed in a report. For a geo
//! panel, `geo` selects one geo; by default the pictures show the total over geos.

use super::curves::largest_week;
use super::error::raise;
use super::model_ref;
use super::store::load;
use mmm_engine::inference::Fit;
use mmm_engine::optimize::curves::response_curve;
use mmm_engine::optimize::{BudgetReport, Horizon, Planner, Utility};
use mmm_engine::plot::{self, AllocationBar, Band, Curve};
use mmm_engine::posterior::{decomposition, of_geo};
use pgrx::prelude::*;

const KINDS: &str = "response_curves, contributions, allocation, posterior, time_varying";

#[pg_extern(stable, parallel_safe, name = "mmm_plot")]
fn mmm_plot_by_id(
    model: Option<i64>,
    kind: Option<&str>,
    budget: default!(Option<f64>, "NULL"),
    num_periods: default!(Option<i32>, 8),
    hdi_prob: default!(Option<f64>, 0.94),
    geo: default!(Option<&str>, "NULL"),
) -> String {
    render(model_ref::by_id(super::args::required(model, "model")), kind, budget, num_periods, hdi_prob, geo)
}

#[pg_extern(stable, parallel_safe, name = "mmm_plot")]
fn mmm_plot_by_name(
    model: Option<&str>,
    kind: Option<&str>,
    budget: default!(Option<f64>, "NULL"),
    num_periods: default!(Option<i32>, 8),
    hdi_prob: default!(Option<f64>, 0.94),
    geo: default!(Option<&str>, "NULL"),
) -> String {
    render(model_ref::by_name(super::args::required(model, "model")), kind, budget, num_periods, hdi_prob, geo)
}

/// The SVG document of one kind of picture, of geo `geo` or of all geos together. The
/// arguments a picture needs are an ERROR naming them when NULL.
fn render(
    id: i64,
    kind: Option<&str>,
    budget: Option<f64>,
    num_periods: Option<i32>,
    hdi_prob: Option<f64>,
    geo: Option<&str>,
) -> String {
    use super::args::required;
    let (kind, num_periods, hdi_prob) =
        (required(kind, "kind"), required(num_periods, "num_periods"), required(hdi_prob, "hdi_prob"));
    super::check_hdi_prob(hdi_prob);
    if !KINDS.split(", ").any(|k| k == kind) {
        raise(
            PgSqlErrorCode::ERRCODE_INVALID_PARAMETER_VALUE,
            format!("kind \"{kind}\" is not a plot kind"),
            &format!("kind accepts {KINDS}."),
        );
    }
    super::check_num_periods(num_periods);
    let fit = load(id);
    let geos = geos_of(&fit, geo);
    let target: String = super::read::one("SELECT target_column FROM mmm.models WHERE id = $1", &[id.into()])
        .expect("read mmm.models")
        .expect("target_column");
    let document = match kind {
        "response_curves" => response_curves(&fit, &geos, &target, hdi_prob),
        "contributions" => contributions(&fit, &geos, &target, hdi_prob),
        "allocation" => allocation(
            &plan(&fit, budget, num_periods as usize, hdi_prob),
            fit.panel.channel_names(),
            geo.map(|_| geos[0]),
            &target,
        ),
        // A panel's multipliers are per geo: the first geo's unless `geo` names one.
        "time_varying" => {
            let dates: Vec<String> = fit.panel.dates().iter().map(|d| d.to_string()).collect();
            let document = plot::time_varying(&dates, &super::time_varying::bands(&fit, geos[0], hdi_prob));
            return match (geo, fit.panel.geos.first()) {
                (None, Some(first)) => plot::scoped(document, first),
                (Some(g), _) => plot::scoped(document, g),
                (None, None) => document,
            };
        }
        _ => posterior(&fit, geo, hdi_prob),
    };
    match geo {
        Some(g) => plot::scoped(document, g),
        None if !fit.panel.geos.is_empty() => plot::scoped(document, "all geos"),
        None => document,
    }
}

/// The geos a picture shows: the one `geo` names, or all (geo 0 alone for a national model).
pub(super) fn geos_of(fit: &Fit, geo: Option<&str>) -> Vec<usize> {
    let labels = &fit.panel.geos;
    match geo {
        None => (0..labels.len().max(1)).collect(),
        Some(g) if labels.is_empty() => raise(
            PgSqlErrorCode::ERRCODE_INVALID_PARAMETER_VALUE,
            format!("geo \"{g}\" was given but the model is national (no geo column)"),
            "geo selects one geo of a model fitted with geo_column; leave it NULL for a national model.",
        ),
        Some(g) => vec![labels.iter().position(|l| l == g).unwrap_or_else(|| {
            raise(
                PgSqlErrorCode::ERRCODE_INVALID_PARAMETER_VALUE,
                format!("geo \"{g}\" is not a geo of this model"),
                &format!("geo accepts one of {}, or NULL for all geos together.", labels.join(", ")),
            )
        })],
    }
}

/// Each channel's curve up to 1.5 times its largest week, marking its mean weekly spend. Over
/// several geos: the sum of the geos' curves at the same spend in each geo, up to 1.5 times the
/// largest week of any geo, marking the mean over geos of each geo's mean weekly spend.
pub(super) fn response_curves(fit: &Fit, geos: &[usize], target: &str, hdi_prob: f64) -> String {
    let costs = fit.costs();
    let curves: Vec<Curve> = (0..fit.panel.channel_names().len())
        .map(|m| {
            let largest = geos.iter().map(|&g| largest_week(fit, &costs, g, m)).fold(0.0, f64::max);
            let points = response_curve(&fit.model, &fit.trace, &costs, geos, m, 1.5 * largest, 60, hdi_prob);
            let mean_spend = |g: usize| {
                let spend = costs.spend(g, m);
                spend.iter().sum::<f64>() / spend.len() as f64
            };
            Curve {
                channel: fit.panel.channel_names()[m].clone(),
                spend: points.iter().map(|p| p.spend).collect(),
                response: points.iter().map(|p| p.response).collect(),
                current_spend: Some(geos.iter().map(|&g| mean_spend(g)).sum::<f64>() / geos.len() as f64),
            }
        })
        .collect();
    plot::response_curves(&curves, target)
}

/// The weekly decomposition (channels first, so they keep their colours) and the target, summed
/// over the geos shown.
pub(super) fn contributions(fit: &Fit, geos: &[usize], target: &str, hdi_prob: f64) -> String {
    let mut components = decomposition(&fit.model, &fit.trace);
    components.sort_by_key(|c| c.group != "channels");
    let weeks = fit.model.design.weeks();
    let series: Vec<(String, Vec<f64>)> = components
        .iter()
        .map(|c| {
            let values = geos.iter().map(|&g| of_geo(&c.values, g, weeks)).reduce(|a, b| a + b).expect("a geo");
            (
                c.component.clone(),
                values.columns().into_iter().map(|col| Band::of(&col.to_vec(), hdi_prob).mean).collect(),
            )
        })
        .collect();
    let observed: Vec<f64> = (0..weeks).map(|t| geos.iter().map(|&g| fit.panel.data[g].y[t]).sum()).collect();
    let dates: Vec<String> = fit.panel.dates().iter().map(|d| d.to_string()).collect();
    plot::contributions(&dates, &series, &observed, target)
}

/// The optimal allocation of `budget` (default: the historical mean weekly total, over every
/// geo of a panel) against the historical mix of the last `num_periods` weeks, as
/// `mmm_optimize_budget` reports them by default (with carry-in); a panel's budget is allocated
/// over all its (geo, channel) cells.
pub(super) fn plan(fit: &Fit, budget: Option<f64>, num_periods: usize, hdi_prob: f64) -> BudgetReport {
    let budget = budget.unwrap_or_else(|| fit.costs().mean_weekly_spend());
    let planner = Planner::new(fit, Horizon { num_periods, carry_in: true });
    super::cancel::optimizing(|| planner.optimize(budget, None, Utility::Mean, hdi_prob))
        .unwrap_or_else(|e| raise(PgSqlErrorCode::ERRCODE_INVALID_PARAMETER_VALUE, e.to_string(), e.hint()))
}

/// The bars of a plan: geo `geo`'s cells of a panel's allocation, or by default each channel
/// summed over geos (its responses added up draw by draw).
pub(super) fn allocation(report: &BudgetReport, channels: &[String], geo: Option<usize>, target: &str) -> String {
    let (now, then) = (&report.historical, &report.optimized);
    let n = channels.len();
    let spend = |o: &mmm_engine::optimize::Outcome, m: usize| match geo {
        Some(g) => o.budgets[g * n + m],
        None => o.budgets[m..].iter().step_by(n).sum(),
    };
    let response = |o: &mmm_engine::optimize::Outcome, m: usize| match geo {
        Some(g) => o.channels[g * n + m],
        None => o.by_channel[m],
    };
    let bars: Vec<AllocationBar> = (0..n)
        .map(|m| AllocationBar {
            channel: channels[m].clone(),
            current_spend: spend(now, m),
            optimized_spend: spend(then, m),
            current_response: response(now, m),
            optimized_response: response(then, m),
        })
        .collect();
    plot::allocation(&bars, target)
}

/// Intervals of the channel parameters and the noise scale, which share a scale of about 0-10:
/// of every geo, or of geo `geo` and those shared by all geos.
pub(super) fn posterior(fit: &Fit, geo: Option<&str>, hdi_prob: f64) -> String {
    let blocks = fit
        .model
        .space()
        .blocks()
        .filter(|b| b.name.starts_with("adstock_") || b.name.starts_with("saturation_") || b.name == "y_sigma");
    let mut rows = Vec::new();
    for block in blocks {
        let geo_dim = block.dims.iter().position(|d| d.name == "geo");
        for (j, i) in block.range().enumerate() {
            if let (Some(g), Some(at)) = (geo, geo_dim) {
                if block.labels(j)[at] != g {
                    continue;
                }
            }
            let label = match block.coordinate(j) {
                Some(c) => format!("{}[{c}]", block.name),
                None => block.name.clone(),
            };
            let draws: Vec<f64> = fit.trace.draws().map(|theta| theta[i]).collect();
            rows.push((label, Band::of(&draws, hdi_prob)));
        }
    }
    plot::posterior(&rows, hdi_prob)
}

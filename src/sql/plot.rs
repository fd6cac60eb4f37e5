//! `mmm_plot`: SVG pictures of a model, ready to save or to embed in a report.

use super::error::raise;
use super::model_ref;
use super::store::load_national;
use mmm_engine::inference::Fit;
use mmm_engine::optimize::curves::response_curve;
use mmm_engine::optimize::{Horizon, Planner, Utility};
use mmm_engine::plot::{self, AllocationBar, Band, Curve};
use mmm_engine::posterior::decomposition;
use pgrx::prelude::*;

const KINDS: &str = "response_curves, contributions, allocation, posterior";

#[pg_extern(stable, parallel_safe, name = "mmm_plot")]
fn mmm_plot_by_id(
    model: i64,
    kind: &str,
    budget: default!(Option<f64>, "NULL"),
    num_periods: default!(i32, 8),
    hdi_prob: default!(f64, 0.94),
) -> String {
    render(model_ref::by_id(model), kind, budget, num_periods, hdi_prob)
}

#[pg_extern(stable, parallel_safe, name = "mmm_plot")]
fn mmm_plot_by_name(
    model: &str,
    kind: &str,
    budget: default!(Option<f64>, "NULL"),
    num_periods: default!(i32, 8),
    hdi_prob: default!(f64, 0.94),
) -> String {
    render(model_ref::by_name(model), kind, budget, num_periods, hdi_prob)
}

/// The SVG document of one kind of picture.
fn render(id: i64, kind: &str, budget: Option<f64>, num_periods: i32, hdi_prob: f64) -> String {
    super::check_hdi_prob(hdi_prob);
    if !KINDS.split(", ").any(|k| k == kind) {
        raise(
            PgSqlErrorCode::ERRCODE_INVALID_PARAMETER_VALUE,
            format!("kind \"{kind}\" is not a plot kind"),
            &format!("kind accepts {KINDS}."),
        );
    }
    super::check_num_periods(num_periods);
    let fit = load_national(id, "mmm_plot");
    let target: String = Spi::get_one_with_args("SELECT target_column FROM mmm.models WHERE id = $1", &[id.into()])
        .expect("read mmm.models")
        .expect("target_column");
    match kind {
        "response_curves" => response_curves(&fit, &target, hdi_prob),
        "contributions" => contributions(&fit, &target, hdi_prob),
        "allocation" => allocation(&fit, &target, budget, num_periods as usize, hdi_prob),
        _ => posterior(&fit, hdi_prob),
    }
}

/// Each channel's curve up to 1.5 times its largest week, marking its mean weekly spend.
fn response_curves(fit: &Fit, target: &str, hdi_prob: f64) -> String {
    let curves: Vec<Curve> = (0..fit.panel.data[0].channels.len())
        .map(|m| {
            let points =
                response_curve(&fit.model, &fit.trace, m, 1.5 * fit.model.design.scales.channels[m], 60, hdi_prob);
            let spend = &fit.panel.data[0].channels[m];
            Curve {
                channel: fit.panel.data[0].channel_names[m].clone(),
                spend: points.iter().map(|p| p.spend).collect(),
                response: points.iter().map(|p| p.response).collect(),
                current_spend: Some(spend.iter().sum::<f64>() / spend.len() as f64),
            }
        })
        .collect();
    plot::response_curves(&curves, target)
}

/// The weekly decomposition (channels first, so they keep their colours) and the target.
fn contributions(fit: &Fit, target: &str, hdi_prob: f64) -> String {
    let mut components = decomposition(&fit.model, &fit.trace);
    components.sort_by_key(|c| c.group != "channels");
    let series: Vec<(String, Vec<f64>)> = components
        .iter()
        .map(|c| {
            (
                c.component.clone(),
                c.values.columns().into_iter().map(|col| Band::of(&col.to_vec(), hdi_prob).mean).collect(),
            )
        })
        .collect();
    let dates: Vec<String> = fit.panel.data[0].dates.iter().map(|d| d.to_string()).collect();
    plot::contributions(&dates, &series, &fit.panel.data[0].y, target)
}

/// The optimal allocation of `budget` (default: the historical mean weekly total) against the
/// historical mix of the last `num_periods` weeks, as `mmm_optimize_budget` reports them by
/// default (with carry-in).
fn allocation(fit: &Fit, target: &str, budget: Option<f64>, num_periods: usize, hdi_prob: f64) -> String {
    let budget = budget.unwrap_or_else(|| fit.panel.data[0].mean_weekly_spend());
    let report = Planner::new(fit, Horizon { num_periods, carry_in: true })
        .optimize(budget, None, Utility::Mean, hdi_prob)
        .unwrap_or_else(|e| raise(PgSqlErrorCode::ERRCODE_INVALID_PARAMETER_VALUE, e.to_string(), e.hint()));
    let (now, then) = (&report.historical, &report.optimized);
    let bars: Vec<AllocationBar> = (0..now.budgets.len())
        .map(|m| AllocationBar {
            channel: fit.panel.data[0].channel_names[m].clone(),
            current_spend: now.budgets[m],
            optimized_spend: then.budgets[m],
            current_response: now.channels[m],
            optimized_response: then.channels[m],
        })
        .collect();
    plot::allocation(&bars, target)
}

/// Intervals of the channel parameters and the noise scale, which share a scale of about 0-10.
fn posterior(fit: &Fit, hdi_prob: f64) -> String {
    let blocks = fit
        .model
        .space()
        .blocks()
        .filter(|b| b.name.starts_with("adstock_") || b.name.starts_with("saturation_") || b.name == "y_sigma");
    let mut rows = Vec::new();
    for block in blocks {
        for (j, i) in block.range().enumerate() {
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

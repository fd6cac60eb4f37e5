//! `mmm_report`: a model's one-page HTML report. Each part is computed by the function that
//! answers the matching SQL question (`mmm_summary`, `mmm_fit_metrics`, `mmm_roas`, `mmm_plot`,
//! the optimizer of `mmm_optimize_budget`); the catalog adds the verdict, the latest
//! monitoring run and the latest backtest; `report::model_page` lays them out.

use super::store::load;
use super::{decomposition, model_ref, plot, summary, versions};
use mmm_engine::posterior::{Band, FitMetrics};
use mmm_engine::report::{
    self, Backtest, BacktestFold, ChannelRoas, Charts, Diagnostics, ModelFacts, ModelReport, MonitorRun,
    ParameterSummary, Plan,
};
use pgrx::prelude::*;
use pgrx::JsonB;

/// Bands of the report, as the read functions' default.
const HDI_PROB: f64 = 0.94;
/// The allocation's horizon, as `mmm_optimize_budget`'s default.
const NUM_PERIODS: usize = 8;

/// The report of model `model` (its id).
#[pg_extern(stable, parallel_safe, name = "mmm_report")]
fn mmm_report_by_id(model: i64) -> String {
    render(model_ref::by_id(model), false)
}

/// The report of the named model's promoted version (its latest while none is promoted).
#[pg_extern(stable, parallel_safe, name = "mmm_report")]
fn mmm_report_by_name(model: &str) -> String {
    render(model_ref::by_name(model), true)
}

fn render(id: i64, by_name: bool) -> String {
    let fit = load(id);
    let (model, diagnostics, owner) = catalog(id, by_name, fit.panel.dates().len());
    let geos = plot::geos_of(&fit, None);
    // A panel's charts are of all geos together, and say so as mmm_plot's do.
    let chart = |document: String| match fit.panel.geos.is_empty() {
        true => document,
        false => mmm_engine::plot::scoped(document, "all geos"),
    };
    // Each section reads the whole posterior: a cancel is honoured between them.
    let plan = plot::plan(&fit, None, NUM_PERIODS, HDI_PROB);
    pgrx::check_for_interrupts!();
    let charts = Charts {
        contributions: chart(plot::contributions(&fit, &geos, &model.target, HDI_PROB)),
        response_curves: chart(plot::response_curves(&fit, &geos, &model.target, HDI_PROB)),
        posterior: chart(plot::posterior(&fit, None, HDI_PROB)),
    };
    pgrx::check_for_interrupts!();
    let report = ModelReport {
        fit: summary::fit_metrics_row(id)
            .into_iter()
            .map(|(r2, mape, nrmse, .., geo)| (geo, FitMetrics { r2, mape, nrmse }))
            .collect(),
        summary: summary::summary(id)
            .into_iter()
            .map(|(parameter, coordinate, mean, sd, hdi_lower, hdi_upper, _, _, ess_bulk, _, r_hat, geo)| {
                ParameterSummary { parameter, coordinate, geo, mean, sd, hdi_lower, hdi_upper, ess_bulk, r_hat }
            })
            .collect(),
        roas: decomposition::channel_roas(id, HDI_PROB)
            .into_iter()
            .map(|(channel, spend, c, c_lower, c_upper, r, r_lower, r_upper, geo)| ChannelRoas {
                geo,
                channel,
                spend,
                contribution: Band { mean: c, lower: c_lower, upper: c_upper },
                roas: Band { mean: r, lower: r_lower, upper: r_upper },
            })
            .collect(),
        hdi_prob: HDI_PROB,
        charts,
        plan: Plan {
            num_periods: NUM_PERIODS,
            chart: chart(plot::allocation(&plan, fit.panel.channel_names(), None, &model.target)),
            historical: plan.historical,
            optimized: plan.optimized,
        },
        monitor: latest_monitor_run(id),
        backtest: latest_backtest(&model.name, &owner),
        diagnostics,
        model,
    };
    report::render(&report::model_page(&report))
}

/// The version's catalog row, its verdict and the gates of its name's policy, and its owner.
fn catalog(id: i64, by_name: bool, weeks: usize) -> (ModelFacts, Diagnostics, String) {
    Spi::connect(|client| {
        let row = client
            .select(
                "SELECT name, version, promoted, date_trunc('second', created_at)::text, source, target_column,
                        first_date::text, last_date::text, coalesce(geos, '{}'), status, verdict_reason,
                        max_r_hat, min_ess_bulk, divergences, owner::text,
                        (SELECT policy FROM mmm.policies p WHERE p.owner = m.owner AND p.name = m.name)
                 FROM mmm.models m WHERE id = $1",
                Some(1),
                &[id.into()],
            )
            .expect("read mmm.models")
            .first();
        let text = |i: usize| row.get::<String>(i).expect("a text column").unwrap_or_default();
        let name = text(1);
        let policy: Option<JsonB> = row.get(16).expect("policy");
        let gates = versions::parse(&policy.map_or_else(|| serde_json::json!({}), |p| p.0)).gates;
        let model = ModelFacts {
            id,
            version: row.get(2).expect("version").expect("version is not null"),
            promoted: row.get(3).expect("promoted").expect("promoted is not null"),
            by_name,
            created_at: text(4),
            source: text(5),
            target: text(6),
            first_date: text(7),
            last_date: text(8),
            weeks,
            geos: row.get(9).expect("geos").expect("geos is not null"),
            name,
        };
        let diagnostics = Diagnostics {
            status: text(10),
            reason: row.get(11).expect("verdict_reason"),
            max_r_hat: row.get(12).expect("max_r_hat"),
            min_ess_bulk: row.get(13).expect("min_ess_bulk"),
            divergences: row.get::<i32>(14).expect("divergences").map(i64::from),
            gates,
        };
        (model, diagnostics, text(15))
    })
}

fn latest_monitor_run(id: i64) -> Option<MonitorRun> {
    Spi::connect(|client| {
        let rows = client
            .select(
                "SELECT date_trunc('second', at)::text, source, first_date::text, last_date::text, weeks, mape,
                        coverage, verdict, reason
                 FROM mmm.monitor_runs WHERE model_id = $1 ORDER BY id DESC LIMIT 1",
                Some(1),
                &[id.into()],
            )
            .expect("read mmm.monitor_runs");
        let row = rows.into_iter().next()?;
        let text = |i: usize| row.get::<String>(i).expect("a text column").unwrap_or_default();
        Some(MonitorRun {
            at: text(1),
            source: text(2),
            first_date: text(3),
            last_date: text(4),
            weeks: row.get::<i32>(5).expect("weeks").map_or(0, i64::from),
            mape: row.get(6).expect("mape").expect("mape is not null"),
            coverage: row.get(7).expect("coverage").expect("coverage is not null"),
            verdict: text(8),
            reason: row.get(9).expect("reason"),
        })
    })
}

/// The latest backtest named as the model, by the model's owner, with its folds by origin (a
/// panel's totals over geos).
fn latest_backtest(name: &str, owner: &str) -> Option<Backtest> {
    Spi::connect(|client| {
        let head = client
            .select(
                "SELECT id, date_trunc('second', created_at)::text FROM mmm.backtests
                 WHERE name = $1 AND owner::text = $2 ORDER BY created_at DESC, id DESC LIMIT 1",
                Some(1),
                &[name.into(), owner.into()],
            )
            .expect("read mmm.backtests");
        let head = head.into_iter().next()?;
        let id: i64 = head.get(1).expect("id").expect("id is not null");
        let created_at: String = head.get(2).expect("created_at").unwrap_or_default();
        // NULLs as NaN, which the report shows as a dash.
        let folds = client
            .select(
                "SELECT date::text, train_weeks::int8,
                        coalesce(budget, 'NaN')::float8, coalesce(equal_alloc, 'NaN')::float8,
                        coalesce(mmm_alloc, 'NaN')::float8, coalesce(actual_alloc, 'NaN')::float8,
                        coalesce(percentage_gain, 'NaN')::float8, coalesce(percentage_gain_vs_actual, 'NaN')::float8,
                        coalesce(holdout_mape, 'NaN')::float8, coalesce(holdout_coverage, 'NaN')::float8,
                        coalesce(mmm_alloc_final, 'NaN')::float8, coalesce(equal_alloc_final, 'NaN')::float8
                 FROM mmm.backtest_folds WHERE backtest_id = $1 AND geo IS NULL ORDER BY date",
                None,
                &[id.into()],
            )
            .expect("read mmm.backtest_folds")
            .map(|row| {
                let x = |i: usize| row.get::<f64>(i).expect("a float8 column").unwrap_or(f64::NAN);
                BacktestFold {
                    date: row.get(1).expect("date").unwrap_or_default(),
                    train_weeks: row.get(2).expect("train_weeks").unwrap_or(0),
                    budget: x(3),
                    equal_alloc: x(4),
                    mmm_alloc: x(5),
                    actual_alloc: x(6),
                    percentage_gain: x(7),
                    percentage_gain_vs_actual: x(8),
                    holdout_mape: x(9),
                    holdout_coverage: x(10),
                    mmm_alloc_final: x(11),
                    equal_alloc_final: x(12),
                }
            })
            .collect();
        Some(Backtest { id, created_at, folds })
    })
}

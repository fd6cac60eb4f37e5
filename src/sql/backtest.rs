//! `mmm_backtest`: a rolling backtest of budget plans. At each origin a model fitted on the rows
//! before it plans the horizon's actual budget; the plan, the equal split and the actual spend
//! are valued under that model and under the final model (all rows), and the horizon's forecast
//! is checked against the actual target. A panel's origin gives its total row and one row per
//! geo. The run and its rows are stored in `mmm.backtests` and `mmm.backtest_folds`;
//! `mmm_plot_backtest` draws them without refitting.

use super::args;
use super::error::raise;
use super::fit::{fit_panel, options, take_bool};
use super::json_arg::JsonArg;
use super::source::{self, qualified_name};
use super::store::{self, from_pg_date, to_pg_date, Provenance};
use mmm_engine::backtest::{evaluate, second_opinion, Fold, FoldReport, Values};
use mmm_engine::calendar::Date;
use mmm_engine::inference::Fit;
use mmm_engine::model::design::Panel;
use mmm_engine::optimize::Outcome;
use mmm_engine::plot::{self, Band};
use pgrx::datum::Interval;
use pgrx::prelude::*;
use pgrx::{JsonB, PgRelation};
use serde_json::{json, Map, Value};
use std::time::Instant;

/// Bands of the stored rows: the optimizer's and the monitor's 94%.
const HDI_PROB: f64 = 0.94;
/// Training weeks the default first origin leaves.
const DEFAULT_TRAIN_WEEKS: usize = 52;

type BacktestRow =
    (i64, pgrx::datum::Date, i32, f64, f64, f64, f64, f64, f64, f64, f64, f64, f64, Option<i64>, JsonB, Option<String>);

/// Backtests the budget plans of PyMC-Marketing's MMM on the rows of `source`: one row per
/// origin (`geo` NULL), the values summed over the geos of a panel, followed by one row per geo
/// of a panel.
// PARALLEL UNSAFE: stores the run, its rows and its models (mmm.backtests, mmm.models).
#[pg_extern(volatile, parallel_unsafe)]
#[allow(clippy::too_many_arguments)] // One per SQL argument; pgrx maps them one to one.
fn mmm_backtest(
    source: Option<PgRelation>,
    date_column: Option<&str>,
    target_column: Option<&str>,
    channel_columns: Option<Vec<Option<String>>>,
    control_columns: default!(Option<Vec<Option<String>>>, "'{}'"),
    config: default!(Option<JsonArg>, "'{}'"),
    start: default!(Option<pgrx::datum::Date>, "NULL"),
    refit_every: default!(Option<Interval>, "'6 months'"),
    horizon: default!(Option<Interval>, "'6 months'"),
    name: default!(Option<&str>, "NULL"),
    geo_column: default!(Option<&str>, "NULL"),
) -> TableIterator<
    'static,
    (
        name!(backtest_id, i64),
        name!(date, pgrx::datum::Date),
        name!(train_weeks, i32),
        name!(budget, f64),
        name!(equal_alloc, f64),
        name!(mmm_alloc, f64),
        name!(actual_alloc, f64),
        name!(percentage_gain, f64),
        name!(percentage_gain_vs_actual, f64),
        name!(holdout_mape, f64),
        name!(holdout_coverage, f64),
        name!(mmm_alloc_final, f64),
        name!(equal_alloc_final, f64),
        name!(model_id, Option<i64>),
        name!(allocation, JsonB),
        name!(geo, Option<String>),
    ),
> {
    let source = args::required(source, "source");
    let (date_column, target_column) =
        (args::required(date_column, "date_column"), args::required(target_column, "target_column"));
    let channel_columns = args::elements(channel_columns, "channel_columns");
    let control_columns = args::elements(control_columns, "control_columns");
    let config = args::required(config, "config").into_jsonb();
    let (refit_every, horizon) = (args::required(refit_every, "refit_every"), args::required(horizon, "horizon"));
    let (keep_models, fit_config) = take_keep_models(&config.0);
    let mut options = options(&fit_config);
    // One seed for every fold, recorded in the spec, so the whole run is reproducible.
    options.config = options.config.with_seed();
    let seed = options.config.sampler.seed.expect("with_seed fills the seed");
    let panel = source::read_panel(
        &source,
        date_column,
        geo_column,
        Some(target_column),
        &channel_columns,
        &control_columns,
        None,
    );
    let folds = folds(panel.dates(), start, refit_every, horizon);
    check_training_rows(&panel, &folds, target_column);
    let name = name.map_or_else(|| source.name().to_string(), str::to_string);
    let store_fit = |fit: &Fit, seconds: f64| {
        store::save(
            fit,
            &Provenance {
                name: format!("{name}/backtest"),
                source: qualified_name(&source),
                date_column: date_column.into(),
                target_column: target_column.into(),
                geo_column: geo_column.map(str::to_string),
                group_key: None,
                arguments: None,
                seconds,
                refit_of: None,
            },
        )
    };
    let fit = |rows: Panel| {
        let started = Instant::now();
        let fit = fit_panel(options.config.clone(), false, rows, target_column, None);
        let id = keep_models.then(|| store_fit(&fit, started.elapsed().as_secs_f64()));
        (fit, id)
    };

    let mut evaluated: Vec<(FoldReport, Option<i64>)> = Vec::new();
    for fold in folds {
        pg_sys::check_for_interrupts!();
        let (f, id) = fit(panel.rows(0..fold.origin));
        let report = super::cancel::optimizing(|| evaluate(&f, &panel, fold, HDI_PROB, seed))
            .unwrap_or_else(|e| raise(PgSqlErrorCode::ERRCODE_INVALID_PARAMETER_VALUE, e.to_string(), e.hint()));
        if options.progress {
            notice!(
                "mmm_backtest: origin {}, {} training weeks: gain {:.1}%, holdout MAPE {:.1}%",
                panel.dates()[fold.origin],
                fold.origin,
                100.0 * report.total.gain(),
                100.0 * report.total.holdout_mape
            );
        }
        evaluated.push((report, id));
    }
    pg_sys::check_for_interrupts!();
    let (last, final_id) = fit(panel);

    let spec = json!({
        "source": qualified_name(&source),
        "date_column": date_column,
        "target_column": target_column,
        "channel_columns": channel_columns,
        "control_columns": control_columns,
        "geo_column": geo_column,
        "config": options.config.to_json(),
        "keep_models": keep_models,
        "start": evaluated.first().map(|(r, _)| last.panel.dates()[r.fold.origin].to_string()),
        "refit_every": interval_text(&refit_every),
        "horizon": interval_text(&horizon),
    });
    let backtest_id = Spi::get_one_with_args::<i64>(
        "INSERT INTO mmm.backtests (name, spec, final_model_id) VALUES ($1, $2, $3) RETURNING id",
        &[name.clone().into(), JsonB(spec).into(), final_id.into()],
    )
    .expect("insert into mmm.backtests")
    .expect("RETURNING id");
    let rows: Vec<BacktestRow> = evaluated
        .iter()
        .flat_map(|(r, model_id)| {
            let later = second_opinion(&last, r.fold, &[&r.plans.mmm, &r.plans.equal], HDI_PROB);
            pgrx::check_for_interrupts!();
            let date = to_pg_date(last.panel.dates()[r.fold.origin]);
            fold_rows(r, &later)
                .into_iter()
                .map(|row| {
                    store_fold(backtest_id, date, r, &row, *model_id);
                    let v = row.values;
                    (
                        backtest_id,
                        date,
                        r.fold.origin as i32,
                        v.budget,
                        v.equal.mean,
                        v.mmm.mean,
                        v.actual.mean,
                        v.gain(),
                        v.gain_vs_actual(),
                        v.holdout_mape,
                        v.holdout_coverage,
                        row.later[0].mean,
                        row.later[1].mean,
                        *model_id,
                        JsonB(row.allocation),
                        row.geo.map(str::to_string),
                    )
                })
                .collect::<Vec<_>>()
        })
        .collect();
    TableIterator::new(rows)
}

/// One row of an origin: its total over every cell (`geo` None), or one geo's part.
struct FoldRow<'a> {
    geo: Option<&'a str>,
    values: &'a Values,
    /// The plan's and the equal split's responses under the final model.
    later: [Band; 2],
    allocation: Value,
}

/// The total row of a fold, then one row per geo of a panel; `later` holds the plan's and the
/// equal split's outcomes under the final model.
fn fold_rows<'a>(r: &'a FoldReport, later: &[Outcome]) -> Vec<FoldRow<'a>> {
    let total = FoldRow {
        geo: None,
        values: &r.total,
        later: [later[0].total, later[1].total],
        allocation: allocation(r, None),
    };
    let geos = r.geos.iter().enumerate().map(|(g, (geo, values))| FoldRow {
        geo: Some(geo.as_str()),
        values,
        later: [later[0].geos[g].response, later[1].geos[g].response],
        allocation: allocation(r, Some(geo.as_str())),
    });
    std::iter::once(total).chain(geos).collect()
}

/// Splits the backtest's own option `keep_models` (default true) off the fit's config.
fn take_keep_models(config: &Value) -> (bool, Value) {
    let mut config = config.clone();
    // A config that is not an object is refused by `options`, naming what it got.
    let keep = config.as_object_mut().is_none_or(|o| take_bool(o, "keep_models", true));
    (keep, config)
}

/// The folds: origins from `start` (default: the first date leaving 52 training weeks) every
/// `refit_every`, each planning the weeks in `[origin, origin + horizon)`, for as long as that
/// whole window lies within the data (its last week starts before the last date's week ends).
/// A last, shorter horizon is not run: it would compare plans over fewer weeks than the others.
fn folds(dates: &[Date], start: Option<pgrx::datum::Date>, refit_every: Interval, horizon: Interval) -> Vec<Fold> {
    let bad =
        |message: String, hint: &str| -> ! { raise(PgSqlErrorCode::ERRCODE_INVALID_PARAMETER_VALUE, message, hint) };
    if dates.is_empty() {
        raise(PgSqlErrorCode::ERRCODE_NO_DATA_FOUND, "the source has no rows".into(), "A backtest needs weekly rows.");
    }
    let start = match start {
        Some(s) => from_pg_date(s),
        None => *dates.get(DEFAULT_TRAIN_WEEKS).unwrap_or_else(|| {
            bad(
                format!("the source has {} weeks, too few for the default start", dates.len()),
                "start defaults to the first date leaving 52 weeks of training; pass an earlier start.",
            )
        }),
    };
    let train = dates.partition_point(|d| *d < start);
    if train < 1 {
        bad(
            format!("start = {start} leaves no week of training (the first date is {})", dates[0]),
            "Pass a start after the source's first date, e.g. a year after it.",
        );
    }
    let positive = |argument: &str, interval: &Interval| {
        let later =
            super::read::one::<bool>("SELECT $1 + $2 > $1::timestamp", &[to_pg_date(start).into(), (*interval).into()])
                .expect("compare intervals")
                .unwrap_or(false);
        if !later {
            bad(
                format!("{argument} = '{}' is not a positive interval", interval_text(interval)),
                &format!("{argument} accepts a positive interval, e.g. '6 months' or '13 weeks'."),
            );
        }
    };
    positive("refit_every", &refit_every);
    positive("horizon", &horizon);
    // A horizon plans whole weeks: one shorter than the rows' step holds no week at all.
    let a_week = super::read::one::<bool>(
        "SELECT $1 + $2 >= $1::timestamp + interval '7 days'",
        &[to_pg_date(start).into(), horizon.into()],
    )
    .expect("compare intervals")
    .unwrap_or(false);
    if !a_week {
        bad(
            format!("horizon = '{}' is shorter than one week, the data's step", interval_text(&horizon)),
            "The rows are weekly: horizon accepts an interval of a week or more, e.g. '13 weeks' or '6 months'.",
        );
    }
    let end_of_data = dates.last().expect("rows").plus_days(7);
    let windows: Vec<(pgrx::datum::Date, pgrx::datum::Date)> = Spi::connect(|client| {
        client
            .select(
                "SELECT o::date, (o + $4)::date FROM generate_series($1::timestamp, $2::timestamp, $3) o
                 WHERE o + $4 <= $2",
                None,
                &[to_pg_date(start).into(), to_pg_date(end_of_data).into(), refit_every.into(), horizon.into()],
            )
            .expect("origins")
            .map(|r| (r.get(1).unwrap().unwrap(), r.get(2).unwrap().unwrap()))
            .collect()
    });
    let folds: Vec<Fold> =
        windows.into_iter().filter_map(|(o, e)| Fold::of_dates(dates, from_pg_date(o), from_pg_date(e))).collect();
    if folds.is_empty() {
        bad(
            format!(
                "no origin from {start} has its whole horizon within the data (last date {})",
                end_of_data.plus_days(-7)
            ),
            "Pass an earlier start or a shorter horizon.",
        );
    }
    // Each origin moves to the first week on or after it: origins less than a week apart land
    // on one week, which would be fitted again and stored twice.
    if let Some(pair) = folds.windows(2).find(|pair| pair[0].origin == pair[1].origin) {
        bad(
            format!(
                "refit_every = '{}' puts two origins in the week of {}",
                interval_text(&refit_every),
                dates[pair[0].origin]
            ),
            "The rows are weekly: refit_every accepts an interval of a week or more, e.g. '1 month'.",
        );
    }
    folds
}

/// Each fold's training rows can be fitted (a channel with spend, a target that varies, ...),
/// checked before any fold is sampled: an ERROR names the first fold that cannot, rather than
/// the fit's message without it after the earlier folds were sampled.
fn check_training_rows(panel: &Panel, folds: &[Fold], target_column: &str) {
    for (k, fold) in folds.iter().enumerate() {
        if let Err(e) = panel.rows(0..fold.origin).validate(target_column, 1) {
            raise(
                PgSqlErrorCode::ERRCODE_DATA_EXCEPTION,
                format!("fold {} (origin {}, {} training weeks): {e}", k + 1, panel.dates()[fold.origin], fold.origin),
                &format!("{} Or pass a later start, so that every fold trains on enough data.", e.hint()),
            );
        }
    }
}

fn interval_text(interval: &Interval) -> String {
    super::read::one::<String>("SELECT $1::text", &[(*interval).into()]).expect("interval as text").expect("not NULL")
}

/// The plan's weekly budget per channel, `{"tv": 1200.5}`, or per geo and channel for a panel,
/// `{"north": {"tv": 600.2}}`, of every geo or of `geo` alone.
fn allocation(r: &FoldReport, geo: Option<&str>) -> Value {
    let mut out = Map::new();
    let cells = r.cells.iter().zip(&r.plans.mmm).filter(|(cell, _)| geo.is_none() || cell.geo.as_deref() == geo);
    for (cell, budget) in cells {
        match &cell.geo {
            None => {
                out.insert(cell.channel.clone(), json!(budget));
            }
            Some(g) => {
                let geo = out.entry(g.clone()).or_insert_with(|| json!({}));
                geo.as_object_mut().expect("an object").insert(cell.channel.clone(), json!(budget));
            }
        }
    }
    Value::Object(out)
}

fn store_fold(backtest_id: i64, date: pgrx::datum::Date, r: &FoldReport, row: &FoldRow, model_id: Option<i64>) {
    let v = row.values;
    Spi::run_with_args(
        "INSERT INTO mmm.backtest_folds (backtest_id, date, train_weeks, budget, equal_alloc, mmm_alloc,
             actual_alloc, percentage_gain, percentage_gain_vs_actual, holdout_mape, holdout_coverage,
             mmm_alloc_final, equal_alloc_final, model_id, allocation, mmm_alloc_lower, mmm_alloc_upper,
             equal_alloc_lower, equal_alloc_upper, horizon_weeks, geo)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21)",
        &[
            backtest_id.into(),
            date.into(),
            (r.fold.origin as i32).into(),
            v.budget.into(),
            v.equal.mean.into(),
            v.mmm.mean.into(),
            v.actual.mean.into(),
            v.gain().into(),
            v.gain_vs_actual().into(),
            v.holdout_mape.into(),
            v.holdout_coverage.into(),
            row.later[0].mean.into(),
            row.later[1].mean.into(),
            model_id.into(),
            JsonB(row.allocation.clone()).into(),
            v.mmm.lower.into(),
            v.mmm.upper.into(),
            v.equal.lower.into(),
            v.equal.upper.into(),
            ((r.fold.end - r.fold.origin) as i32).into(),
            row.geo.into(),
        ],
    )
    .expect("insert into mmm.backtest_folds");
}

/// The rolling gain and holdout MAPE of a stored backtest, over its origins, as SVG: its totals,
/// or those of `geo` of a panel. A function of its own: `mmm_plot(bigint, ...)` reads its
/// number as a model id.
#[pg_extern(stable, parallel_safe)]
fn mmm_plot_backtest(backtest_id: Option<i64>, geo: default!(Option<&str>, "NULL")) -> String {
    let backtest_id = args::required(backtest_id, "backtest_id");
    let name = match super::read::one::<String>("SELECT name FROM mmm.backtests WHERE id = $1", &[backtest_id.into()]) {
        Err(pgrx::spi::SpiError::InvalidPosition) => None,
        found => found.expect("read mmm.backtests"),
    };
    let name = name.unwrap_or_else(|| {
        raise(
            PgSqlErrorCode::ERRCODE_NO_DATA_FOUND,
            format!("backtest {backtest_id} does not exist or is not visible to the current role"),
            "SELECT id, name FROM mmm.backtests lists the backtests you can see.",
        )
    });
    let geos: Vec<String> = Spi::connect(|client| {
        client
            .select(
                "SELECT DISTINCT geo FROM mmm.backtest_folds WHERE backtest_id = $1 AND geo IS NOT NULL ORDER BY geo",
                None,
                &[backtest_id.into()],
            )
            .expect("read mmm.backtest_folds")
            .map(|r| r.get::<String>(1).expect("geo").expect("not NULL"))
            .collect()
    });
    let scope = match geo {
        None if geos.is_empty() => name,
        None => format!("{name}, all geos"),
        Some(g) if geos.is_empty() => raise(
            PgSqlErrorCode::ERRCODE_INVALID_PARAMETER_VALUE,
            format!("geo \"{g}\" was given but backtest {backtest_id} is national (no geo column)"),
            "geo selects one geo of a backtest run with geo_column; leave it NULL for the totals.",
        ),
        Some(g) if !geos.iter().any(|x| x == g) => raise(
            PgSqlErrorCode::ERRCODE_INVALID_PARAMETER_VALUE,
            format!("geo \"{g}\" is not a geo of backtest {backtest_id}"),
            &format!("geo accepts one of {}, or NULL for the totals over geos.", geos.join(", ")),
        ),
        Some(g) => format!("{name}, {g}"),
    };
    let origins: Vec<plot::BacktestOrigin> = Spi::connect(|client| {
        client
            .select(
                "SELECT date::text, percentage_gain, mmm_alloc_lower / equal_alloc - 1,
                        mmm_alloc_upper / equal_alloc - 1, holdout_mape
                 FROM mmm.backtest_folds WHERE backtest_id = $1 AND geo IS NOT DISTINCT FROM $2 ORDER BY date",
                None,
                &[backtest_id.into(), geo.into()],
            )
            .expect("read mmm.backtest_folds")
            .map(|r| {
                let number = |i: usize| r.get::<f64>(i).expect("a float8").unwrap_or(f64::NAN);
                plot::BacktestOrigin {
                    date: r.get::<String>(1).expect("date").unwrap_or_default(),
                    gain: Band { mean: number(2), lower: number(3), upper: number(4) },
                    holdout_mape: number(5),
                }
            })
            .collect()
    });
    plot::scoped(plot::backtest(&origins), &scope)
}

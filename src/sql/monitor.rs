//! `mmm_monitor`: how a model's forecast held up against the weeks that came after its
//! training weeks, recorded in `mmm.monitor_runs`; the view `mmm_model_health` (sql/catalog.sql)
//! shows each model's latest verdict. A panel is checked per (geo, week), per geo and over all
//! of them (the verdict's rule is in `posterior/monitor.rs`); its run records the overall MAPE
//! and coverage, and a reason that names each geo that drifted.

use super::error::raise;
use super::model_ref;
use super::predict::forecast_after_training;
use super::source::read_panel;
use super::store::{load, to_pg_date};
use mmm_engine::model::design::Panel;
use mmm_engine::model::Dataset;
use mmm_engine::posterior::monitor::{monitor_panel, Check, Thresholds};
use pgrx::prelude::*;
use pgrx::{JsonB, PgRelation};

type MonitorRow =
    (Option<pgrx::datum::Date>, i32, f64, f64, f64, f64, f64, f64, Option<String>, Option<String>, Option<String>);

/// `mmm_monitor` for `model bigint` and `model text`, as `by_model!` declares the read
/// functions, but VOLATILE: each call records a run. Not STRICT (`source` may be NULL), so a
/// NULL model is checked here.
macro_rules! overloads {
    ($($function:ident($model:ty) => $lookup:path),*) => {$(
        // PARALLEL UNSAFE: records the run in mmm.monitor_runs.
        #[pg_extern(volatile, parallel_unsafe, name = "mmm_monitor")]
        fn $function(
            model: Option<$model>,
            source: default!(Option<PgRelation>, "NULL"),
        ) -> TableIterator<
            'static,
            (
                name!(date, Option<pgrx::datum::Date>),
                name!(weeks, i32),
                name!(actual, f64),
                name!(predicted, f64),
                name!(pred_lower, f64),
                name!(pred_upper, f64),
                name!(mape, f64),
                name!(coverage, f64),
                name!(verdict, Option<String>),
                name!(reason, Option<String>),
                name!(geo, Option<String>),
            ),
        > {
            let Some(model) = model else {
                raise(PgSqlErrorCode::ERRCODE_NULL_VALUE_NOT_ALLOWED, "model is NULL".into(), "Pass a model id or name.")
            };
            TableIterator::new(monitor_run($lookup(model), source))
        }
    )*};
}
overloads!(mmm_monitor_by_id(i64) => model_ref::by_id, mmm_monitor_by_name(&str) => model_ref::by_name);

/// What the catalog says of model `id`.
struct Stored {
    owner: String,
    name: String,
    date_column: String,
    geo_column: Option<String>,
    target_column: String,
    source: String,
    group_key: Option<String>,
}

fn stored(id: i64) -> Stored {
    Spi::connect(|client| {
        let row = client
            .select(
                "SELECT owner::text, name, date_column, target_column, source, group_key, geo_column
                 FROM mmm.models WHERE id = $1",
                Some(1),
                &[id.into()],
            )
            .expect("read mmm.models")
            .first();
        let text = |i: usize| row.get::<String>(i).expect("a text column");
        Stored {
            owner: text(1).expect("owner"),
            name: text(2).expect("name"),
            date_column: text(3).expect("date_column"),
            target_column: text(4).expect("target_column"),
            source: text(5).expect("source"),
            group_key: text(6),
            geo_column: text(7),
        }
    })
}

/// The table the model was fitted on. Its name is stored quoted and schema-qualified, and is
/// resolved by `to_regclass` (never pasted into SQL); a model of `mmm_fit_agg` saw one group's
/// rows of a query, which no stored name gives back.
fn stored_source(model: &Stored) -> PgRelation {
    if let Some(group) = &model.group_key {
        raise(
            PgSqlErrorCode::ERRCODE_INVALID_PARAMETER_VALUE,
            format!("model \"{}\" was fitted by mmm_fit_agg on group \"{group}\" of a query: source cannot default to it", model.name),
            &format!(
                "Pass source => a table or view of that group's weekly rows with columns \"{}\", \"{}\" and the model's channels and controls.",
                model.date_column, model.target_column
            ),
        )
    }
    PgRelation::open_with_name_and_share_lock(&model.source).unwrap_or_else(|_| {
        raise(
            PgSqlErrorCode::ERRCODE_UNDEFINED_TABLE,
            format!("source {} of model \"{}\" does not exist any more", model.source, model.name),
            "Pass source => the table that now holds the model's weekly rows.",
        )
    })
}

/// The monitoring thresholds of the policy of the model's name, else the defaults.
fn thresholds(model: &Stored) -> Thresholds {
    // No row, or a policy without "monitor": the defaults.
    let policy = super::read::one::<JsonB>(
        "SELECT policy -> 'monitor' FROM mmm.policies WHERE owner = $1 AND name = $2",
        &[model.owner.clone().into(), model.name.clone().into()],
    )
    .ok()
    .flatten();
    policy.map_or_else(Thresholds::default, |p| {
        Thresholds::from_json(&p.0).unwrap_or_else(|e| {
            raise(
                PgSqlErrorCode::ERRCODE_INVALID_PARAMETER_VALUE,
                format!("{e} (policy of \"{}\")", model.name),
                &e.hint(),
            )
        })
    })
}

/// The rows of `rows` after `last`.
fn weeks_after(rows: Dataset, last: mmm_engine::calendar::Date) -> Dataset {
    let mut after = Dataset::empty(rows.channel_names.clone(), rows.control_names.clone());
    for t in (0..rows.dates.len()).filter(|&t| rows.dates[t] > last) {
        after.push(rows.dates[t], rows.y[t], rows.channels.iter().map(|x| x[t]), rows.controls.iter().map(|z| z[t]));
    }
    after
}

/// The source's geos in the model's order, each geo of the model there and no other.
fn in_model_order(source: Panel, geos: &[String], name: &str) -> Panel {
    if let Some(unknown) = source.geos.iter().find(|g| !geos.contains(g)) {
        raise(
            PgSqlErrorCode::ERRCODE_INVALID_PARAMETER_VALUE,
            format!("source \"{name}\" has geo \"{unknown}\", which the model was not fitted on"),
            "Monitor the model's geos only: pass source => a view of their rows.",
        );
    }
    let data = geos
        .iter()
        .map(|geo| match source.geos.iter().position(|g| g == geo) {
            Some(g) => source.data[g].clone(),
            None => raise(
                PgSqlErrorCode::ERRCODE_INVALID_PARAMETER_VALUE,
                format!("source \"{name}\" has no rows for geo \"{geo}\""),
                "A panel is monitored over all its geos: give every geo the new weeks.",
            ),
        })
        .collect();
    Panel { geos: geos.to_vec(), data }
}

/// Forecasts the weeks of `source` after the model's training weeks (per geo of a panel; the
/// source has the model's geo column), compares them with their actual target, records the
/// run, and returns one row per (geo, week), for a panel one total row per geo, and the
/// overall total row.
fn monitor_run(id: i64, source: Option<PgRelation>) -> Vec<MonitorRow> {
    let fit = load(id);
    let model = stored(id);
    let source = source.unwrap_or_else(|| stored_source(&model));
    let (channels, controls) = (fit.panel.channel_names(), fit.panel.control_names());
    let geo = model.geo_column.as_deref();
    let rows = read_panel(&source, &model.date_column, geo, Some(&model.target_column), channels, controls, None);
    let rows = if geo.is_some() { in_model_order(rows, &fit.panel.geos, source.name()) } else { rows };
    let dates = fit.panel.dates();
    let last = dates[dates.len() - 1];
    let after = Panel { geos: rows.geos, data: rows.data.into_iter().map(|d| weeks_after(d, last)).collect() };
    if after.dates().is_empty() {
        raise(
            PgSqlErrorCode::ERRCODE_NO_DATA_FOUND,
            format!("source \"{}\" has no week after the model's last training week {last}", source.name()),
            "Monitor once new weeks have arrived, or pass source => the table that holds them.",
        );
    }
    let forecast = forecast_after_training(
        &fit,
        &after,
        "source after training",
        "source must hold the weeks right after the training weeks, without a gap.",
    );
    let thresholds = thresholds(&model);
    let actual: Vec<f64> = after.data.iter().flat_map(|d| d.y.iter().copied()).collect();
    let report = monitor_panel(&forecast, &actual, &after.geos, &thresholds);
    let verdict = report.verdict.as_str().to_string();
    let reason = report.verdict.reason().map(str::to_string);
    let new_dates = after.dates();
    Spi::run_with_args(
        "INSERT INTO mmm.monitor_runs (model_id, source, first_date, last_date, weeks, mape, coverage, verdict, reason, thresholds)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        &[
            id.into(),
            super::source::qualified_name(&source).into(),
            to_pg_date(new_dates[0]).into(),
            to_pg_date(new_dates[new_dates.len() - 1]).into(),
            (report.total.weeks as i32).into(),
            report.total.mape.into(),
            report.total.coverage.into(),
            verdict.clone().into(),
            reason.clone().into(),
            JsonB(serde_json::to_value(thresholds).expect("thresholds are JSON")).into(),
        ],
    )
    .expect("insert into mmm.monitor_runs");
    let row = |date: Option<pgrx::datum::Date>,
               c: &Check,
               verdict: Option<String>,
               reason: Option<String>,
               geo: Option<&String>| {
        let p = c.predicted;
        (date, c.weeks as i32, c.actual, p.mean, p.lower, p.upper, c.mape, c.coverage, verdict, reason, geo.cloned())
    };
    let weeks = report.weeks.iter().enumerate().map(|(i, c)| {
        let (g, t) = (i / new_dates.len(), i % new_dates.len());
        row(Some(to_pg_date(new_dates[t])), c, None, None, after.geos.get(g))
    });
    let geos = report.geos.iter().map(|g| {
        row(None, &g.check, Some(g.verdict.as_str().to_string()), g.verdict.reason().map(str::to_string), Some(&g.geo))
    });
    weeks.chain(geos).chain(std::iter::once(row(None, &report.total, Some(verdict), reason, None))).collect()
}

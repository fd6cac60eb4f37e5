//! `mmm_fit`: one model over a table, and `mmm_fit_agg`: one model per group.

use super::error::{raise, raise_fit};
use super::store::{self, Provenance};
use mmm_engine::inference::FitConfig;
use mmm_engine::inference::{self, Control, Progress};
use mmm_engine::model::Dataset;
use pgrx::prelude::*;
use pgrx::{JsonB, PgRelation};
use std::time::Instant;

/// `"name"` with embedded quotes doubled: the only way a caller's text enters SQL.
pub fn quote_ident(s: &str) -> String {
    format!("\"{}\"", s.replace('"', "\"\""))
}

/// Splits the SQL layer's own keys off the engine config: `progress` (NOTICE lines, default
/// true) and, for the aggregate, `channel_names` and `control_names`.
struct Options {
    config: FitConfig,
    progress: bool,
    channel_names: Option<Vec<String>>,
    control_names: Option<Vec<String>>,
}

fn options(config: &serde_json::Value) -> Options {
    let Some(obj) = config.as_object() else {
        raise(
            PgSqlErrorCode::ERRCODE_INVALID_PARAMETER_VALUE,
            format!("config must be a JSON object, got {config}"),
            "For example '{\"seed\": 7}'.",
        )
    };
    let mut engine = obj.clone();
    let mut take_bool = |key: &str| match engine.remove(key) {
        None => true,
        Some(serde_json::Value::Bool(b)) => b,
        Some(other) => raise(
            PgSqlErrorCode::ERRCODE_INVALID_PARAMETER_VALUE,
            format!("config key \"{key}\" must be true or false, got {other}"),
            "For example '{\"progress\": false}'.",
        ),
    };
    let progress = take_bool("progress");
    let mut take_names = |key: &str| {
        engine.remove(key).map(|v| {
            serde_json::from_value::<Vec<String>>(v.clone()).unwrap_or_else(|_| {
                raise(
                    PgSqlErrorCode::ERRCODE_INVALID_PARAMETER_VALUE,
                    format!("config key \"{key}\" must be an array of names, got {v}"),
                    "For example '{\"channel_names\": [\"tv\", \"radio\"]}'.",
                )
            })
        })
    };
    let channel_names = take_names("channel_names");
    let control_names = take_names("control_names");
    let config = FitConfig::from_json(&serde_json::Value::Object(engine)).unwrap_or_else(|e| raise_fit(e.into()));
    Options { config, progress, channel_names, control_names }
}

/// Fits with interrupts forwarded to the sampler and progress as NOTICE lines, then stores.
fn fit_and_store(
    options: Options,
    data: Dataset,
    target_name: &str,
    provenance: impl FnOnce(f64) -> Provenance,
) -> i64 {
    let started = Instant::now();
    let mut next_report = 0.1;
    let progress = options.progress;
    let on_progress = |p: Progress| {
        // A cancel request, statement_timeout or termination; other interrupts (catch-up,
        // barriers) are left for PostgreSQL to process after the fit.
        // SAFETY: plain reads of flags PostgreSQL's signal handlers set.
        let cancel = unsafe {
            std::ptr::read_volatile(&raw const pg_sys::QueryCancelPending) != 0
                || std::ptr::read_volatile(&raw const pg_sys::ProcDiePending) != 0
        };
        if cancel {
            return Control::Cancel;
        }
        let share = p.done as f64 / p.total as f64;
        if progress && share >= next_report {
            notice!("mmm_fit: {:.0}% of {} iterations, {} divergences", share * 100.0, p.total, p.divergences);
            next_report += 0.1;
        }
        Control::Continue
    };
    let fit = inference::fit(options.config, data, target_name, on_progress).unwrap_or_else(|e| raise_fit(e));
    store::save(&fit, &provenance(started.elapsed().as_secs_f64()))
}

/// Fits PyMC-Marketing's MMM to the weekly rows of `source` and stores it; returns its id.
#[pg_extern(volatile, parallel_unsafe)]
fn mmm_fit(
    source: PgRelation,
    date_column: &str,
    target_column: &str,
    channel_columns: Vec<String>,
    control_columns: default!(Vec<String>, "'{}'"),
    config: default!(JsonB, "'{}'"),
    name: default!(Option<&str>, "NULL"),
) -> i64 {
    let options = options(&config.0);
    let relation = format!("{}.{}", quote_ident(source.namespace()), quote_ident(source.name()));
    check_columns(&source, date_column, Some(target_column), &channel_columns, &control_columns);
    let data = read_rows(&relation, date_column, Some(target_column), &channel_columns, &control_columns);
    let name = name.map_or_else(|| source.name().to_string(), str::to_string);
    fit_and_store(options, data, target_column, |seconds| Provenance {
        name,
        source: relation.clone(),
        date_column: date_column.into(),
        target_column: target_column.into(),
        seconds,
    })
}

/// Every named column exists, the date column holds dates and the others numbers.
pub fn check_columns(source: &PgRelation, date: &str, target: Option<&str>, channels: &[String], controls: &[String]) {
    if channels.is_empty() {
        raise(
            PgSqlErrorCode::ERRCODE_INVALID_PARAMETER_VALUE,
            "channel_columns is empty".into(),
            "Name at least one spend column, e.g. ARRAY['tv', 'radio'].",
        );
    }
    let columns: Vec<(String, String, String)> = Spi::connect(|client| {
        client
            .select(
                "SELECT a.attname::text, t.typcategory::text, format_type(a.atttypid, a.atttypmod)
                 FROM pg_attribute a JOIN pg_type t ON t.oid = a.atttypid
                 WHERE a.attrelid = $1 AND a.attnum > 0 AND NOT a.attisdropped",
                None,
                &[source.oid().into()],
            )
            .expect("read pg_attribute")
            .map(|r| (r.get(1).unwrap().unwrap(), r.get(2).unwrap().unwrap(), r.get(3).unwrap().unwrap()))
            .collect()
    });
    let numeric = target
        .map(|t| ("target_column", t))
        .into_iter()
        .chain(channels.iter().map(|c| ("channel_columns", c.as_str())))
        .chain(controls.iter().map(|c| ("control_columns", c.as_str())));
    for (argument, column, category) in
        std::iter::once(("date_column", date, "D")).chain(numeric.map(|(a, c)| (a, c, "N")))
    {
        match columns.iter().find(|(name, _, _)| name == column) {
            None => raise(
                PgSqlErrorCode::ERRCODE_UNDEFINED_COLUMN,
                format!("column \"{column}\" ({argument}) does not exist in relation \"{}\"", source.name()),
                "Column names are case-sensitive here; pass them as they appear in \\d.",
            ),
            Some((_, cat, ty)) if cat != category => raise(
                PgSqlErrorCode::ERRCODE_DATATYPE_MISMATCH,
                format!("column \"{column}\" ({argument}) has type {ty}"),
                if category == "D" {
                    "The date column must be of type date or timestamp."
                } else {
                    "Spend, target and control columns must be numeric."
                },
            ),
            Some(_) => {}
        }
    }
}

/// Reads the rows through SPI as the calling role, so its privileges apply. Without a target
/// (new weeks to predict) `y` is left at zero.
pub fn read_rows(
    relation: &str,
    date: &str,
    target: Option<&str>,
    channels: &[String],
    controls: &[String],
) -> Dataset {
    let numeric: Vec<&str> = target.into_iter().chain(channels.iter().chain(controls).map(String::as_str)).collect();
    let select: Vec<String> = std::iter::once(format!("{}::date", quote_ident(date)))
        .chain(numeric.iter().map(|c| format!("{}::float8", quote_ident(c))))
        .collect();
    let query = format!("SELECT {} FROM {relation}", select.join(", "));
    let mut data = Dataset::empty(channels.to_vec(), controls.to_vec());
    Spi::connect(|client| {
        for row in client.select(&query, None, &[]).expect("read source rows") {
            let Some(d) = row.get::<pgrx::datum::Date>(1).expect("date") else {
                raise(
                    PgSqlErrorCode::ERRCODE_NULL_VALUE_NOT_ALLOWED,
                    format!("date column \"{date}\" has a NULL"),
                    "Every row needs its week's date.",
                )
            };
            let d = store::from_pg_date(d);
            let mut values = numeric.iter().enumerate().map(|(i, column)| {
                row.get::<f64>(i + 2).expect("numeric column").unwrap_or_else(|| {
                    raise(
                        PgSqlErrorCode::ERRCODE_NULL_VALUE_NOT_ALLOWED,
                        format!("column \"{column}\" is NULL on {d}"),
                        "Replace missing values, e.g. coalesce(spend, 0) in a view over the table.",
                    )
                })
            });
            let y = if target.is_some() { values.next().expect("target") } else { 0.0 };
            let values: Vec<f64> = values.collect();
            let (channel_values, control_values) = values.split_at(channels.len());
            data.push(d, y, channel_values.iter().copied(), control_values.iter().copied());
        }
    });
    data
}

/// Final function of `mmm_fit_agg`: fits one group's collected rows and stores the model,
/// named by the group key.
#[pg_extern(volatile, parallel_unsafe, name = "mmm_fit_agg_final")]
fn fit_agg_final(state: Option<JsonB>) -> Option<i64> {
    let state = state?.0;
    let options = options(&state["config"]);
    let rows = state["rows"].as_array().cloned().unwrap_or_default();
    let width = |i: usize| rows.first().and_then(|r| r[i].as_array()).map_or(0, Vec::len);
    let names = |given: &Option<Vec<String>>, prefix: &str, n: usize| {
        let names = given.clone().unwrap_or_else(|| (1..=n).map(|i| format!("{prefix}_{i}")).collect());
        if names.len() != n {
            raise(
                PgSqlErrorCode::ERRCODE_INVALID_PARAMETER_VALUE,
                format!("{prefix}_names has {} names for {n} columns", names.len()),
                "Give one name per array element.",
            );
        }
        names
    };
    let channel_names = names(&options.channel_names, "channel", width(2));
    let control_names = names(&options.control_names, "control", width(3));
    let mut data = Dataset::empty(channel_names, control_names);
    for row in &rows {
        let date = row[0].as_str().and_then(mmm_engine::calendar::Date::parse);
        let values = |i: usize| -> Vec<Option<f64>> {
            row[i].as_array().map(|a| a.iter().map(serde_json::Value::as_f64).collect()).unwrap_or_default()
        };
        let (Some(date), Some(y)) = (date, row[1].as_f64()) else {
            raise(
                PgSqlErrorCode::ERRCODE_NULL_VALUE_NOT_ALLOWED,
                "mmm_fit_agg: a row has a NULL date or target".into(),
                "Filter or fill NULLs before aggregating.",
            )
        };
        let (channels, controls) = (values(2), values(3));
        if channels.len() != data.channels.len()
            || controls.len() != data.controls.len()
            || channels.iter().chain(&controls).any(Option::is_none)
        {
            raise(
                PgSqlErrorCode::ERRCODE_NULL_VALUE_NOT_ALLOWED,
                format!("mmm_fit_agg: the row of {date} has NULL or missing channel or control values"),
                "Every row needs the same number of non-NULL channels and controls.",
            );
        }
        data.push(date, y, channels.into_iter().flatten(), controls.into_iter().flatten());
    }
    let name = state["name"].as_str().unwrap_or("group").to_string();
    Some(fit_and_store(options, data, "target", |seconds| Provenance {
        name,
        source: "mmm_fit_agg".into(),
        date_column: "week".into(),
        target_column: "target".into(),
        seconds,
    }))
}

extension_sql!(
    r#"
CREATE FUNCTION mmm.mmm_fit_agg_step(state jsonb, group_key anyelement, week date, target float8,
                                     channels float8[], controls float8[], config jsonb)
RETURNS jsonb LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT jsonb_set(
        coalesce(state, jsonb_build_object('name', group_key::text, 'config', coalesce(config, '{}'), 'rows', '[]'::jsonb)),
        '{rows}',
        coalesce(state -> 'rows', '[]'::jsonb) || jsonb_build_array(jsonb_build_array(week, target, channels, coalesce(controls, '{}'))))
$$;

CREATE AGGREGATE mmm_fit_agg(group_key anyelement, week date, target float8, channels float8[],
                             controls float8[], config jsonb) (
    SFUNC = mmm.mmm_fit_agg_step,
    STYPE = jsonb,
    FINALFUNC = mmm_fit_agg_final
);
COMMENT ON AGGREGATE mmm_fit_agg(anyelement, date, float8, float8[], float8[], jsonb) IS
    'Fits one model per group (GROUP BY the key); the model is named by the group key';
-- CREATE AGGREGATE records every aggregate as immutable, and the planner drops an immutable
-- aggregate whose result nobody reads (SELECT count(*) FROM (SELECT mmm_fit_agg(...) ...)):
-- the fits, which write models, would silently not happen. Mark it volatile.
UPDATE pg_catalog.pg_proc SET provolatile = 'v'
WHERE oid = 'mmm_fit_agg(anyelement, date, float8, float8[], float8[], jsonb)'::pg_catalog.regprocedure;
"#,
    name = "fit_agg",
    requires = [fit_agg_final]
);

#[cfg(feature = "pg_test")]
#[pg_schema]
mod tests {
    use mmm_engine::inference::{fit, Control, FitConfig};
    use pgrx::prelude::*;

    #[pg_test]
    fn sql_fit_stores_exactly_the_engines_draws() {
        Spi::run(
            "CREATE TABLE w AS SELECT date AS week, y, (spend ->> 'tv')::float8 AS tv, (spend ->> 'social')::float8 AS social
             FROM mmm_simulate('tv_social_search', seed => 2)",
        )
        .unwrap();
        let id = Spi::get_one::<i64>(
            r#"SELECT mmm_fit('w', 'week', 'y', ARRAY['tv', 'social'], config => '{"chains": 2, "tune": 100, "draws": 50, "seed": 9, "progress": false}')"#,
        )
        .unwrap()
        .unwrap();
        let stored = super::super::store::load(id);
        let channels = ["tv".to_string(), "social".to_string()];
        let data = super::read_rows("\"public\".\"w\"", "week", Some("y"), &channels, &[]);
        let config = FitConfig { spec: stored.model.spec.clone(), sampler: stored.sampler };
        let engine = fit(config, data, "y", |_| Control::Continue).unwrap();
        assert_eq!(engine.trace.dim, stored.trace.dim);
        for (a, b) in engine.trace.chains.iter().zip(&stored.trace.chains) {
            assert_eq!(a.values, b.values);
        }
    }

    #[pg_test(error = "column \"nope\" (channel_columns) does not exist in relation \"w2\"")]
    fn missing_column_is_an_error() {
        Spi::run("CREATE TABLE w2 (week date, y float8)").unwrap();
        Spi::run("SELECT mmm_fit('w2', 'week', 'y', ARRAY['nope'])").unwrap();
    }
}

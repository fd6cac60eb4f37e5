//! `mmm_fit`: one model over a table, and `mmm_fit_agg`: one model per group.

use super::args;
use super::error::{raise, raise_fit};
use super::json_arg::JsonArg;
use super::limits;
use super::source::{self, Labels, Rows};
use super::store::{self, Provenance};
use mmm_engine::inference::FitConfig;
use mmm_engine::inference::{self, Control, Fit, Progress, Start, WarmStart};
use mmm_engine::model::design::Panel;
use pgrx::prelude::*;
use pgrx::{PgList, PgRelation, PgTryBuilder};
use std::time::Instant;

/// Splits the SQL layer's own keys off the engine config: `progress` (NOTICE lines, default
/// true) and `prior_only` (see [`fit_options`]); the aggregate's `channel_names` and
/// `control_names` are split off by [`agg_options`] alone, so that they are unknown keys, an
/// ERROR naming them, wherever the columns already name the channels.
pub struct Options {
    pub config: FitConfig,
    pub progress: bool,
    /// Draws from the priors alone instead of fitting (`"prior_only": true`).
    pub prior_only: bool,
}

/// Removes the SQL layer's own true/false option `key` from `config`: its value, or `default`.
pub fn take_bool(config: &mut serde_json::Map<String, serde_json::Value>, key: &str, default: bool) -> bool {
    match config.remove(key) {
        None => default,
        Some(serde_json::Value::Bool(b)) => b,
        Some(other) => raise(
            PgSqlErrorCode::ERRCODE_INVALID_PARAMETER_VALUE,
            format!("config key \"{key}\" must be true or false, got {other}"),
            &format!("For example '{{\"{key}\": {}}}'.", !default),
        ),
    }
}

pub fn options(config: &serde_json::Value) -> Options {
    let Some(obj) = config.as_object() else {
        raise(
            PgSqlErrorCode::ERRCODE_INVALID_PARAMETER_VALUE,
            format!("config must be a JSON object, got {config}"),
            "For example '{\"seed\": 7}'.",
        )
    };
    let mut engine = obj.clone();
    let progress = take_bool(&mut engine, "progress", true);
    let config = FitConfig::from_json(&serde_json::Value::Object(engine)).unwrap_or_else(|e| raise_fit(e.into()));
    let (chains, draws) = (config.sampler.chains, config.sampler.draws);
    if chains * draws > limits::MAX_KEPT_DRAWS {
        raise(
            PgSqlErrorCode::ERRCODE_PROGRAM_LIMIT_EXCEEDED,
            format!(
                "config keys \"chains\" × \"draws\" = {chains} × {draws} = {} kept draws, more than {}",
                chains * draws,
                limits::MAX_KEPT_DRAWS
            ),
            &format!(
                "Pass fewer chains or draws: a fit keeps at most {} draws in all, e.g. 4 chains of 1000.",
                limits::MAX_KEPT_DRAWS
            ),
        );
    }
    Options { config, progress, prior_only: false }
}

/// [`options`] of `mmm_fit` and `mmm_fit_agg`, which also take `"prior_only"` (default false):
/// the model is stored with draws from its priors alone. Elsewhere (`mmm_refit`,
/// `mmm_backtest`) the key is unknown, an ERROR naming it.
pub fn fit_options(config: &serde_json::Value) -> Options {
    let mut config = config.clone();
    let prior_only = config.as_object_mut().is_some_and(|obj| take_bool(obj, "prior_only", false));
    Options { prior_only, ..options(&config) }
}

/// [`fit_options`] of `mmm_fit_agg`, whose rows are arrays: the config keys `channel_names` and
/// `control_names` name their elements (`None` when absent).
fn agg_options(config: &serde_json::Value) -> (Options, Option<Vec<String>>, Option<Vec<String>>) {
    let mut config = config.clone();
    let mut take_names = |key: &str| {
        let v = config.as_object_mut()?.remove(key)?;
        Some(serde_json::from_value::<Vec<String>>(v.clone()).unwrap_or_else(|_| {
            raise(
                PgSqlErrorCode::ERRCODE_INVALID_PARAMETER_VALUE,
                format!("config key \"{key}\" must be an array of names, got {v}"),
                "For example '{\"channel_names\": [\"tv\", \"radio\"]}'.",
            )
        }))
    };
    let (channel_names, control_names) = (take_names("channel_names"), take_names("control_names"));
    (fit_options(&config), channel_names, control_names)
}

/// Fits with interrupts forwarded to the sampler and progress as NOTICE lines, then stores.
pub fn fit_and_store(
    options: Options,
    data: Panel,
    target_name: &str,
    provenance: impl FnOnce(f64) -> Provenance,
) -> i64 {
    fit_and_store_from(options, data, target_name, None, provenance)
}

/// [`fit_and_store`] warm-started from `warm` (`mmm_refit`), with a NOTICE when the engine
/// falls back to a cold start.
pub fn fit_and_store_from(
    options: Options,
    data: Panel,
    target_name: &str,
    warm: Option<WarmStart>,
    provenance: impl FnOnce(f64) -> Provenance,
) -> i64 {
    let started = Instant::now();
    let fit = if options.prior_only {
        require_rows(&data);
        inference::prior_only(options.config, data, target_name).unwrap_or_else(|e| raise_fit(e))
    } else {
        fit_panel(options.config, options.progress, data, target_name, warm)
    };
    if let Start::Fallback(reason) = &fit.start {
        notice!("mmm_refit: started cold: {reason}");
    }
    store::save(&fit, &provenance(started.elapsed().as_secs_f64()))
}

/// Fits without storing, with interrupts forwarded to the sampler and, with `progress`, NOTICE
/// lines every tenth of the iterations.
pub fn fit_panel(config: FitConfig, progress: bool, data: Panel, target_name: &str, warm: Option<WarmStart>) -> Fit {
    let mut next_report = 0.1;
    let on_progress = |p: Progress| {
        if super::cancel::requested() {
            return Control::Cancel;
        }
        let share = p.done as f64 / p.total as f64;
        if progress && share >= next_report {
            notice!("mmm_fit: {:.0}% of {} iterations, {} divergences", share * 100.0, p.total, p.divergences);
            next_report += 0.1;
        }
        Control::Continue
    };
    require_rows(&data);
    inference::fit_from(config, data, target_name, warm, on_progress).unwrap_or_else(|e| raise_fit(e))
}

/// A source without rows is said to be one, before the checks of its columns (which would find
/// every channel "zero in every row").
fn require_rows(data: &Panel) {
    if data.series() == 0 || data.data.iter().all(|d| d.dates.is_empty()) {
        raise(
            PgSqlErrorCode::ERRCODE_NO_DATA_FOUND,
            "the source has no rows".into(),
            "A fit needs one row per week (per geo for a panel, every geo on every date): check the table, or the query that fills it.",
        );
    }
}

/// Fits PyMC-Marketing's MMM to the weekly rows of `source` and stores it; returns its id.
/// With `geo_column`, the rows are a panel, one per (date, geo), and the model is one over all
/// geos (PyMC-Marketing's `MMM(dims=("geo",))`). With `events`, a table of `(name,
/// start_date, end_date)`, each event adds a Gaussian bump around its window. With `lift_tests`,
/// a table of `(channel, x, delta_x, delta_y, sigma)` (and the geo column in a panel), each
/// experiment adds a likelihood term on the model's lift (PyMC-Marketing's
/// `add_lift_test_measurements`). With `cost_calibration`, a table of `(channel, value, sigma)`
/// (and the geo column in a panel), each row's measured cost per target (or ROAS, by the
/// config's `calibration_target`) over the training window adds a likelihood term
/// (PyMC-Marketing's `add_cost_per_target_calibration`). With `cost_per_unit`, a table of `(date, channel,
/// cost_per_unit)` (and the geo column in a panel), channels measured in impressions or GRPs
/// are fitted on their units while every answer speaks money (constant costs are the config key
/// `cost_per_unit`).
/// With `"prior_only": true` in `config`, nothing is fitted to the
/// target: the model stores `chains × draws` draws from its priors alone (PyMC's
/// `sample_prior_predictive`), read like any model's and checked by `mmm_prior_check`, and
/// never promoted.
// PARALLEL UNSAFE: stores the model (mmm.models and its rows), which no parallel worker may.
#[pg_extern(volatile, parallel_unsafe)]
#[allow(clippy::too_many_arguments)] // One per SQL argument; pgrx maps them one to one.
fn mmm_fit(
    source: Option<PgRelation>,
    date_column: Option<&str>,
    target_column: Option<&str>,
    channel_columns: Option<Vec<Option<String>>>,
    control_columns: default!(Option<Vec<Option<String>>>, "'{}'"),
    config: default!(Option<JsonArg>, "'{}'"),
    name: default!(Option<&str>, "NULL"),
    geo_column: default!(Option<&str>, "NULL"),
    events: default!(Option<PgRelation>, "NULL"),
    lift_tests: default!(Option<PgRelation>, "NULL"),
    cost_calibration: default!(Option<PgRelation>, "NULL"),
    cost_per_unit: default!(Option<PgRelation>, "NULL"),
) -> i64 {
    let source = args::required(source, "source");
    let (date_column, target_column) =
        (args::required(date_column, "date_column"), args::required(target_column, "target_column"));
    let channel_columns = args::elements(channel_columns, "channel_columns");
    let control_columns = args::elements(control_columns, "control_columns");
    let config = args::required(config, "config").into_jsonb();
    let mut options = fit_options(&config.0);
    if let Some(events) = &events {
        options.config.spec.events = source::read_events(events);
    }
    let data = source::read_panel(
        &source,
        date_column,
        geo_column,
        Some(target_column),
        &channel_columns,
        &control_columns,
        None,
    );
    if let Some(lift_tests) = &lift_tests {
        let spec = &mut options.config.spec;
        let (cells, dates) = ((data.channel_names(), &data.geos[..]), spec.time_varying_media.then(|| data.dates()));
        spec.lift_tests = super::lift_tests::read(lift_tests, geo_column, cells, spec.lift_likelihood, dates);
    }
    if let Some(rows) = &cost_calibration {
        options.config.spec.cost_calibration =
            super::cost_calibration::read(rows, geo_column, data.channel_names(), &data.geos);
    }
    if let Some(costs) = &cost_per_unit {
        options.config.spec.cost_table = source::read_costs(costs, geo_column);
    }
    let name = name.map_or_else(|| source.name().to_string(), str::to_string);
    fit_and_store(options, data, target_column, |seconds| Provenance {
        name,
        source: source::qualified_name(&source),
        date_column: date_column.into(),
        target_column: target_column.into(),
        geo_column: geo_column.map(str::to_string),
        group_key: None,
        arguments: None,
        seconds,
        refit_of: None,
    })
}

/// Final function of `mmm_fit_agg`: fits one group's collected rows and stores the model,
/// named by the group key.
// PARALLEL UNSAFE: stores the group's model.
#[pg_extern(volatile, parallel_unsafe, name = "mmm_fit_agg_final")]
fn fit_agg_final(state: Option<JsonArg>, fcinfo: pg_sys::FunctionCallInfo) -> Option<i64> {
    let state = state?.0;
    // The step function starts the state with the first row's key as text: NULL for a NULL key.
    let Some(name) = state["name"].as_str().map(str::to_string) else {
        raise(
            PgSqlErrorCode::ERRCODE_NULL_VALUE_NOT_ALLOWED,
            "mmm_fit_agg: group_key is NULL".into(),
            "The group key names the model: filter the rows without one (WHERE key IS NOT NULL) or label them.",
        )
    };
    let (options, given_channels, given_controls) = agg_options(&state["config"]);
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
    let (n_channels, n_controls) = (width(2), width(3));
    if n_channels == 0 {
        raise(
            PgSqlErrorCode::ERRCODE_INVALID_PARAMETER_VALUE,
            "mmm_fit_agg: channels is empty".into(),
            "Pass each row's spend as an array of at least one channel, e.g. ARRAY[tv, radio].",
        );
    }
    limits::check_length("channels", n_channels, limits::MAX_COLUMNS);
    limits::check_length("controls", n_controls, limits::MAX_COLUMNS);
    let channel_names = names(&given_channels, "channel", n_channels);
    let control_names = names(&given_controls, "control", n_controls);
    let named = channel_names.iter().map(|n| ("channel_names", n.as_str()));
    source::require_distinct(
        named.chain(control_names.iter().map(|n| ("control_names", n.as_str()))),
        "name",
        "Each channel and control needs a name of its own.",
    );
    let element = |argument: &str, n: usize| (1..=n).map(|i| format!("{argument}[{i}]")).collect::<Vec<_>>();
    let labels = Labels {
        geo: None,
        date: "week".into(),
        target: Some("target".into()),
        values: [element("channels", n_channels), element("controls", n_controls)].concat(),
    };
    let mut data = Rows::new(channel_names, control_names, labels);
    for row in &rows {
        let date = row[0].as_str().and_then(mmm_engine::calendar::Date::parse);
        let values = |i: usize| row[i].as_array().map(|a| a.iter().map(serde_json::Value::as_f64).collect::<Vec<_>>());
        let (channels, controls) = (values(2).unwrap_or_default(), values(3).unwrap_or_default());
        if channels.len() != n_channels || controls.len() != n_controls {
            raise(
                PgSqlErrorCode::ERRCODE_ARRAY_ELEMENT_ERROR,
                format!(
                    "mmm_fit_agg: the row of {} has {} channels and {} controls, the group's first row {n_channels} and {n_controls}",
                    row[0].as_str().unwrap_or("NULL"),
                    channels.len(),
                    controls.len()
                ),
                "Every row of a group needs arrays of the same length.",
            );
        }
        data.push(date, row[1].as_f64(), channels.into_iter().chain(controls));
    }
    let caller = caller_arguments(fcinfo);
    let argument = |key: &str, default: &str| {
        caller.as_ref().and_then(|c| c.arguments.get(key)).and_then(|v| v.as_str()).unwrap_or(default).to_string()
    };
    let (date_column, target_column) = (argument("week", "week"), argument("target", "target"));
    let source =
        caller.as_ref().filter(|c| !c.relations.is_empty()).map_or("mmm_fit_agg".into(), |c| c.relations.join(", "));
    Some(fit_and_store(options, data.into_dataset().into(), "target", |seconds| Provenance {
        name: name.clone(),
        source,
        date_column,
        target_column,
        geo_column: None,
        group_key: Some(name),
        arguments: caller.map(|c| serde_json::Value::Object(c.arguments)),
        seconds,
        refit_of: None,
    }))
}

/// What the caller of `mmm_fit_agg` passed: the relations its query reads and each argument's
/// expression, deparsed as EXPLAIN VERBOSE shows them.
struct CallerArguments {
    relations: Vec<String>,
    arguments: serde_json::Map<String, serde_json::Value>,
}

/// The aggregate's arguments as written by the caller; `None` where the executor does not say
/// (e.g. `mmm_fit_agg` used as a window function) or deparsing fails.
fn caller_arguments(fcinfo: pg_sys::FunctionCallInfo) -> Option<CallerArguments> {
    const NAMES: [&str; 6] = ["group_key", "week", "target", "channels", "controls", "config"];
    // SAFETY: fcinfo is this call's, and AggGetAggref checks that it comes from an Agg node, whose
    // AggState (fcinfo->context) holds the executor state and the plan the Aggref belongs to.
    // deparse_* are the functions EXPLAIN VERBOSE uses on the same structures; their ERRORs are
    // caught and mean "not known".
    let deparse = || unsafe {
        let aggref = pg_sys::AggGetAggref(fcinfo);
        let context = (*fcinfo).context;
        if aggref.is_null() || context.is_null() || !pgrx::is_a(context, pg_sys::NodeTag::T_AggState) {
            return None;
        }
        let agg = context.cast::<pg_sys::AggState>();
        let planned = (*(*agg).ss.ps.state).es_plannedstmt;
        let rtable = PgList::<pg_sys::RangeTblEntry>::from_pg((*planned).rtable);
        let mut all = std::ptr::null_mut();
        for i in 1..=rtable.len() as i32 {
            all = pg_sys::bms_add_member(all, i);
        }
        let names = pg_sys::select_rtable_names_for_explain((*planned).rtable, all);
        let dpcontext = pg_sys::deparse_context_for_plan_tree(planned, names);
        let dpcontext = pg_sys::set_deparse_context_plan(dpcontext, (*agg).ss.ps.plan, std::ptr::null_mut());
        let arguments = PgList::<pg_sys::TargetEntry>::from_pg((*aggref).args)
            .iter_ptr()
            .zip(NAMES)
            .filter(|(_, name)| *name != "config")
            .map(|(entry, name)| {
                let text = pg_sys::deparse_expression((*entry).expr.cast(), dpcontext, false, false);
                (name.to_string(), std::ffi::CStr::from_ptr(text).to_string_lossy().into_owned().into())
            })
            .collect();
        let mut relations = Vec::new();
        for rte in rtable.iter_ptr() {
            if (*rte).rtekind != pg_sys::RTEKind::RTE_RELATION {
                continue;
            }
            let relid = (*rte).relid;
            let (namespace, relation) =
                (pg_sys::get_namespace_name(pg_sys::get_rel_namespace(relid)), pg_sys::get_rel_name(relid));
            if namespace.is_null() || relation.is_null() {
                continue;
            }
            let text = |p: *mut std::ffi::c_char| std::ffi::CStr::from_ptr(p).to_string_lossy().into_owned();
            let name = format!("{}.{}", source::quote_ident(&text(namespace)), source::quote_ident(&text(relation)));
            if !relations.contains(&name) {
                relations.push(name);
            }
        }
        Some(CallerArguments { relations, arguments })
    };
    PgTryBuilder::new(deparse).catch_others(|_| None).execute()
}

extension_sql_file!("../../sql/fit_agg.sql", name = "fit_agg", requires = [fit_agg_final]);

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
        let w = pgrx::PgRelation::open_with_name_and_share_lock("w").unwrap();
        let data = super::source::read_panel(&w, "week", None, Some("y"), &channels, &[], None);
        let config = FitConfig { spec: stored.model.spec.clone(), sampler: stored.sampler };
        let engine = fit(config, data, "y", |_| Control::Continue).unwrap();
        assert_eq!(engine.trace.dim, stored.trace.dim);
        for (a, b) in engine.trace.chains.iter().zip(&stored.trace.chains) {
            assert_eq!(a.values, b.values);
        }
    }

    /// A panel read back from the catalog is the panel the engine fits, with the same draws.
    #[pg_test]
    fn sql_panel_fit_stores_exactly_the_engines_draws() {
        Spi::run(
            "CREATE TABLE pw AS SELECT geo AS region, date AS week, y, (spend ->> 'tv')::float8 AS tv
             FROM mmm_simulate_panel('geo_panel', seed => 2, geos => 2, weeks => 40)",
        )
        .unwrap();
        let id = Spi::get_one::<i64>(
            r#"SELECT mmm_fit('pw', 'week', 'y', ARRAY['tv'], geo_column => 'region',
                 config => '{"chains": 2, "tune": 60, "draws": 30, "seed": 4, "progress": false,
                             "scaling": {"target": "per_geo", "channel": "global"}}')"#,
        )
        .unwrap()
        .unwrap();
        let stored = super::super::store::load(id);
        let w = pgrx::PgRelation::open_with_name_and_share_lock("pw").unwrap();
        let data = super::source::read_panel(&w, "week", Some("region"), Some("y"), &["tv".to_string()], &[], None);
        assert_eq!(stored.panel, data);
        assert_eq!(stored.panel.geos, ["geo_01", "geo_02"]);
        let config = FitConfig { spec: stored.model.spec.clone(), sampler: stored.sampler };
        let engine = fit(config, data, "y", |_| Control::Continue).unwrap();
        assert_eq!(engine.model.design.scales, stored.model.design.scales);
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

//! `mmm_refit`: a model name's stored specification fitted again on the current rows of its
//! stored source, as the name's next version.

use super::error::{raise, raise_fit};
use super::fit::{self, fit_and_store_from};
use super::model_ref;
use super::source;
use super::store::{self, Provenance};
use mmm_engine::inference::{Adaptation, WarmStart};
use mmm_engine::model::spec::parameter_space;
use pgrx::prelude::*;
use pgrx::{JsonB, PgRelation};
use serde_json::Value;

/// Fits the specification of the model `name` reads (its promoted version; see `mmm_models`)
/// again: the same source table, columns, model keys, resolved priors and sampler settings (seed
/// included), events, lift tests, cost calibration rows and costs per unit, on the source's current rows (those dated up to `through` when given), as the
/// calling role. `config` replaces stored keys (`{"draws": 2000}`; a `priors` key replaces the
/// stored priors block by block). `"warm_start": true` starts each chain near where the
/// version's chain ended, with its adapted step size, and tunes 300 draws (or the stored `tune`
/// if smaller, or the config's `tune`); a version without a stored adaptation (fitted before
/// 0.4.0) or over another parameter space refits cold with a NOTICE. The new version records
/// `refit_of` (and `warm_start` in `sampler`) and is judged and promoted like any fit. Returns
/// its id.
// PARALLEL UNSAFE: stores the new version and may promote it.
#[pg_extern(volatile, parallel_unsafe)]
fn mmm_refit(
    name: Option<&str>,
    through: default!(Option<pgrx::datum::Date>, "NULL"),
    config: default!(Option<super::json_arg::JsonArg>, "'{}'"),
) -> i64 {
    let (name, config) = (super::args::required(name, "name"), super::args::required(config, "config").into_jsonb());
    let id = model_ref::by_name(name);
    super::versions::refuse_prior_only(id, "refitted");
    let stored = super::read::one::<JsonB>(
        "SELECT jsonb_build_object('source', source, 'date_column', date_column, 'target_column', target_column,
                'channel_columns', channel_columns, 'control_columns', control_columns, 'spec', spec,
                'priors', priors, 'group_key', group_key, 'geo_column', geo_column, 'geos', geos,
                'version', version, 'adaptation', adaptation)
         FROM mmm.models WHERE id = $1",
        &[id.into()],
    )
    .expect("read mmm.models")
    .expect("the model's row")
    .0;
    if !stored["group_key"].is_null() {
        raise(
            PgSqlErrorCode::ERRCODE_FEATURE_NOT_SUPPORTED,
            format!("model \"{name}\" was fitted by mmm_fit_agg, whose rows come from a query mmm_refit cannot rerun"),
            "Run the mmm_fit_agg query again: each group's fit adds a version.",
        );
    }
    let text = |key: &str| stored[key].as_str().expect("a text column").to_string();
    let names = |key: &str| serde_json::from_value::<Vec<String>>(stored[key].clone()).expect("a text[] column");
    let (source_name, date_column, target_column) = (text("source"), text("date_column"), text("target_column"));
    let (channels, controls) = (names("channel_columns"), names("control_columns"));
    let geo_column = stored["geo_column"].as_str().map(str::to_string);
    // The stored name is quoted and schema-qualified; to_regclass parses it as a name, never as
    // SQL.
    let relation = PgRelation::open_with_name_and_share_lock(&source_name).unwrap_or_else(|_| {
        raise(
            PgSqlErrorCode::ERRCODE_UNDEFINED_TABLE,
            format!("source {source_name} of model \"{name}\" does not exist"),
            "mmm_refit reads the table the model was fitted on: restore it, or fit anew with mmm_fit.",
        )
    });

    let Some(overrides) = config.0.as_object() else {
        raise(
            PgSqlErrorCode::ERRCODE_INVALID_PARAMETER_VALUE,
            format!("config must be a JSON object, got {}", config.0),
            "For example '{\"draws\": 2000}'.",
        )
    };
    let mut overrides = overrides.clone();
    let warm_start = fit::take_bool(&mut overrides, "warm_start", false);
    let mut merged = stored["spec"].as_object().expect("spec is an object").clone();
    merged.extend(overrides.iter().filter(|(k, _)| *k != "priors").map(|(k, v)| (k.clone(), v.clone())));
    let mut options = fit::options(&Value::Object(merged));
    // The events stored with the version, before its priors are matched to its parameters.
    options.config.spec.events = store::events_of(id);
    // The cost table stored with the version: its rows must cover the weeks the refit adds
    // (constant costs are spec keys and apply to any week).
    options.config.spec.cost_table = store::costs_of(id);
    // A panel keeps its stored spec's priors (see store::read); a national model takes its
    // stored resolved priors.
    let mut priors = match geo_column {
        Some(_) => options.config.spec.priors.clone(),
        None => {
            let space =
                parameter_space(&options.config.spec, &channels, &controls).unwrap_or_else(|e| raise_fit(e.into()));
            store::prior_overrides(id, &stored["priors"], &space)
        }
    };
    if let Some(given) = overrides.get("priors") {
        let Some(given) = given.as_object() else {
            raise(
                PgSqlErrorCode::ERRCODE_INVALID_PARAMETER_VALUE,
                format!("config key \"priors\" must be an object, got {given}"),
                "For example '{\"priors\": {\"intercept\": {\"dist\": \"Normal\", \"mu\": 0, \"sigma\": 1}}}'.",
            )
        };
        priors.extend(given.iter().map(|(k, v)| (k.clone(), v.clone())));
    }
    options.config.spec.priors = priors;

    let data = source::read_panel(
        &relation,
        &date_column,
        geo_column.as_deref(),
        Some(&target_column),
        &channels,
        &controls,
        through,
    );
    // The lift tests stored with the version, over the geos of the source's current rows.
    let spec = &mut options.config.spec;
    let dates = spec.time_varying_media.then(|| data.dates());
    spec.lift_tests = super::lift_tests::stored(id).tests((&channels, &data.geos), spec.lift_likelihood, dates);
    spec.cost_calibration = super::cost_calibration::stored(id).rows(&channels, &data.geos);
    if data.data.iter().all(|d| d.dates.is_empty()) {
        raise(
            PgSqlErrorCode::ERRCODE_NO_DATA_FOUND,
            format!(
                "source {source_name} of model \"{name}\" has no rows{}",
                through.map_or(String::new(), |d| format!(" up to {d}"))
            ),
            "mmm_refit fits the source's current rows; through => NULL takes them all.",
        );
    }
    let adaptation = warm_start.then(|| previous_adaptation(name, &stored));
    let warm = adaptation.as_ref().map(|adaptation| WarmStart {
        adaptation: adaptation.as_ref().map_err(String::as_str),
        tune: overrides.contains_key("tune").then_some(options.config.sampler.tune),
    });
    fit_and_store_from(options, data, &target_column.clone(), warm, |seconds| Provenance {
        name: name.to_string(),
        source: source::qualified_name(&relation),
        date_column,
        target_column,
        geo_column,
        group_key: None,
        arguments: None,
        seconds,
        refit_of: Some(id),
    })
}

/// The stored adaptation a warm start begins from, or why the version has none.
fn previous_adaptation(name: &str, stored: &Value) -> Result<Adaptation, String> {
    let version = &stored["version"];
    match &stored["adaptation"] {
        Value::Null => {
            Err(format!("version {version} of \"{name}\" has no stored adaptation (it was fitted before pg_mmm 0.4.0)"))
        }
        given => serde_json::from_value(given.clone())
            .map_err(|e| format!("version {version} of \"{name}\" has an unreadable stored adaptation: {e}")),
    }
}

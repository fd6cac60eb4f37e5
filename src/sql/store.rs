//! Writing a fit into the catalog and reading it back, through SPI with parameters only.

use super::error::raise;
use super::versions;
use mmm_engine::calendar::Date;
use mmm_engine::inference::health::{Health, Status};
use mmm_engine::inference::sampler::{ChainTrace, Trace};
use mmm_engine::inference::FitConfig;
use mmm_engine::inference::{Fit, Start};
use mmm_engine::model::costs::CostRow;
use mmm_engine::model::design::Panel;
use mmm_engine::model::events::Event;
use mmm_engine::model::spec::SPEC_VERSION;
use mmm_engine::model::{Dataset, Model, ModelSpec, ParameterSpace, Scales};
use pgrx::datum::DatumWithOid;
use pgrx::prelude::*;
use pgrx::JsonB;
use serde_json::json;
use std::cell::RefCell;
use std::collections::{BTreeMap, HashMap};
use std::rc::Rc;
use std::sync::Arc;

/// Days between the Unix epoch and PostgreSQL's (2000-01-01).
const PG_EPOCH_DAYS: i32 = 10_957;

pub fn to_pg_date(d: Date) -> pgrx::datum::Date {
    pgrx::datum::Date::saturating_from_raw(d.0 - PG_EPOCH_DAYS)
}

pub fn from_pg_date(d: pgrx::datum::Date) -> Date {
    Date(d.to_unix_epoch_days())
}

/// Where a fit's data came from, as recorded with it.
pub struct Provenance {
    pub name: String,
    pub source: String,
    pub date_column: String,
    pub target_column: String,
    /// `mmm_fit(..., geo_column)`: the column whose values name the geos of a panel.
    pub geo_column: Option<String>,
    /// `mmm_fit_agg`: the group's key, and the caller's expression for each argument.
    pub group_key: Option<String>,
    pub arguments: Option<serde_json::Value>,
    pub seconds: f64,
    /// `mmm_refit`: the version the refit started from.
    pub refit_of: Option<i64>,
}

/// A scalar parameter's labels in the catalog: its block's name, its geo and its coordinate
/// (each `None` when the block has no such dim).
type Label<'a> = (&'a str, Option<&'a str>, Option<String>);

/// Every scalar parameter in vector order with its labels and its position.
fn parameters(model: &Model) -> impl Iterator<Item = (Label<'_>, usize)> {
    model
        .space()
        .blocks()
        .flat_map(|b| (0..b.len()).map(move |i| ((b.name.as_str(), b.geo(i), b.coordinate(i)), b.handle().index(i))))
}

/// The resolved prior of every parameter, by block: `{"adstock_alpha": [prior per coordinate]}`.
fn priors_json(model: &Model) -> serde_json::Value {
    let priors: serde_json::Map<String, serde_json::Value> = model
        .space()
        .blocks()
        .filter(|b| !b.is_empty())
        .map(|b| {
            let per: Vec<_> = b.priors.iter().map(|p| p.to_json()).collect();
            (b.name.clone(), json!(per))
        })
        .collect();
    serde_json::Value::Object(priors)
}

/// The stored priors as the config's prior overrides, so a model is rebuilt (or refitted) with
/// the priors it was fitted with, whatever today's defaults are. `space` gives each block's
/// coordinates.
pub fn prior_overrides(
    id: i64,
    stored: &serde_json::Value,
    space: &ParameterSpace,
) -> BTreeMap<String, serde_json::Value> {
    let corrupt = |what: String| -> ! {
        raise(PgSqlErrorCode::ERRCODE_DATA_CORRUPTED, format!("model {id}: stored priors {what}"), "Refit the model.")
    };
    let Some(stored) = stored.as_object() else { corrupt("are not a JSON object".into()) };
    stored
        .iter()
        .map(|(name, per)| {
            let Some(block) = space.find(name) else {
                corrupt(format!("name {name}, which is not a parameter of its spec"))
            };
            let per = per
                .as_array()
                .filter(|p| p.len() == block.len())
                .unwrap_or_else(|| corrupt(format!("of {name} do not match its {} coordinates", block.len())));
            let coordinates: Option<Vec<String>> = (0..block.len()).map(|i| block.coordinate(i)).collect();
            let value = match coordinates {
                Some(coordinates) => {
                    serde_json::Value::Object(coordinates.into_iter().zip(per.iter().cloned()).collect())
                }
                None => per[0].clone(),
            };
            (name.clone(), value)
        })
        .collect()
}

/// Why a prior-only model (`"prior_only": true`) has its status: no gate applies to draws that
/// were never fitted, and such a model is never promoted.
const PRIOR_ONLY_REASON: &str = "prior draws only: nothing was fitted to the target, so it is never promoted";

/// Inserts the model, its draws and its training rows as the name's next version, judged by the
/// name's policy: promoted when it passes the health gates, and older unpromoted versions beyond
/// `keep_versions` removed. A prior-only model has status `prior_only` and no health figures.
/// Returns the new model id.
pub fn save(fit: &Fit, p: &Provenance) -> i64 {
    let model = &fit.model;
    let stats = fit.trace.sampler_stats();
    // Versions of one (owner, name) are numbered in commit order: a concurrent fit of the same
    // name waits here and then, reading with a new snapshot, sees this one's version.
    versions::lock_name(&current_user(), &p.name);
    let policy = versions::policy_of(&p.name);
    let prior_only = fit.start == Start::Prior;
    let health = (!prior_only).then(|| Health::judge(&fit.trace, &policy.gates));
    let (status, reason) = match &health {
        Some(h) => (h.status.as_str(), h.reason(&policy.gates)),
        None => ("prior_only", PRIOR_ONLY_REASON.to_string()),
    };
    let panel = &fit.panel;
    let (dates, channel_names) = (panel.dates(), panel.channel_names());
    let sampler = json!({
        "divergences": stats.divergences,
        "max_treedepth_hits": stats.max_treedepth_hits,
        "bfmi": stats.bfmi,
        "step_sizes": stats.step_sizes,
        "mean_tree_depth": stats.mean_tree_depth,
    });
    let sampler = with_start(sampler, &fit.start);
    let args: Vec<DatumWithOid> = vec![
        p.name.clone().into(),
        p.source.clone().into(),
        p.date_column.clone().into(),
        p.target_column.clone().into(),
        channel_names.to_vec().into(),
        panel.control_names().to_vec().into(),
        JsonB(FitConfig { spec: model.spec.clone(), sampler: fit.sampler }.to_json()).into(),
        JsonB(priors_json(model)).into(),
        JsonB(scales_json(&model.design.scales, panel)).into(),
        to_pg_date(dates[0]).into(),
        to_pg_date(*dates.last().expect("rows")).into(),
        ((dates.len() * panel.series()) as i32).into(),
        health.map(|h| h.max_r_hat).into(),
        health.map(|h| h.min_ess_bulk).into(),
        health.map(|h| h.divergences as i32).into(),
        JsonB(sampler).into(),
        p.seconds.into(),
        status.to_string().into(),
        SPEC_VERSION.into(),
        // The engine is built from this workspace, so it shares the extension's version.
        env!("CARGO_PKG_VERSION").to_string().into(),
        p.group_key.clone().into(),
        p.arguments.clone().map(JsonB).into(),
        p.refit_of.into(),
        reason.into(),
        p.geo_column.clone().into(),
        (!panel.geos.is_empty()).then(|| panel.geos.clone()).into(),
        fit.adaptation.as_ref().map(|a| JsonB(serde_json::to_value(a).expect("adaptation as JSON"))).into(),
        prior_only.into(),
    ];
    let id = Spi::get_one_with_args::<i64>(
        "INSERT INTO mmm.models (name, version, source, date_column, target_column, channel_columns,
             control_columns, spec, priors, scales, first_date, last_date, n_rows, max_r_hat,
             min_ess_bulk, divergences, sampler, fit_seconds, status, spec_version, engine_version,
             group_key, arguments, refit_of, verdict_reason, geo_column, geos, adaptation, prior_only)
         SELECT $1, coalesce(max(version), 0) + 1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12,
                $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $24, $25, $26, $27, $28
         FROM mmm.models WHERE name = $1 AND owner = current_user
         RETURNING id",
        &args,
    )
    .expect("insert into mmm.models")
    .expect("RETURNING id");
    save_posterior(id, model, &fit.trace);
    save_rows(id, panel);
    save_events(id, &model.spec.events);
    save_costs(id, &model.spec.cost_table);
    super::lift_tests::save(id, &model.spec.lift_tests, channel_names, &panel.geos);
    super::cost_calibration::save(id, &model.spec.cost_calibration, channel_names, &panel.geos);
    if health.is_some_and(|h| h.status == Status::Ok) {
        versions::promote(id);
    }
    if let Some(keep) = policy.keep_versions {
        versions::retain(&p.name, keep);
    }
    id
}

/// The sampler record with how a warm start went (`mmm_refit` with `warm_start`): `warm_start`
/// true with the tuning length used, or false with the reason it fell back to a cold start.
fn with_start(mut sampler: serde_json::Value, start: &Start) -> serde_json::Value {
    match start {
        Start::Cold => {}
        Start::Warm { tune } => sampler
            .as_object_mut()
            .expect("an object")
            .extend([("warm_start".to_string(), json!(true)), ("warm_tune".to_string(), json!(tune))]),
        Start::Fallback(reason) => sampler
            .as_object_mut()
            .expect("an object")
            .extend([("warm_start".to_string(), json!(false)), ("warm_start_fallback".to_string(), json!(reason))]),
        Start::Prior => {
            sampler.as_object_mut().expect("an object").insert("prior_only".to_string(), json!(true));
        }
    }
    sampler
}

pub fn current_user() -> String {
    super::read::one::<String>("SELECT current_user::text", &[]).expect("current_user").expect("a role")
}

/// One row per (parameter, geo, coordinate, chain) holding that chain's draws, in a single INSERT:
/// the values cross into SQL once, ordered by parameter, chain and draw, and each row takes
/// its slice.
fn save_posterior(id: i64, model: &Model, trace: &Trace) {
    let (dim, draws) = (trace.dim, trace.draws_per_chain());
    let (mut names, mut geos, mut coordinates, mut chains) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    let mut values = Vec::with_capacity(dim * draws * trace.chains.len());
    for ((name, geo, coordinate), i) in parameters(model) {
        pgrx::check_for_interrupts!();
        for (c, chain) in trace.chains.iter().enumerate() {
            names.push(name.to_string());
            geos.push(geo.map(str::to_string));
            coordinates.push(coordinate.clone());
            chains.push(c as i32);
            values.extend((0..draws).map(|d| chain.values[d * dim + i]));
        }
    }
    Spi::run_with_args(
        "INSERT INTO mmm.posterior_draws (model_id, parameter, geo, coordinate, chain, draws)
         SELECT $1, p, g, c, ch, ($6::float8[])[((k - 1) * $7 + 1)::int : (k * $7)::int]
         FROM unnest($2::text[], $3::text[], $4::text[], $5::int[]) WITH ORDINALITY AS r(p, g, c, ch, k)",
        &[
            id.into(),
            names.into(),
            geos.into(),
            coordinates.into(),
            chains.into(),
            values.into(),
            (draws as i64).into(),
        ],
    )
    .expect("insert into mmm.posterior_draws");
}

/// The training rows, one per (geo, date), channels and controls as arrays in the model's
/// column order; the geo is NULL in a national model's rows.
fn save_rows(id: i64, panel: &Panel) {
    let row_array = |columns: &[Vec<f64>], t: usize| {
        let values: Vec<String> = columns.iter().map(|c| c[t].to_string()).collect();
        format!("{{{}}}", values.join(","))
    };
    let (mut geos, mut dates, mut y, mut channels, mut controls) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for (g, data) in panel.data.iter().enumerate() {
        for (t, &date) in data.dates.iter().enumerate() {
            geos.push(panel.geos.get(g).cloned());
            dates.push(to_pg_date(date));
            y.push(data.y[t]);
            channels.push(row_array(&data.channels, t));
            controls.push(row_array(&data.controls, t));
        }
    }
    Spi::run_with_args(
        "INSERT INTO mmm.model_data (model_id, geo, date, target, channels, controls)
         SELECT $1, g, d, y, c::float8[], z::float8[]
         FROM unnest($2::text[], $3::date[], $4::float8[], $5::text[], $6::text[]) AS r(g, d, y, c, z)",
        &[id.into(), geos.into(), dates.into(), y.into(), channels.into(), controls.into()],
    )
    .expect("insert into mmm.model_data");
}

/// The events of `mmm_fit(..., events)`, in the model's event order.
fn save_events(id: i64, events: &[Event]) {
    if events.is_empty() {
        return;
    }
    let names: Vec<String> = events.iter().map(|e| e.name.clone()).collect();
    let starts: Vec<_> = events.iter().map(|e| to_pg_date(e.start)).collect();
    let ends: Vec<_> = events.iter().map(|e| to_pg_date(e.end)).collect();
    Spi::run_with_args(
        "INSERT INTO mmm.model_events (model_id, name, start_date, end_date)
         SELECT $1, n, s, e FROM unnest($2::text[], $3::date[], $4::date[]) AS r(n, s, e)",
        &[id.into(), names.into(), starts.into(), ends.into()],
    )
    .expect("insert into mmm.model_events");
}

/// The events stored with model `id`, in the order they were read at fit time (by name).
pub fn events_of(id: i64) -> Vec<Event> {
    Spi::connect(|client| {
        client
            .select(
                "SELECT name, start_date, end_date FROM mmm.model_events WHERE model_id = $1 ORDER BY name",
                None,
                &[id.into()],
            )
            .expect("read mmm.model_events")
            .map(|r| Event {
                name: r.get(1).expect("name").expect("name is not null"),
                start: from_pg_date(r.get(2).expect("start_date").expect("start_date is not null")),
                end: from_pg_date(r.get(3).expect("end_date").expect("end_date is not null")),
            })
            .collect()
    })
}

/// The cost table of `mmm_fit(..., cost_per_unit)`, every row as given.
fn save_costs(id: i64, rows: &[CostRow]) {
    if rows.is_empty() {
        return;
    }
    let dates: Vec<_> = rows.iter().map(|r| to_pg_date(r.date)).collect();
    let geos: Vec<Option<String>> = rows.iter().map(|r| r.geo.clone()).collect();
    let channels: Vec<String> = rows.iter().map(|r| r.channel.clone()).collect();
    let costs: Vec<f64> = rows.iter().map(|r| r.cost_per_unit).collect();
    Spi::run_with_args(
        "INSERT INTO mmm.model_costs (model_id, date, geo, channel, cost_per_unit)
         SELECT $1, d, g, c, k FROM unnest($2::date[], $3::text[], $4::text[], $5::float8[]) AS r(d, g, c, k)",
        &[id.into(), dates.into(), geos.into(), channels.into(), costs.into()],
    )
    .expect("insert into mmm.model_costs");
}

/// The cost table stored with model `id`, in the order it was read at fit time.
pub fn costs_of(id: i64) -> Vec<CostRow> {
    Spi::connect(|client| {
        client
            .select(
                "SELECT date, geo, channel, cost_per_unit FROM mmm.model_costs WHERE model_id = $1
                 ORDER BY channel, geo, date",
                None,
                &[id.into()],
            )
            .expect("read mmm.model_costs")
            .map(|r| CostRow {
                date: from_pg_date(r.get(1).expect("date").expect("date is not null")),
                geo: r.get(2).expect("geo"),
                channel: r.get(3).expect("channel").expect("channel is not null"),
                cost_per_unit: r.get(4).expect("cost_per_unit").expect("cost_per_unit is not null"),
            })
            .collect()
    })
}

/// How many models a backend keeps in memory after reading them.
const RECENT_MODELS: usize = 4;

thread_local! {
    /// Models this backend read recently, newest first, with their creation time: answering
    /// several questions about one model (a report, a dashboard) reads its posterior once. Ids
    /// are never reused, and the creation time tells a model restored under the same id apart.
    static RECENT: RefCell<Vec<(i64, f64, Rc<Fit>)>> = const { RefCell::new(Vec::new()) };
}

/// Scales as stored: `{"target": s, "channels": {"tv": s}}`, and for per-geo scaling
/// `"geo_target": {"geo_a": s}` and `"geo_channels": {"geo_a": {"tv": s}}`.
fn scales_json(scales: &Scales, panel: &Panel) -> serde_json::Value {
    let channels = |values: &[f64]| -> serde_json::Value {
        panel.channel_names().iter().cloned().zip(values.iter().map(|s| json!(s))).collect()
    };
    let mut v = json!({"target": scales.target, "channels": channels(&scales.channels)});
    if !scales.geo_target.is_empty() {
        v["geo_target"] = panel.geos.iter().cloned().zip(scales.geo_target.iter().map(|s| json!(s))).collect();
    }
    if !scales.geo_channels.is_empty() {
        v["geo_channels"] = panel.geos.iter().cloned().zip(scales.geo_channels.iter().map(|s| channels(s))).collect();
    }
    v
}

/// The scales stored with a model, in the model's channel and geo order.
fn stored_scales(v: &serde_json::Value, channels: &[String], geos: &[String]) -> Option<Scales> {
    let in_order = |by: &serde_json::Value, keys: &[String]| -> Option<Vec<f64>> {
        keys.iter().map(|k| by.get(k)?.as_f64()).collect()
    };
    let mut scales = Scales::shared(v.get("target")?.as_f64()?, in_order(v.get("channels")?, channels)?);
    if let Some(by_geo) = v.get("geo_target") {
        scales.geo_target = in_order(by_geo, geos)?;
    }
    if let Some(by_geo) = v.get("geo_channels") {
        scales.geo_channels = geos.iter().map(|g| in_order(by_geo.get(g)?, channels)).collect::<Option<_>>()?;
    }
    Some(scales)
}

/// A stored model rebuilt for answering questions: config, rows and draws. The caller has
/// checked that the current role sees model `id`.
pub fn load(id: i64) -> Rc<Fit> {
    let created: f64 =
        super::read::one("SELECT extract(epoch FROM created_at)::float8 FROM mmm.models WHERE id = $1", &[id.into()])
            .expect("read mmm.models")
            .expect("created_at is set");
    let hit = RECENT.with_borrow_mut(|recent| {
        let i = recent.iter().position(|(m, c, _)| *m == id && *c == created)?;
        let entry = recent.remove(i);
        let fit = Rc::clone(&entry.2);
        recent.insert(0, entry);
        Some(fit)
    });
    hit.unwrap_or_else(|| {
        let fit = Rc::new(read(id));
        RECENT.with_borrow_mut(|recent| {
            recent.retain(|(m, _, _)| *m != id);
            recent.insert(0, (id, created, Rc::clone(&fit)));
            recent.truncate(RECENT_MODELS);
        });
        fit
    })
}

fn read(id: i64) -> Fit {
    let corrupt = |what: String| -> ! {
        raise(PgSqlErrorCode::ERRCODE_DATA_CORRUPTED, format!("model {id}: {what}"), "Refit the model.")
    };
    let (events, lift_tests, cost_table) = (events_of(id), super::lift_tests::stored(id), costs_of(id));
    let cost_calibration = super::cost_calibration::stored(id);
    Spi::connect(|client| {
        let head = client
            .select(
                "SELECT spec, priors, channel_columns, control_columns, spec_version, engine_version, scales, geos,
                        prior_only
                 FROM mmm.models WHERE id = $1",
                Some(1),
                &[id.into()],
            )
            .expect("read mmm.models")
            .first();
        let spec: JsonB = head.get(1).expect("spec").expect("spec is not null");
        let priors: JsonB = head.get(2).expect("priors").expect("priors is not null");
        let channel_names: Vec<String> = head.get(3).expect("channels").unwrap_or_default();
        let control_names: Vec<String> = head.get(4).expect("controls").unwrap_or_default();
        let spec_version: i32 = head.get(5).expect("spec_version").expect("spec_version is not null");
        if spec_version > SPEC_VERSION {
            let engine: String = head.get(6).expect("engine_version").expect("engine_version is not null");
            raise(
                PgSqlErrorCode::ERRCODE_FEATURE_NOT_SUPPORTED,
                format!("model {id} was fitted by pg_mmm {engine}, whose spec version {spec_version} this release cannot read"),
                "ALTER EXTENSION pg_mmm UPDATE to the release that fitted it.",
            );
        }
        let mut config =
            FitConfig::from_json(&spec.0).unwrap_or_else(|e| corrupt(format!("stored spec is invalid: {e}")));
        config.spec.events = events;
        config.spec.cost_table = cost_table;
        let scales: JsonB = head.get(7).expect("scales").expect("scales is not null");
        let geos: Vec<String> = head.get(8).expect("geos").unwrap_or_default();
        let scales = stored_scales(&scales.0, &channel_names, &geos)
            .unwrap_or_else(|| corrupt("stored scales are invalid".into()));

        // Checked against the training dates when fitted.
        config.spec.lift_tests = lift_tests.tests((&channel_names, &geos), config.spec.lift_likelihood, None);
        config.spec.cost_calibration = cost_calibration.rows(&channel_names, &geos);
        let mut data = vec![Dataset::empty(channel_names, control_names); geos.len().max(1)];
        let rows = client
            .select(
                "SELECT geo, date, target, channels, controls FROM mmm.model_data WHERE model_id = $1
                 ORDER BY array_position($2::text[], geo), date",
                None,
                &[id.into(), geos.clone().into()],
            )
            .expect("read mmm.model_data");
        for row in rows {
            pgrx::check_for_interrupts!();
            let geo: Option<String> = row.get(1).expect("geo");
            let g = match &geo {
                None if geos.is_empty() => 0,
                label => label.as_ref().and_then(|l| geos.iter().position(|x| x == l)).unwrap_or_else(|| {
                    corrupt(format!("mmm.model_data has a row of geo {geo:?}, which the model has not"))
                }),
            };
            let date = from_pg_date(row.get(2).expect("date").expect("date"));
            let channels: Vec<f64> = row.get(4).expect("channels").expect("channels");
            let controls: Vec<f64> = row.get(5).expect("controls").expect("controls");
            data[g].push(date, row.get(3).expect("target").expect("target"), channels, controls);
        }
        let panel = Panel { geos, data };
        let prior_only: bool = head.get(9).expect("prior_only").expect("prior_only is not null");
        // The model of today's defaults names the coordinates of the stored priors, which then
        // replace those defaults; the scales are the stored ones, as at fit time.
        let build = |spec: ModelSpec| {
            Model::panel_with_scales(spec, &panel, scales.clone()).unwrap_or_else(|e| corrupt(e.to_string()))
        };
        // A panel's priors may be hierarchical, which per-element priors cannot restate: it is
        // rebuilt from its stored spec, whose priors are the config's (panels start with 0.4.0,
        // so their defaults are today's).
        if panel.geos.is_empty() {
            config.spec.priors = prior_overrides(id, &priors.0, build(config.spec.clone()).space());
        }
        let model = build(config.spec.clone());

        let (chains, draws, dim) = (config.sampler.chains, config.sampler.draws, model.dim());
        let position: HashMap<Label, usize> = parameters(&model).collect();
        let mut values = vec![vec![0.0; draws * dim]; chains];
        let mut seen = 0;
        let rows = client
            .select(
                "SELECT parameter, geo, coordinate, chain, draws FROM mmm.posterior_draws WHERE model_id = $1",
                None,
                &[id.into()],
            )
            .expect("read mmm.posterior_draws");
        for row in rows {
            // A model's draws can be gigabytes: let a cancel in between arrays.
            pgrx::check_for_interrupts!();
            let parameter: String = row.get(1).expect("parameter").expect("parameter");
            let geo: Option<String> = row.get(2).expect("geo");
            let coordinate: Option<String> = row.get(3).expect("coordinate");
            let chain: i32 = row.get(4).expect("chain").expect("chain");
            let chain_draws: Vec<f64> = row.get(5).expect("draws").expect("draws");
            let i = position.get(&(parameter.as_str(), geo.as_deref(), coordinate.clone()));
            let (Some(&i), Some(chain_values)) = (i, values.get_mut(chain as usize)) else {
                let labels = [geo, coordinate].into_iter().flatten().collect::<Vec<_>>().join(", ");
                corrupt(format!(
                    "mmm.posterior_draws has {parameter} [{labels}] chain {chain}, which its spec does not"
                ))
            };
            if chain_draws.len() != draws {
                corrupt(format!(
                    "mmm.posterior_draws has {} draws of {parameter}, its spec {draws}",
                    chain_draws.len()
                ));
            }
            for (d, v) in chain_draws.into_iter().enumerate() {
                chain_values[d * dim + i] = v;
            }
            seen += 1;
        }
        // (model, parameter, geo, coordinate, chain) is unique, so a full count means every array.
        if seen != chains * dim {
            corrupt(format!("mmm.posterior_draws has {seen} arrays, its spec {}", chains * dim));
        }
        let trace = Trace {
            dim,
            chains: values
                .into_iter()
                .map(|values| ChainTrace {
                    values,
                    diverging: vec![false; draws],
                    tree_depth: vec![0; draws],
                    max_treedepth_reached: vec![false; draws],
                    energy: Vec::new(),
                    step_size: f64::NAN,
                })
                .collect(),
        };
        let start = if prior_only { Start::Prior } else { Start::Cold };
        Fit { model: Arc::new(model), sampler: config.sampler, panel, trace, start, adaptation: None }
    })
}

#[cfg(feature = "pg_test")]
#[pg_schema]
mod tests {
    use pgrx::prelude::*;

    /// A stored model is rebuilt with the priors stored with it, not with today's defaults.
    #[pg_test]
    fn stored_priors_are_read_back() {
        Spi::run(
            "CREATE TABLE p AS SELECT date AS week, y, (spend ->> 'tv')::float8 AS tv
             FROM mmm_simulate('tv_social_search', seed => 1)",
        )
        .unwrap();
        let id = Spi::get_one::<i64>(
            r#"SELECT mmm_fit('p', 'week', 'y', ARRAY['tv'], config => '{"chains": 1, "tune": 50, "draws": 20,
                 "seed": 1, "progress": false, "priors": {"adstock_alpha": {"tv": {"dist": "Beta", "alpha": 2, "beta": 2}}}}')"#,
        )
        .unwrap()
        .unwrap();
        // As if the intercept's default had changed since the fit: the stored prior still counts.
        Spi::run_with_args(
            r#"UPDATE mmm.models SET priors = jsonb_set(priors, '{intercept}', '[{"dist": "Normal", "mu": 1, "sigma": 5}]')
               WHERE id = $1"#,
            &[id.into()],
        )
        .unwrap();
        let fit = super::read(id);
        let prior = |name: &str| fit.model.space().find(name).unwrap().priors[0].to_string();
        assert_eq!(prior("intercept"), "Normal(mu=1, sigma=5)");
        assert_eq!(prior("adstock_alpha"), "Beta(alpha=2, beta=2)");
        assert_eq!(prior("y_sigma"), "HalfNormal(sigma=2)");
    }
}

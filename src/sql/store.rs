//! Writing a fit into the catalog and reading it back, through SPI with parameters only.

use super::error::raise;
use mmm_engine::calendar::Date;
use mmm_engine::inference::health::{Gates, Health};
use mmm_engine::inference::sampler::{ChainTrace, Trace};
use mmm_engine::inference::Fit;
use mmm_engine::model::{Dataset, Model, ModelConfig};
use pgrx::datum::DatumWithOid;
use pgrx::prelude::*;
use pgrx::JsonB;
use serde_json::json;
use std::cell::RefCell;
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
    pub seconds: f64,
}

/// Inserts the model, its draws and its training rows; returns the new model id.
pub fn save(fit: &Fit, p: &Provenance) -> i64 {
    let model = &fit.model;
    let stats = fit.trace.sampler_stats();
    let health = Health::judge(&fit.trace, &Gates::default());
    let priors: serde_json::Map<String, serde_json::Value> = model
        .space()
        .blocks()
        .filter(|b| !b.is_empty())
        .map(|b| {
            let per: Vec<_> = b.priors.iter().map(|p| p.to_json()).collect();
            (b.name.clone(), json!(per))
        })
        .collect();
    let scales = &model.design.scales;
    let data = &fit.data;
    let sampler = json!({
        "divergences": stats.divergences,
        "max_treedepth_hits": stats.max_treedepth_hits,
        "bfmi": stats.bfmi,
        "step_sizes": stats.step_sizes,
        "mean_tree_depth": stats.mean_tree_depth,
    });
    let args: Vec<DatumWithOid> = vec![
        p.name.clone().into(),
        p.source.clone().into(),
        p.date_column.clone().into(),
        p.target_column.clone().into(),
        data.channel_names.clone().into(),
        data.control_names.clone().into(),
        JsonB(serde_json::to_value(&model.config).expect("config serialises")).into(),
        JsonB(serde_json::Value::Object(priors)).into(),
        JsonB(json!({"target": scales.target, "channels": data.channel_names.iter().zip(&scales.channels).map(|(n, s)| (n.clone(), json!(s))).collect::<serde_json::Map<_, _>>()})).into(),
        to_pg_date(data.dates[0]).into(),
        to_pg_date(*data.dates.last().expect("rows")).into(),
        (data.dates.len() as i32).into(),
        health.max_r_hat.into(),
        health.min_ess_bulk.into(),
        (health.divergences as i32).into(),
        JsonB(sampler).into(),
        p.seconds.into(),
        health.status.as_str().to_string().into(),
    ];
    let id = Spi::get_one_with_args::<i64>(
        "INSERT INTO mmm.models (name, version, source, date_column, target_column, channel_columns,
             control_columns, spec, priors, scales, first_date, last_date, n_rows, max_r_hat,
             min_ess_bulk, divergences, sampler, fit_seconds, status)
         SELECT $1, coalesce(max(version), 0) + 1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12,
                $13, $14, $15, $16, $17, $18
         FROM mmm.models WHERE name = $1 AND owner = current_user
         RETURNING id",
        &args,
    )
    .expect("insert into mmm.models")
    .expect("RETURNING id");
    save_posterior(id, model, &fit.trace);
    save_rows(id, data);
    id
}

/// One row per scalar parameter per draw, in a single INSERT over the values in draw order:
/// chain, draw and label follow from each value's position, so only the values and the
/// parameter labels cross into SQL.
fn save_posterior(id: i64, model: &Model, trace: &Trace) {
    let (parameters, coordinates): (Vec<String>, Vec<Option<String>>) =
        model.space().blocks().flat_map(|b| (0..b.len()).map(move |i| (b.name.clone(), b.coordinate(i)))).unzip();
    let values: Vec<f64> = trace.chains.iter().flat_map(|c| c.values.iter().copied()).collect();
    Spi::run_with_args(
        "INSERT INTO mmm.posterior (model_id, chain, draw, parameter, coordinate, value)
         SELECT $1, (i - 1) / $5 / $4, (i - 1) / $5 % $4, ($2::text[])[(i - 1) % $5 + 1], ($3::text[])[(i - 1) % $5 + 1], v
         FROM unnest($6::float8[]) WITH ORDINALITY AS d(v, i)",
        &[
            id.into(),
            parameters.into(),
            coordinates.into(),
            (trace.draws_per_chain() as i64).into(),
            (trace.dim as i64).into(),
            values.into(),
        ],
    )
    .expect("insert into mmm.posterior");
}

/// The training rows, channels and controls as arrays in the model's column order.
fn save_rows(id: i64, data: &Dataset) {
    let row_array = |columns: &[Vec<f64>], t: usize| {
        let values: Vec<String> = columns.iter().map(|c| c[t].to_string()).collect();
        format!("{{{}}}", values.join(","))
    };
    let dates: Vec<pgrx::datum::Date> = data.dates.iter().map(|&d| to_pg_date(d)).collect();
    let channels: Vec<String> = (0..data.dates.len()).map(|t| row_array(&data.channels, t)).collect();
    let controls: Vec<String> = (0..data.dates.len()).map(|t| row_array(&data.controls, t)).collect();
    Spi::run_with_args(
        "INSERT INTO mmm.model_data (model_id, date, target, channels, controls)
         SELECT $1, d, y, c::float8[], z::float8[] FROM unnest($2::date[], $3::float8[], $4::text[], $5::text[]) AS r(d, y, c, z)",
        &[id.into(), dates.into(), data.y.clone().into(), channels.into(), controls.into()],
    )
    .expect("insert into mmm.model_data");
}

/// How many models a backend keeps in memory after reading them.
const RECENT_MODELS: usize = 4;

thread_local! {
    /// Models this backend read recently, newest first, with their creation time: answering
    /// several questions about one model (a report, a dashboard) reads its posterior once. Ids
    /// are never reused, and the creation time tells a model restored under the same id apart.
    static RECENT: RefCell<Vec<(i64, f64, Rc<Fit>)>> = const { RefCell::new(Vec::new()) };
}

/// A stored model rebuilt for answering questions: config, rows and draws. The caller has
/// checked that the current role sees model `id`.
pub fn load(id: i64) -> Rc<Fit> {
    let created: f64 = Spi::get_one_with_args(
        "SELECT extract(epoch FROM created_at)::float8 FROM mmm.models WHERE id = $1",
        &[id.into()],
    )
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
    Spi::connect(|client| {
        let head = client
            .select(
                "SELECT spec, channel_columns, control_columns FROM mmm.models WHERE id = $1",
                Some(1),
                &[id.into()],
            )
            .expect("read mmm.models")
            .first();
        let spec: JsonB = head.get(1).expect("spec").expect("spec is not null");
        let channel_names: Vec<String> = head.get(2).expect("channels").unwrap_or_default();
        let control_names: Vec<String> = head.get(3).expect("controls").unwrap_or_default();
        let config = ModelConfig::from_json(&spec.0).unwrap_or_else(|e| {
            raise(
                PgSqlErrorCode::ERRCODE_DATA_CORRUPTED,
                format!("model {id}: stored spec is invalid: {e}"),
                "Refit the model.",
            )
        });

        let mut data = Dataset::empty(channel_names, control_names);
        let rows = client
            .select(
                "SELECT date, target, channels, controls FROM mmm.model_data WHERE model_id = $1 ORDER BY date",
                None,
                &[id.into()],
            )
            .expect("read mmm.model_data");
        for row in rows {
            let date = from_pg_date(row.get(1).expect("date").expect("date"));
            let channels: Vec<f64> = row.get(3).expect("channels").expect("channels");
            let controls: Vec<f64> = row.get(4).expect("controls").expect("controls");
            data.push(date, row.get(2).expect("target").expect("target"), channels, controls);
        }
        let model = Model::new(config, &data).unwrap_or_else(|e| {
            raise(PgSqlErrorCode::ERRCODE_DATA_CORRUPTED, format!("model {id}: {e}"), "Refit the model.")
        });

        let (chains, draws, dim) = (model.config.chains, model.config.draws, model.dim());
        let mut values = vec![vec![0.0; draws * dim]; chains];
        // One array per draw, its values in byte order of (parameter, coordinate) with NULL
        // coordinates last: the order `labels` is sorted in. Aggregating per draw reads about
        // twice as fast as per parameter.
        let mut labels: Vec<(String, bool, Option<String>, usize)> = model
            .space()
            .blocks()
            .flat_map(|b| {
                (0..b.len())
                    .map(move |i| (b.name.clone(), b.coordinate(i).is_none(), b.coordinate(i), b.handle().index(i)))
            })
            .collect();
        labels.sort();
        // The sort behind the aggregate spills to disk at the default work_mem: give this read
        // enough memory, and put the caller's setting back afterwards.
        let work_mem: String = client
            .select("SELECT current_setting('work_mem')", Some(1), &[])
            .expect("read work_mem")
            .first()
            .get_one()
            .expect("work_mem")
            .expect("work_mem is set");
        client.select("SELECT set_config('work_mem', '64MB', true)", Some(1), &[]).expect("set work_mem");
        let rows = client
            .select(
                r#"SELECT chain, draw, array_agg(value ORDER BY parameter COLLATE "C", coordinate COLLATE "C")
                   FROM mmm.posterior WHERE model_id = $1 GROUP BY chain, draw"#,
                None,
                &[id.into()],
            )
            .expect("read mmm.posterior");
        let mut seen = 0;
        for row in rows {
            let (chain, draw): (i32, i32) =
                (row.get(1).expect("chain").expect("chain"), row.get(2).expect("draw").expect("draw"));
            let draw_values: Vec<f64> = row.get(3).expect("values").expect("values");
            let (c, d) = (chain as usize, draw as usize);
            if c >= chains || d >= draws || draw_values.len() != dim {
                raise(
                    PgSqlErrorCode::ERRCODE_DATA_CORRUPTED,
                    format!("model {id}: mmm.posterior does not match its spec at chain {chain}, draw {draw}"),
                    "Refit the model.",
                );
            }
            for (v, label) in draw_values.into_iter().zip(&labels) {
                values[c][d * dim + label.3] = v;
            }
            seen += 1;
        }
        client
            .select("SELECT set_config('work_mem', $1, true)", Some(1), &[work_mem.into()])
            .expect("restore work_mem");
        if seen != chains * draws {
            raise(
                PgSqlErrorCode::ERRCODE_DATA_CORRUPTED,
                format!("model {id}: mmm.posterior has {seen} draws, its spec {}", chains * draws),
                "Refit the model.",
            );
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
        Fit { model: Arc::new(model), data, trace }
    })
}

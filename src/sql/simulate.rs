//! `mmm_simulate`: weekly data with known truth, from a preset or a full spec.

use super::error::raise;
use super::store::to_pg_date;
use mmm_engine::simulate::{example_process, simulate, tv_social_search, SimulationSpec};
use pgrx::prelude::*;
use pgrx::JsonB;
use serde_json::{Map, Value};

/// Simulated weeks: the target, spend and controls by name, and each channel's true
/// contribution, ready for `CREATE TABLE ... AS`.
#[pg_extern(immutable, parallel_safe)]
fn mmm_simulate(
    preset: default!(&str, "'tv_social_search'"),
    seed: default!(i64, 0),
    spec: default!(Option<JsonB>, "NULL"),
) -> TableIterator<
    'static,
    (
        name!(date, pgrx::datum::Date),
        name!(y, f64),
        name!(spend, JsonB),
        name!(controls, JsonB),
        name!(contributions, JsonB),
    ),
> {
    let spec: SimulationSpec = match spec {
        Some(JsonB(v)) => serde_path_to_error::deserialize(&v).unwrap_or_else(|e| {
            raise(
                PgSqlErrorCode::ERRCODE_INVALID_PARAMETER_VALUE,
                format!("spec: {e}"),
                "See the README's mmm_simulate section for the spec's fields.",
            )
        }),
        None => match preset {
            "example" => example_process(seed as u64),
            "tv_social_search" => tv_social_search(seed as u64),
            other => raise(
                PgSqlErrorCode::ERRCODE_INVALID_PARAMETER_VALUE,
                format!("preset = '{other}' is not a simulation preset"),
                "preset accepts 'example' or 'tv_social_search', or pass spec.",
            ),
        },
    };
    let sim = simulate(&spec).unwrap_or_else(|e| {
        raise(
            PgSqlErrorCode::ERRCODE_INVALID_PARAMETER_VALUE,
            format!("spec: {e}"),
            "See the README's mmm_simulate section for the spec's fields.",
        )
    });
    let by_name = |names: &[String], columns: &[Vec<f64>], t: usize| {
        JsonB(Value::Object(
            names.iter().zip(columns).map(|(n, c)| (n.clone(), Value::from(c[t]))).collect::<Map<_, _>>(),
        ))
    };
    let rows: Vec<_> = (0..sim.data.dates.len())
        .map(|t| {
            (
                to_pg_date(sim.data.dates[t]),
                sim.data.y[t],
                by_name(&sim.data.channel_names, &sim.data.channels, t),
                by_name(&sim.data.control_names, &sim.data.controls, t),
                by_name(&sim.data.channel_names, &sim.contributions, t),
            )
        })
        .collect();
    TableIterator::new(rows)
}

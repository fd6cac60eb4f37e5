//! `mmm_simulate`: weekly data with known truth, from a preset or a full spec.

use super::error::raise;
use super::json_arg::JsonArg;
use super::limits;
use super::store::to_pg_date;
use mmm_engine::simulate::{
    example_process, geo_panel, geo_panel_short_on_signal, simulate, simulate_panel, tv_social_search, PanelSpec,
    SimulationSpec, MAX_WEEKS,
};
use pgrx::prelude::*;
use pgrx::JsonB;
use serde_json::{Map, Value};

/// Simulated weeks: the target, spend and controls by name, and each channel's true
/// contribution, ready for `CREATE TABLE ... AS`.
#[pg_extern(immutable, parallel_safe)]
fn mmm_simulate(
    preset: default!(Option<&str>, "'tv_social_search'"),
    seed: default!(Option<i64>, 0),
    spec: default!(Option<JsonArg>, "NULL"),
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
    let spec: SimulationSpec = spec_or_preset(
        spec,
        preset,
        seed,
        &[("example", example_process), ("tv_social_search", tv_social_search)],
        "a simulation preset",
    );
    check_simulated_values(&spec, 1);
    let sim = simulate(&spec).unwrap_or_else(|e| invalid_spec(e.to_string()));
    TableIterator::new(simulated_weeks(&sim).collect::<Vec<_>>())
}

/// The spec given, else the named preset's with `seed`; an unknown preset is an ERROR listing
/// the known ones.
fn spec_or_preset<T: serde::de::DeserializeOwned>(
    spec: Option<JsonArg>,
    preset: Option<&str>,
    seed: Option<i64>,
    presets: &[(&str, fn(u64) -> T)],
    what: &str,
) -> T {
    if let Some(JsonArg(v)) = spec {
        return serde_path_to_error::deserialize(&v).unwrap_or_else(|e| invalid_spec(e.to_string()));
    }
    let (preset, seed) = (super::args::required(preset, "preset"), super::args::required(seed, "seed"));
    match presets.iter().find(|(name, _)| *name == preset) {
        Some((_, make)) => make(seed as u64),
        None => {
            let names: Vec<String> = presets.iter().map(|(name, _)| format!("'{name}'")).collect();
            raise(
                PgSqlErrorCode::ERRCODE_INVALID_PARAMETER_VALUE,
                format!("preset = '{preset}' is not {what}"),
                &format!("preset accepts {}, or pass spec.", names.join(" or ")),
            )
        }
    }
}

/// The values a simulation of `geos` series of `spec` draws are within
/// [`limits::MAX_SIMULATED_VALUES`], checked before any is drawn: the spec's lists of channels
/// and controls are as long as the caller writes them.
fn check_simulated_values(spec: &SimulationSpec, geos: usize) {
    let per_week = spec.channels.len() + spec.controls.len();
    let values = spec.weeks.saturating_mul(geos).saturating_mul(per_week);
    if values > limits::MAX_SIMULATED_VALUES {
        raise(
            PgSqlErrorCode::ERRCODE_PROGRAM_LIMIT_EXCEEDED,
            format!(
                "the simulation would draw {values} values: \
                 weeks × geos × (channels + controls) = {} × {geos} × {per_week}",
                spec.weeks
            ),
            &format!(
                "A simulation draws at most {} values: pass fewer weeks, geos, channels or controls.",
                limits::MAX_SIMULATED_VALUES
            ),
        );
    }
}

fn invalid_spec(e: String) -> ! {
    raise(
        PgSqlErrorCode::ERRCODE_INVALID_PARAMETER_VALUE,
        format!("spec: {e}"),
        "See the README's mmm_simulate section for the spec's fields.",
    )
}

type Week = (pgrx::datum::Date, f64, JsonB, JsonB, JsonB);

/// One simulated series' weeks: date, target, and spend, controls and true contributions by
/// name.
fn simulated_weeks(sim: &mmm_engine::simulate::Simulated) -> impl Iterator<Item = Week> + '_ {
    let by_name = |names: &[String], columns: &[Vec<f64>], t: usize| {
        JsonB(Value::Object(
            names.iter().zip(columns).map(|(n, c)| (n.clone(), Value::from(c[t]))).collect::<Map<_, _>>(),
        ))
    };
    (0..sim.data.dates.len()).map(move |t| {
        (
            to_pg_date(sim.data.dates[t]),
            sim.data.y[t],
            by_name(&sim.data.channel_names, &sim.data.channels, t),
            by_name(&sim.data.control_names, &sim.data.controls, t),
            by_name(&sim.data.channel_names, &sim.contributions, t),
        )
    })
}

/// A simulated geo panel in long format, one row per (geo, date), with each geo's true channel
/// contributions: preset `geo_panel` (8 geos × 156 weeks, effects varying around shared ones)
/// or `geo_panel_short_on_signal` (its last 3 geos four times as noisy), optionally with fewer
/// `geos` or `weeks`; or a full `spec`.
#[pg_extern(immutable, parallel_safe)]
fn mmm_simulate_panel(
    preset: default!(Option<&str>, "'geo_panel'"),
    seed: default!(Option<i64>, 0),
    geos: default!(Option<i32>, "NULL"),
    weeks: default!(Option<i32>, "NULL"),
    spec: default!(Option<JsonArg>, "NULL"),
) -> TableIterator<
    'static,
    (
        name!(geo, String),
        name!(date, pgrx::datum::Date),
        name!(y, f64),
        name!(spend, JsonB),
        name!(controls, JsonB),
        name!(contributions, JsonB),
    ),
> {
    let mut spec: PanelSpec = spec_or_preset(
        spec,
        preset,
        seed,
        &[("geo_panel", geo_panel), ("geo_panel_short_on_signal", geo_panel_short_on_signal)],
        "a panel simulation preset",
    );
    if let Some(n) = geos {
        limits::check_size("geos", n.into(), 1, limits::MAX_GEOS, "");
        spec.short_on_signal = spec.short_on_signal.min(n as usize);
        spec.geos = n as usize;
    }
    if let Some(n) = weeks {
        limits::check_size("weeks", n.into(), 1, MAX_WEEKS as i64, "");
        spec.base.weeks = n as usize;
    }
    // A spec's own geos are bounded as the argument is (its weeks by the engine's own check);
    // the panel is allocated per geo before any geo is simulated.
    limits::check_size("spec.geos", i64::try_from(spec.geos).unwrap_or(i64::MAX), 1, limits::MAX_GEOS, "");
    check_simulated_values(&spec.base, spec.geos);
    let sim = simulate_panel(&spec).unwrap_or_else(|e| invalid_spec(e.to_string()));
    let mut rows = Vec::new();
    for (geo, s) in sim.geos.iter().zip(&sim.series) {
        pgrx::check_for_interrupts!();
        rows.extend(simulated_weeks(s).map(|(d, y, x, z, c)| (geo.clone(), d, y, x, z, c)));
    }
    TableIterator::new(rows)
}

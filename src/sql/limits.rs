//! The upper limit of every size argument, checked before anything is allocated, so that no
//! call can make a backend grow without bound or run for hours (docs/12-limits.md).
//! The fit config's own sizes (`chains`, `tune`, `draws`, `l_max`, `yearly_seasonality`,
//! `trend.changepoints`, `hsgp.m`) are the engine's, checked when the config is parsed.

use super::error::raise;
use pgrx::prelude::*;

/// Geos of `mmm_simulate_panel`: far more than any panel fitted in practice (tens).
pub const MAX_GEOS: i64 = 1000;
/// Values a simulation draws, weeks × geos × (channels + controls): a few hundred MB of rows at
/// most, where an unbounded spec once grew a backend by 0.5 GB a second.
pub const MAX_SIMULATED_VALUES: usize = 5_000_000;
/// Elements of a transform's `x`: each output element sums up to `l_max` (at most 520) terms,
/// so this bounds a call to under a second.
pub const MAX_SERIES: i64 = 1_000_000;
/// Budgets of `mmm_budget_scenarios`: each is an optimisation of its own.
pub const MAX_SCENARIOS: i64 = 1000;
/// Models of `mmm_compare`: each is loaded whole, draws included.
pub const MAX_COMPARED: i64 = 100;
/// Channel columns, and control columns, of a fit (each): every one adds parameters per geo,
/// and every parameter's draws are held in memory and stored.
pub const MAX_COLUMNS: i64 = 200;
/// Draws a fit keeps, chains × draws: each holds every parameter (8 bytes each) in memory and in
/// `mmm.posterior_draws`, 800 MB for a model of 100 parameters at this limit. The engine bounds
/// chains (64) and draws (100000) each, whose product alone would be 6.4 million.
pub const MAX_KEPT_DRAWS: usize = 1_000_000;
/// Optimisation horizons are whole weeks, at most ten years.
pub const MAX_PERIODS: i64 = 520;

/// An ERROR if array `argument` has more than `max` elements, naming it, with the limit in its
/// HINT.
pub fn check_length(argument: &str, len: usize, max: i64) {
    if len as i64 > max {
        raise(
            PgSqlErrorCode::ERRCODE_PROGRAM_LIMIT_EXCEEDED,
            format!("{argument} has {len} elements"),
            &format!("{argument} accepts at most {max} elements."),
        );
    }
}

/// An ERROR unless `min <= value <= max`, naming `argument`, with the range (in `unit`, e.g.
/// " weeks", or "") in its HINT.
pub fn check_size(argument: &str, value: i64, min: i64, max: i64, unit: &str) {
    if !(min..=max).contains(&value) {
        let code = match value > max {
            true => PgSqlErrorCode::ERRCODE_PROGRAM_LIMIT_EXCEEDED,
            false => PgSqlErrorCode::ERRCODE_INVALID_PARAMETER_VALUE,
        };
        raise(
            code,
            format!("{argument} = {value} is out of range"),
            &format!("{argument} accepts {min} to {max}{unit}."),
        );
    }
}

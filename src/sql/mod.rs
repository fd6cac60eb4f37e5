//! The SQL layer: the only code that talks to PostgreSQL. One file per SQL feature, each a thin
//! wrapper over the pure engine modules.

mod args;
mod backtest;
mod calibration_rows;
mod cancel;
mod catalog;
mod compare;
mod cost_calibration;
mod curves;
mod decomposition;
mod error;
mod fit;
mod json_arg;
mod lift_tests;
mod limits;
mod model_ref;
mod monitor;
mod optimize;
mod plot;
mod predict;
mod prior_check;
mod read;
mod refit;
mod report;
mod schedule;
mod simulate;
mod source;
mod store;
mod summary;
mod time_varying;
mod transforms;
mod versions;

use pgrx::prelude::*;

/// Bands need a probability strictly between 0 and 1.
fn check_hdi_prob(p: f64) {
    if !(p > 0.0 && p < 1.0) {
        error::raise(
            PgSqlErrorCode::ERRCODE_INVALID_PARAMETER_VALUE,
            format!("hdi_prob = {p} is out of range"),
            "hdi_prob accepts a number in (0, 1), e.g. 0.94.",
        );
    }
}

fn check_num_periods(n: i32) {
    limits::check_size("num_periods", n.into(), 1, limits::MAX_PERIODS, " weeks");
}

// PARALLEL UNSAFE (both overloads): deletes the model and, by cascade, its rows.
#[pg_extern(volatile, strict, parallel_unsafe, name = "mmm_drop_model")]
fn mmm_drop_model_by_id(model: i64) -> bool {
    drop_model(model_ref::by_id(model))
}

#[pg_extern(volatile, strict, parallel_unsafe, name = "mmm_drop_model")]
fn mmm_drop_model_by_name(model: &str) -> bool {
    drop_model(model_ref::by_name(model))
}

/// Removes a model; its draws and rows go with it (foreign keys ON DELETE CASCADE). A model the
/// role cannot see is an ERROR. The name's policy stays (docs/08-versions.md): it belongs to the
/// name, may be set before its first fit, and judges the name's next fit.
fn drop_model(id: i64) -> bool {
    let (owner, name) =
        read::two::<String, String>("SELECT owner::text, name FROM mmm.models WHERE id = $1", &[id.into()])
            .expect("read mmm.models");
    versions::lock_name(&owner.expect("owner"), &name.expect("name"));
    Spi::run_with_args("DELETE FROM mmm.models WHERE id = $1", &[id.into()]).expect("delete model");
    true
}

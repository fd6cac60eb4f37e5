//! Cancel requests reaching work that runs in the engine, which never calls PostgreSQL: the
//! sampler's `on_progress` and the optimizer's check ask [`requested`], and the work stops early;
//! the SQL layer then raises PostgreSQL's own ERROR.

use super::error::raise;
use mmm_engine::optimize::interruptible;
use pgrx::prelude::*;

/// A cancel request, statement_timeout or termination is pending. Other interrupts (catch-up,
/// barriers) are left for PostgreSQL to process after the work.
pub fn requested() -> bool {
    // SAFETY: plain reads of flags PostgreSQL's signal handlers set.
    unsafe {
        std::ptr::read_volatile(&raw const pg_sys::QueryCancelPending) != 0
            || std::ptr::read_volatile(&raw const pg_sys::ProcDiePending) != 0
    }
}

/// Raises the ERROR of a pending cancel request, PostgreSQL's own (statement timeout, cancel,
/// termination) when it processes it here.
fn raise_if_requested(what: &str) {
    if requested() {
        pgrx::check_for_interrupts!();
        raise(
            PgSqlErrorCode::ERRCODE_QUERY_CANCELED,
            format!("{what} was cancelled"),
            "The request was interrupted; nothing was written.",
        );
    }
}

/// Runs an optimisation (`work` calls the engine's planner) so that a cancel request stops it
/// within one solver iteration, then raises the cancel's ERROR instead of returning the partial
/// answer.
pub fn optimizing<R>(work: impl FnOnce() -> R) -> R {
    let result = interruptible(requested, work);
    raise_if_requested("the optimisation");
    result
}

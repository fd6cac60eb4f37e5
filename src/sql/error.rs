//! The one place where engine errors become PostgreSQL ERRORs: SQLSTATE, a message naming the
//! argument, and a hint saying what is accepted.

use mmm_engine::inference::{FitError, SampleError};
use mmm_engine::transforms::TransformError;
use pgrx::pg_sys::panic::ErrorReport;
use pgrx::prelude::*;

/// Raises an ERROR; never returns.
pub fn raise(code: PgSqlErrorCode, message: String, hint: &str) -> ! {
    ErrorReport::new(code, message, "pg_mmm").set_hint(hint).report(PgLogLevel::ERROR);
    unreachable!("ERROR does not return")
}

fn arg_of(e: &TransformError) -> &str {
    match e {
        TransformError::OutOfRange { arg, .. } | TransformError::NotFinite { arg, .. } => arg,
    }
}

/// Unwraps a transform result or raises its ERROR.
pub trait OrRaise<T> {
    fn or_raise(self) -> T;
}

impl<T> OrRaise<T> for Result<T, TransformError> {
    fn or_raise(self) -> T {
        self.unwrap_or_else(|e| {
            let hint = format!("{} accepts {}.", arg_of(&e), e.allowed());
            raise(PgSqlErrorCode::ERRCODE_INVALID_PARAMETER_VALUE, e.to_string(), &hint)
        })
    }
}

/// Raises the ERROR for a fit that could not run. A cancelled fit first gives PostgreSQL the
/// chance to raise its own cancel or timeout ERROR.
pub fn raise_fit(e: FitError) -> ! {
    let code = match &e {
        FitError::Spec(_) => PgSqlErrorCode::ERRCODE_INVALID_PARAMETER_VALUE,
        FitError::Data(_) => PgSqlErrorCode::ERRCODE_DATA_EXCEPTION,
        FitError::Sample(SampleError::Cancelled) => {
            pgrx::check_for_interrupts!();
            PgSqlErrorCode::ERRCODE_QUERY_CANCELED
        }
        FitError::Sample(_) => PgSqlErrorCode::ERRCODE_DATA_EXCEPTION,
    };
    let hint = match &e {
        FitError::Spec(s) => s.hint(),
        FitError::Data(d) => d.hint().to_string(),
        FitError::Sample(SampleError::Cancelled) => "The fit was interrupted; nothing was written.".to_string(),
        FitError::Sample(_) => {
            "Check the data's scale and the priors; mmm_summary of a working fit shows typical values.".to_string()
        }
    };
    raise(code, e.to_string(), &hint)
}

//! The one place where engine errors become PostgreSQL ERRORs: SQLSTATE, a message naming the
//! argument, and a hint saying what is accepted.

use crate::transforms::TransformError;
use pgrx::pg_sys::panic::ErrorReport;
use pgrx::prelude::*;

/// Raises an ERROR; never returns.
pub fn raise(code: PgSqlErrorCode, message: String, hint: &str) -> ! {
    ErrorReport::new(code, message, "pg_mmm").set_hint(hint).report(PgLogLevel::ERROR);
    unreachable!("ERROR does not return")
}

impl From<TransformError> for ErrorReport {
    fn from(e: TransformError) -> Self {
        ErrorReport::new(PgSqlErrorCode::ERRCODE_INVALID_PARAMETER_VALUE, e.to_string(), "pg_mmm")
            .set_hint(format!("{} accepts {}.", arg_of(&e), e.allowed()))
    }
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
            ErrorReport::from(e).report(PgLogLevel::ERROR);
            unreachable!("ERROR does not return")
        })
    }
}

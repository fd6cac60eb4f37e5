//! Required arguments of functions that are not STRICT. A function with a `DEFAULT NULL`
//! argument cannot be STRICT (a call leaving that argument out would return NULL), so a NULL
//! reaches it in every argument; taken as plain Rust types, pgrx would refuse it with an
//! internal error ("argument 0 must not be null", "array contains NULL") that names nothing.
//! Those arguments are taken as `Option`s and unwrapped here, into an ERROR naming them.

use super::error::raise;
use pgrx::prelude::*;

fn null(argument: &str, what: &str) -> ! {
    raise(
        PgSqlErrorCode::ERRCODE_NULL_VALUE_NOT_ALLOWED,
        format!("{argument} is NULL{what}"),
        &format!("Pass a value for {argument}, or leave it out where it has a default."),
    )
}

/// The value of a required argument; NULL is an ERROR naming it.
pub fn required<T>(value: Option<T>, argument: &str) -> T {
    value.unwrap_or_else(|| null(argument, ""))
}

/// The elements of a required array argument; NULL, or a NULL element, is an ERROR naming it.
pub fn elements<T>(value: Option<Vec<Option<T>>>, argument: &str) -> Vec<T> {
    let value = required(value, argument);
    value
        .into_iter()
        .enumerate()
        .map(|(i, v)| v.unwrap_or_else(|| null(&format!("{argument}[{}]", i + 1), " (an array element)")))
        .collect()
}

//! A `jsonb` argument read without pgrx's `JsonB` conversion, which panics when a number is
//! beyond what `f64` holds (`1e400`, valid in jsonb): an internal error ("a text version of
//! jsonb must be a valid json") that names nothing. Here that is an ERROR naming the key.

use super::error::raise;
use pgrx::callconv::{Arg, ArgAbi};
use pgrx::nullable::Nullable;
use pgrx::prelude::*;
use pgrx::JsonB;
use serde_json::Value;
use std::ffi::CStr;

/// The value of a `jsonb` argument (the SQL signature says `jsonb`, as `JsonB`'s does).
pub struct JsonArg(pub Value);

impl JsonArg {
    pub fn into_jsonb(self) -> JsonB {
        JsonB(self.0)
    }
}

/// The key whose value ends at byte `end` of jsonb's text (`{"a": {"draws": 1e400}}`): the
/// last `"key": ` before it.
fn key_before(text: &str, end: usize) -> Option<&str> {
    let head = &text[..end.min(text.len())];
    let colon = head.rfind("\": ")?;
    let open = head[..colon].rfind('"')?;
    Some(&head[open + 1..colon])
}

impl FromDatum for JsonArg {
    unsafe fn from_polymorphic_datum(datum: pg_sys::Datum, is_null: bool, _: pg_sys::Oid) -> Option<Self> {
        if is_null {
            return None;
        }
        // SAFETY: the datum is a jsonb (the argument's type); jsonb_out detoasts it and returns
        // a palloc'd C string, read before the memory context ends.
        let text = unsafe { pgrx::direct_function_call::<&CStr>(pg_sys::jsonb_out, &[Some(datum)]) }
            .expect("jsonb_out returns text");
        let text = text.to_str().expect("jsonb's text is UTF-8");
        match serde_json::from_str::<Value>(text) {
            Ok(value) => Some(JsonArg(value)),
            Err(e) => {
                // serde_json counts columns from 1, in characters of its single line.
                let end = text.char_indices().nth(e.column().saturating_sub(1)).map_or(text.len(), |(i, _)| i);
                let key = key_before(text, end).map_or(String::new(), |k| format!(" at key \"{k}\""));
                raise(
                    PgSqlErrorCode::ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE,
                    format!("a number{key} is out of range for float8 ({e})"),
                    "Numbers in a configuration must be finite float8 values (at most about 1.8e308 in size).",
                )
            }
        }
    }
}

// SAFETY: as pgrx's own arguments read through FromDatum (its argue_from_datum!): the datum is
// the argument's, of type jsonb.
unsafe impl<'fcx> ArgAbi<'fcx> for JsonArg {
    unsafe fn unbox_arg_unchecked(arg: Arg<'_, 'fcx>) -> Self {
        let index = arg.index();
        unsafe { arg.unbox_arg_using_from_datum() }.unwrap_or_else(|| panic!("argument {index} must not be null"))
    }

    unsafe fn unbox_nullable_arg(arg: Arg<'_, 'fcx>) -> Nullable<Self> {
        unsafe { arg.unbox_arg_using_from_datum() }.into()
    }
}

pgrx::impl_sql_translatable!(JsonArg, arg_only = "jsonb");

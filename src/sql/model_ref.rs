//! Model references: every read function takes a model id (bigint) or a name (text, meaning
//! its promoted version). `by_model!` declares both SQL overloads over one implementation.

use super::error::raise;
use pgrx::prelude::*;

/// The id, if a model with it is visible to the current role.
pub fn by_id(id: i64) -> i64 {
    lookup("SELECT id FROM mmm.models WHERE id = $1", id.into(), &id.to_string())
}

/// The promoted version of the named model visible to the current role; while the name has no
/// promoted version (none of its fits passed its policy's gates), its latest fitted version,
/// and its latest prior-only one (`"prior_only": true`) only when it has no other.
pub fn by_name(name: &str) -> i64 {
    lookup(
        "SELECT id FROM mmm.models WHERE name = $1
         ORDER BY promoted DESC, prior_only, version DESC, created_at DESC LIMIT 1",
        name.into(),
        &format!("\"{name}\""),
    )
}

fn lookup(query: &str, arg: pgrx::datum::DatumWithOid, shown: &str) -> i64 {
    super::read::one::<i64>(query, &[arg]).ok().flatten().unwrap_or_else(|| {
        raise(
            PgSqlErrorCode::ERRCODE_UNDEFINED_OBJECT,
            format!("model {shown} does not exist"),
            "SELECT * FROM mmm_models lists the models you can see.",
        )
    })
}

/// `by_model!("sql_name", by_id_fn, by_name_fn, (arg: [type], ...) -> TableIterator<..>,
/// implementation)` declares the set-returning SQL function for `model bigint` and for `model
/// text`, both returning the rows of `implementation(id, args)`. Types are bracketed so that
/// `default!(..)` reaches pgrx as written. pgrx makes the functions STRICT unless an argument
/// is an `Option` (a `DEFAULT NULL` argument). They are PARALLEL SAFE: they only read, and
/// through read-only queries (`super::read`, `Spi::connect` with `select`), which assign no
/// transaction id; `pg_test/sql/parallel.sql` holds them to it.
///
/// A function with an `Option` argument is not STRICT, so NULL reaches its `model` too:
/// `by_model!(nullable "sql_name", ...)` takes `model` as an `Option` and makes NULL an ERROR
/// naming it (`super::args::required`), rather than pgrx's internal error.
macro_rules! by_model {
    (nullable $sql:literal, $by_id:ident, $by_name:ident, ($($arg:ident : [$($ty:tt)+]),*) -> $ret:ty, $imp:path) => {
        #[pg_extern(stable, parallel_safe, name = $sql)]
        fn $by_id(model: Option<i64>, $($arg: $($ty)+),*) -> $ret {
            let id = $crate::sql::model_ref::by_id($crate::sql::args::required(model, "model"));
            TableIterator::new($imp(id, $($arg),*))
        }

        #[pg_extern(stable, parallel_safe, name = $sql)]
        fn $by_name(model: Option<&str>, $($arg: $($ty)+),*) -> $ret {
            let id = $crate::sql::model_ref::by_name($crate::sql::args::required(model, "model"));
            TableIterator::new($imp(id, $($arg),*))
        }
    };
    ($sql:literal, $by_id:ident, $by_name:ident, ($($arg:ident : [$($ty:tt)+]),*) -> $ret:ty, $imp:path) => {
        #[pg_extern(stable, parallel_safe, name = $sql)]
        fn $by_id(model: i64, $($arg: $($ty)+),*) -> $ret {
            TableIterator::new($imp($crate::sql::model_ref::by_id(model), $($arg),*))
        }

        #[pg_extern(stable, parallel_safe, name = $sql)]
        fn $by_name(model: &str, $($arg: $($ty)+),*) -> $ret {
            TableIterator::new($imp($crate::sql::model_ref::by_name(model), $($arg),*))
        }
    };
}
pub(crate) use by_model;

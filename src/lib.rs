//! pg_mmm: Bayesian marketing-mix modelling inside PostgreSQL. The math lives in the
//! `mmm_engine` crate (`crates/engine`); this crate is the SQL layer that maps it to functions,
//! aggregates and the catalog.

// A set-returning function's Rust signature is its SQL column list (`TableIterator<(name!(..),
// ..)>`), and an SQL function takes the named arguments its API has: both read best as they are.
#[allow(clippy::type_complexity, clippy::too_many_arguments)]
mod sql;

::pgrx::pg_module_magic!(name, version);

/// Required by `cargo pgrx test`.
#[cfg(test)]
pub mod pg_test {
    pub fn setup(_options: Vec<&str>) {}

    #[must_use]
    pub fn postgresql_conf_options() -> Vec<&'static str> {
        vec![]
    }
}

//! pg_mmm: Bayesian marketing-mix modelling inside PostgreSQL.
//!
//! The math (`transforms`, `model`, `inference`, `posterior`) never touches PostgreSQL; `sql` is
//! the thin layer that does.

pub mod calendar;
pub mod inference;
pub mod model;
pub mod numeric;
pub mod optimize;
pub mod plot;
pub mod posterior;
pub mod simulate;
pub mod transforms;

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

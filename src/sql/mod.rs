//! The SQL layer: the only code that talks to PostgreSQL. One file per SQL feature, each a thin
//! wrapper over the pure engine modules.

mod error;
mod transforms;

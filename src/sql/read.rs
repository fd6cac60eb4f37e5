//! Queries that only read, run read-only. pgrx's `Spi::get_one*` (and `Spi::run*`) first ask
//! PostgreSQL for a transaction id, as a write needs: a read that went through them assigned
//! one, which fails inside a parallel worker ("cannot assign XIDs during a parallel
//! operation") and on a read replica. These mirror them over `SpiClient::select`, which
//! assigns none: `Err(InvalidPosition)` when the query finds no row, as theirs.

use pgrx::datum::{DatumWithOid, FromDatum, IntoDatum};
use pgrx::spi::{Spi, SpiResult};

/// The first row's first column.
pub fn one<A: FromDatum + IntoDatum>(query: &str, args: &[DatumWithOid]) -> SpiResult<Option<A>> {
    Spi::connect(|client| client.select(query, Some(1), args)?.first().get_one())
}

/// The first row's first two columns.
pub fn two<A: FromDatum + IntoDatum, B: FromDatum + IntoDatum>(
    query: &str,
    args: &[DatumWithOid],
) -> SpiResult<(Option<A>, Option<B>)> {
    Spi::connect(|client| client.select(query, Some(1), args)?.first().get_two())
}

/// The first row's first three columns.
pub fn three<A: FromDatum + IntoDatum, B: FromDatum + IntoDatum, C: FromDatum + IntoDatum>(
    query: &str,
    args: &[DatumWithOid],
) -> SpiResult<(Option<A>, Option<B>, Option<C>)> {
    Spi::connect(|client| client.select(query, Some(1), args)?.first().get_three())
}

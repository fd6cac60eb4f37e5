//! What lift tests (`lift_tests.rs`) and cost calibration rows (`cost_calibration.rs`) share:
//! rows of (channel, [geo], [date], numbers) read from the table a fit names, ERRORs naming a
//! bad row, the copy stored with the model (read back on load and by `mmm_refit`), and each
//! row's posterior band in the read functions. Each feature keeps only its columns and checks.

use super::error::raise;
use super::source::{self, qualified_name, quote_ident, Holds};
use super::store::{from_pg_date, to_pg_date};
use mmm_engine::calendar::Date;
use mmm_engine::inference::Fit;
use mmm_engine::model::Model;
use mmm_engine::posterior::Band;
use pgrx::prelude::*;
use pgrx::PgRelation;

/// One kind of calibration rows.
pub struct Table {
    /// The argument of `mmm_fit` the rows come from, which names them in ERRORs.
    pub argument: &'static str,
    /// What the hints call the table ("lift tests", "cost calibration").
    pub noun: &'static str,
    /// What the hints call one row ("lift test", "row").
    pub what: &'static str,
    /// The catalog table a model's rows are stored in.
    pub catalog: &'static str,
    /// The numeric columns, in order.
    pub values: &'static [&'static str],
    /// Whether an optional `date` column is read and stored.
    pub dated: bool,
}

/// A row as written: channel and geo by name, its date, its numbers in `Table::values` order.
pub struct Row {
    pub channel: Option<String>,
    pub geo: Option<String>,
    pub date: Option<Date>,
    pub values: Vec<Option<f64>>,
}

/// A checked row's cell and numbers.
pub struct Cell {
    pub channel: usize,
    pub geo: Option<usize>,
    pub date: Option<Date>,
    pub values: Vec<f64>,
}

/// A row to store: channel and geo by name, its date, its numbers.
pub type Stored = (String, Option<String>, Option<Date>, Vec<f64>);

impl Table {
    /// A row as an ERROR shows it: `(channel 'tv', geo 'north', date 2024-01-01, x 100, ...)`,
    /// with its geo in a panel and its date when it has one.
    fn described(&self, row: &Row, panel: bool) -> String {
        // Tiny and huge values in exponent form: 1e-300, not three hundred digits.
        let shown = |v: f64| match v != 0.0 && !(1e-5..1e16).contains(&v.abs()) {
            true => format!("{v:e}"),
            false => v.to_string(),
        };
        let quoted = |v: &Option<String>| v.as_ref().map_or("NULL".into(), |s| format!("'{s}'"));
        let mut parts = vec![format!("channel {}", quoted(&row.channel))];
        if panel {
            parts.push(format!("geo {}", quoted(&row.geo)));
        }
        if let Some(date) = row.date {
            parts.push(format!("date {date}"));
        }
        for (name, v) in self.values.iter().zip(&row.values) {
            parts.push(format!("{name} {}", v.map_or("NULL".into(), shown)));
        }
        format!("({})", parts.join(", "))
    }

    /// The ERROR of row `i` (0-based) of `rows`.
    pub fn bad(&self, rows: &[Row], i: usize, panel: bool, message: &str, hint: &str) -> ! {
        raise(
            PgSqlErrorCode::ERRCODE_INVALID_PARAMETER_VALUE,
            format!("{} row {} {}: {message}", self.argument, i + 1, self.described(&rows[i], panel)),
            hint,
        )
    }

    /// The rows' cells by the model's channel and geo names, and their numbers; a row naming
    /// no channel or geo of the model, or with a NULL number, is an ERROR naming it.
    pub fn cells(&self, rows: &[Row], channels: &[String], geos: &[String]) -> Vec<Cell> {
        let panel = !geos.is_empty();
        rows.iter()
            .enumerate()
            .map(|(i, row)| {
                let (channel, geo) =
                    source::row_cell(row.channel.as_ref(), row.geo.as_ref(), channels, geos, self.what)
                        .unwrap_or_else(|(message, hint)| self.bad(rows, i, panel, &message, &hint));
                let values = row
                    .values
                    .iter()
                    .zip(self.values)
                    .map(|(v, name)| {
                        v.unwrap_or_else(|| {
                            let (last, rest) = self.values.split_last().expect("a table has values");
                            let hint = format!("Give {} and {last}.", rest.join(", "));
                            self.bad(rows, i, panel, &format!("{name} is NULL"), &hint)
                        })
                    })
                    .collect();
                Cell { channel, geo, date: row.date, values }
            })
            .collect()
    }

    /// The rows of `relation`: channel, the geo in column `geo_column` for a panel (`panel`),
    /// the date if the table is dated and `relation` has that column, and the numbers; ordered
    /// by all of them so that a table gives the same fit whatever its physical order.
    pub fn read(&self, relation: &PgRelation, geo_column: Option<&str>, panel: bool) -> Vec<Row> {
        let geo_column = geo_column.filter(|_| panel);
        let wanted: Vec<&str> = ["channel"].into_iter().chain(geo_column).chain(self.values.iter().copied()).collect();
        let hint = format!("The {} table needs columns {}.", self.noun, wanted.join(", "));
        source::require_columns(relation, self.argument, &wanted, &hint);
        let dated = self.dated && source::has_column(relation, "date");
        let typed: Vec<(&str, Holds)> = dated
            .then_some(("date", Holds::Dates))
            .into_iter()
            .chain(self.values.iter().map(|&v| (v, Holds::Numbers)))
            .collect();
        source::require_types(relation, self.argument, &typed, |holds| match holds {
            Holds::Dates => format!("A {}'s date must be of type date or timestamp.", self.what),
            Holds::Numbers => format!("The {} table's columns {} must be numeric.", self.noun, self.values.join(", ")),
        });
        let geo = source::geo_text(relation, geo_column);
        let date = if dated { "date::date" } else { "NULL::date" };
        let values: Vec<String> = self.values.iter().map(|v| format!("{}::float8", quote_ident(v))).collect();
        let order: Vec<String> = (1..=3 + self.values.len()).map(|k| k.to_string()).collect();
        let query = format!(
            "SELECT channel::text, {geo}, {date}, {} FROM {} ORDER BY {}",
            values.join(", "),
            qualified_name(relation),
            order.join(", ")
        );
        Spi::connect(|client| {
            let rows = client.select(&query, None, &[]).unwrap_or_else(|e| panic!("read the {}: {e}", self.argument));
            rows.map(|r| self.row_of(&r)).collect()
        })
    }

    fn row_of(&self, r: &pgrx::spi::SpiHeapTupleData) -> Row {
        Row {
            channel: r.get(1).expect("channel"),
            geo: r.get(2).expect("geo"),
            date: r.get::<pgrx::datum::Date>(3).expect("date").map(from_pg_date),
            values: (0..self.values.len()).map(|k| r.get::<f64>(4 + k).expect("a float8 column")).collect(),
        }
    }

    /// The rows stored with model `id`, in the fit's order.
    pub fn stored(&self, id: i64) -> Vec<Row> {
        let date = if self.dated { "date" } else { "NULL::date" };
        let query = format!(
            "SELECT channel, geo, {date}, {} FROM {} WHERE model_id = $1 ORDER BY row_number",
            self.values.join(", "),
            self.catalog
        );
        Spi::connect(|client| {
            let rows =
                client.select(&query, None, &[id.into()]).unwrap_or_else(|e| panic!("read {}: {e}", self.catalog));
            rows.map(|r| self.row_of(&r)).collect()
        })
    }

    /// Stores `rows` with model `id`, numbered in the fit's order.
    pub fn save(&self, id: i64, rows: Vec<Stored>) {
        if rows.is_empty() {
            return;
        }
        let n = self.values.len();
        let date = if self.dated { ", date" } else { "" };
        let date_value = if self.dated { ", d" } else { "" };
        let arrays: Vec<String> = (0..n).map(|k| format!("${}::float8[]", 5 + k)).collect();
        let names: Vec<String> = (0..n).map(|k| format!("v{k}")).collect();
        let query = format!(
            "INSERT INTO {} (model_id, row_number, channel, geo{date}, {})
             SELECT $1, k, c, g{date_value}, {}
             FROM unnest($2::text[], $3::text[], $4::date[], {}) WITH ORDINALITY AS r(c, g, d, {}, k)",
            self.catalog,
            self.values.join(", "),
            names.join(", "),
            arrays.join(", "),
            names.join(", ")
        );
        let mut args: Vec<pgrx::datum::DatumWithOid> = vec![
            id.into(),
            rows.iter().map(|r| r.0.clone()).collect::<Vec<_>>().into(),
            rows.iter().map(|r| r.1.clone()).collect::<Vec<_>>().into(),
            rows.iter().map(|r| r.2.map(to_pg_date)).collect::<Vec<_>>().into(),
        ];
        args.extend((0..n).map(|k| rows.iter().map(|r| r.3[k]).collect::<Vec<f64>>().into()));
        Spi::run_with_args(&query, &args).unwrap_or_else(|e| panic!("insert into {}: {e}", self.catalog));
    }
}

/// Per row, the posterior band of `estimates` (one value per row at a draw's parameters).
pub fn bands(fit: &Fit, estimates: impl Fn(&Model, &[f64]) -> Vec<f64>, hdi_prob: f64) -> Vec<Band> {
    super::check_hdi_prob(hdi_prob);
    let per_draw: Vec<Vec<f64>> = fit.trace.draws().map(|theta| estimates(&fit.model, theta)).collect();
    let rows = per_draw.first().map_or(0, Vec::len);
    (0..rows).map(|i| Band::of(&per_draw.iter().map(|d| d[i]).collect::<Vec<_>>(), hdi_prob)).collect()
}

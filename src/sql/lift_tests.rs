//! Lift tests (MODEL-R2.md §4.1): the experiments of `mmm_fit(..., lift_tests)` read from a
//! table, stored with the model in `mmm.lift_tests` (read back on load and by `mmm_refit`), and
//! `mmm_lift_tests`, each test's measured lift beside the model's estimate.

use super::error::raise;
use super::model_ref::by_model;
use super::source::{self, qualified_name};
use super::store::load;
use mmm_engine::model::calibration::{check_lift_tests, LiftLikelihood, LiftTest};
use mmm_engine::model::SpecError;
use mmm_engine::posterior::Band;
use pgrx::prelude::*;
use pgrx::PgRelation;

/// One experiment as written: channel and geo by name, numbers in original units.
struct Row {
    channel: Option<String>,
    geo: Option<String>,
    values: [Option<f64>; 4],
}

const VALUES: [&str; 4] = ["x", "delta_x", "delta_y", "sigma"];

impl Row {
    /// The row as an ERROR shows it: `(channel 'tv', x 100, ...)`, with its geo in a panel.
    fn described(&self, panel: bool) -> String {
        let quoted = |v: &Option<String>| v.as_ref().map_or("NULL".into(), |s| format!("'{s}'"));
        let mut parts = vec![format!("channel {}", quoted(&self.channel))];
        if panel {
            parts.push(format!("geo {}", quoted(&self.geo)));
        }
        for (name, v) in VALUES.iter().zip(&self.values) {
            parts.push(format!("{name} {}", v.map_or("NULL".into(), |v| v.to_string())));
        }
        format!("({})", parts.join(", "))
    }
}

/// The rows as the engine's lift tests, channel and geo names mapped to the model's indices,
/// every row checked (the engine's checks for values; `likelihood` for the gamma's signs). A
/// bad row is an ERROR naming it, raised before anything is fitted or written.
fn to_tests(rows: &[Row], channels: &[String], geos: &[String], likelihood: LiftLikelihood) -> Vec<LiftTest> {
    let bad = |i: usize, message: String, hint: &str| -> ! {
        raise(
            PgSqlErrorCode::ERRCODE_INVALID_PARAMETER_VALUE,
            format!("lift_tests row {} {}: {message}", i + 1, rows[i].described(!geos.is_empty())),
            hint,
        )
    };
    let tests: Vec<LiftTest> = rows
        .iter()
        .enumerate()
        .map(|(i, row)| {
            let (c, geo) = source::row_cell(row.channel.as_ref(), row.geo.as_ref(), channels, geos, "lift test")
                .unwrap_or_else(|(message, hint)| bad(i, message, &hint));
            let mut v = [0.0; 4];
            for ((v, given), name) in v.iter_mut().zip(row.values).zip(VALUES) {
                *v = given.unwrap_or_else(|| bad(i, format!("{name} is NULL"), "Give x, delta_x, delta_y and sigma."));
            }
            let [x, delta_x, delta_y, sigma] = v;
            LiftTest { channel: c, geo, x, delta_x, delta_y, sigma }
        })
        .collect();
    if let Err(e) = check_lift_tests(&tests, likelihood, channels.len(), geos.len()) {
        match &e {
            SpecError::LiftTest { row, reason } => bad(row - 1, reason.clone(), &e.hint()),
            _ => unreachable!("check_lift_tests fails with a row's error"),
        }
    }
    tests
}

/// The lift tests of `mmm_fit(..., lift_tests)`: rows `(channel, x, delta_x, delta_y, sigma)`
/// of `relation`, and the geo in column `geo_column` for a panel (`geos` not empty), ordered by
/// channel, geo and values so that a table gives the same fit whatever its physical order.
pub fn read(
    relation: &PgRelation,
    geo_column: Option<&str>,
    channels: &[String],
    geos: &[String],
    likelihood: LiftLikelihood,
) -> Vec<LiftTest> {
    let geo_column = geo_column.filter(|_| !geos.is_empty());
    let wanted: Vec<&str> = ["channel"].into_iter().chain(geo_column).chain(VALUES).collect();
    let hint = format!("The lift tests table needs columns {}.", wanted.join(", "));
    super::source::require_columns(relation, "lift_tests", &wanted, &hint);
    let geo = geo_column.map_or("NULL::text".into(), |g| format!("{}::text", super::source::quote_ident(g)));
    let query = format!(
        "SELECT channel::text, {geo}, x::float8, delta_x::float8, delta_y::float8, sigma::float8 FROM {}
         ORDER BY 1, 2, 3, 4, 5, 6",
        qualified_name(relation)
    );
    let rows = Spi::connect(|client| {
        client.select(&query, None, &[]).expect("read the lift tests").map(|r| row_of(&r)).collect::<Vec<_>>()
    });
    to_tests(&rows, channels, geos, likelihood)
}

/// A row of the columns channel, geo, x, delta_x, delta_y and sigma.
fn row_of(r: &pgrx::spi::SpiHeapTupleData) -> Row {
    let value = |i: usize| r.get::<f64>(i).expect("a float8 column");
    Row {
        channel: r.get(1).expect("channel"),
        geo: r.get(2).expect("geo"),
        values: [value(3), value(4), value(5), value(6)],
    }
}

/// Stores the lift tests of model `id`, numbered in the fit's order, by channel and geo name.
pub fn save(id: i64, tests: &[LiftTest], channels: &[String], geos: &[String]) {
    if tests.is_empty() {
        return;
    }
    let column = |f: fn(&LiftTest) -> f64| tests.iter().map(f).collect::<Vec<f64>>();
    Spi::run_with_args(
        "INSERT INTO mmm.lift_tests (model_id, row_number, channel, geo, x, delta_x, delta_y, sigma)
         SELECT $1, k, c, g, x, dx, dy, s
         FROM unnest($2::text[], $3::text[], $4::float8[], $5::float8[], $6::float8[], $7::float8[])
              WITH ORDINALITY AS r(c, g, x, dx, dy, s, k)",
        &[
            id.into(),
            tests.iter().map(|t| channels[t.channel].clone()).collect::<Vec<_>>().into(),
            tests.iter().map(|t| t.geo.map(|g| geos[g].clone())).collect::<Vec<_>>().into(),
            column(|t| t.x).into(),
            column(|t| t.delta_x).into(),
            column(|t| t.delta_y).into(),
            column(|t| t.sigma).into(),
        ],
    )
    .expect("insert into mmm.lift_tests");
}

/// The rows of `mmm.lift_tests` of one model, in the fit's order.
pub struct Stored(Vec<Row>);

impl Stored {
    /// The tests over a model of `channels` and `geos` (a refit's may differ from the stored
    /// model's: a test of a geo the source no longer has is an ERROR).
    pub fn tests(&self, channels: &[String], geos: &[String], likelihood: LiftLikelihood) -> Vec<LiftTest> {
        to_tests(&self.0, channels, geos, likelihood)
    }
}

/// The lift tests stored with model `id`.
pub fn stored(id: i64) -> Stored {
    Stored(Spi::connect(|client| {
        client
            .select(
                "SELECT channel, geo, x, delta_x, delta_y, sigma FROM mmm.lift_tests WHERE model_id = $1
                 ORDER BY row_number",
                None,
                &[id.into()],
            )
            .expect("read mmm.lift_tests")
            .map(|r| row_of(&r))
            .collect()
    }))
}

by_model!("mmm_lift_tests", mmm_lift_tests_by_id, mmm_lift_tests_by_name, (hdi_prob: [default!(f64, 0.94)]) -> TableIterator<
    'static,
    (
        name!(channel, String),
        name!(x, f64),
        name!(delta_x, f64),
        name!(delta_y, f64),
        name!(sigma, f64),
        name!(estimated_lift, f64),
        name!(estimated_lift_lower, f64),
        name!(estimated_lift_upper, f64),
        name!(geo, Option<String>),
    ),
>, lift_tests);

type LiftRow = (String, f64, f64, f64, f64, f64, f64, f64, Option<String>);

/// Each lift test the model was fitted with, its measured lift (`delta_y ± sigma`) beside the
/// model's: the posterior mean and band of the saturation difference, in original units.
fn lift_tests(id: i64, hdi_prob: f64) -> Vec<LiftRow> {
    super::check_hdi_prob(hdi_prob);
    let fit = load(id);
    let tests = &fit.model.spec.lift_tests;
    let per_draw: Vec<Vec<f64>> = fit.trace.draws().map(|theta| fit.model.lift_estimates(theta)).collect();
    tests
        .iter()
        .enumerate()
        .map(|(i, t)| {
            let band = Band::of(&per_draw.iter().map(|d| d[i]).collect::<Vec<_>>(), hdi_prob);
            let channel = fit.panel.channel_names()[t.channel].clone();
            let geo = t.geo.map(|g| fit.panel.geos[g].clone());
            (channel, t.x, t.delta_x, t.delta_y, t.sigma, band.mean, band.lower, band.upper, geo)
        })
        .collect()
}

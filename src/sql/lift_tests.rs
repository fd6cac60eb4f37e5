//! Lift tests (docs/02-fitting.md, "Calibrating with experiments"): the experiments of `mmm_fit(..., lift_tests)` read from a
//! table, stored with the model in `mmm.lift_tests` (read back on load and by `mmm_refit`), and
//! `mmm_lift_tests`, each test's measured lift beside the model's estimate. A test's `date`
//! names the training week whose media multiplier scales its lift when media varies over time
//! (required then; ignored otherwise).

use super::calibration_rows::{bands, Row, Table};
use super::model_ref::by_model;
use super::store::{load, to_pg_date};
use mmm_engine::calendar::Date;
use mmm_engine::model::calibration::{check_lift_tests, LiftLikelihood, LiftTest};
use mmm_engine::model::SpecError;
use pgrx::prelude::*;
use pgrx::PgRelation;

const TABLE: Table = Table {
    argument: "lift_tests",
    noun: "lift tests",
    what: "lift test",
    catalog: "mmm.lift_tests",
    values: &["x", "delta_x", "delta_y", "sigma"],
    dated: true,
};

/// The rows as the engine's lift tests, channel and geo names mapped to the model's indices,
/// every row checked (the engine's checks for values; `likelihood` for the gamma's signs; the
/// training `dates` when media varies over time). A bad row is an ERROR naming it, raised before
/// anything is fitted or written.
fn to_tests(
    rows: &[Row],
    (channels, geos): (&[String], &[String]),
    likelihood: LiftLikelihood,
    dates: Option<&[Date]>,
) -> Vec<LiftTest> {
    let tests: Vec<LiftTest> = TABLE
        .cells(rows, channels, geos)
        .into_iter()
        .map(|c| {
            let [x, delta_x, delta_y, sigma] = c.values[..] else { unreachable!("four values") };
            LiftTest { channel: c.channel, geo: c.geo, date: c.date, x, delta_x, delta_y, sigma }
        })
        .collect();
    if let Err(e) = check_lift_tests(&tests, likelihood, (channels.len(), geos.len()), dates) {
        match &e {
            SpecError::LiftTest { row, reason } => TABLE.bad(rows, row - 1, !geos.is_empty(), reason, &e.hint()),
            _ => unreachable!("check_lift_tests fails with a row's error"),
        }
    }
    tests
}

/// The lift tests of `mmm_fit(..., lift_tests)`: rows `(channel, x, delta_x, delta_y, sigma)`
/// of `relation`, the geo in column `geo_column` for a panel (`geos` not empty) and the `date`
/// column if it has one; `dates` are the training dates when media varies over time.
pub fn read(
    relation: &PgRelation,
    geo_column: Option<&str>,
    (channels, geos): (&[String], &[String]),
    likelihood: LiftLikelihood,
    dates: Option<&[Date]>,
) -> Vec<LiftTest> {
    to_tests(&TABLE.read(relation, geo_column, !geos.is_empty()), (channels, geos), likelihood, dates)
}

/// Stores the lift tests of model `id`, numbered in the fit's order, by channel and geo name.
pub fn save(id: i64, tests: &[LiftTest], channels: &[String], geos: &[String]) {
    let rows = tests.iter().map(|t| {
        let values = vec![t.x, t.delta_x, t.delta_y, t.sigma];
        (channels[t.channel].clone(), t.geo.map(|g| geos[g].clone()), t.date, values)
    });
    TABLE.save(id, rows.collect());
}

/// The rows of `mmm.lift_tests` of one model, in the fit's order.
pub struct Stored(Vec<Row>);

impl Stored {
    /// The tests over a model of `channels` and `geos` (a refit's may differ from the stored
    /// model's: a test of a geo the source no longer has is an ERROR), checked against the
    /// training `dates` when media varies over time.
    pub fn tests(
        &self,
        (channels, geos): (&[String], &[String]),
        likelihood: LiftLikelihood,
        dates: Option<&[Date]>,
    ) -> Vec<LiftTest> {
        to_tests(&self.0, (channels, geos), likelihood, dates)
    }
}

/// The lift tests stored with model `id`.
pub fn stored(id: i64) -> Stored {
    Stored(TABLE.stored(id))
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
        name!(date, Option<pgrx::datum::Date>),
    ),
>, lift_tests);

type LiftRow = (String, f64, f64, f64, f64, f64, f64, f64, Option<String>, Option<pgrx::datum::Date>);

/// Each lift test the model was fitted with, its measured lift (`delta_y ± sigma`) beside the
/// model's: the posterior mean and band of the saturation difference (times the media
/// multiplier at the test's date when media varies over time), in original units.
fn lift_tests(id: i64, hdi_prob: f64) -> Vec<LiftRow> {
    let fit = load(id);
    let bands = bands(&fit, |model, theta| model.lift_estimates(theta), hdi_prob);
    fit.model
        .spec
        .lift_tests
        .iter()
        .zip(bands)
        .map(|(t, band)| {
            let channel = fit.panel.channel_names()[t.channel].clone();
            let geo = t.geo.map(|g| fit.panel.geos[g].clone());
            let date = t.date.map(to_pg_date);
            (channel, t.x, t.delta_x, t.delta_y, t.sigma, band.mean, band.lower, band.upper, geo, date)
        })
        .collect()
}

//! Cost-per-target / ROAS calibration (docs/02-fitting.md, "Calibrating with cost per target or ROAS"): the measured ratios of
//! `mmm_fit(..., cost_calibration)` read from a table, stored with the model in
//! `mmm.cost_calibrations` (read back on load and by `mmm_refit`), and `mmm_cost_calibration`,
//! each measured ratio beside the model's estimate.

use super::calibration_rows::{bands, Row, Table};
use super::model_ref::by_model;
use super::store::load;
use mmm_engine::model::cost_calibration::{check_cost_calibration, CalibrationTarget, CostCalibration};
use mmm_engine::model::SpecError;
use pgrx::prelude::*;
use pgrx::PgRelation;

const TABLE: Table = Table {
    argument: "cost_calibration",
    noun: "cost calibration",
    what: "row",
    catalog: "mmm.cost_calibrations",
    values: &["value", "sigma"],
    dated: false,
};

/// The rows as the engine's calibration rows, channel and geo names mapped to the model's
/// indices, every row checked by the engine. A bad row is an ERROR naming it, raised before
/// anything is fitted or written.
fn to_rows(rows: &[Row], channels: &[String], geos: &[String]) -> Vec<CostCalibration> {
    let calibration: Vec<CostCalibration> = TABLE
        .cells(rows, channels, geos)
        .into_iter()
        .map(|c| CostCalibration { channel: c.channel, geo: c.geo, value: c.values[0], sigma: c.values[1] })
        .collect();
    if let Err(e) = check_cost_calibration(&calibration, channels.len(), geos.len()) {
        match &e {
            SpecError::CostCalibration { row, reason } => TABLE.bad(rows, row - 1, !geos.is_empty(), reason, &e.hint()),
            _ => unreachable!("check_cost_calibration fails with a row's error"),
        }
    }
    calibration
}

/// The rows of `mmm_fit(..., cost_calibration)`: `(channel, value, sigma)` of `relation`, and
/// the geo in column `geo_column` for a panel (`geos` not empty).
pub fn read(
    relation: &PgRelation,
    geo_column: Option<&str>,
    channels: &[String],
    geos: &[String],
) -> Vec<CostCalibration> {
    to_rows(&TABLE.read(relation, geo_column, !geos.is_empty()), channels, geos)
}

/// Stores the calibration rows of model `id`, numbered in the fit's order, by channel and geo
/// name.
pub fn save(id: i64, rows: &[CostCalibration], channels: &[String], geos: &[String]) {
    let rows = rows
        .iter()
        .map(|r| (channels[r.channel].clone(), r.geo.map(|g| geos[g].clone()), None, vec![r.value, r.sigma]));
    TABLE.save(id, rows.collect());
}

/// The rows of `mmm.cost_calibrations` of one model, in the fit's order.
pub struct Stored(Vec<Row>);

impl Stored {
    /// The rows over a model of `channels` and `geos` (a refit's may differ from the stored
    /// model's: a row of a geo the source no longer has is an ERROR).
    pub fn rows(&self, channels: &[String], geos: &[String]) -> Vec<CostCalibration> {
        to_rows(&self.0, channels, geos)
    }
}

/// The calibration rows stored with model `id`.
pub fn stored(id: i64) -> Stored {
    Stored(TABLE.stored(id))
}

by_model!("mmm_cost_calibration", mmm_cost_calibration_by_id, mmm_cost_calibration_by_name, (hdi_prob: [default!(f64, 0.94)]) -> TableIterator<
    'static,
    (
        name!(channel, String),
        name!(target, String),
        name!(value, f64),
        name!(sigma, f64),
        name!(estimate, f64),
        name!(estimate_lower, f64),
        name!(estimate_upper, f64),
        name!(geo, Option<String>),
    ),
>, cost_calibration);

type CostRow = (String, String, f64, f64, f64, f64, f64, Option<String>);

/// Each calibration row the model was fitted with, its measured ratio (`value ± sigma`) beside
/// the model's: the posterior mean and band of the cost per target (or ROAS) over the training
/// window, in original units (spend in money with a cost per unit).
fn cost_calibration(id: i64, hdi_prob: f64) -> Vec<CostRow> {
    let fit = load(id);
    let spec = &fit.model.spec;
    let target = match spec.calibration_target {
        CalibrationTarget::CostPerTarget => "cost_per_target",
        CalibrationTarget::Roas => "roas",
    };
    let bands = bands(&fit, |model, theta| model.cost_estimates(theta), hdi_prob);
    spec.cost_calibration
        .iter()
        .zip(bands)
        .map(|(r, band)| {
            let channel = fit.panel.channel_names()[r.channel].clone();
            let geo = r.geo.map(|g| fit.panel.geos[g].clone());
            (channel, target.into(), r.value, r.sigma, band.mean, band.lower, band.upper, geo)
        })
        .collect()
}

//! Cost-per-target / ROAS calibration (MODEL-R2.md §4.2): the measured ratios of
//! `mmm_fit(..., cost_calibration)` read from a table, stored with the model in
//! `mmm.cost_calibrations` (read back on load and by `mmm_refit`), and `mmm_cost_calibration`,
//! each measured ratio beside the model's estimate.

use super::error::raise;
use super::model_ref::by_model;
use super::source::{self, qualified_name};
use super::store::load;
use mmm_engine::model::cost_calibration::{check_cost_calibration, CalibrationTarget, CostCalibration};
use mmm_engine::model::SpecError;
use mmm_engine::posterior::Band;
use pgrx::prelude::*;
use pgrx::PgRelation;

/// One measurement as written: channel and geo by name, the ratio and its standard error.
struct Row {
    channel: Option<String>,
    geo: Option<String>,
    values: [Option<f64>; 2],
}

const VALUES: [&str; 2] = ["value", "sigma"];

impl Row {
    /// The row as an ERROR shows it: `(channel 'tv', value 20, sigma 2)`, with its geo in a panel.
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

/// The rows as the engine's calibration rows, channel and geo names mapped to the model's
/// indices, every row checked by the engine. A bad row is an ERROR naming it, raised before
/// anything is fitted or written.
fn to_rows(rows: &[Row], channels: &[String], geos: &[String]) -> Vec<CostCalibration> {
    let bad = |i: usize, message: String, hint: &str| -> ! {
        raise(
            PgSqlErrorCode::ERRCODE_INVALID_PARAMETER_VALUE,
            format!("cost_calibration row {} {}: {message}", i + 1, rows[i].described(!geos.is_empty())),
            hint,
        )
    };
    let calibration: Vec<CostCalibration> = rows
        .iter()
        .enumerate()
        .map(|(i, row)| {
            let (c, geo) = source::row_cell(row.channel.as_ref(), row.geo.as_ref(), channels, geos, "row")
                .unwrap_or_else(|(message, hint)| bad(i, message, &hint));
            let [value, sigma] = [0, 1].map(|k| {
                row.values[k].unwrap_or_else(|| bad(i, format!("{} is NULL", VALUES[k]), "Give value and sigma."))
            });
            CostCalibration { channel: c, geo, value, sigma }
        })
        .collect();
    if let Err(e) = check_cost_calibration(&calibration, channels.len(), geos.len()) {
        match &e {
            SpecError::CostCalibration { row, reason } => bad(row - 1, reason.clone(), &e.hint()),
            _ => unreachable!("check_cost_calibration fails with a row's error"),
        }
    }
    calibration
}

/// The rows of `mmm_fit(..., cost_calibration)`: `(channel, value, sigma)` of `relation`, and
/// the geo in column `geo_column` for a panel (`geos` not empty), ordered by channel, geo and
/// values so that a table gives the same fit whatever its physical order.
pub fn read(
    relation: &PgRelation,
    geo_column: Option<&str>,
    channels: &[String],
    geos: &[String],
) -> Vec<CostCalibration> {
    let geo_column = geo_column.filter(|_| !geos.is_empty());
    let wanted: Vec<&str> = ["channel"].into_iter().chain(geo_column).chain(VALUES).collect();
    let hint = format!("The cost calibration table needs columns {}.", wanted.join(", "));
    super::source::require_columns(relation, "cost_calibration", &wanted, &hint);
    let geo = geo_column.map_or("NULL::text".into(), |g| format!("{}::text", super::source::quote_ident(g)));
    let query = format!(
        "SELECT channel::text, {geo}, value::float8, sigma::float8 FROM {} ORDER BY 1, 2, 3, 4",
        qualified_name(relation)
    );
    let rows = Spi::connect(|client| {
        client.select(&query, None, &[]).expect("read the cost calibration").map(|r| row_of(&r)).collect::<Vec<_>>()
    });
    to_rows(&rows, channels, geos)
}

/// A row of the columns channel, geo, value and sigma.
fn row_of(r: &pgrx::spi::SpiHeapTupleData) -> Row {
    let value = |i: usize| r.get::<f64>(i).expect("a float8 column");
    Row { channel: r.get(1).expect("channel"), geo: r.get(2).expect("geo"), values: [value(3), value(4)] }
}

/// Stores the calibration rows of model `id`, numbered in the fit's order, by channel and geo
/// name.
pub fn save(id: i64, rows: &[CostCalibration], channels: &[String], geos: &[String]) {
    if rows.is_empty() {
        return;
    }
    let column = |f: fn(&CostCalibration) -> f64| rows.iter().map(f).collect::<Vec<f64>>();
    Spi::run_with_args(
        "INSERT INTO mmm.cost_calibrations (model_id, row_number, channel, geo, value, sigma)
         SELECT $1, k, c, g, v, s
         FROM unnest($2::text[], $3::text[], $4::float8[], $5::float8[]) WITH ORDINALITY AS r(c, g, v, s, k)",
        &[
            id.into(),
            rows.iter().map(|r| channels[r.channel].clone()).collect::<Vec<_>>().into(),
            rows.iter().map(|r| r.geo.map(|g| geos[g].clone())).collect::<Vec<_>>().into(),
            column(|r| r.value).into(),
            column(|r| r.sigma).into(),
        ],
    )
    .expect("insert into mmm.cost_calibrations");
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
    Stored(Spi::connect(|client| {
        client
            .select(
                "SELECT channel, geo, value, sigma FROM mmm.cost_calibrations WHERE model_id = $1 ORDER BY row_number",
                None,
                &[id.into()],
            )
            .expect("read mmm.cost_calibrations")
            .map(|r| row_of(&r))
            .collect()
    }))
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
/// window, in original units.
fn cost_calibration(id: i64, hdi_prob: f64) -> Vec<CostRow> {
    super::check_hdi_prob(hdi_prob);
    let fit = load(id);
    let spec = &fit.model.spec;
    let target = match spec.calibration_target {
        CalibrationTarget::CostPerTarget => "cost_per_target",
        CalibrationTarget::Roas => "roas",
    };
    let per_draw: Vec<Vec<f64>> = fit.trace.draws().map(|theta| fit.model.cost_estimates(theta)).collect();
    spec.cost_calibration
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let band = Band::of(&per_draw.iter().map(|d| d[i]).collect::<Vec<_>>(), hdi_prob);
            let channel = fit.panel.channel_names()[r.channel].clone();
            let geo = r.geo.map(|g| fit.panel.geos[g].clone());
            (channel, target.into(), r.value, r.sigma, band.mean, band.lower, band.upper, geo)
        })
        .collect()
}

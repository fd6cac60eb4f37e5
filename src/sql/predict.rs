//! `mmm_predict`: the target for new weeks of spend and controls.

use super::error::raise;
use super::model_ref::by_model;
use super::source::read_panel;
use super::store::{load, to_pg_date};
use mmm_engine::inference::Fit;
use mmm_engine::model::design::Panel;
use mmm_engine::posterior::{forecast, Forecast};
use pgrx::prelude::*;
use pgrx::PgRelation;

by_model!("mmm_predict", mmm_predict_by_id, mmm_predict_by_name, (future: [PgRelation], hdi_prob: [default!(f64, 0.94)]) -> TableIterator<'static, (name!(date, pgrx::datum::Date), name!(mean, f64), name!(hdi_lower, f64), name!(hdi_upper, f64), name!(pred_lower, f64), name!(pred_upper, f64), name!(geo, Option<String>))>, prediction);

type PredictionRow = (pgrx::datum::Date, f64, f64, f64, f64, f64, Option<String>);

/// For each row of `future`, which has the model's date, channel and control columns (and geo
/// column, for a panel): the mean and HDI of the expected target, and the HDI of the target
/// itself (the posterior predictive); adstock is carried in from the last `l_max` training
/// weeks.
fn prediction(id: i64, future: PgRelation, hdi_prob: f64) -> Vec<PredictionRow> {
    super::check_hdi_prob(hdi_prob);
    let fit = load(id);
    let (date_column, geo_column) = columns(id);
    let (channels, controls) = (fit.panel.channel_names(), fit.panel.control_names());
    let new_weeks = read_panel(&future, &date_column, geo_column.as_deref(), None, channels, controls, None);
    if new_weeks.data.iter().all(|d| d.dates.is_empty()) {
        return Vec::new();
    }
    check_geos(&fit.panel.geos, &new_weeks.geos);
    let forecast = forecast_after_training(
        &fit,
        &new_weeks,
        "future",
        "Predict the weeks right after training; fill skipped weeks with zero spend.",
    );
    let dates = new_weeks.dates();
    let mut rows = Vec::new();
    for g in 0..new_weeks.series() {
        for (t, d) in dates.iter().enumerate() {
            let (mean, predictive) = forecast.week(g * dates.len() + t, hdi_prob);
            let geo = new_weeks.geos.get(g).cloned();
            rows.push((to_pg_date(*d), mean.mean, mean.lower, mean.upper, predictive.lower, predictive.upper, geo));
        }
    }
    rows
}

/// Every geo of the model has new weeks, and no other geo has.
fn check_geos(model: &[String], future: &[String]) {
    if let Some(unknown) = future.iter().find(|g| !model.contains(g)) {
        raise(
            PgSqlErrorCode::ERRCODE_INVALID_PARAMETER_VALUE,
            format!("future has geo \"{unknown}\", which the model was not fitted on"),
            "Predict the model's geos only; mmm_roas(model) lists them.",
        );
    }
    if let Some(missing) = model.iter().find(|g| !future.contains(g)) {
        raise(
            PgSqlErrorCode::ERRCODE_INVALID_PARAMETER_VALUE,
            format!("future has no rows for geo \"{missing}\""),
            "A panel predicts all its geos together: give every geo the same new weeks.",
        );
    }
}

/// The date column model `id` was fitted with, and its geo column (NULL for a national model).
pub fn columns(id: i64) -> (String, Option<String>) {
    super::read::two("SELECT date_column, geo_column FROM mmm.models WHERE id = $1", &[id.into()])
        .map(|(date, geo)| (date.expect("date_column"), geo))
        .expect("read mmm.models")
}

/// The forecast of `new_weeks` (in date order, geos as the model's, not empty), which must
/// continue right after the training weeks: `argument` names them in ERRORs, `hint` says what
/// to pass instead.
pub fn forecast_after_training(fit: &Fit, new_weeks: &Panel, argument: &str, hint: &str) -> Forecast {
    // Carry-in needs the new weeks to continue the training weeks without a gap.
    let dates = fit.panel.dates();
    let (last, step) = (dates[dates.len() - 1], dates[1].0 - dates[0].0);
    let expected = last.plus_days(step);
    let first = new_weeks.dates()[0];
    if first != expected {
        raise(
            PgSqlErrorCode::ERRCODE_INVALID_PARAMETER_VALUE,
            format!("{argument} starts on {first}, but the model's data end on {last}: the next week is {expected}"),
            hint,
        );
    }
    for (g, weeks) in new_weeks.data.iter().enumerate() {
        let in_geo = new_weeks.geos.get(g).map_or(String::new(), |geo| format!("geo \"{geo}\": "));
        for (name, x) in fit.panel.channel_names().iter().zip(&weeks.channels) {
            if let Err(e) = mmm_engine::transforms::adstock::check_series(name, x) {
                let hint = format!("{} accepts {}.", name, e.allowed());
                raise(PgSqlErrorCode::ERRCODE_INVALID_PARAMETER_VALUE, format!("{in_geo}{e}"), &hint);
            }
        }
        if let Err(e) = weeks.validate_dates() {
            raise(PgSqlErrorCode::ERRCODE_DATA_EXCEPTION, format!("{argument}: {in_geo}{e}"), e.hint());
        }
    }
    // Every stored fit records its seed, so the predictive draws are the same at every call.
    forecast(&fit.model, &fit.panel, &fit.trace, new_weeks, fit.sampler.seed.unwrap_or_default())
}

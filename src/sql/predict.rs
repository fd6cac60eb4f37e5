//! `mmm_predict`: the target for new weeks of spend and controls.

use super::error::{raise, OrRaise};
use super::model_ref::by_model;
use super::source::read_table;
use super::store::{load, to_pg_date};
use mmm_engine::inference::Fit;
use mmm_engine::model::Dataset;
use mmm_engine::posterior::{forecast, Forecast};
use pgrx::prelude::*;
use pgrx::PgRelation;

by_model!("mmm_predict", mmm_predict_by_id, mmm_predict_by_name, (future: [PgRelation], hdi_prob: [default!(f64, 0.94)]) -> TableIterator<'static, (name!(date, pgrx::datum::Date), name!(mean, f64), name!(hdi_lower, f64), name!(hdi_upper, f64), name!(pred_lower, f64), name!(pred_upper, f64))>, prediction);

/// For each row of `future`, which has the model's date, channel and control columns: the mean
/// and HDI of the expected target, and the HDI of the target itself (the posterior predictive);
/// adstock is carried in from the last `l_max` training weeks.
fn prediction(id: i64, future: PgRelation, hdi_prob: f64) -> Vec<(pgrx::datum::Date, f64, f64, f64, f64, f64)> {
    super::check_hdi_prob(hdi_prob);
    let fit = load(id);
    let (channels, controls) = (&fit.data.channel_names, &fit.data.control_names);
    let new_weeks = read_table(&future, &date_column(id), None, channels, controls).sorted();
    if new_weeks.dates.is_empty() {
        return Vec::new();
    }
    let forecast = forecast_after_training(
        &fit,
        &new_weeks,
        "future",
        "Predict the weeks right after training; fill skipped weeks with zero spend.",
    );
    let rows: Vec<_> = new_weeks
        .dates
        .iter()
        .enumerate()
        .map(|(t, d)| {
            let (mean, predictive) = forecast.week(t, hdi_prob);
            (to_pg_date(*d), mean.mean, mean.lower, mean.upper, predictive.lower, predictive.upper)
        })
        .collect();
    rows
}

/// The date column model `id` was fitted with.
pub fn date_column(id: i64) -> String {
    Spi::get_one_with_args("SELECT date_column FROM mmm.models WHERE id = $1", &[id.into()])
        .expect("read mmm.models")
        .expect("date_column")
}

/// The forecast of `new_weeks` (sorted, not empty), which must continue right after the
/// training weeks: `argument` names them in ERRORs, `hint` says what to pass instead.
pub fn forecast_after_training(fit: &Fit, new_weeks: &Dataset, argument: &str, hint: &str) -> Forecast {
    // Carry-in needs the new weeks to continue the training weeks without a gap.
    let (last, step) = (fit.data.dates[fit.data.dates.len() - 1], fit.data.dates[1].0 - fit.data.dates[0].0);
    let expected = last.plus_days(step);
    if new_weeks.dates[0] != expected {
        raise(
            PgSqlErrorCode::ERRCODE_INVALID_PARAMETER_VALUE,
            format!(
                "{argument} starts on {}, but the model's data end on {last}: the next week is {expected}",
                new_weeks.dates[0]
            ),
            hint,
        );
    }
    for (name, x) in fit.data.channel_names.iter().zip(&new_weeks.channels) {
        mmm_engine::transforms::adstock::check_series(name, x).or_raise();
    }
    if let Err(e) = new_weeks.validate_dates() {
        raise(PgSqlErrorCode::ERRCODE_DATA_EXCEPTION, format!("{argument}: {e}"), e.hint());
    }
    // Every stored fit records its seed, so the predictive draws are the same at every call.
    forecast(&fit.model, &fit.data, &fit.trace, new_weeks, fit.sampler.seed.unwrap_or_default())
}

//! `mmm_time_varying`: the multipliers of a model's time-varying intercept and media
//! (docs/02-fitting.md, "Time-varying intercept and media") by date and geo with bands, and the data of `mmm_plot(model,
//! 'time_varying')`.

use super::model_ref::by_model;
use super::store::{load, to_pg_date};
use mmm_engine::inference::Fit;
use mmm_engine::posterior::{of_geo, time_varying, Band};
use pgrx::prelude::*;

by_model!("mmm_time_varying", mmm_time_varying_by_id, mmm_time_varying_by_name, (hdi_prob: [default!(f64, 0.94)]) -> TableIterator<
    'static,
    (
        name!(date, pgrx::datum::Date),
        name!(process, String),
        name!(mean, f64),
        name!(lower, f64),
        name!(upper, f64),
        name!(geo, Option<String>),
    ),
>, multipliers);

type MultiplierRow = (pgrx::datum::Date, String, f64, f64, f64, Option<String>);

/// Each process's multiplier per training week and geo: 1 on average over the training weeks
/// in every geo, so a value of 1.2 means 20 % above the intercept's (or the media's) mean
/// effect that week. No rows for a model without time-varying effects.
fn multipliers(id: i64, hdi_prob: f64) -> Vec<MultiplierRow> {
    super::check_hdi_prob(hdi_prob);
    let fit = load(id);
    let dates = fit.panel.dates();
    let mut rows = Vec::new();
    for p in time_varying(&fit.model, &fit.trace) {
        for g in 0..fit.panel.series() {
            let geo = fit.panel.geos.get(g);
            for (t, date) in dates.iter().enumerate() {
                let band = Band::of(&p.values.column(g * dates.len() + t).to_vec(), hdi_prob);
                rows.push((to_pg_date(*date), p.component.clone(), band.mean, band.lower, band.upper, geo.cloned()));
            }
        }
    }
    rows
}

/// Each process's bands per week in geo `geo` (an index into the panel's geos; 0 for a
/// national model), labelled `intercept` or `media`, for the plot.
pub(super) fn bands(fit: &Fit, geo: usize, hdi_prob: f64) -> Vec<(String, Vec<Band>)> {
    let weeks = fit.panel.dates().len();
    time_varying(&fit.model, &fit.trace)
        .into_iter()
        .map(|p| {
            let values = of_geo(&p.values, geo, weeks);
            (p.component, values.columns().into_iter().map(|c| Band::of(&c.to_vec(), hdi_prob)).collect())
        })
        .collect()
}

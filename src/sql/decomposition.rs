//! `mmm_contributions` (the weekly decomposition) and `mmm_roas`, in original units.

use super::model_ref::by_model;
use super::store::{load, to_pg_date};
use mmm_engine::posterior::{decomposition, roas, Band, Roas};
use pgrx::prelude::*;

by_model!("mmm_contributions", mmm_contributions_by_id, mmm_contributions_by_name, (hdi_prob: [default!(f64, 0.94)]) -> TableIterator<
    'static,
    (
        name!(date, pgrx::datum::Date),
        name!(component, String),
        name!(mean, f64),
        name!(hdi_lower, f64),
        name!(hdi_upper, f64),
        name!(geo, Option<String>),
    ),
>, contributions);
by_model!("mmm_roas", mmm_roas_by_id, mmm_roas_by_name, (hdi_prob: [default!(f64, 0.94)]) -> TableIterator<
    'static,
    (
        name!(channel, String),
        name!(spend, f64),
        name!(contribution, f64),
        name!(contribution_lower, f64),
        name!(contribution_upper, f64),
        name!(roas, f64),
        name!(roas_lower, f64),
        name!(roas_upper, f64),
        name!(geo, Option<String>),
    ),
>, channel_roas);

type ContributionRow = (pgrx::datum::Date, String, f64, f64, f64, Option<String>);

/// Mean and HDI of each component per week (and geo of a panel): intercept, each channel, each
/// control and seasonality, which add up to the fitted mean.
fn contributions(id: i64, hdi_prob: f64) -> Vec<ContributionRow> {
    super::check_hdi_prob(hdi_prob);
    let fit = load(id);
    let dates = fit.panel.dates();
    let mut rows = Vec::new();
    for c in decomposition(&fit.model, &fit.trace) {
        for g in 0..fit.panel.series() {
            let geo = fit.panel.geos.get(g);
            for (t, date) in dates.iter().enumerate() {
                let band = Band::of(&c.values.column(g * dates.len() + t).to_vec(), hdi_prob);
                rows.push((to_pg_date(*date), c.component.clone(), band.mean, band.lower, band.upper, geo.cloned()));
            }
        }
    }
    rows
}

type RoasRow = (String, f64, f64, f64, f64, f64, f64, f64, Option<String>);

/// In-sample return on ad spend per channel: total contribution over total spend (in money:
/// units times their cost); in a panel, per geo and over all geos (geo NULL).
pub(super) fn channel_roas(id: i64, hdi_prob: f64) -> Vec<RoasRow> {
    super::check_hdi_prob(hdi_prob);
    let fit = load(id);
    let components = decomposition(&fit.model, &fit.trace);
    let rows: Vec<_> = roas(&fit.panel, &fit.costs(), &components)
        .into_iter()
        .map(|Roas { geo, channel, spend, per_draw }| {
            let r = Band::of(&per_draw, hdi_prob);
            let c = Band::of(&per_draw.iter().map(|v| v * spend).collect::<Vec<_>>(), hdi_prob);
            let geo = geo.map(|g| fit.panel.geos[g].clone());
            (channel, spend, c.mean, c.lower, c.upper, r.mean, r.lower, r.upper, geo)
        })
        .collect();
    rows
}

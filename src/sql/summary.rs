//! `mmm_summary` (ArviZ's table of the posterior) and `mmm_fit_metrics`.

use super::model_ref::by_model;
use super::store::load;
use mmm_engine::inference::diagnostics::summarize;
use mmm_engine::posterior::{decomposition, fit_metrics, fitted_mean, of_geo};
use pgrx::prelude::*;
use pgrx::JsonB;

by_model!("mmm_summary", mmm_summary_by_id, mmm_summary_by_name, () -> TableIterator<
    'static,
    (
        name!(parameter, String),
        name!(coordinate, Option<String>),
        name!(mean, f64),
        name!(sd, f64),
        name!(hdi_3, f64),
        name!(hdi_97, f64),
        name!(mcse_mean, f64),
        name!(mcse_sd, f64),
        name!(ess_bulk, f64),
        name!(ess_tail, f64),
        name!(r_hat, f64),
        name!(geo, Option<String>),
    ),
>, summary);
by_model!("mmm_fit_metrics", mmm_fit_metrics_by_id, mmm_fit_metrics_by_name, () -> TableIterator<
    'static,
    (
        name!(r2, f64),
        name!(mape, f64),
        name!(nrmse, f64),
        name!(max_r_hat, Option<f64>),
        name!(min_ess_bulk, Option<f64>),
        name!(divergences, Option<i32>),
        name!(sampler, Option<JsonB>),
        name!(geo, Option<String>),
    ),
>, fit_metrics_row);

type SummaryRow = (String, Option<String>, f64, f64, f64, f64, f64, f64, f64, f64, f64, Option<String>);

/// One row per scalar parameter, in the model's units, as ArviZ's `az.summary` prints them.
pub(super) fn summary(id: i64) -> Vec<SummaryRow> {
    let fit = load(id);
    let rows: Vec<_> = fit
        .model
        .space()
        .blocks()
        .flat_map(|b| {
            (0..b.len())
                .map(move |i| (b.name.clone(), (b.geo(i).map(str::to_string), b.coordinate(i)), b.handle().index(i)))
        })
        .map(|(parameter, (geo, coordinate), i)| {
            let s = summarize(fit.trace.parameter(i).view(), 0.94);
            (
                parameter,
                coordinate,
                s.mean,
                s.sd,
                s.hdi_lower,
                s.hdi_upper,
                s.mcse_mean,
                s.mcse_sd,
                s.ess_bulk,
                s.ess_tail,
                s.r_hat,
                geo,
            )
        })
        .collect();
    rows
}

type MetricsRow = (f64, f64, f64, Option<f64>, Option<f64>, Option<i32>, Option<JsonB>, Option<String>);

/// Goodness of fit of the posterior mean (original units) and the sampler's health: over all
/// rows (geo NULL) and, for a panel, per geo.
pub(super) fn fit_metrics_row(id: i64) -> Vec<MetricsRow> {
    let fit = load(id);
    let (panel, weeks) = (&fit.panel, fit.panel.dates().len());
    let mean = fitted_mean(&decomposition(&fit.model, &fit.trace));
    let all_y: Vec<f64> = panel.data.iter().flat_map(|d| d.y.iter().copied()).collect();
    let overall = (None, fit_metrics(&all_y, &mean));
    let per_geo = panel
        .geos
        .iter()
        .enumerate()
        .map(|(g, geo)| (Some(geo.clone()), fit_metrics(&panel.data[g].y, &of_geo(&mean, g, weeks))));
    let (max_r_hat, min_ess, divergences, sampler): (_, _, _, Option<JsonB>) = Spi::connect(|client| {
        let row = client
            .select(
                "SELECT max_r_hat, min_ess_bulk, divergences, sampler FROM mmm.models WHERE id = $1",
                Some(1),
                &[id.into()],
            )
            .expect("read mmm.models")
            .first();
        (row.get(1).unwrap(), row.get(2).unwrap(), row.get(3).unwrap(), row.get(4).unwrap())
    });
    std::iter::once(overall)
        .chain(per_geo)
        .map(|(geo, m)| {
            (m.r2, m.mape, m.nrmse, max_r_hat, min_ess, divergences, sampler.as_ref().map(|j| JsonB(j.0.clone())), geo)
        })
        .collect()
}

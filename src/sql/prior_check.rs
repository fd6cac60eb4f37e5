//! `mmm_prior_check`: a prior-only model's implied range of the target and of the channels'
//! shares against the observed data (the rules are in `mmm_engine::posterior::prior_check`).

use super::error::raise;
use super::model_ref::by_model;
use super::store::load;
use mmm_engine::posterior::prior_check::prior_check;
use pgrx::prelude::*;

by_model!("mmm_prior_check", mmm_prior_check_by_id, mmm_prior_check_by_name, (hdi_prob: [default!(f64, 0.94)]) -> TableIterator<
    'static,
    (
        name!(quantity, String),
        name!(observed, Option<f64>),
        name!(lower, f64),
        name!(median, f64),
        name!(upper, f64),
        name!(ratio_to_observed, f64),
        name!(verdict, String),
        name!(geo, Option<String>),
    ),
>, check);

type CheckRow = (String, Option<f64>, f64, f64, f64, f64, String, Option<String>);

/// One row per quantity (the target's weekly values and total, the media's and each channel's
/// share of the observed target), over all geos (geo NULL) and then per geo of a panel.
fn check(id: i64, hdi_prob: f64) -> Vec<CheckRow> {
    super::check_hdi_prob(hdi_prob);
    let (prior_only, name, version) = super::read::three::<bool, String, i32>(
        "SELECT prior_only, name, version FROM mmm.models WHERE id = $1",
        &[id.into()],
    )
    .expect("read mmm.models");
    if prior_only != Some(true) {
        raise(
            PgSqlErrorCode::ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE,
            format!(
                "model \"{}\" version {} was fitted to its target: mmm_prior_check reads prior-only models",
                name.unwrap_or_default(),
                version.unwrap_or_default()
            ),
            "Fit the same call with config '{\"prior_only\": true}' (a few hundred draws are enough) and check that model.",
        );
    }
    let fit = load(id);
    // The stored seed makes the target's noise draws the same at every call.
    let seed = fit.sampler.seed.unwrap_or_default();
    prior_check(&fit.model, &fit.panel, &fit.trace, hdi_prob, seed)
        .into_iter()
        .map(|c| {
            let geo = c.geo.map(|g| fit.panel.geos[g].clone());
            (c.quantity, c.observed, c.lower, c.median, c.upper, c.ratio_to_observed, c.verdict.as_str().into(), geo)
        })
        .collect()
}

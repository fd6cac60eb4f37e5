//! `mmm_compare`: models fitted to the same weeks, ranked by out-of-sample predictive accuracy
//! (PSIS-LOO) as ArviZ 1.x's `compare` ranks them, with WAIC and in-sample fit beside. Panels
//! compare over their (date, geo) rows, each one observation, so a panel compares only with
//! panels of the same geos and rows.

use super::error::raise;
use super::model_ref;
use super::store::load;
use mmm_engine::inference::Fit;
use mmm_engine::posterior::compare::{compare, log_likelihood};
use mmm_engine::posterior::loo::{loo, relative_efficiency, waic, Elpd, Loo, MIN_SAMPLES};
use mmm_engine::posterior::{decomposition, fit_metrics, fitted_mean, FitMetrics};
use pgrx::prelude::*;
use std::rc::Rc;

type CompareRow = (i64, String, i32, i32, f64, f64, f64, i32, f64, f64, f64, f64, f64, f64, f64, f64);

/// One row per model, best first: PSIS-LOO (elpd, its standard error, p, the count of Pareto k
/// above 0.7), WAIC, the difference to the best model's elpd with its standard error, the
/// stacking weight, and the in-sample R² and MAPE of the posterior mean.
#[pg_extern(stable, parallel_safe, strict)]
fn mmm_compare(
    models: Vec<Option<i64>>,
) -> TableIterator<
    'static,
    (
        name!(model_id, i64),
        name!(name, String),
        name!(version, i32),
        name!(rank, i32),
        name!(elpd_loo, f64),
        name!(se, f64),
        name!(p_loo, f64),
        name!(pareto_k_bad, i32),
        name!(elpd_waic, f64),
        name!(waic_se, f64),
        name!(p_waic, f64),
        name!(elpd_diff, f64),
        name!(dse, f64),
        name!(weight, f64),
        name!(r2, f64),
        name!(mape, f64),
    ),
> {
    TableIterator::new(comparison(&models))
}

/// What the comparison needs of one model.
struct Scored {
    id: i64,
    loo: Loo,
    waic: Elpd,
    metrics: FitMetrics,
}

/// The target of every training row, geo-major.
fn all_rows(fit: &Fit) -> Vec<f64> {
    fit.panel.data.iter().flat_map(|d| d.y.iter().copied()).collect()
}

fn scored(id: i64, fit: &Fit) -> Scored {
    let samples = fit.trace.num_draws();
    if samples < MIN_SAMPLES {
        raise(
            PgSqlErrorCode::ERRCODE_INVALID_PARAMETER_VALUE,
            format!("model {id} has {samples} draws, and PSIS-LOO needs at least {MIN_SAMPLES}"),
            "Refit it with more draws (chains × draws of its config).",
        );
    }
    let log_lik = log_likelihood(&fit.model, &fit.trace);
    let parameters: Vec<_> = (0..fit.trace.dim).map(|i| fit.trace.parameter(i)).collect();
    let r_eff = relative_efficiency(parameters.iter().map(|p| p.view()));
    Scored {
        id,
        loo: loo(log_lik.view(), r_eff),
        waic: waic(log_lik.view()),
        metrics: fit_metrics(&all_rows(fit), &fitted_mean(&decomposition(&fit.model, &fit.trace))),
    }
}

fn comparison(models: &[Option<i64>]) -> Vec<CompareRow> {
    super::limits::check_length("models", models.len(), super::limits::MAX_COMPARED);
    let ids: Vec<i64> = models
        .iter()
        .map(|m| {
            m.unwrap_or_else(|| {
                raise(
                    PgSqlErrorCode::ERRCODE_NULL_VALUE_NOT_ALLOWED,
                    "models has a NULL".into(),
                    "Pass model ids, e.g. ARRAY[1, 2].",
                )
            })
        })
        .collect();
    if ids.len() < 2 {
        raise(
            PgSqlErrorCode::ERRCODE_INVALID_PARAMETER_VALUE,
            format!("models has {} model id(s): a comparison needs at least two", ids.len()),
            "Pass two or more models fitted to the same weeks, e.g. ARRAY[1, 2].",
        );
    }
    if let Some(twice) = ids.iter().enumerate().find_map(|(i, id)| ids[..i].contains(id).then_some(id)) {
        raise(
            PgSqlErrorCode::ERRCODE_INVALID_PARAMETER_VALUE,
            format!("models names model {twice} twice"),
            "Pass each model once.",
        );
    }
    let fits: Vec<Rc<Fit>> = ids.iter().map(|&id| load(model_ref::by_id(id))).collect();
    // LOO compares predictions of the same observations: the same (date, geo) rows and target.
    let kind = |fit: &Fit| match fit.panel.geos.len() {
        0 => "a national model".to_string(),
        n => format!("a panel of {n} geos"),
    };
    for (id, fit) in ids.iter().zip(&fits).skip(1) {
        if fit.panel.geos.is_empty() != fits[0].panel.geos.is_empty() {
            raise(
                PgSqlErrorCode::ERRCODE_INVALID_PARAMETER_VALUE,
                format!(
                    "models {} and {id} observe different rows: model {} is {} and model {id} is {}",
                    ids[0],
                    ids[0],
                    kind(&fits[0]),
                    kind(fit)
                ),
                "PSIS-LOO compares models of the same observations: compare panels with panels of the same geos, national models with national models.",
            );
        }
        if fit.panel.geos != fits[0].panel.geos
            || fit.panel.dates() != fits[0].panel.dates()
            || all_rows(fit) != all_rows(&fits[0])
        {
            raise(
                PgSqlErrorCode::ERRCODE_INVALID_PARAMETER_VALUE,
                format!("models {} and {id} were not fitted to the same weeks and target", ids[0]),
                "Compare models fitted to the same rows, e.g. versions of one name or specifications of one table.",
            );
        }
    }
    let scores: Vec<Scored> = ids.iter().zip(&fits).map(|(&id, fit)| scored(id, fit)).collect();
    let compared = compare(&scores.iter().map(|s| &s.loo.elpd).collect::<Vec<_>>());
    let mut rows: Vec<CompareRow> = scores
        .iter()
        .zip(&compared)
        .map(|(s, c)| {
            let (name, version) = name_version(s.id);
            let (l, w) = (&s.loo.elpd, &s.waic);
            (
                s.id,
                name,
                version,
                c.rank as i32,
                l.elpd,
                l.se,
                l.p,
                s.loo.bad_k() as i32,
                w.elpd,
                w.se,
                w.p,
                c.elpd_diff,
                c.dse,
                c.weight,
                s.metrics.r2,
                s.metrics.mape,
            )
        })
        .collect();
    rows.sort_by_key(|r| r.3);
    rows
}

fn name_version(id: i64) -> (String, i32) {
    Spi::connect(|client| {
        let row = client
            .select("SELECT name, version FROM mmm.models WHERE id = $1", Some(1), &[id.into()])
            .expect("read mmm.models")
            .first();
        (row.get(1).expect("name").expect("name"), row.get(2).expect("version").expect("version"))
    })
}

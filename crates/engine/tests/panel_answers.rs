//! The last answers of a geo panel: the pointwise log-likelihood that mmm_compare's PSIS-LOO
//! reads, each geo with its own noise and equal to the likelihood term of the log density, and
//! the sampled response of an allocation over (geo, channel) cells, each in its geo's own
//! scales and parameters.

use mmm_engine::inference::{fit, Control, Fit, FitConfig};
use mmm_engine::model::term::{Gradient, Point, Term};
use mmm_engine::model::{Likelihood, Model};
use mmm_engine::optimize::sample::{sample_response, sampled_weeks};
use mmm_engine::optimize::{ChannelResponse, Horizon};
use mmm_engine::posterior::compare::log_likelihood;
use mmm_engine::posterior::loo::{loo, relative_efficiency};
use mmm_engine::simulate::{geo_panel, simulate_panel};
use serde_json::json;

/// A short fit of 2 geos × 40 weeks × 2 channels, scaled per geo (so that a geo-blind answer
/// would differ), `y_sigma` per geo.
fn panel_fit() -> Fit {
    let mut spec = geo_panel(5);
    spec.geos = 2;
    spec.base.weeks = 40;
    spec.base.channels.truncate(2);
    let truth = simulate_panel(&spec).unwrap();
    let config = FitConfig::from_json(&json!({
        "scaling": {"target": "per_geo", "channel": "per_geo"},
        "chains": 2, "tune": 60, "draws": 30, "seed": 2,
    }))
    .unwrap();
    fit(config, truth.panel(), "y", |_| Control::Continue).unwrap()
}

/// The likelihood term of `model`'s log density at draw `theta`.
fn likelihood_term(model: &Model, theta: &[f64]) -> f64 {
    let design = &model.design;
    let mut mu = vec![0.0; design.y.len()];
    model.mean().forward(design, theta, &mut mu, &mut model.mean().workspaces(design.y.len()));
    let observation = model.observation();
    let (mut du, mut dtheta, mut dmu) = (vec![0.0; theta.len()], vec![0.0; theta.len()], vec![0.0; mu.len()]);
    let at = Point { space: model.space(), design, u: theta, theta, log_jac: theta, mu: &mu };
    let mut grad = Gradient { u: &mut du, theta: &mut dtheta, mu: &mut dmu };
    observation.logp_grad(&at, &mut grad, observation.workspace(design.y.len()).as_mut())
}

#[test]
fn pointwise_log_likelihood_per_geo() {
    let f = panel_fit();
    let weeks = f.model.design.weeks();
    for kind in [Likelihood::Normal, Likelihood::TruncatedNormal] {
        let mut spec = f.model.spec.clone();
        spec.likelihood = kind;
        let model = Model::panel(spec, &f.panel).unwrap();
        let log_lik = log_likelihood(&model, &f.trace);
        assert_eq!(log_lik.dim(), (60, 2 * weeks));
        for (row, theta) in log_lik.rows().into_iter().zip(f.trace.draws()) {
            // The pointwise terms add up to the density's likelihood term.
            let (sum, term) = (row.sum(), likelihood_term(&model, theta));
            assert!((sum - term).abs() <= 1e-9 * term.abs(), "{kind:?}: {sum} vs {term}");
            // Each geo reads its own sigma: the Normal density of its residual.
            let sigma = model.space().values("y_sigma", theta).unwrap();
            assert_eq!(sigma.len(), 2);
            if kind == Likelihood::Normal {
                let mut mu = vec![0.0; 2 * weeks];
                model.mean().forward(&model.design, theta, &mut mu, &mut model.mean().workspaces(2 * weeks));
                for (i, l) in row.iter().enumerate() {
                    let z = (model.design.y[i] - mu[i]) / sigma[i / weeks];
                    let want = -0.5 * (2.0 * std::f64::consts::PI).ln() - sigma[i / weeks].ln() - 0.5 * z * z;
                    assert!((l - want).abs() <= 1e-12 * want.abs().max(1.0), "row {i}: {l} vs {want}");
                }
            }
        }
        let parameters: Vec<_> = (0..f.trace.dim).map(|i| f.trace.parameter(i)).collect();
        let result = loo(log_lik.view(), relative_efficiency(parameters.iter().map(|p| p.view())));
        assert_eq!(result.elpd.elpd_i.len(), 2 * weeks);
        assert!(result.elpd.elpd.is_finite());
    }
}

#[test]
fn sampled_response_per_cell() {
    let f = panel_fit();
    let (channels, n_draws) = (2, f.trace.num_draws());
    let l_max = f.model.spec.l_max;
    // Without noise, a cell's weeks add up to its cold-start response over the horizon, in its
    // geo's own units: each cell alone, the others spending nothing.
    for cell in 0..4 {
        let (g, m) = (cell / channels, cell % channels);
        let mut budgets = vec![0.0; 4];
        budgets[cell] = 1.3 * f.model.design.scales.channel_of(g, m);
        let sampled = sample_response(&f.model, &f.trace, &f.costs(), &budgets, 3, 0.0, 1);
        assert_eq!(sampled.len(), 4);
        assert!(sampled.iter().enumerate().all(|(i, s)| i == cell || s.iter().all(|v| *v == 0.0)));
        let cold = Horizon { num_periods: 3, carry_in: false };
        let response = ChannelResponse::new(&f.model, &f.panel.data[g], &f.trace, (g, m), cold, 1.0);
        let (mut values, mut slopes) = (vec![0.0; n_draws], vec![0.0; n_draws]);
        response.per_draw(budgets[cell], &mut values, &mut slopes);
        assert_eq!(sampled[cell].dim(), (n_draws, 3 + l_max));
        for (row, want) in sampled[cell].rows().into_iter().zip(&values) {
            assert!((row.sum() - want).abs() <= 1e-9 * want.abs(), "cell {cell}: {} vs {want}", row.sum());
        }
    }
    // Reported: each cell, each geo's total, then the total over geos.
    let weeks = sampled_weeks(&f, &[1.0, 2.0, 3.0, 4.0], 2, 0.05, 3, 0.94);
    let horizon = 2 + l_max;
    let labels: Vec<(&str, Option<&str>, f64)> =
        weeks.iter().step_by(horizon).map(|w| (w.series, w.geo, w.spend)).collect();
    let names = f.panel.channel_names();
    let (a, b) = (f.panel.geos[0].as_str(), f.panel.geos[1].as_str());
    assert_eq!(
        labels,
        [
            (names[0].as_str(), Some(a), 1.0),
            (names[1].as_str(), Some(a), 2.0),
            (names[0].as_str(), Some(b), 3.0),
            (names[1].as_str(), Some(b), 4.0),
            ("total", Some(a), 3.0),
            ("total", Some(b), 7.0),
            ("total", None, 10.0),
        ]
    );
    for t in 0..horizon {
        let at = |i: usize| weeks[i * horizon + t].response.mean;
        assert!((at(4) - at(0) - at(1)).abs() <= 1e-9 * at(4).abs().max(1e-12));
        assert!((at(6) - at(4) - at(5)).abs() <= 1e-9 * at(6).abs().max(1e-12));
    }
}

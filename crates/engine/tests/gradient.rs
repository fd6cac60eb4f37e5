//! The hand-written gradient against central finite differences, for every adstock ×
//! saturation × ordering combination and both likelihoods, at many random points.

mod common;

use mmm_engine::inference::FitConfig;
use mmm_engine::model::Model;
use rand::{RngExt, SeedableRng};
use serde_json::json;

const ADSTOCKS: [&str; 6] = ["geometric", "delayed", "binomial", "weibull_pdf", "weibull_cdf", "none"];
const SATURATIONS: [&str; 6] = ["logistic", "hill", "michaelis_menten", "tanh", "root", "none"];

/// Largest error of the analytic gradient, relative to max(1, |finite difference|), beyond
/// the finite difference's rounding noise.
fn worst_gradient_error(model: &Model, rng: &mut impl rand::Rng, points: usize) -> f64 {
    let dim = model.dim();
    let mut scratch = model.scratch();
    let (mut grad, mut scratch_grad) = (vec![0.0; dim], vec![0.0; dim]);
    let center = model.initial_point();
    let mut worst: f64 = 0.0;
    for _ in 0..points {
        let u: Vec<f64> = center.iter().map(|c| c + rng.random_range(-1.5..1.5)).collect();
        let lp = model.logp_grad(&u, &mut grad, &mut scratch);
        assert!(
            lp.is_finite(),
            "{:?}/{:?}: log density not finite at {u:?}",
            model.spec.adstock,
            model.spec.saturation
        );
        for i in 0..dim {
            // Five-point stencil: truncation O(h⁴), rounding about 1e-16·|lp|/h.
            let h = 1e-4;
            let mut at = |step: f64| {
                let mut v = u.clone();
                v[i] += step * h;
                model.logp_grad(&v, &mut scratch_grad, &mut scratch)
            };
            let fd = (8.0 * (at(1.0) - at(-1.0)) - (at(2.0) - at(-2.0))) / (12.0 * h);
            // Relative error, beyond the stencil's own rounding noise (about 1e-12·|lp|/h).
            let noise = 1e-10 * lp.abs();
            worst = worst.max(((grad[i] - fd).abs() - noise).max(0.0) / fd.abs().max(1.0));
        }
    }
    worst
}

#[test]
fn gradient_matches_finite_differences_for_every_combination() {
    let data = common::example_dataset();
    let mut rng = rand::rngs::StdRng::seed_from_u64(11);
    for adstock in ADSTOCKS {
        for saturation in SATURATIONS {
            for adstock_first in [true, false] {
                let config = FitConfig::from_json(&json!({
                    "adstock": adstock, "saturation": saturation, "adstock_first": adstock_first,
                    "yearly_seasonality": 2, "l_max": 6,
                }))
                .unwrap();
                let model = Model::new(config.spec, &data).unwrap();
                let err = worst_gradient_error(&model, &mut rng, 5);
                assert!(err < 1e-6, "{adstock} × {saturation} (adstock_first {adstock_first}): error {err:e}");
            }
        }
    }
}

#[test]
fn student_t_likelihood_gradient() {
    let data = common::example_dataset();
    let mut rng = rand::rngs::StdRng::seed_from_u64(12);
    let config = FitConfig::from_json(&json!({"likelihood": "student_t", "yearly_seasonality": 1})).unwrap();
    let model = Model::new(config.spec, &data).unwrap();
    let err = worst_gradient_error(&model, &mut rng, 20);
    assert!(err < 1e-6, "error {err:e}");
}

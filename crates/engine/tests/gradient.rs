//! The hand-written gradient against central finite differences, for every adstock ×
//! saturation × ordering combination and both likelihoods, at many random points.

mod common;

use mmm_engine::inference::FitConfig;
use mmm_engine::model::Model;
use serde_json::json;

const ADSTOCKS: [&str; 6] = ["geometric", "delayed", "binomial", "weibull_pdf", "weibull_cdf", "none"];
const SATURATIONS: [&str; 6] = ["logistic", "hill", "michaelis_menten", "tanh", "root", "none"];

#[test]
fn gradient_matches_finite_differences_for_every_combination() {
    let data = common::example_dataset();
    let mut seed = 11;
    for adstock in ADSTOCKS {
        for saturation in SATURATIONS {
            for adstock_first in [true, false] {
                let config = FitConfig::from_json(&json!({
                    "adstock": adstock, "saturation": saturation, "adstock_first": adstock_first,
                    "yearly_seasonality": 2, "l_max": 6,
                }))
                .unwrap();
                let model = Model::new(config.spec, &data).unwrap();
                seed += 1;
                let err = common::worst_gradient_error(&model, seed, 5, 1.5);
                assert!(err < 1e-6, "{adstock} × {saturation} (adstock_first {adstock_first}): error {err:e}");
            }
        }
    }
}

#[test]
fn student_t_likelihood_gradient() {
    let data = common::example_dataset();
    let config = FitConfig::from_json(&json!({"likelihood": "student_t", "yearly_seasonality": 1})).unwrap();
    let model = Model::new(config.spec, &data).unwrap();
    let err = common::worst_gradient_error(&model, 12, 20, 1.5);
    assert!(err < 1e-6, "error {err:e}");
}

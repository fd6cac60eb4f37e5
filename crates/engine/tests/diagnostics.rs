//! Diagnostics against ArviZ's own numbers (tests/fixtures/arviz_diagnostics.json, made by
//! scripts/reference/arviz_diagnostics.py with az.summary), to 1e-6 relative.

use mmm_engine::inference::diagnostics::{bfmi, summarize};
use ndarray::Array2;
use serde_json::Value;

#[test]
fn summary_matches_arviz() {
    let fixture: Value = serde_json::from_str(include_str!("fixtures/arviz_diagnostics.json")).unwrap();
    let cases = fixture["cases"].as_array().unwrap();
    assert!(cases.len() >= 8);
    for case in cases {
        let rows: Vec<Vec<f64>> = serde_json::from_value(case["draws"].clone()).unwrap();
        let draws = Array2::from_shape_fn((rows.len(), rows[0].len()), |(c, d)| rows[c][d]);
        let s = summarize(draws.view(), 0.94);
        let name = case["name"].as_str().unwrap();
        let ours = [
            ("mean", s.mean),
            ("sd", s.sd),
            ("hdi_lower", s.hdi_lower),
            ("hdi_upper", s.hdi_upper),
            ("mcse_mean", s.mcse_mean),
            ("mcse_sd", s.mcse_sd),
            ("ess_bulk", s.ess_bulk),
            ("ess_tail", s.ess_tail),
            ("r_hat", s.r_hat),
            ("bfmi", bfmi(&rows[0])),
        ];
        for (key, value) in ours {
            let expected = case[key].as_f64().unwrap();
            assert!(
                (value - expected).abs() <= 1e-6 * expected.abs().max(1e-6),
                "{name} {key}: pg_mmm {value} vs ArviZ {expected}"
            );
        }
    }
}

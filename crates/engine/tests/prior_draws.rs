//! Forward draws from the priors: every family's sample mean and variance match the analytic
//! ones, hierarchical and non-centred blocks have the child's marginal moments, and a prior-only
//! fit stores such draws in the posterior's representation, reproducibly.
//!
//! Tolerance: 5 Monte-Carlo standard errors, each estimated from the draws themselves (the
//! standard error of a mean is `sd/√n`, that of a variance `√((m4 - s⁴)/n)` with `m4` the
//! fourth central moment). 5 standard errors leave a false alarm at about 6e-7 per check while a
//! wrong scale or a parameterisation mix-up (rate for scale, variance for sd) moves the moments
//! by hundreds of standard errors at n = 40 000; the seed is fixed, so the test is
//! deterministic. Families are taken where the fourth moment is finite (StudentT with ν = 10,
//! InverseGamma with α = 8), so that the variance's standard error exists.

mod common;

use mmm_engine::inference::{prior_only, FitConfig, Start};
use mmm_engine::model::prior::Prior;
use mmm_engine::model::prior_draws::PriorDraws;
use mmm_engine::model::special::{ln_gamma, ln_normal_mass};
use mmm_engine::model::{BlockPrior, ParameterSpace, Transform};
use rand::SeedableRng;
use serde_json::json;
use std::f64::consts::PI;

const N: usize = 40_000;

/// Draws of every element of the space, one vector per element.
fn draws(space: &ParameterSpace, seed: u64) -> Vec<Vec<f64>> {
    let sampler = PriorDraws::new(space);
    let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
    let mut theta = vec![0.0; space.dim()];
    let mut out = vec![Vec::with_capacity(N); space.dim()];
    for _ in 0..N {
        sampler.draw(&mut rng, &mut theta);
        for (o, &v) in out.iter_mut().zip(&theta) {
            o.push(v);
        }
    }
    out
}

/// Asserts that `x`'s mean and variance are within 5 Monte-Carlo standard errors of `mean`
/// and `var`.
fn assert_moments(what: &str, x: &[f64], mean: f64, var: f64) {
    let n = x.len() as f64;
    let m = x.iter().sum::<f64>() / n;
    let central = |k: i32| x.iter().map(|v| (v - m).powi(k)).sum::<f64>() / n;
    let (s2, m4) = (central(2), central(4));
    let (se_mean, se_var) = ((s2 / n).sqrt(), ((m4 - s2 * s2) / n).sqrt());
    assert!((m - mean).abs() < 5.0 * se_mean, "{what}: mean {m} vs {mean} (se {se_mean})");
    assert!((s2 - var).abs() < 5.0 * se_var, "{what}: variance {s2} vs {var} (se {se_var})");
}

fn phi(z: f64) -> f64 {
    if z.is_finite() {
        (-0.5 * z * z).exp() / (2.0 * PI).sqrt()
    } else {
        0.0
    }
}

/// Analytic mean and variance of each family.
fn moments(p: Prior) -> (f64, f64) {
    match p {
        Prior::Normal { mu, sigma } => (mu, sigma * sigma),
        Prior::HalfNormal { sigma } => (sigma * (2.0 / PI).sqrt(), sigma * sigma * (1.0 - 2.0 / PI)),
        Prior::Beta { alpha, beta } => {
            let s = alpha + beta;
            (alpha / s, alpha * beta / (s * s * (s + 1.0)))
        }
        Prior::Gamma { alpha, beta } => (alpha / beta, alpha / (beta * beta)),
        Prior::LogNormal { mu, sigma } => {
            let s2 = sigma * sigma;
            ((mu + s2 / 2.0).exp(), (s2.exp() - 1.0) * (2.0 * mu + s2).exp())
        }
        Prior::Laplace { mu, b } => (mu, 2.0 * b * b),
        Prior::Exponential { lam } => (1.0 / lam, 1.0 / (lam * lam)),
        Prior::InverseGamma { alpha, beta } => {
            (beta / (alpha - 1.0), beta * beta / ((alpha - 1.0).powi(2) * (alpha - 2.0)))
        }
        Prior::StudentT { nu, mu, sigma } => (mu, sigma * sigma * nu / (nu - 2.0)),
        Prior::HalfStudentT { nu, sigma } => {
            // E|T| for T ~ t(ν): 2 √(ν/π) Γ((ν+1)/2) / (Γ(ν/2) (ν-1)).
            let mean =
                sigma * 2.0 * (nu / PI).sqrt() * (ln_gamma((nu + 1.0) / 2.0) - ln_gamma(nu / 2.0)).exp() / (nu - 1.0);
            (mean, sigma * sigma * nu / (nu - 2.0) - mean * mean)
        }
        Prior::TruncatedNormal { mu, sigma, lower, upper } => {
            let (a, b) = ((lower - mu) / sigma, (upper - mu) / sigma);
            let z = ln_normal_mass(a, b).exp();
            let times = |t: f64| if t.is_finite() { t * phi(t) } else { 0.0 };
            let shift = (phi(a) - phi(b)) / z;
            (mu + sigma * shift, sigma * sigma * (1.0 + (times(a) - times(b)) / z - shift * shift))
        }
    }
}

#[test]
fn every_family_has_its_analytic_mean_and_variance() {
    let families = [
        Prior::Normal { mu: 0.5, sigma: 2.0 },
        Prior::HalfNormal { sigma: 2.0 },
        Prior::Beta { alpha: 1.0, beta: 3.0 },
        Prior::Gamma { alpha: 3.0, beta: 1.0 },
        Prior::LogNormal { mu: 0.1, sigma: 0.5 },
        Prior::Laplace { mu: -1.0, b: 1.5 },
        Prior::Exponential { lam: 2.0 },
        Prior::InverseGamma { alpha: 8.0, beta: 3.0 },
        Prior::StudentT { nu: 10.0, mu: 1.0, sigma: 2.0 },
        Prior::HalfStudentT { nu: 10.0, sigma: 1.5 },
        Prior::TruncatedNormal { mu: 0.2, sigma: 1.0, lower: 0.0, upper: 2.0 },
        Prior::TruncatedNormal { mu: 0.0, sigma: 1.0, lower: 1.5, upper: f64::INFINITY },
    ];
    let mut space = ParameterSpace::new();
    for (i, p) in families.iter().enumerate() {
        space.add(&format!("p{i}"), &[], BlockPrior::all(*p), Transform::Default).unwrap();
    }
    for (x, p) in draws(&space, 11).iter().zip(families) {
        let (mean, var) = moments(p);
        assert_moments(&p.to_string(), x, mean, var);
        assert!(x.iter().all(|&v| p.logp(v).is_finite()), "{p}: a draw outside the support");
    }
}

#[test]
fn hierarchical_blocks_have_the_childs_marginal_moments() {
    let mut space = ParameterSpace::new();
    space.add_dim("geo", vec!["a".into(), "b".into(), "c".into()]);
    let normal = |mu, sigma| Prior::Normal { mu, sigma };
    // x = mu + sigma z with mu ~ N(1, 0.5) and sigma ~ HalfNormal(0.8): E x = 1 and
    // Var x = Var mu + E sigma² = 0.25 + 0.64, centred or not.
    let mu = space.add("mu", &[], BlockPrior::all(normal(1.0, 0.5)), Transform::Default).unwrap();
    let sigma = space.add("sigma", &[], BlockPrior::all(Prior::HalfNormal { sigma: 0.8 }), Transform::Default).unwrap();
    let hyper = || BlockPrior::all(normal(0.0, 1.0)).with("mu", mu).with("sigma", sigma);
    let centred = space.add("centred", &["geo"], hyper(), Transform::Default).unwrap();
    let offset = space.add("offset", &["geo"], hyper(), Transform::NonCentred).unwrap();
    // transform="exp": x = exp(raw), raw = mu + 0.3 z, so ln x ~ N(1, 0.25 + 0.09).
    let exp =
        space.add("exp", &["geo"], BlockPrior::all(normal(0.0, 0.3)).with("mu", mu), Transform::ExpNonCentred).unwrap();
    // LogNormalPrior(mean=m, std=0.4) with m ~ Gamma(mean 2, sd 0.5): E x = E m = 2 and
    // Var x = E[std²] + Var m = 0.16 + 0.25.
    let m = space.add("m", &[], BlockPrior::all(Prior::Gamma { alpha: 16.0, beta: 8.0 }), Transform::Default).unwrap();
    let lognormal = space
        .add(
            "lognormal",
            &["geo"],
            BlockPrior::all(normal(1.0, 0.4)).mean_std().with("mu", m),
            Transform::ExpNonCentred,
        )
        .unwrap();
    // A StudentT offset: x = mu + 2 t(ν=12), Var = 0.25 + 4 · 12/10.
    let student = space
        .add(
            "student",
            &[],
            BlockPrior::all(Prior::StudentT { nu: 12.0, mu: 0.0, sigma: 2.0 }).with("mu", mu),
            Transform::NonCentred,
        )
        .unwrap();
    let x = draws(&space, 12);
    for g in 0..3 {
        assert_moments("centred", &x[centred.index(g)], 1.0, 0.25 + 0.64);
        assert_moments("non-centred", &x[offset.index(g)], 1.0, 0.25 + 0.64);
        let logs: Vec<f64> = x[exp.index(g)].iter().map(|v| v.ln()).collect();
        assert_moments("exp", &logs, 1.0, 0.25 + 0.09);
        assert_moments("LogNormalPrior(mean, std)", &x[lognormal.index(g)], 2.0, 0.16 + 0.25);
    }
    assert_moments("StudentT offset", &x[student.index(0)], 1.0, 0.25 + 4.0 * 1.2);
    // Elements of one block share their hyper-parameters' draw: geos a and b move together.
    let (a, b) = (&x[offset.index(0)], &x[offset.index(1)]);
    let cov = a.iter().zip(b).map(|(p, q)| (p - 1.0) * (q - 1.0)).sum::<f64>() / N as f64;
    // Cov = Var mu = 0.25; its standard error is about √((0.89² + 0.25²)/n) < 0.005.
    assert!((cov - 0.25).abs() < 0.025, "covariance {cov}");
}

#[test]
fn a_prior_only_fit_stores_independent_prior_draws() {
    let config = |seed: u64| {
        FitConfig::from_json(&json!({"yearly_seasonality": 2, "chains": 2, "draws": 300, "seed": seed})).unwrap()
    };
    let data = common::example_dataset();
    let f = prior_only(config(5), data.clone(), "y").unwrap();
    assert_eq!(f.start, Start::Prior);
    assert_eq!((f.trace.chains.len(), f.trace.draws_per_chain(), f.trace.dim), (2, 300, f.model.dim()));
    // Reproducible from the seed, the chains' streams distinct.
    let values = |f: &mmm_engine::inference::Fit| f.trace.chains.iter().map(|c| c.values.clone()).collect::<Vec<_>>();
    assert!(values(&f) == values(&prior_only(config(5), data.clone(), "y").unwrap()));
    assert!(f.trace.chains[0].values != f.trace.chains[1].values);
    assert!(values(&f) != values(&prior_only(config(6), data.clone(), "y").unwrap()));
    // The target is scaled exactly as a fit scales it.
    assert_eq!(f.model.design.scales, data.scales());
    // Every draw of a block whose prior is on the value itself lies in its support, and a
    // parameter's draws follow its prior: the intercept's Normal(0, 2) has mean 0 and sd 2 over
    // 600 draws (5 standard errors).
    let space = f.model.space();
    for b in space.blocks().filter(|b| b.hyper.is_empty() && b.transform == Transform::Default) {
        for (j, i) in b.range().enumerate() {
            let p = b.priors[j];
            assert!(f.trace.draws().all(|theta| p.logp(theta[i]).is_finite()), "{}: a draw outside {p}", b.name);
        }
    }
    let intercept: Vec<f64> = f.trace.draws().map(|t| t[space.find("intercept").unwrap().offset()]).collect();
    let m = intercept.iter().sum::<f64>() / 600.0;
    let sd = (intercept.iter().map(|v| (v - m).powi(2)).sum::<f64>() / 599.0).sqrt();
    assert!(m.abs() < 5.0 * 2.0 / 600f64.sqrt() && (sd - 2.0).abs() < 5.0 * 2.0 / 1200f64.sqrt(), "{m} {sd}");
}

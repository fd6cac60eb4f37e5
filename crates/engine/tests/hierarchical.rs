//! Hyper-priors and non-centred blocks: the analytic gradient of a small hierarchical model
//! against finite differences, through the same density and terms as the MMM's.

use mmm_engine::model::design::Design;
use mmm_engine::model::mean::Mean;
use mmm_engine::model::prior::Prior;
use mmm_engine::model::term::{Gradient, Point, Priors, Term};
use mmm_engine::model::{BlockPrior, Density, Handle, ParameterSpace, Scales, Transform};
use rand::{RngExt, SeedableRng};
use std::any::Any;
use std::sync::Arc;

/// Normal observations of a block's values, so that the likelihood reaches through the
/// non-centred and centred blocks to their hyper-parameters.
#[derive(Debug)]
struct Observed {
    block: Handle,
    y: Vec<f64>,
    sd: f64,
}

impl Term for Observed {
    fn name(&self) -> &str {
        "observed"
    }

    fn logp_grad(&self, at: &Point, grad: &mut Gradient, _work: &mut dyn Any) -> f64 {
        let mut lp = 0.0;
        for (j, y) in self.y.iter().enumerate() {
            let i = self.block.index(j);
            let z = (y - at.theta[i]) / self.sd;
            lp -= 0.5 * z * z;
            grad.theta[i] += z / self.sd;
        }
        lp
    }
}

fn labels(v: &[&str]) -> Vec<String> {
    v.iter().map(|s| s.to_string()).collect()
}

/// Partial pooling over (geo, channel): `beta = mu[channel] + tau · z` non-centred, `lam ~
/// Gamma(2, rate[geo])` and `kappa ~ StudentT(nu, mu[channel], 1)` centred.
fn hierarchical() -> Density {
    let mut space = ParameterSpace::new();
    space.add_dim("geo", labels(&["north", "south"]));
    space.add_dim("channel", labels(&["tv", "radio", "search"]));
    let normal = Prior::Normal { mu: 0.0, sigma: 1.0 };
    let mu = space.add("beta_mu", &["channel"], BlockPrior::all(normal), Transform::Default).unwrap();
    let tau =
        space.add("beta_sigma", &[], BlockPrior::all(Prior::HalfNormal { sigma: 0.5 }), Transform::Default).unwrap();
    let rate =
        space.add("lam_rate", &["geo"], BlockPrior::all(Prior::Exponential { lam: 1.0 }), Transform::Default).unwrap();
    let nu = space
        .add("kappa_nu", &[], BlockPrior::all(Prior::Gamma { alpha: 4.0, beta: 1.0 }), Transform::Default)
        .unwrap();
    let pooled = BlockPrior::all(normal).with("mu", mu).with("sigma", tau);
    let beta = space.add("beta", &["geo", "channel"], pooled, Transform::NonCentred).unwrap();
    let gamma = BlockPrior::all(Prior::Gamma { alpha: 2.0, beta: 1.0 }).with("beta", rate);
    let lam = space.add("lam", &["channel", "geo"], gamma, Transform::Default).unwrap();
    let student = BlockPrior::all(Prior::StudentT { nu: 3.0, mu: 0.0, sigma: 1.0 }).with("nu", nu).with("mu", mu);
    let kappa = space.add("kappa", &["geo", "channel"], student, Transform::Default).unwrap();
    let observed = |block: Handle, y: &[f64]| Arc::new(Observed { block, y: y.to_vec(), sd: 0.3 }) as Arc<dyn Term>;
    Density {
        space,
        mean: Mean::default(),
        terms: vec![
            Arc::new(Priors),
            observed(beta, &[0.4, -0.2, 1.1, 0.6, 0.1, 0.9]),
            observed(lam, &[1.5, 2.5, 0.7, 1.2, 3.0, 2.2]),
            observed(kappa, &[0.3, 0.0, -0.5, 1.0, 0.2, 0.4]),
        ],
    }
}

#[test]
fn hyper_prior_and_non_centred_gradients_match_finite_differences() {
    let density = hierarchical();
    assert_eq!(density.dim(), 3 + 1 + 2 + 1 + 6 + 6 + 6);
    let design = Design {
        y: Vec::new(),
        channels: Vec::new(),
        controls: Vec::new(),
        fourier: Vec::new(),
        scales: Scales::shared(1.0, Vec::new()),
        geos: 1,
        dates: Vec::new(),
    };
    let mut scratch = density.scratch(0);
    let mut grad = vec![0.0; density.dim()];
    let mut other = vec![0.0; density.dim()];
    let mut rng = rand::rngs::StdRng::seed_from_u64(5);
    let center = density.space.initial_point();
    for _ in 0..20 {
        let u: Vec<f64> = center.iter().map(|c| c + rng.random_range(-1.0..1.0)).collect();
        let lp = density.logp_grad(&design, &u, &mut grad, &mut scratch);
        assert!(lp.is_finite());
        for i in 0..u.len() {
            let h = 1e-4;
            let mut at = |step: f64| {
                let mut v = u.clone();
                v[i] += step * h;
                density.logp_grad(&design, &v, &mut other, &mut scratch)
            };
            // Five-point stencil: truncation O(h⁴), rounding about 1e-16·|lp|/h.
            let fd = (8.0 * (at(1.0) - at(-1.0)) - (at(2.0) - at(-2.0))) / (12.0 * h);
            let block = density.space.blocks().find(|b| b.range().contains(&i)).unwrap();
            assert!(
                (grad[i] - fd).abs() < 1e-7 * fd.abs().max(1.0),
                "{}[{}]: gradient {} vs finite difference {fd}",
                block.name,
                i - block.offset(),
                grad[i]
            );
        }
    }
}

#[test]
fn non_centred_values_follow_their_hyper_parameters() {
    let density = hierarchical();
    let space = &density.space;
    let mut u = space.initial_point();
    // Offsets z = 1 everywhere in beta: beta = mu[channel] + tau.
    for i in space.handle("beta").unwrap().range() {
        u[i] = 1.0;
    }
    let mut theta = vec![0.0; space.dim()];
    space.constrain(&u, &mut theta);
    let (mu, tau) = (space.values("beta_mu", &theta).unwrap(), space.values("beta_sigma", &theta).unwrap()[0]);
    let beta = space.find("beta").unwrap();
    for (j, &b) in beta.handle().values(&theta).iter().enumerate() {
        let channel = ["tv", "radio", "search"].iter().position(|c| *c == beta.labels(j)[1]).unwrap();
        assert!((b - (mu[channel] + tau)).abs() < 1e-15, "beta[{}]", beta.coordinate(j).unwrap());
    }
}

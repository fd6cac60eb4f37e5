//! The log posterior of the MMM in unconstrained space and its analytic gradient.
//!
//! `mu_t = intercept + Σ_m channel_m(t) + Σ_c γ_c z_{t,c} + Σ_j γ_j F_{t,j}` and
//! `ỹ_t ~ Normal(mu_t, σ)` (or Student-t). Each parameter is sampled through the transform its
//! prior's support calls for (log, logit, ...) and the log-Jacobian is added, as PyMC does, so
//! that the draws mapped back follow the posterior of the constrained parameters.

use super::design::{Dataset, Design};
use super::prior::{student_t_constant, LogDensity};
use super::spec::{Layout, Likelihood, ModelConfig};
use super::special::digamma;
use crate::numeric::{add_combination, add_dots, dot, wide};
use crate::transforms::{adstock, saturation, SaturationKind, Weights};
use std::f64::consts::PI;
use std::ops::Range;

/// A model ready to evaluate: config, parameter layout and scaled data.
#[derive(Debug, Clone)]
pub struct Model {
    pub config: ModelConfig,
    pub layout: Layout,
    pub design: Design,
    /// One per parameter, in vector order.
    priors: Vec<LogDensity>,
}

/// Reusable buffers, so that evaluating the density allocates nothing.
#[derive(Debug, Clone, Default)]
pub struct Scratch {
    theta: Vec<f64>,
    dtheta_du: Vec<f64>,
    grad_theta: Vec<f64>,
    mu: Vec<f64>,
    resid: Vec<f64>,
    channels: Vec<ChannelPass>,
}

impl Model {
    /// Builds the model for validated, date-ordered rows.
    pub fn new(config: ModelConfig, data: &Dataset) -> Result<Model, super::spec::SpecError> {
        let layout = Layout::new(&config, &data.channel_names, &data.control_names)?;
        let design = data.design(&data.scales(), config.yearly_seasonality);
        let priors = layout.priors().map(|p| p.log_density()).collect();
        Ok(Model { config, layout, design, priors })
    }

    /// The same model over other rows (new weeks), already scaled with the training scales.
    pub fn with_design(&self, design: Design) -> Model {
        Model { design, ..self.clone() }
    }

    pub fn dim(&self) -> usize {
        self.layout.dim
    }

    pub fn scratch(&self) -> Scratch {
        let t = self.design.y.len();
        Scratch {
            theta: vec![0.0; self.dim()],
            dtheta_du: vec![0.0; self.dim()],
            grad_theta: vec![0.0; self.dim()],
            mu: vec![0.0; t],
            resid: vec![0.0; t],
            channels: vec![ChannelPass::new(t, &self.config); self.design.channels.len()],
        }
    }

    /// Maps an unconstrained point to parameter values.
    pub fn constrain(&self, u: &[f64], theta: &mut [f64]) {
        for ((th, &ui), p) in theta.iter_mut().zip(u).zip(&self.priors) {
            *th = p.support.constrain(ui).value;
        }
    }

    /// Maps parameter values to the unconstrained space the sampler moves in.
    pub fn unconstrain(&self, theta: &[f64], u: &mut [f64]) {
        for ((ui, &th), p) in u.iter_mut().zip(theta).zip(&self.priors) {
            *ui = p.support.unconstrain(th);
        }
    }

    /// A central starting point: each prior's initial value, unconstrained.
    pub fn initial_point(&self) -> Vec<f64> {
        let theta: Vec<f64> = self.layout.priors().map(|p| p.initial_value()).collect();
        let mut u = vec![0.0; self.dim()];
        self.unconstrain(&theta, &mut u);
        u
    }

    /// `log p(u | data)` up to the evidence, with its gradient written to `grad`.
    pub fn logp_grad(&self, u: &[f64], grad: &mut [f64], s: &mut Scratch) -> f64 {
        let mut lp = 0.0;
        for (i, prior) in self.priors.iter().enumerate() {
            let c = prior.support.constrain(u[i]);
            let (l, d) = prior.logp_dx(c.value);
            (s.theta[i], s.dtheta_du[i], s.grad_theta[i], grad[i]) = (c.value, c.dvalue_du, d, c.dlog_jac_du);
            lp += c.log_jac + l;
        }
        if !lp.is_finite() {
            return f64::NEG_INFINITY;
        }
        self.mean(&s.theta, &mut s.mu, &mut s.channels);
        lp += self.likelihood(s);
        self.backpropagate(s);
        for ((g, gt), d) in grad.iter_mut().zip(&s.grad_theta).zip(&s.dtheta_du) {
            *g += gt * d;
        }
        lp
    }

    /// `mu_t` in scaled units, keeping each channel's forward pass for the gradient.
    fn mean(&self, theta: &[f64], mu: &mut [f64], channels: &mut [ChannelPass]) {
        let l = &self.layout;
        mu.fill(theta[l.intercept.offset]);
        for (coefs, columns) in self.linear_blocks() {
            add_combination(mu, &theta[coefs], |j| &columns[j]);
        }
        for (ch, pass) in channels.iter_mut().enumerate() {
            let params = self.channel_params(theta, ch);
            pass.forward(&self.config, &self.design.channels[ch], &params);
            for (m, c) in mu.iter_mut().zip(&pass.contribution) {
                *m += c;
            }
        }
    }

    /// The control and Fourier columns with the positions of their coefficients. A block
    /// without columns still has one (unused) parameter, which this leaves out.
    fn linear_blocks(&self) -> [(Range<usize>, &[Vec<f64>]); 2] {
        let l = &self.layout;
        [(&l.gamma_control, &self.design.controls), (&l.gamma_fourier, &self.design.fourier)]
            .map(|(block, columns)| (block.offset..block.offset + columns.len(), columns.as_slice()))
    }

    /// Adstock and saturation parameters of one channel.
    pub fn channel_params(&self, theta: &[f64], channel: usize) -> ChannelParams {
        let mut p = ChannelParams::default();
        for (j, b) in self.layout.adstock.iter().enumerate() {
            p.adstock[j] = theta[b.offset + channel];
        }
        for (j, b) in self.layout.saturation.iter().enumerate() {
            p.saturation[j] = theta[b.offset + channel];
        }
        p
    }

    /// Adds the log likelihood's value; leaves `d/dmu_t` in `resid` and adds the noise
    /// parameters' derivatives to `grad_theta`.
    fn likelihood(&self, s: &mut Scratch) -> f64 {
        let l = &self.layout;
        let sigma = s.theta[l.y_sigma.offset];
        let n = self.design.y.len() as f64;
        match self.config.likelihood {
            Likelihood::Normal => {
                for ((r, y), m) in s.resid.iter_mut().zip(&self.design.y).zip(&s.mu) {
                    *r = y - m;
                }
                let ss = dot(&s.resid, &s.resid);
                let precision = 1.0 / (sigma * sigma);
                s.resid.iter_mut().for_each(|r| *r *= precision);
                s.grad_theta[l.y_sigma.offset] += -n / sigma + ss / (sigma * sigma * sigma);
                -0.5 * n * (2.0 * PI).ln() - n * sigma.ln() - 0.5 * ss / (sigma * sigma)
            }
            Likelihood::StudentT => {
                let nu = s.theta[l.likelihood_nu.offset];
                let (mut ll, mut dsigma, mut dnu) = (0.0, 0.0, 0.0);
                for ((r, y), m) in s.resid.iter_mut().zip(&self.design.y).zip(&s.mu) {
                    let z = (y - m) / sigma;
                    let q = 1.0 + z * z / nu;
                    ll -= 0.5 * (nu + 1.0) * q.ln();
                    *r = (nu + 1.0) * z / (sigma * nu * q);
                    dsigma += (nu + 1.0) * z * z / (sigma * nu * q);
                    dnu += -0.5 * q.ln() + 0.5 * (nu + 1.0) * z * z / (nu * nu * q);
                }
                s.grad_theta[l.y_sigma.offset] += dsigma - n / sigma;
                s.grad_theta[l.likelihood_nu.offset] +=
                    dnu + n * (0.5 * digamma(0.5 * (nu + 1.0)) - 0.5 * digamma(0.5 * nu) - 0.5 / nu);
                ll + n * student_t_constant(nu, sigma)
            }
        }
    }

    /// Chain rule from `d/dmu_t` (in `resid`) to the mean's parameters.
    fn backpropagate(&self, s: &mut Scratch) {
        let l = &self.layout;
        s.grad_theta[l.intercept.offset] += s.resid.iter().sum::<f64>();
        for (coefs, columns) in self.linear_blocks() {
            add_dots(&s.resid, |j| &columns[j], &mut s.grad_theta[coefs]);
        }
        for (ch, pass) in s.channels.iter_mut().enumerate() {
            let (ga, gs) = pass.backward(&self.config, &self.design.channels[ch], &s.resid);
            for (j, b) in l.adstock.iter().enumerate() {
                s.grad_theta[b.offset + ch] += ga[j];
            }
            for (j, b) in l.saturation.iter().enumerate() {
                s.grad_theta[b.offset + ch] += gs[j];
            }
        }
    }
}

/// One channel's transform parameters, in the order of the kinds' `param_names`.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct ChannelParams {
    pub adstock: [f64; 2],
    pub saturation: [f64; 3],
}

/// A channel's forward pass (its contribution per week) and what the backward pass reuses.
#[derive(Debug, Clone, Default)]
pub struct ChannelPass {
    weights: Weights,
    /// Adstocked spend (adstock first) or saturated spend (saturation first).
    inner: Vec<f64>,
    pub contribution: Vec<f64>,
    /// `d saturation / dx` at each week's input.
    dx: Vec<f64>,
    /// `d saturation / dθ_j` at each week's input, one series per parameter.
    dparams: [Vec<f64>; 3],
    work: Vec<f64>,
    /// `Σ_t sensitivity_{t+k} source_t` per lag `k`.
    corr: Vec<f64>,
}

impl ChannelPass {
    pub fn new(weeks: usize, config: &ModelConfig) -> ChannelPass {
        let n = adstock::kernel_len(config.adstock, config.l_max);
        ChannelPass {
            weights: Weights { w: vec![0.0; n], dw: vec![[0.0; 2]; n] },
            inner: vec![0.0; weeks],
            contribution: vec![0.0; weeks],
            dx: vec![0.0; weeks],
            dparams: std::array::from_fn(|_| vec![0.0; weeks]),
            work: vec![0.0; weeks],
            corr: vec![0.0; n],
        }
    }

    /// Computes `contribution_t` for scaled spend `x`.
    pub fn forward(&mut self, config: &ModelConfig, x: &[f64], p: &ChannelParams) {
        adstock::weights_into(config.adstock, &p.adstock, config.normalize, &mut self.weights);
        let kind = config.saturation;
        if config.adstock_first {
            adstock::convolve(&self.weights.w, x, &mut self.inner);
            saturate(kind, &self.inner, &p.saturation, &mut self.contribution, &mut self.dx, &mut self.dparams);
        } else {
            saturate(kind, x, &p.saturation, &mut self.inner, &mut self.dx, &mut self.dparams);
            adstock::convolve(&self.weights.w, &self.inner, &mut self.contribution);
        }
    }

    /// Gradients of `Σ_t r_t · contribution_t` in the adstock and saturation parameters.
    fn backward(&mut self, config: &ModelConfig, x: &[f64], r: &[f64]) -> ([f64; 2], [f64; 3]) {
        // Adstock first: d/dθ_s = Σ_t r_t f_θ(a_t) and d/dθ_a = Σ_k dw_k Σ_t r_t f'(a_t) x_{t-k}.
        // Saturation first: the saturation terms see r back-convolved with w, and the adstock
        // terms correlate r with the saturated spend.
        let (sensitivity, source): (&[f64], &[f64]) = if config.adstock_first {
            for (((w, &a), &rt), &d) in self.work.iter_mut().zip(&self.inner).zip(r).zip(&self.dx) {
                // Where nothing was spent the (possibly infinite) slope multiplies zero. The
                // product is taken either way, so that the choice is a branch-free select.
                let v = rt * d;
                *w = if a == 0.0 { 0.0 } else { v };
            }
            (&self.work, x)
        } else {
            adstock::convolve_adjoint(&self.weights.w, r, &mut self.work);
            (r, &self.inner)
        };
        let sat_weights: &[f64] = if config.adstock_first { r } else { &self.work };
        let mut gs = [0.0; 3];
        let n_sat = config.saturation.param_names().len();
        add_dots(sat_weights, |j| &self.dparams[j], &mut gs[..n_sat]);
        adstock::correlate(sensitivity, source, &mut self.corr);
        let mut ga = [0.0; 2];
        for (dw, corr) in self.weights.dw.iter().zip(&self.corr) {
            ga[0] += dw[0] * corr;
            ga[1] += dw[1] * corr;
        }
        (ga, gs)
    }
}

/// Saturates `input` week by week, keeping the derivatives. Each arm passes its kind as a
/// constant, so that the inlined formula is specialised and the loop carries no dispatch.
fn saturate(
    kind: SaturationKind,
    input: &[f64],
    params: &[f64; 3],
    out: &mut [f64],
    dx: &mut [f64],
    dparams: &mut [Vec<f64>; 3],
) {
    #[inline(always)]
    fn run(
        kind: SaturationKind,
        input: &[f64],
        params: &[f64; 3],
        out: &mut [f64],
        dx: &mut [f64],
        dparams: &mut [Vec<f64>; 3],
    ) {
        let [d0, d1, d2] = dparams;
        let weeks = input.iter().zip(out.iter_mut()).zip(dx.iter_mut()).zip(d0.iter_mut().zip(d1.iter_mut()).zip(d2));
        for (((&x, o), d), ((d0, d1), d2)) in weeks {
            let at = saturation::evaluate(kind, x, params);
            (*o, *d, *d0, *d1, *d2) = (at.value, at.dx, at.dparams[0], at.dparams[1], at.dparams[2]);
        }
    }
    use SaturationKind as K;
    wide(
        #[inline(always)]
        || match kind {
            K::Logistic => run(K::Logistic, input, params, out, dx, dparams),
            K::Hill => run(K::Hill, input, params, out, dx, dparams),
            K::MichaelisMenten => run(K::MichaelisMenten, input, params, out, dx, dparams),
            K::Tanh => run(K::Tanh, input, params, out, dx, dparams),
            K::Root => run(K::Root, input, params, out, dx, dparams),
            K::None => run(K::None, input, params, out, dx, dparams),
        },
    )
}

//! Each channel's response to a per-period budget over the optimisation horizon, for every
//! posterior draw (MODEL.md section 8): `num_periods` weeks of spend `b`, then `l_max` weeks of
//! none so that the carry-over is counted, in original units.
//!
//! Adstock is linear, so with adstock first the adstocked spend of horizon week `t` is
//! `b · W_t / s_m + h_t`, where `W_t` sums the weights that reach week `t` from the spending
//! weeks and `h_t` is what history carries in. The response of a draw is then
//! `s_y Σ_t sat(b W_t / s_m + h_t)`, a sum of saturation terms whose value, slope and curvature in
//! `b` are exact and cheap. Saturation first makes it one term `s_y ΣW_t · sat(b / s_m)` plus the
//! saturated history's constant carry-over.

use crate::inference::sampler::Trace;
use crate::model::design::Dataset;
use crate::model::Model;
use crate::transforms::{adstock, saturation, SaturationKind};
use rayon::prelude::*;

/// The optimisation horizon.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Horizon {
    /// Weeks of spend.
    pub num_periods: usize,
    /// Start from the adstock left by the last training weeks instead of from zero.
    pub carry_in: bool,
}

/// One channel's response for every draw: `R_d(b) = c_d + s_y Σ_j a_j sat_d(p_j b + h_j)`.
#[derive(Debug, Clone)]
pub struct ChannelResponse {
    kind: SaturationKind,
    /// Terms per draw.
    terms: usize,
    /// Saturation parameters per draw.
    params: Vec<[f64; 3]>,
    /// `a_j`, `p_j`, `h_j`: `draws × terms`, row-major.
    weight: Vec<f64>,
    slope: Vec<f64>,
    offset: Vec<f64>,
    /// The part that does not depend on `b` (carried-in saturated history), original units.
    constant: Vec<f64>,
    target_scale: f64,
}

/// Mean over draws of the response and its first two derivatives at one budget.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MeanResponse {
    pub value: f64,
    pub slope: f64,
    pub curvature: f64,
}

impl ChannelResponse {
    /// Channel `m` of a fitted model over `horizon`.
    pub fn new(model: &Model, data: &Dataset, trace: &Trace, m: usize, horizon: Horizon) -> ChannelResponse {
        let config = &model.spec;
        let kernel = adstock::kernel_len(config.adstock, config.l_max);
        let weeks = horizon.num_periods + config.l_max;
        let spend_scale = model.design.scales.channels[m];
        // History long enough for every weight to reach the horizon's first week.
        let history: Vec<f64> = if horizon.carry_in {
            let x = &data.channels[m];
            x[x.len().saturating_sub(kernel - 1)..].iter().map(|v| v / spend_scale).collect()
        } else {
            Vec::new()
        };
        let h = history.len();
        let spending: Vec<f64> =
            (0..h + weeks).map(|t| if t >= h && t < h + horizon.num_periods { 1.0 } else { 0.0 }).collect();
        let mut padded = history.clone();
        padded.resize(h + weeks, 0.0);
        let (mut reach, mut carried) = (vec![0.0; h + weeks], vec![0.0; h + weeks]);

        let draws = trace.num_draws();
        let terms = if config.adstock_first { weeks } else { 1 };
        let mut out = ChannelResponse {
            kind: config.saturation,
            terms,
            params: Vec::with_capacity(draws),
            weight: Vec::with_capacity(draws * terms),
            slope: Vec::with_capacity(draws * terms),
            offset: Vec::with_capacity(draws * terms),
            constant: Vec::with_capacity(draws),
            target_scale: model.design.scales.target,
        };
        for theta in trace.draws() {
            let p = model.channel_params(theta, m);
            let w = adstock::weights(config.adstock, &p.adstock, config.l_max, config.normalize).w;
            adstock::convolve(&w, &spending, &mut reach);
            out.params.push(p.saturation);
            if config.adstock_first {
                adstock::convolve(&w, &padded, &mut carried);
                out.weight.extend(std::iter::repeat_n(1.0, weeks));
                out.slope.extend(reach[h..].iter().map(|r| r / spend_scale));
                out.offset.extend_from_slice(&carried[h..]);
                out.constant.push(0.0);
            } else {
                let saturated: Vec<f64> =
                    padded.iter().map(|&x| saturation::evaluate(config.saturation, x, &p.saturation).value).collect();
                adstock::convolve(&w, &saturated, &mut carried);
                out.weight.push(reach[h..].iter().sum());
                out.slope.push(1.0 / spend_scale);
                out.offset.push(0.0);
                out.constant.push(out.target_scale * carried[h..].iter().sum::<f64>());
            }
        }
        out
    }

    pub fn draws(&self) -> usize {
        self.params.len()
    }

    /// True when every draw's response is concave in `b`, which makes the mean-utility
    /// allocation a concave problem with a certifiable global optimum.
    pub fn is_concave(&self) -> bool {
        match self.kind {
            SaturationKind::Hill => self.params.iter().all(|p| p[0] <= 1.0),
            SaturationKind::Root => self.params.iter().all(|p| p[0] <= 1.0),
            SaturationKind::HillSigmoid => false,
            _ => true,
        }
    }

    fn terms_of(&self, d: usize) -> impl Iterator<Item = (f64, f64, f64)> + '_ {
        let r = d * self.terms..(d + 1) * self.terms;
        self.weight[r.clone()].iter().zip(&self.slope[r.clone()]).zip(&self.offset[r]).map(|((&a, &p), &h)| (a, p, h))
    }

    /// Response and slope of each draw at budget `b`.
    pub fn per_draw(&self, b: f64, values: &mut [f64], slopes: &mut [f64]) {
        for (d, (v, s)) in values.iter_mut().zip(slopes.iter_mut()).enumerate() {
            let (mut value, mut slope) = (0.0, 0.0);
            for (a, p, h) in self.terms_of(d) {
                let at = saturation::evaluate(self.kind, p * b + h, &self.params[d]);
                value += a * at.value;
                slope += a * p * zero_safe(at.dx, p);
            }
            *v = self.constant[d] + self.target_scale * value;
            *s = self.target_scale * slope;
        }
    }

    /// Mean response, slope and curvature at budget `b > 0` (the slope at 0 may be infinite).
    pub fn mean_at(&self, b: f64) -> MeanResponse {
        let (mut value, mut slope, mut curvature) = (0.0, 0.0, 0.0);
        for d in 0..self.draws() {
            let params = &self.params[d];
            for (a, p, h) in self.terms_of(d) {
                let x = p * b + h;
                let at = saturation::evaluate(self.kind, x, params);
                value += a * at.value;
                if p > 0.0 {
                    slope += a * p * at.dx;
                    curvature += a * p * p * saturation::curvature(self.kind, x, params, &at);
                }
            }
        }
        let n = self.draws() as f64;
        let constant = self.constant.iter().sum::<f64>() / n;
        MeanResponse {
            value: constant + self.target_scale * value / n,
            slope: self.target_scale * slope / n,
            curvature: self.target_scale * curvature / n,
        }
    }
}

/// A week no spend reaches (`p = 0`) has no slope, even where the saturation's own slope is
/// infinite at zero.
fn zero_safe(dx: f64, p: f64) -> f64 {
    if p == 0.0 {
        0.0
    } else {
        dx
    }
}

/// Responses of every channel of a fitted model.
pub fn channel_responses(model: &Model, data: &Dataset, trace: &Trace, horizon: Horizon) -> Vec<ChannelResponse> {
    (0..data.channels.len()).into_par_iter().map(|m| ChannelResponse::new(model, data, trace, m, horizon)).collect()
}

impl ChannelResponse {
    /// A response from explicit terms `sat(p_j b)` per draw (no carry-in): known problems for
    /// checking the solver against brute force and other optimizers.
    pub fn from_terms(
        kind: SaturationKind,
        params: Vec<[f64; 3]>,
        slopes: Vec<f64>,
        target_scale: f64,
    ) -> ChannelResponse {
        let draws = params.len();
        let terms = slopes.len() / draws;
        ChannelResponse {
            kind,
            terms,
            params,
            weight: vec![1.0; slopes.len()],
            offset: vec![0.0; slopes.len()],
            slope: slopes,
            constant: vec![0.0; draws],
            target_scale,
        }
    }
}

//! The channels' contribution to the mean: per (geo, channel), adstock and saturation of its
//! scaled spend with that cell's parameters (its own, or shared by the geos where a block has
//! no geo dim), a forward pass that keeps what the backward pass reuses, and the backward pass
//! in the transform parameters.

use super::design::Design;
use super::mean::MeanComponent;
use super::space::Handle;
use super::spec::ModelSpec;
use crate::numeric::{add_dots, wide};
use crate::transforms::{adstock, saturation, SaturationKind, Weights};
use std::any::Any;

/// The media component: every (geo, channel) cell's adstock and saturation, with the
/// parameter blocks of each transform parameter and where each cell reads them.
#[derive(Debug, Clone, PartialEq)]
pub struct Media {
    /// The transforms: adstock and saturation kinds, `l_max`, normalisation and order.
    config: ModelSpec,
    /// Channel names, in data order.
    channels: Vec<String>,
    /// The number of geo series (1 for a national model).
    geos: usize,
    /// One block per adstock parameter, in the order of the kind's `param_names`, with the
    /// position each (geo, channel) cell reads (geo-major).
    pub adstock: Vec<(Handle, Vec<usize>)>,
    /// One block per saturation parameter, likewise.
    pub saturation: Vec<(Handle, Vec<usize>)>,
}

impl Media {
    pub fn new(
        config: &ModelSpec,
        channels: Vec<String>,
        geos: usize,
        adstock: Vec<(Handle, Vec<usize>)>,
        saturation: Vec<(Handle, Vec<usize>)>,
    ) -> Media {
        Media { config: config.clone(), channels, geos, adstock, saturation }
    }

    /// Adstock and saturation parameters of one channel of a national model (the first geo of
    /// a panel).
    pub fn params(&self, theta: &[f64], channel: usize) -> ChannelParams {
        self.params_in(theta, 0, channel)
    }

    /// Adstock and saturation parameters of one channel in geo `geo`.
    pub fn params_in(&self, theta: &[f64], geo: usize, channel: usize) -> ChannelParams {
        let cell = geo * self.channels.len() + channel;
        let mut p = ChannelParams::default();
        for (v, (_, at)) in p.adstock.iter_mut().zip(&self.adstock) {
            *v = theta[at[cell]];
        }
        for (v, (_, at)) in p.saturation.iter_mut().zip(&self.saturation) {
            *v = theta[at[cell]];
        }
        p
    }

    /// A forward pass for one cell over `weeks` weeks (one geo's).
    pub fn pass(&self, weeks: usize) -> ChannelPass {
        ChannelPass::new(weeks, &self.config)
    }

    /// The contribution of cell `cell` (geo-major: `geo · channels + channel`) per week of its
    /// scaled spend `x`, into `pass`. The mean's forward pass runs it for every cell; a term
    /// that reads a cell's contribution (cost-per-target calibration) runs it for its own.
    pub fn cell_forward(&self, x: &[f64], theta: &[f64], cell: usize, pass: &mut ChannelPass) {
        let (g, ch) = (cell / self.channels.len(), cell % self.channels.len());
        pass.forward(&self.config, x, &self.params_in(theta, g, ch));
    }

    /// Adds `Σ_t r_t · d contribution_t / dθ` of cell `cell` to `grad_theta`, after
    /// [`Media::cell_forward`] of the same `x` and `theta` into `pass`.
    pub fn cell_backward(&self, x: &[f64], cell: usize, pass: &mut ChannelPass, r: &[f64], grad_theta: &mut [f64]) {
        let (ga, gs) = pass.backward(&self.config, x, r);
        for (d, (_, at)) in ga.iter().zip(&self.adstock) {
            grad_theta[at[cell]] += d;
        }
        for (d, (_, at)) in gs.iter().zip(&self.saturation) {
            grad_theta[at[cell]] += d;
        }
    }

    /// The (geo, channel) of each cell, geo-major.
    fn cells(&self) -> impl Iterator<Item = (usize, usize)> + '_ {
        (0..self.geos).flat_map(move |g| (0..self.channels.len()).map(move |c| (g, c)))
    }

    fn passes<'a>(&self, work: &'a mut dyn Any) -> &'a mut Vec<ChannelPass> {
        work.downcast_mut().expect("the media component's workspace")
    }
}

impl MeanComponent for Media {
    fn name(&self) -> &str {
        "channels"
    }

    fn parts(&self) -> &[String] {
        &self.channels
    }

    /// One forward pass per (geo, channel) cell, over `weeks / geos` weeks.
    fn workspace(&self, weeks: usize) -> Box<dyn Any + Send> {
        let per_geo = weeks / self.geos.max(1);
        Box::new(vec![ChannelPass::new(per_geo, &self.config); self.geos * self.channels.len()])
    }

    fn forward(&self, design: &Design, theta: &[f64], mu: &mut [f64], work: &mut dyn Any) {
        let weeks = design.weeks();
        for ((g, ch), pass) in self.cells().zip(self.passes(work).iter_mut()) {
            let cell = g * self.channels.len() + ch;
            self.cell_forward(&design.channels[cell], theta, cell, pass);
            let mu = &mut mu[g * weeks..];
            wide(|| mu.iter_mut().zip(&pass.contribution).for_each(|(m, c)| *m += c));
        }
    }

    fn backward(&self, design: &Design, _theta: &[f64], dmu: &[f64], grad_theta: &mut [f64], work: &mut dyn Any) {
        let weeks = design.weeks();
        for ((g, ch), pass) in self.cells().zip(self.passes(work).iter_mut()) {
            let cell = g * self.channels.len() + ch;
            let dmu = &dmu[g * weeks..(g * weeks + weeks).min(dmu.len())];
            self.cell_backward(&design.channels[cell], cell, pass, dmu, grad_theta);
        }
    }

    fn decompose(&self, design: &Design, theta: &[f64], scale: &[f64], out: &mut [Vec<f64>], work: &mut dyn Any) {
        let weeks = design.weeks();
        for ((g, ch), pass) in self.cells().zip(self.passes(work).iter_mut()) {
            let cell = g * self.channels.len() + ch;
            self.cell_forward(&design.channels[cell], theta, cell, pass);
            let series = &mut out[ch][g * weeks..];
            series.iter_mut().zip(&pass.contribution).for_each(|(o, c)| *o = c * scale[g]);
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
    pub fn new(weeks: usize, config: &ModelSpec) -> ChannelPass {
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
    pub fn forward(&mut self, config: &ModelSpec, x: &[f64], p: &ChannelParams) {
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
    fn backward(&mut self, config: &ModelSpec, x: &[f64], r: &[f64]) -> ([f64; 2], [f64; 3]) {
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
            K::HillSigmoid => run(K::HillSigmoid, input, params, out, dx, dparams),
        },
    )
}

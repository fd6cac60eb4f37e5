//! Each channel's response to a per-period budget over the optimisation window, for every
//! posterior draw (docs/05-optimization.md; PyMC-Marketing 1.3's `budget_optimizer`), in
//! original units. The window is up to `l_max` observed weeks carried in (the last training
//! weeks, with their actual spend), `num_periods` weeks of spend `b`, then `l_max` weeks of
//! none so that the carry-over is counted; the response sums every week of it. Without
//! carry-in the window starts cold at the horizon, as PyMC-Marketing's releases before 1.3 did.
//!
//! Adstock is linear, so with adstock first the adstocked spend of window week `t` is
//! `b · W_t / s_m + h_t`, where `W_t` sums the weights that reach week `t` from the spending
//! weeks and `h_t` is what the carried-in weeks leave. The response of a draw is then
//! `s_y Σ_t sat(b W_t / s_m + h_t)`, a sum of saturation terms whose value, slope and curvature
//! in `b` are exact and cheap; the carried-in weeks themselves (`W_t = 0`) are a constant.
//! Saturation first makes it one term `s_y ΣW_t · sat(b / s_m)` plus the saturated carry-in's
//! constant contribution.
//!
//! Budgets are money: a cell's units per period are `b / cost_per_unit` (the cell's cost of a
//! unit over the horizon, [`Costs::current`]), so `p_j` carries `1 / (s_m · cost_per_unit)`.

use crate::calendar::Date;
use crate::inference::sampler::Trace;
use crate::model::costs::Costs;
use crate::model::density::ChannelParams;
use crate::model::design::{Dataset, Panel};
use crate::model::{Model, ModelSpec};
use crate::transforms::{adstock, saturation, SaturationKind};
use rayon::prelude::*;

/// The optimisation horizon.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Horizon {
    /// Weeks of spend.
    pub num_periods: usize,
    /// Carry in the last `l_max` training weeks and count their response (PyMC-Marketing 1.3);
    /// `false` starts cold at the horizon.
    pub carry_in: bool,
}

impl Horizon {
    /// How many observed weeks the window starts with, out of `training_weeks`.
    pub fn carry_in_weeks(&self, l_max: usize, training_weeks: usize) -> usize {
        if self.carry_in {
            l_max.min(training_weeks)
        } else {
            0
        }
    }
}

/// What one budget cell's response is built from: a channel of a national model or a
/// `(geo, channel)` pair of a panel.
#[derive(Debug, Clone, Copy)]
pub struct Cell<'a> {
    /// The cell's observed spend up to the horizon, the model's units; its last weeks are
    /// carried in.
    pub spend: &'a [f64],
    /// The spend scale `s_m` and the target scale `s_y` the model was fitted with.
    pub spend_scale: f64,
    pub target_scale: f64,
    /// What a unit costs over the horizon: the budget's money per unit (1 when the channel's
    /// column is money).
    pub cost_per_unit: f64,
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
    /// The part that does not depend on `b`: what the carried-in weeks earn within the window
    /// (their own weeks, and with saturation first their carry-over too), original units.
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
    /// Channel `m` of geo `g` (0 of a national model) over `horizon`, to budgets in money at
    /// `cost_per_unit`; `data` is that geo's rows, whose last weeks are carried in, and the
    /// geo's own scales apply where the model has them.
    pub fn new(
        model: &Model,
        data: &Dataset,
        trace: &Trace,
        cell: (usize, usize),
        horizon: Horizon,
        cost_per_unit: f64,
    ) -> ChannelResponse {
        let multipliers = window_multipliers(model, &data.dates, trace, horizon);
        ChannelResponse::with_multipliers(model, data, trace, cell, horizon, cost_per_unit, multipliers.as_deref())
    }

    /// [`ChannelResponse::new`] given [`window_multipliers`], which serve every cell.
    fn with_multipliers(
        model: &Model,
        data: &Dataset,
        trace: &Trace,
        (g, m): (usize, usize),
        horizon: Horizon,
        cost_per_unit: f64,
        multipliers: Option<&[Vec<f64>]>,
    ) -> ChannelResponse {
        let scales = &model.design.scales;
        let cell = Cell {
            spend: &data.channels[m],
            spend_scale: scales.channel_of(g, m),
            target_scale: scales.target_of(g),
            cost_per_unit,
        };
        let draws = trace.draws().enumerate().map(|(i, theta)| {
            let multiplier = multipliers.map(|per_draw| {
                let weeks = per_draw[i].len() / model.design.geos.max(1);
                per_draw[i][g * weeks..(g + 1) * weeks].to_vec()
            });
            (model.channel_params_in(theta, g, m), multiplier)
        });
        ChannelResponse::of_varying_cell(&model.spec, cell, horizon, draws)
    }

    /// A cell's response over `horizon`, one draw per item of `draws`.
    pub fn of_cell(
        spec: &ModelSpec,
        cell: Cell,
        horizon: Horizon,
        draws: impl Iterator<Item = ChannelParams>,
    ) -> ChannelResponse {
        ChannelResponse::of_varying_cell(spec, cell, horizon, draws.map(|p| (p, None)))
    }

    /// [`ChannelResponse::of_cell`] with, per draw, the media multiplier of each window week
    /// (carried-in, spending and carry-over weeks) where media vary over time.
    pub fn of_varying_cell(
        spec: &ModelSpec,
        cell: Cell,
        horizon: Horizon,
        draws: impl Iterator<Item = (ChannelParams, Option<Vec<f64>>)>,
    ) -> ChannelResponse {
        let h = horizon.carry_in_weeks(spec.l_max, cell.spend.len());
        let history: Vec<f64> = cell.spend[cell.spend.len() - h..].iter().map(|v| v / cell.spend_scale).collect();
        let weeks = h + horizon.num_periods + spec.l_max;
        let spending: Vec<f64> =
            (0..weeks).map(|t| if t >= h && t < h + horizon.num_periods { 1.0 } else { 0.0 }).collect();
        let mut padded = history;
        padded.resize(weeks, 0.0);
        let (mut reach, mut carried) = (vec![0.0; weeks], vec![0.0; weeks]);
        // Money to the model's scaled input (exactly `s_m` at a cost of 1).
        let money_scale = cell.spend_scale * cell.cost_per_unit;

        let n = draws.size_hint().0;
        let terms = if spec.adstock_first { weeks - h } else { 1 };
        let s_y = cell.target_scale;
        let mut out = ChannelResponse {
            kind: spec.saturation,
            terms,
            params: Vec::with_capacity(n),
            weight: Vec::with_capacity(n * terms),
            slope: Vec::with_capacity(n * terms),
            offset: Vec::with_capacity(n * terms),
            constant: Vec::with_capacity(n),
            target_scale: s_y,
        };
        for (p, multiplier) in draws {
            // A constant effect's multiplier is 1, which leaves every product below unchanged.
            let at = |t: usize| multiplier.as_ref().map_or(1.0, |v| v[t]);
            let w = adstock::weights(spec.adstock, &p.adstock, spec.l_max, spec.normalize).w;
            adstock::convolve(&w, &spending, &mut reach);
            out.params.push(p.saturation);
            if spec.adstock_first {
                adstock::convolve(&w, &padded, &mut carried);
                // The carried-in weeks are before any spend reaches: their response is fixed.
                let before: f64 = carried[..h]
                    .iter()
                    .enumerate()
                    .map(|(t, &x)| saturation::evaluate(spec.saturation, x, &p.saturation).value * at(t))
                    .sum();
                out.weight.extend((h..weeks).map(at));
                out.slope.extend(reach[h..].iter().map(|r| r / money_scale));
                out.offset.extend_from_slice(&carried[h..]);
                out.constant.push(s_y * before);
            } else {
                let saturated: Vec<f64> =
                    padded.iter().map(|&x| saturation::evaluate(spec.saturation, x, &p.saturation).value).collect();
                adstock::convolve(&w, &saturated, &mut carried);
                out.weight.push(reach.iter().enumerate().skip(h).map(|(t, r)| r * at(t)).sum());
                out.slope.push(1.0 / money_scale);
                out.offset.push(0.0);
                out.constant.push(s_y * carried.iter().enumerate().map(|(t, c)| c * at(t)).sum::<f64>());
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

/// With time-varying media, per draw the media multiplier of every geo (geo after geo) over
/// the window of `horizon` after training `dates`: each window week's response is times its
/// geo's multiplier there, the window following the training weeks at their spacing
/// (docs/02-fitting.md, "Time-varying intercept and media"). `None` without time-varying media.
fn window_multipliers(model: &Model, dates: &[Date], trace: &Trace, horizon: Horizon) -> Option<Vec<Vec<f64>>> {
    let carried = horizon.carry_in_weeks(model.spec.l_max, dates.len());
    let window = window_dates(dates, carried, horizon.num_periods + model.spec.l_max);
    model.media_multipliers(trace.draws(), &window)
}

/// The window's dates: the last `carried` of `dates`, then `ahead` more at the spacing of the
/// first two (weekly where there is one date).
fn window_dates(dates: &[Date], carried: usize, ahead: usize) -> Vec<Date> {
    let spacing = if dates.len() > 1 { dates[1].0 - dates[0].0 } else { 7 };
    let last = dates.last().copied().unwrap_or(Date(0));
    let later = (1..=ahead).map(|k| last.plus_days(spacing * k as i32));
    dates[dates.len() - carried..].iter().copied().chain(later).collect()
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

/// Responses of every channel of a fitted national model to budgets in money.
pub fn channel_responses(model: &Model, data: &Dataset, trace: &Trace, horizon: Horizon) -> Vec<ChannelResponse> {
    cell_responses(model, &Panel::national(data.clone()), trace, horizon)
}

/// Responses of every (geo, channel) cell of a fitted panel to budgets in money, geo-major as
/// PyMC-Marketing flattens its budget cells (a national model's cells are its channels).
pub fn cell_responses(model: &Model, panel: &Panel, trace: &Trace, horizon: Horizon) -> Vec<ChannelResponse> {
    let n = panel.channel_names().len();
    let costs = Costs::of(&model.spec, panel).expect("a model's costs cover the weeks it was fitted on");
    let multipliers = window_multipliers(model, panel.dates(), trace, horizon);
    (0..panel.series() * n)
        .into_par_iter()
        .map(|i| {
            let (g, m) = (i / n, i % n);
            let cost = costs.current(g, m);
            ChannelResponse::with_multipliers(
                model,
                &panel.data[g],
                trace,
                (g, m),
                horizon,
                cost,
                multipliers.as_deref(),
            )
        })
        .collect()
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

//! Response curves and the contribution grid (docs/05-optimization.md), in original units; spend is
//! money (units times their cost, see [`Costs`]).

use crate::inference::sampler::Trace;
use crate::model::costs::Costs;
use crate::model::density::ChannelPass;
use crate::model::Model;
use crate::posterior::Band;
use crate::transforms::saturation;
use rayon::prelude::*;

/// One point of a channel's response curve.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CurvePoint {
    /// Spend per week, in money.
    pub spend: f64,
    /// Weekly response to that spend held constant (steady state of normalised adstock).
    pub response: Band,
    /// Mean of `d response / d spend`.
    pub marginal: f64,
}

/// The saturation of channel `m` alone on `points` spends from 0 to `max_spend`, with bands
/// over the draws: the direct response curve. In geo `geos[0]` and its units when `geos` has
/// one geo (`[0]` for a national model); with several, the sum over them of each geo's curve
/// at the same spend in every geo, draw by draw. A unit costs what it cost in the cell's last
/// training week (`costs`).
#[allow(clippy::too_many_arguments)] // The curve's model, cells and grid; a struct would only rename them.
pub fn response_curve(
    model: &Model,
    trace: &Trace,
    costs: &Costs,
    geos: &[usize],
    m: usize,
    max_spend: f64,
    points: usize,
    hdi_prob: f64,
) -> Vec<CurvePoint> {
    let kind = model.spec.saturation;
    let scales = &model.design.scales;
    let per_geo: Vec<(f64, f64, Vec<[f64; 3]>)> = geos
        .iter()
        .map(|&g| {
            let params = trace.draws().map(|theta| model.channel_params_in(theta, g, m).saturation).collect();
            (scales.channel_of(g, m) * costs.current(g, m), scales.target_of(g), params)
        })
        .collect();
    let draws = trace.num_draws();
    (0..points)
        .into_par_iter()
        .map(|i| {
            let spend = if points > 1 { max_spend * i as f64 / (points - 1) as f64 } else { max_spend };
            let mut values = vec![0.0; draws];
            let mut marginal = 0.0;
            for (s_m, s_y, params) in &per_geo {
                for (v, p) in values.iter_mut().zip(params) {
                    let at = saturation::evaluate(kind, spend / s_m, p);
                    *v += at.value * s_y;
                    marginal += at.dx * s_y / s_m;
                }
            }
            CurvePoint { spend, response: Band::of(&values, hdi_prob), marginal: marginal / draws as f64 }
        })
        .collect()
}

/// The in-sample contributions of a fit's cells with their historical spend scaled (the
/// contribution grid), the media multipliers of time-varying media evaluated once per draw
/// for every cell and scale.
pub struct ContributionGrid<'a> {
    model: &'a Model,
    trace: &'a Trace,
    multipliers: Option<Vec<Vec<f64>>>,
}

impl<'a> ContributionGrid<'a> {
    pub fn new(model: &'a Model, trace: &'a Trace) -> ContributionGrid<'a> {
        let multipliers = model.media_multipliers(trace.draws(), &model.design.dates);
        ContributionGrid { model, trace, multipliers }
    }

    /// Total in-sample contribution of channel `m` in geo `g` (0 for a national model) for
    /// every draw when its whole historical spend there is multiplied by `delta`.
    pub fn scaled_contribution(&self, (g, m): (usize, usize), delta: f64) -> Vec<f64> {
        let model = self.model;
        let cell = g * model.design.scales.channels.len() + m;
        let x: Vec<f64> = model.design.channels[cell].iter().map(|v| v * delta).collect();
        let s_y = model.design.scales.target_of(g);
        let mut pass = ChannelPass::new(x.len(), &model.spec);
        self.trace
            .draws()
            .enumerate()
            .map(|(i, theta)| {
                pass.forward(&model.spec, &x, &model.channel_params_in(theta, g, m));
                match &self.multipliers {
                    Some(per_draw) => {
                        let multiplier = &per_draw[i][g * x.len()..(g + 1) * x.len()];
                        pass.contribution.iter().zip(multiplier).map(|(c, n)| c * n).sum::<f64>() * s_y
                    }
                    None => pass.contribution.iter().sum::<f64>() * s_y,
                }
            })
            .collect()
    }
}

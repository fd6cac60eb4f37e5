//! The response distribution of a given allocation week by week, with the planned spend
//! perturbed by multiplicative noise: how uncertain both the model and the execution make it.

use crate::calendar::Date;
use crate::inference::sampler::Trace;
use crate::inference::Fit;
use crate::model::costs::Costs;
use crate::model::density::ChannelPass;
use crate::model::Model;
use crate::posterior::Band;
use rand::SeedableRng;
use rand_distr::{Distribution, Normal};

/// Contribution of each budget cell (original units) for every draw and horizon week, `draws
/// × (num_periods + l_max)`. The cells are a national model's channels or a panel's (geo,
/// channel) pairs, geo-major (as the budget optimizer's): `budgets[i]` money per week (units at
/// the cell's current cost, see [`Costs::current`]) for
/// `num_periods` weeks, each week's spend times `max(0, 1 + noise_level · ε)` with
/// `ε ~ N(0, 1)` drawn per draw, week and cell, then `l_max` weeks without spend; each cell in
/// its geo's own scales and parameters.
pub fn sample_response(
    model: &Model,
    trace: &Trace,
    costs: &Costs,
    budgets: &[f64],
    num_periods: usize,
    noise_level: f64,
    seed: u64,
) -> Vec<ndarray::Array2<f64>> {
    let channels = model.design.channels.len() / model.design.geos.max(1);
    assert_eq!(budgets.len(), model.design.geos.max(1) * channels, "one budget per cell");
    let weeks = num_periods + model.spec.l_max;
    let draws = trace.num_draws();
    let scales = &model.design.scales;
    let noise = Normal::new(0.0, noise_level).expect("noise_level is finite and >= 0");
    let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
    let mut pass = ChannelPass::new(weeks, &model.spec);
    let mut x = vec![0.0; weeks];
    budgets
        .iter()
        .enumerate()
        .map(|(i, &b)| {
            let (g, m) = (i / channels, i % channels);
            let (s_m, s_y) = (scales.channel_of(g, m) * costs.current(g, m), scales.target_of(g));
            let mut out = ndarray::Array2::zeros((draws, weeks));
            for (mut row, theta) in out.rows_mut().into_iter().zip(trace.draws()) {
                for xt in &mut x[..num_periods] {
                    *xt = (b / s_m * (1.0 + noise.sample(&mut rng))).max(0.0);
                }
                pass.forward(&model.spec, &x, &model.channel_params_in(theta, g, m));
                row.iter_mut().zip(&pass.contribution).for_each(|(o, c)| *o = c * s_y);
            }
            out
        })
        .collect()
}

/// One week of a sampled response: of a cell, of a geo's cells together or of all cells
/// together (`total`).
#[derive(Debug, Clone, PartialEq)]
pub struct SampledWeek<'a> {
    /// 1 for the week after the fit's last.
    pub week: usize,
    pub date: Date,
    /// A channel's name or `total`.
    pub series: &'a str,
    /// The cell's or total's geo; `None` for a national model and for the total over geos.
    pub geo: Option<&'a str>,
    /// Planned spend per week: the cell's budget, or the sum, while spending; then 0.
    pub spend: f64,
    pub response: Band,
}

/// [`sample_response`] after the fit's last week, each week as a mean and an HDI over the
/// draws: cell by cell, then for a panel each geo's `total`, then the `total` over every cell
/// (`geo` `None`), summed draw by draw.
pub fn sampled_weeks<'a>(
    fit: &'a Fit,
    budgets: &[f64],
    num_periods: usize,
    noise_level: f64,
    seed: u64,
    hdi_prob: f64,
) -> Vec<SampledWeek<'a>> {
    let per_cell = sample_response(&fit.model, &fit.trace, &fit.costs(), budgets, num_periods, noise_level, seed);
    let added = |cells: &[ndarray::Array2<f64>]| {
        cells.iter().fold(ndarray::Array2::zeros(per_cell[0].raw_dim()), |acc, c| acc + c)
    };
    let panel = &fit.panel;
    let (channels, geos) = (panel.channel_names(), &panel.geos);
    let n = channels.len();
    let dates = panel.dates();
    let (last, step) = (dates[dates.len() - 1], dates[1].0 - dates[0].0);
    // (series, geo, per-period budget, response draws)
    let mut series: Vec<(&str, Option<&str>, f64, ndarray::Array2<f64>)> = Vec::new();
    for (i, cell) in per_cell.iter().enumerate() {
        series.push((&channels[i % n], geos.get(i / n).map(String::as_str), budgets[i], cell.clone()));
    }
    for (g, geo) in geos.iter().enumerate() {
        let cells = g * n..(g + 1) * n;
        series.push(("total", Some(geo), budgets[cells.clone()].iter().sum(), added(&per_cell[cells])));
    }
    series.push(("total", None, budgets.iter().sum(), added(&per_cell)));
    let mut weeks = Vec::new();
    for (name, geo, budget, values) in series {
        for (t, column) in values.columns().into_iter().enumerate() {
            weeks.push(SampledWeek {
                week: t + 1,
                date: last.plus_days(step * (t as i32 + 1)),
                series: name,
                geo,
                spend: if t < num_periods { budget } else { 0.0 },
                response: Band::of(&column.to_vec(), hdi_prob),
            });
        }
    }
    weeks
}

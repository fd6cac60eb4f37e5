//! The response distribution of a given allocation week by week, with the planned spend
//! perturbed by multiplicative noise: how uncertain both the model and the execution make it.

use crate::calendar::Date;
use crate::inference::sampler::Trace;
use crate::inference::Fit;
use crate::model::density::ChannelPass;
use crate::model::Model;
use crate::posterior::Band;
use rand::SeedableRng;
use rand_distr::{Distribution, Normal};

/// Contribution of each channel (original units) for every draw and horizon week, `draws ×
/// (num_periods + l_max)`: `budgets[m]` per week for `num_periods` weeks, each week's spend
/// times `max(0, 1 + noise_level · ε)` with `ε ~ N(0, 1)` drawn per draw, week and channel,
/// then `l_max` weeks without spend.
pub fn sample_response(
    model: &Model,
    trace: &Trace,
    budgets: &[f64],
    num_periods: usize,
    noise_level: f64,
    seed: u64,
) -> Vec<ndarray::Array2<f64>> {
    let weeks = num_periods + model.spec.l_max;
    let draws = trace.num_draws();
    let s_y = model.design.scales.target;
    let noise = Normal::new(0.0, noise_level).expect("noise_level is finite and >= 0");
    let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
    let mut pass = ChannelPass::new(weeks, &model.spec);
    let mut x = vec![0.0; weeks];
    budgets
        .iter()
        .enumerate()
        .map(|(m, &b)| {
            let s_m = model.design.scales.channels[m];
            let mut out = ndarray::Array2::zeros((draws, weeks));
            for (mut row, theta) in out.rows_mut().into_iter().zip(trace.draws()) {
                for xt in &mut x[..num_periods] {
                    *xt = (b / s_m * (1.0 + noise.sample(&mut rng))).max(0.0);
                }
                pass.forward(&model.spec, &x, &model.channel_params(theta, m));
                row.iter_mut().zip(&pass.contribution).for_each(|(o, c)| *o = c * s_y);
            }
            out
        })
        .collect()
}

/// One week of a sampled response, of a channel or of all channels together (`total`).
#[derive(Debug, Clone, PartialEq)]
pub struct SampledWeek<'a> {
    /// 1 for the week after the fit's last.
    pub week: usize,
    pub date: Date,
    /// A channel's name or `total`.
    pub series: &'a str,
    /// Planned spend per week: the channel's budget, or the sum, while spending; then 0.
    pub spend: f64,
    pub response: Band,
}

/// [`sample_response`] after the fit's last week, channel by channel and then in total, each
/// week as a mean and an HDI over the draws.
pub fn sampled_weeks<'a>(
    fit: &'a Fit,
    budgets: &[f64],
    num_periods: usize,
    noise_level: f64,
    seed: u64,
    hdi_prob: f64,
) -> Vec<SampledWeek<'a>> {
    let per_channel = sample_response(&fit.model, &fit.trace, budgets, num_periods, noise_level, seed);
    let total = per_channel.iter().fold(ndarray::Array2::zeros(per_channel[0].raw_dim()), |acc, c| acc + c);
    let dates = &fit.panel.data[0].dates;
    let (last, step) = (dates[dates.len() - 1], dates[1].0 - dates[0].0);
    let names = fit.panel.data[0].channel_names.iter().map(String::as_str).chain(["total"]);
    let mut weeks = Vec::new();
    for ((m, series), values) in names.enumerate().zip(per_channel.iter().chain([&total])) {
        for (t, column) in values.columns().into_iter().enumerate() {
            let spending = t < num_periods;
            let spend = match budgets.get(m) {
                Some(b) if spending => *b,
                None if spending => budgets.iter().sum(),
                _ => 0.0,
            };
            weeks.push(SampledWeek {
                week: t + 1,
                date: last.plus_days(step * (t as i32 + 1)),
                series,
                spend,
                response: Band::of(&column.to_vec(), hdi_prob),
            });
        }
    }
    weeks
}

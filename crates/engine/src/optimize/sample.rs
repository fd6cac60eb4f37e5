//! The response distribution of a given allocation week by week, with the planned spend
//! perturbed by multiplicative noise: how uncertain both the model and the execution make it.

use crate::inference::sampler::Trace;
use crate::model::density::ChannelPass;
use crate::model::Model;
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
    let weeks = num_periods + model.config.l_max;
    let draws = trace.chains.len() * trace.draws_per_chain();
    let s_y = model.design.scales.target;
    let noise = Normal::new(0.0, noise_level).expect("noise_level is finite and >= 0");
    let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
    let mut pass = ChannelPass::new(weeks, &model.config);
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
                pass.forward(&model.config, &x, &model.channel_params(theta, m));
                row.iter_mut().zip(&pass.contribution).for_each(|(o, c)| *o = c * s_y);
            }
            out
        })
        .collect()
}

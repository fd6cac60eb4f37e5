//! Quantities derived from posterior draws, in original units: the decomposition of the mean
//! into intercept, channels, controls and seasonality; posterior predictive draws; ROAS; fit
//! metrics; prediction for new weeks with adstock carried in from training, and its bands;
//! `monitor`: how such a forecast held up against the weeks that came; `loo` and `compare`:
//! PSIS-LOO, WAIC and the comparison of models fitted to the same weeks.

pub mod compare;
pub mod loo;
pub mod monitor;
pub mod prior_check;

use crate::inference::diagnostics::hdi;
use crate::inference::sampler::Trace;
use crate::model::costs::Costs;
use crate::model::design::{Dataset, Panel};
use crate::model::prior::Prior;
use crate::model::{Likelihood, Model};
use rand::SeedableRng;
use rand_distr::{Distribution, Normal, StudentT};

/// A component's series for every draw: `draws × weeks`, original units.
#[derive(Debug, Clone, PartialEq)]
pub struct ComponentDraws {
    /// `intercept`, a channel name, a control name, or `seasonality`.
    pub component: String,
    /// The mean component it is part of: `intercept`, `channels`, `controls`, `seasonality`.
    pub group: String,
    pub values: ndarray::Array2<f64>,
}

/// Mean and highest-density interval of a sample.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Band {
    pub mean: f64,
    pub lower: f64,
    pub upper: f64,
}

impl Band {
    pub fn of(sample: &[f64], hdi_prob: f64) -> Band {
        let (lower, upper) = hdi(sample, hdi_prob);
        Band { mean: sample.iter().sum::<f64>() / sample.len() as f64, lower, upper }
    }
}

/// Every part of every component of `mu_t` per draw, times `s_y`: they sum to the fitted
/// mean. Listed in the mean's report order: intercept, channels, controls, seasonality.
pub fn decomposition(model: &Model, trace: &Trace) -> Vec<ComponentDraws> {
    let (weeks, draws) = (model.design.y.len(), trace.num_draws());
    let s_y = model.design.scales.targets(model.design.geos);
    let components = model.mean().report_order();
    let mut work: Vec<_> = components.iter().map(|c| c.workspace(weeks)).collect();
    let mut series: Vec<Vec<Vec<f64>>> = components.iter().map(|c| vec![vec![0.0; weeks]; c.parts().len()]).collect();
    let mut out: Vec<Vec<ndarray::Array2<f64>>> =
        components.iter().map(|c| vec![ndarray::Array2::zeros((draws, weeks)); c.parts().len()]).collect();
    for (d, theta) in trace.draws().enumerate() {
        for (((c, w), series), out) in components.iter().zip(&mut work).zip(&mut series).zip(&mut out) {
            c.decompose(&model.design, theta, &s_y, series, w.as_mut());
            for (values, s) in out.iter_mut().zip(series.iter()) {
                values.row_mut(d).assign(&ndarray::ArrayView1::from(s));
            }
        }
    }
    components
        .iter()
        .zip(out)
        .flat_map(|(c, values)| {
            c.parts().iter().zip(values).map(move |(part, values)| ComponentDraws {
                component: part.clone(),
                group: c.name().to_string(),
                values,
            })
        })
        .collect()
}

/// The time-varying processes' multipliers per draw (`draws × weeks`, geo after geo) over the
/// model's weeks: `component` is `intercept` or `media`, `group` the process's name in 1.3
/// (`intercept_latent_process`, `media_temporal_latent_multiplier`). Empty without them.
pub fn time_varying(model: &Model, trace: &Trace) -> Vec<ComponentDraws> {
    let (weeks, draws) = (model.design.y.len(), trace.num_draws());
    let mut out: Vec<ComponentDraws> = Vec::new();
    for (d, theta) in trace.draws().enumerate() {
        for (k, (name, values)) in model.time_varying(theta).into_iter().enumerate() {
            if d == 0 {
                let component = if name == crate::model::hsgp::INTERCEPT_PROCESS { "intercept" } else { "media" };
                let values = ndarray::Array2::zeros((draws, weeks));
                out.push(ComponentDraws { component: component.into(), group: name.into(), values });
            }
            out[k].values.row_mut(d).assign(&ndarray::ArrayView1::from(&values));
        }
    }
    out
}

/// The fitted mean `mu_t · s_y` per draw: the sum of the decomposition.
pub fn fitted_mean(components: &[ComponentDraws]) -> ndarray::Array2<f64> {
    components.iter().fold(ndarray::Array2::zeros(components[0].values.raw_dim()), |acc, c| acc + &c.values)
}

/// Posterior predictive draws of the target (original units), reproducible from `seed`.
pub fn posterior_predictive(
    model: &Model,
    trace: &Trace,
    mean: &ndarray::Array2<f64>,
    seed: u64,
) -> ndarray::Array2<f64> {
    let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
    let positions = |name: &str| model.per_geo(name).expect("the likelihood's parameters");
    let sigma_at = positions("y_sigma");
    let nu_at = (model.spec.likelihood == Likelihood::StudentT).then(|| positions("likelihood_nu"));
    let s_y = model.design.scales.targets(model.design.geos);
    let weeks = (mean.ncols() / model.design.geos.max(1)).max(1);
    let mut out = mean.clone();
    for (mut row, theta) in out.rows_mut().into_iter().zip(trace.draws()) {
        for (g, mut row) in row.exact_chunks_mut(weeks).into_iter().enumerate() {
            let sigma = theta[sigma_at[g]] * s_y[g];
            match model.spec.likelihood {
                Likelihood::Normal => {
                    let noise = Normal::new(0.0, sigma).expect("sigma is positive");
                    row.iter_mut().for_each(|v| *v += noise.sample(&mut rng));
                }
                Likelihood::StudentT => {
                    let nu = theta[nu_at.as_ref().expect("a Student-t has nu")[g]];
                    let t = StudentT::new(nu).expect("nu is positive");
                    row.iter_mut().for_each(|v| *v += sigma * t.sample(&mut rng));
                }
                Likelihood::TruncatedNormal => row.iter_mut().for_each(|v| {
                    *v = Prior::TruncatedNormal { mu: *v, sigma, lower: 0.0, upper: f64::INFINITY }.sample(&mut rng);
                }),
            }
        }
    }
    out
}

/// In-sample return on ad spend of one channel, in one geo or over all of them.
#[derive(Debug, Clone, PartialEq)]
pub struct Roas {
    /// The geo's index into the panel's geos; `None` for all geos together (a national model's
    /// only row).
    pub geo: Option<usize>,
    pub channel: String,
    /// Total spend over the training weeks, in money.
    pub spend: f64,
    /// `Σ_t contribution / Σ_t spend` per draw.
    pub per_draw: Vec<f64>,
}

/// In-sample ROAS per channel and draw: in each geo of a panel, then over all geos. Spend is
/// money, the units times their cost (`costs` of the same panel).
pub fn roas(panel: &Panel, costs: &Costs, components: &[ComponentDraws]) -> Vec<Roas> {
    let weeks = panel.dates().len();
    let mut rows = Vec::new();
    for (c, name) in panel.channel_names().iter().enumerate() {
        let draws = &components
            .iter()
            .find(|x| x.group == "channels" && &x.component == name)
            .expect("every channel is a component")
            .values;
        let row = |geo: Option<usize>, columns: std::ops::Range<usize>, spend: f64| {
            let total = draws.slice(ndarray::s![.., columns]).sum_axis(ndarray::Axis(1));
            Roas { geo, channel: name.clone(), spend, per_draw: total.mapv(|v| v / spend).to_vec() }
        };
        let spends: Vec<f64> = (0..panel.series()).map(|g| costs.spend(g, c).iter().sum()).collect();
        if !panel.geos.is_empty() {
            rows.extend(spends.iter().enumerate().map(|(g, &spend)| row(Some(g), g * weeks..(g + 1) * weeks, spend)));
        }
        rows.push(row(None, 0..draws.ncols(), spends.iter().sum()));
    }
    rows
}

/// Geo `g`'s columns of a `draws × (geos · weeks)` array (its weeks of a panel's quantity).
pub fn of_geo(values: &ndarray::Array2<f64>, g: usize, weeks: usize) -> ndarray::Array2<f64> {
    values.slice(ndarray::s![.., g * weeks..(g + 1) * weeks]).to_owned()
}

/// Goodness of fit of the posterior mean prediction.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FitMetrics {
    pub r2: f64,
    pub mape: f64,
    /// RMSE over the target's range.
    pub nrmse: f64,
}

pub fn fit_metrics(y: &[f64], mean: &ndarray::Array2<f64>) -> FitMetrics {
    let prediction = mean.mean_axis(ndarray::Axis(0)).expect("at least one draw");
    let n = y.len() as f64;
    let y_mean = y.iter().sum::<f64>() / n;
    let ss_res: f64 = y.iter().zip(&prediction).map(|(a, p)| (a - p).powi(2)).sum();
    let ss_tot: f64 = y.iter().map(|a| (a - y_mean).powi(2)).sum();
    let (lo, hi) = y.iter().fold((f64::INFINITY, f64::NEG_INFINITY), |(l, h), &v| (l.min(v), h.max(v)));
    FitMetrics {
        r2: 1.0 - ss_res / ss_tot,
        mape: y.iter().zip(&prediction).map(|(a, p)| ((a - p) / a).abs()).sum::<f64>() / n,
        nrmse: (ss_res / n).sqrt() / (hi - lo),
    }
}

/// The mean `mu_t · s_y` per draw for new weeks `future` (same channels and controls), with
/// adstock carried in from the last `l_max` training weeks.
pub fn predict(model: &Model, training: &Dataset, trace: &Trace, future: &Dataset) -> ndarray::Array2<f64> {
    let national = |d: &Dataset| Panel { geos: Vec::new(), data: vec![d.clone()] };
    predict_panel(model, &national(training), trace, &national(future))
}

/// [`predict`] for a panel: per draw, every geo's new weeks, geo after geo (`future` has the
/// model's geos and the same channels and controls), each in its geo's units.
pub fn predict_panel(model: &Model, training: &Panel, trace: &Trace, future: &Panel) -> ndarray::Array2<f64> {
    let carry = model.spec.l_max.min(training.dates().len());
    let joined = Panel {
        geos: future.geos.clone(),
        data: training.data.iter().zip(&future.data).map(|(t, f)| carried_in(t, f, carry)).collect(),
    };
    let extended = model.with_design(joined.design(&model.design.scales, model.spec.yearly_seasonality));
    let mean = fitted_mean(&decomposition(&extended, trace));
    let weeks = carry + future.dates().len();
    let columns: Vec<usize> = (0..joined.series()).flat_map(|g| g * weeks + carry..(g + 1) * weeks).collect();
    mean.select(ndarray::Axis(1), &columns)
}

/// `future` preceded by the last `carry` weeks of `training` (target zero throughout).
fn carried_in(training: &Dataset, future: &Dataset, carry: usize) -> Dataset {
    let history = training.dates.len() - carry;
    let mut joined = future.clone();
    joined.dates = training.dates[history..].iter().chain(&future.dates).copied().collect();
    for (x, past) in joined.channels.iter_mut().zip(&training.channels) {
        *x = past[history..].iter().chain(x.iter()).copied().collect();
    }
    for (z, past) in joined.controls.iter_mut().zip(&training.controls) {
        *z = past[history..].iter().chain(z.iter()).copied().collect();
    }
    joined.y = vec![0.0; joined.dates.len()];
    joined
}

/// Draws for new weeks, `draws × weeks`, original units: of the expected target (uncertainty
/// in the parameters only) and of the target itself (observation noise included).
#[derive(Debug, Clone, PartialEq)]
pub struct Forecast {
    pub mean: ndarray::Array2<f64>,
    pub predictive: ndarray::Array2<f64>,
}

/// [`predict`] with predictive draws: one draw of the target per posterior draw, as
/// PyMC-Marketing's `sample_posterior_predictive`, reproducible from `seed`. A 94% band of the
/// mean covers far fewer than 94% of the weeks that come; the predictive band about 94%.
/// A panel's draws hold every geo's new weeks, geo after geo.
pub fn forecast(model: &Model, training: &Panel, trace: &Trace, future: &Panel, seed: u64) -> Forecast {
    let mean = predict_panel(model, training, trace, future);
    let predictive = posterior_predictive(model, trace, &mean, seed);
    Forecast { mean, predictive }
}

impl Forecast {
    /// Bands of week `t`: of the mean, and predictive.
    pub fn week(&self, t: usize, hdi_prob: f64) -> (Band, Band) {
        (Band::of(&self.mean.column(t).to_vec(), hdi_prob), Band::of(&self.predictive.column(t).to_vec(), hdi_prob))
    }
}

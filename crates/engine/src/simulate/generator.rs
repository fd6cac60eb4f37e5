//! Drawing the data of a spec (one random stream in a fixed order) and the truth behind it,
//! also in the model's own units.

use super::spec::{
    parse_date, ChannelSpec, ControlPattern, Drift, Seasonality, SimulationError, SimulationSpec, SpendPattern, Trend,
};
use crate::calendar::Date;
use crate::model::Dataset;
use crate::transforms::{adstock, saturation, SaturationKind};
use rand::rngs::StdRng;
use rand::{RngExt, SeedableRng};
use rand_distr::StandardNormal;
use serde::{Deserialize, Serialize};
use std::f64::consts::PI;

/// The simulated data and the truth behind them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Simulated {
    pub spec: SimulationSpec,
    /// The weekly rows, ready to fit: spend in the units of the spec's spend patterns, `z` per
    /// control.
    pub data: Dataset,
    /// True contribution per channel and week, in units of `y`.
    pub contributions: Vec<Vec<f64>>,
    pub baseline: Baseline,
    /// `scale · ε_t`, so that `y` is exactly the sum of its parts.
    pub noise: Vec<f64>,
}

/// The non-media parts of `y`, in units of `y`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Baseline {
    pub intercept: f64,
    pub trend: Vec<f64>,
    pub seasonality: Vec<f64>,
    /// `scale · gamma_c · z_c` per control.
    pub controls: Vec<Vec<f64>>,
    /// The intercept's drift per week, `intercept_t − intercept` (empty without a drift).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub drift: Vec<f64>,
}

/// The true parameters in the model's units: target divided by `max |y|`, spend by its maximum,
/// controls as given. They are exact for this realisation (`max |y|` includes its noise).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ModelTruth {
    /// `max_t |y_t|`, the model's target scale.
    pub target_scale: f64,
    /// Per channel, the saturation parameters for which `f(x / max x)` in units of
    /// `y / max |y|` equals the true contribution. The adstock parameters need no conversion
    /// (adstock is linear), nor do shape parameters when `scale_spend` holds.
    pub saturation_params: Vec<Vec<f64>>,
    /// Per channel, the curve's amplitude among `saturation_params`: `saturation_beta` for
    /// logistic, hill, root and none (`alpha` for michaelis_menten, `b` for tanh, `sigma` for
    /// hill_sigmoid), i.e.
    /// `beta · effect · scale / max |y|`.
    pub saturation_beta: Vec<f64>,
    /// `scale · gamma / max |y|` per control.
    pub gamma_control: Vec<f64>,
    /// `scale · noise_sd / max |y|`.
    pub y_sigma: f64,
}

/// Draws the data of `spec`.
pub fn simulate(spec: &SimulationSpec) -> Result<Simulated, SimulationError> {
    spec.validate()?;
    let n = spec.weeks;
    let start = parse_date("start", &spec.start)?;
    let dates: Vec<Date> = (0..n).map(|t| start.plus_days(7 * t as i32)).collect();
    // One stream in a fixed order: controls, channels (which may follow a control), noise.
    let mut rng = StdRng::seed_from_u64(spec.seed);
    let controls: Vec<Vec<f64>> = spec.controls.iter().map(|c| c.pattern.draw(&dates, &mut rng)).collect();
    let channels: Vec<Vec<f64>> = spec.channels.iter().map(|c| c.spend.draw(n, spec, &controls, &mut rng)).collect();
    let noise: Vec<f64> = (0..n).map(|_| spec.scale * spec.noise_sd * normal(&mut rng)).collect();

    let in_y_units = |v: Vec<f64>, coef: f64| v.into_iter().map(|x| spec.scale * coef * x).collect::<Vec<f64>>();
    let contributions: Vec<Vec<f64>> =
        spec.channels.iter().zip(&channels).map(|(c, x)| contribution(spec, c, x)).collect();
    let baseline = Baseline {
        intercept: spec.scale * spec.intercept,
        trend: in_y_units(spec.trend.eval(n), 1.0),
        seasonality: in_y_units(spec.seasonality.eval(&dates), 1.0),
        controls: spec.controls.iter().zip(&controls).map(|(c, z)| in_y_units(z.clone(), c.gamma)).collect(),
        drift: spec.drift.eval(spec.scale * spec.intercept, n),
    };
    let y = (0..n)
        .map(|t| {
            let controls: f64 = baseline.controls.iter().map(|c| c[t]).sum();
            let media: f64 = contributions.iter().map(|c| c[t]).sum();
            let y = baseline.intercept + baseline.trend[t] + baseline.seasonality[t] + controls + media + noise[t];
            y + baseline.drift.get(t).copied().unwrap_or(0.0)
        })
        .collect();
    Ok(Simulated {
        spec: spec.clone(),
        data: Dataset {
            dates,
            y,
            channel_names: spec.channels.iter().map(|c| c.name.clone()).collect(),
            channels,
            control_names: spec.controls.iter().map(|c| c.name.clone()).collect(),
            controls,
        },
        contributions,
        baseline,
        noise,
    })
}

impl Simulated {
    /// The true contribution of channel `m` per week, in units of `y`, had its spend been
    /// `spend` (weeks from the first): the truth's answer to "what if", for judging a plan.
    /// The transforms see it on the realised spend's scale, as they see the data.
    pub fn contribution_of(&self, m: usize, spend: &[f64]) -> Vec<f64> {
        let divisor = spend_divisor(&self.data.channels[m], self.spec.scale_spend);
        contribution_at(&self.spec, &self.spec.channels[m], spend, divisor)
    }

    /// The truth as the model parametrises it, for comparing with a fit of these data.
    pub fn model_truth(&self) -> ModelTruth {
        let spec = &self.spec;
        let target_scale = self.data.y.iter().fold(0.0f64, |m, v| m.max(v.abs()));
        let per_max_y = spec.scale / target_scale;
        let saturation_params: Vec<Vec<f64>> = spec
            .channels
            .iter()
            .zip(&self.data.channels)
            .map(|(c, x)| {
                let (_, unit) = transform_input(x, spec.scale_spend);
                rescale_saturation(c.saturation.kind, &c.saturation.params, c.effect * per_max_y, unit)
            })
            .collect();
        ModelTruth {
            target_scale,
            saturation_beta: spec
                .channels
                .iter()
                .zip(&saturation_params)
                .map(|(c, p)| p[c.saturation.kind.amplitude_index()])
                .collect(),
            saturation_params,
            gamma_control: spec.controls.iter().map(|c| c.gamma * per_max_y).collect(),
            y_sigma: spec.noise_sd * per_max_y,
        }
    }
}

impl SpendPattern {
    fn draw(&self, n: usize, spec: &SimulationSpec, controls: &[Vec<f64>], rng: &mut StdRng) -> Vec<f64> {
        match self {
            SpendPattern::Threshold { threshold, below, amount } => (0..n)
                .map(|_| {
                    let u: f64 = rng.random();
                    amount * if u > *threshold { u } else { below * u }
                })
                .collect(),
            SpendPattern::AlwaysOn { level, noise, burst_share, burst } => (0..n)
                .map(|_| {
                    let burst = if rng.random_bool(*burst_share) { *burst } else { 1.0 };
                    level * burst * log_normal(rng, *noise)
                })
                .collect(),
            SpendPattern::FollowsControl { control, per_unit, noise } => {
                let z =
                    spec.controls.iter().zip(controls).find(|(c, _)| c.name == *control).map_or(&[][..], |(_, z)| z);
                z.iter().map(|v| per_unit * v.max(0.0) * log_normal(rng, *noise)).collect()
            }
        }
    }
}

impl ControlPattern {
    fn draw(&self, dates: &[Date], rng: &mut StdRng) -> Vec<f64> {
        match self {
            ControlPattern::Events { dates: events } => {
                let events: Vec<Date> = events.iter().filter_map(|s| Date::parse(s)).collect();
                dates.iter().map(|d| if events.contains(d) { 1.0 } else { 0.0 }).collect()
            }
            ControlPattern::Seasonal { level, amplitude, peak_day, noise_sd } => dates
                .iter()
                .map(|d| {
                    let season = (2.0 * PI * (f64::from(d.day_of_year()) - peak_day) / 365.25).cos();
                    (level * (1.0 + amplitude * season) + noise_sd * normal(rng)).max(0.0)
                })
                .collect(),
        }
    }
}

impl Trend {
    fn eval(&self, n: usize) -> Vec<f64> {
        // numpy's linspace(0, span, n); a single week sits at its start.
        let step = if n > 1 { self.span / (n - 1) as f64 } else { 0.0 };
        (0..n).map(|t| (step * t as f64 + self.offset).powf(self.power) - self.shift).collect()
    }
}

impl Drift {
    /// `intercept · amplitude · sin(2π t / period)` per week; empty without a drift.
    fn eval(&self, intercept: f64, n: usize) -> Vec<f64> {
        if self.is_none() {
            return Vec::new();
        }
        (0..n).map(|t| intercept * self.amplitude * (2.0 * PI * t as f64 / self.period).sin()).collect()
    }
}

impl Seasonality {
    fn eval(&self, dates: &[Date]) -> Vec<f64> {
        let mode = |coefs: &[f64], wave: fn(f64) -> f64, doy: f64| -> f64 {
            coefs.iter().enumerate().map(|(k, c)| c * wave(2.0 * PI * (k + 1) as f64 * doy / self.period)).sum()
        };
        dates
            .iter()
            .map(|d| {
                let doy = f64::from(d.day_of_year());
                mode(&self.sin, f64::sin, doy) + mode(&self.cos, f64::cos, doy)
            })
            .collect()
    }
}

/// A channel's true contribution in units of `y`: `scale · effect · f(x̃)`.
fn contribution(spec: &SimulationSpec, c: &ChannelSpec, x: &[f64]) -> Vec<f64> {
    contribution_at(spec, c, x, spend_divisor(x, spec.scale_spend))
}

/// The contribution of spend `x` seen by the transforms as `x / divisor`.
fn contribution_at(spec: &SimulationSpec, c: &ChannelSpec, x: &[f64], divisor: f64) -> Vec<f64> {
    let input: Vec<f64> = x.iter().map(|v| v / divisor).collect();
    response(c, &input, spec.adstock_first).into_iter().map(|v| spec.scale * c.effect * v).collect()
}

/// What the transforms divide a channel's spend by: `max x` with `scale_spend`, else 1; 1 for
/// a channel without spend, which keeps its zeros rather than dividing by zero.
fn spend_divisor(x: &[f64], scale_spend: bool) -> f64 {
    let max = x.iter().fold(0.0f64, |m, &v| m.max(v));
    if scale_spend && max > 0.0 {
        max
    } else {
        1.0
    }
}

/// The spend the transforms see, and how many max-scaled units one of its units is: `x / max x`
/// (unit 1) with `scale_spend`, else `x` itself (unit `max x`).
fn transform_input(x: &[f64], scale_spend: bool) -> (Vec<f64>, f64) {
    let max = x.iter().fold(0.0f64, |m, &v| m.max(v));
    if max == 0.0 {
        return (x.to_vec(), 1.0);
    }
    let divisor = spend_divisor(x, scale_spend);
    (x.iter().map(|v| v / divisor).collect(), max / divisor)
}

/// Saturation of adstock (or adstock of saturation) of `input`, before `effect`.
fn response(c: &ChannelSpec, input: &[f64], adstock_first: bool) -> Vec<f64> {
    let weights = adstock::weights(c.adstock.kind, &c.adstock.params, c.adstock.l_max, c.adstock.normalize);
    let saturate = |v: &[f64]| -> Vec<f64> {
        v.iter().map(|&a| saturation::evaluate(c.saturation.kind, a, &c.saturation.params).value).collect()
    };
    let mut out = vec![0.0; input.len()];
    if adstock_first {
        weights.convolve(input, &mut out);
        saturate(&out)
    } else {
        weights.convolve(&saturate(input), &mut out);
        out
    }
}

/// Parameters `θ'` with `f(x; θ') = k · f(unit · x; θ)` for every `x`: the same curve read on
/// max-scaled spend and in units of `max |y|`. Exact because every kind has one amplitude and
/// one spend scale (adstock, being linear, commutes with the spend scale). For tanh with
/// `k = 0` the result is degenerate (`c' = ∞`).
fn rescale_saturation(kind: SaturationKind, p: &[f64], k: f64, unit: f64) -> Vec<f64> {
    match kind {
        SaturationKind::Logistic => vec![p[0] * unit, p[1] * k],
        SaturationKind::Hill => vec![p[0], p[1] / unit, p[2] * k],
        SaturationKind::MichaelisMenten => vec![p[0] * k, p[1] / unit],
        // b' tanh(x / (b' c')) with b' = k b and b' c' = b c / unit.
        SaturationKind::Tanh => vec![p[0] * k, p[1] / (unit * k)],
        SaturationKind::Root => vec![p[0], p[1] * k * unit.powf(p[0])],
        SaturationKind::None => vec![p[0] * k * unit],
        // σ' = kσ, β' = β unit, λ' = λ / unit keep β(x - λ) and βλ.
        SaturationKind::HillSigmoid => vec![p[0] * k, p[1] * unit, p[2] / unit],
    }
}

fn normal(rng: &mut StdRng) -> f64 {
    rng.sample(StandardNormal)
}

/// Mean-one log-normal factor with log sd `sd`.
fn log_normal(rng: &mut StdRng, sd: f64) -> f64 {
    (sd * normal(rng) - 0.5 * sd * sd).exp()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::simulate::{example_process, tv_social_search, SaturationSpec};

    /// `(min, mean, max)`.
    fn summary(v: &[f64]) -> (f64, f64, f64) {
        let min = v.iter().copied().fold(f64::INFINITY, f64::min);
        let max = v.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        (min, v.iter().sum::<f64>() / v.len() as f64, max)
    }

    /// The shipped data set's columns by name.
    fn example_csv(name: &str) -> Vec<f64> {
        let csv = include_str!("../../../../data/pymc_mmm_example.csv");
        let mut lines = csv.lines();
        let i = lines.next().unwrap().split(',').position(|h| h == name).unwrap();
        lines.map(|l| l.split(',').nth(i).unwrap().parse().unwrap()).collect()
    }

    #[test]
    fn a_seed_determines_the_data_and_seeds_differ() {
        for preset in [example_process, tv_social_search] {
            let (a, b, c) =
                (simulate(&preset(7)).unwrap(), simulate(&preset(7)).unwrap(), simulate(&preset(8)).unwrap());
            assert_eq!(a, b);
            assert!(a.data.y.iter().zip(&c.data.y).all(|(u, v)| u != v));
            assert!(a.data.channels.iter().zip(&c.data.channels).all(|(u, v)| u != v));
        }
    }

    #[test]
    fn y_is_the_sum_of_its_parts() {
        for sim in [simulate(&example_process(1)).unwrap(), simulate(&tv_social_search(1)).unwrap()] {
            let b = &sim.baseline;
            let tol = 1e-12 * summary(&sim.data.y).2;
            for t in 0..sim.data.y.len() {
                let parts = b.intercept
                    + b.trend[t]
                    + b.seasonality[t]
                    + b.controls.iter().chain(&sim.contributions).map(|c| c[t]).sum::<f64>()
                    + sim.noise[t];
                assert!((sim.data.y[t] - parts).abs() <= tol, "week {t}: y {} vs parts {parts}", sim.data.y[t]);
            }
        }
    }

    #[test]
    fn a_channel_without_spend_contributes_nothing() {
        let mut spec = tv_social_search(3);
        spec.channels[1].spend = SpendPattern::AlwaysOn { level: 0.0, noise: 0.2, burst_share: 0.5, burst: 3.0 };
        let sim = simulate(&spec).unwrap();
        assert!(sim.data.channels[1].iter().all(|&x| x == 0.0));
        assert!(sim.contributions[1].iter().all(|&c| c == 0.0));
        assert!(sim.data.y.iter().all(|y| y.is_finite()));
    }

    /// The shipped CSV looks like one more draw of `example_process`: each of its summary
    /// statistics lies within the range of those of 100 simulated data sets.
    #[test]
    fn example_process_resembles_the_shipped_data() {
        let stats = |y: &[f64], x1: &[f64], x2: &[f64]| {
            let (y_min, y_mean, y_max) = summary(y);
            let y_sd = (y.iter().map(|v| (v - y_mean).powi(2)).sum::<f64>() / y.len() as f64).sqrt();
            let x2_on = x2.iter().filter(|&&v| v > 0.0).count() as f64 / x2.len() as f64;
            [y_min, y_mean, y_max, y_sd, summary(x1).1, summary(x1).2, summary(x2).1, x2_on]
        };
        let csv = stats(&example_csv("y"), &example_csv("x1"), &example_csv("x2"));
        let sims: Vec<[f64; 8]> = (0..100)
            .map(|seed| simulate(&example_process(seed)).unwrap())
            .map(|s| stats(&s.data.y, &s.data.channels[0], &s.data.channels[1]))
            .collect();
        let names = ["y min", "y mean", "y max", "y sd", "x1 mean", "x1 max", "x2 mean", "x2 share > 0"];
        for (i, name) in names.iter().enumerate() {
            let (lo, _, hi) = summary(&sims.iter().map(|s| s[i]).collect::<Vec<_>>());
            assert!((lo..=hi).contains(&csv[i]), "{name}: CSV {} outside simulated [{lo}, {hi}]", csv[i]);
        }
    }

    /// Fed the CSV's own spend, the process leaves residuals that look like its noise,
    /// N(0, 250): the CSV came from this process, not merely a similar one.
    #[test]
    fn the_shipped_data_minus_the_process_is_its_noise() {
        let spec = example_process(0);
        let sim = simulate(&spec).unwrap();
        let (b, y) = (&sim.baseline, example_csv("y"));
        let media: Vec<Vec<f64>> = spec
            .channels
            .iter()
            .zip(["x1", "x2"])
            .map(|(c, name)| contribution(&spec, c, &example_csv(name)))
            .collect();
        let resid: Vec<f64> = (0..y.len())
            .map(|t| {
                let parts: f64 = b.controls.iter().chain(&media).map(|c| c[t]).sum();
                y[t] - (b.intercept + b.trend[t] + b.seasonality[t] + parts)
            })
            .collect();
        let mean = summary(&resid).1;
        let sd = (resid.iter().map(|r| (r - mean).powi(2)).sum::<f64>() / (resid.len() - 1) as f64).sqrt();
        // Three standard errors: 250/√179 ≈ 19 for the mean, about 5 % for the sd.
        assert!(mean.abs() < 56.0, "residual mean {mean}");
        assert!((sd / 250.0 - 1.0).abs() < 0.16, "residual sd {sd}");
    }

    /// The model-unit parameters, applied to max-scaled spend and multiplied by `max |y|`,
    /// reproduce every true contribution, for every saturation kind, transform order and spend
    /// scaling.
    #[test]
    fn model_truth_reproduces_the_contributions() {
        let kinds = [
            (SaturationKind::Logistic, vec![2.0, 1.3]),
            (SaturationKind::Hill, vec![1.7, 0.6, 1.2]),
            (SaturationKind::MichaelisMenten, vec![2.0, 0.8]),
            (SaturationKind::Tanh, vec![0.7, 1.3]),
            (SaturationKind::Root, vec![0.4, 1.5]),
            (SaturationKind::None, vec![0.9]),
            (SaturationKind::HillSigmoid, vec![1.3, 2.2, 0.8]),
        ];
        for (kind, params) in kinds {
            for (adstock_first, scale_spend) in [(true, true), (true, false), (false, true), (false, false)] {
                let mut spec = tv_social_search(5);
                spec.channels.truncate(1);
                spec.channels[0].saturation = SaturationSpec { kind, params: params.clone() };
                spec.channels[0].effect = 2.0;
                spec.channels[0].spend =
                    SpendPattern::AlwaysOn { level: 3.0, noise: 0.5, burst_share: 0.3, burst: 2.0 };
                (spec.scale, spec.adstock_first, spec.scale_spend) = (5.0, adstock_first, scale_spend);
                let sim = simulate(&spec).unwrap();
                let truth = sim.model_truth();
                let mut model = spec.channels[0].clone();
                model.saturation.params = truth.saturation_params[0].clone();
                let (scaled, _) = transform_input(&sim.data.channels[0], true);
                let fitted = response(&model, &scaled, adstock_first);
                let tol = 1e-10 * summary(&sim.contributions[0]).2;
                for (f, c) in fitted.iter().zip(&sim.contributions[0]) {
                    assert!(
                        (f * truth.target_scale - c).abs() <= tol,
                        "{kind:?} {adstock_first} {scale_spend}: {f} vs {c}"
                    );
                }
            }
        }
        let sim = simulate(&tv_social_search(2)).unwrap();
        let truth = sim.model_truth();
        assert_eq!(truth.saturation_params[0], vec![1.5, 350.0 / truth.target_scale]);
        assert_eq!(truth.saturation_beta[2], 50.0 / truth.target_scale);
        assert_eq!(truth.y_sigma, 20.0 / truth.target_scale);
    }
}

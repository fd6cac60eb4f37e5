//! Known-truth data for the MMM: weekly spend, controls and a target drawn from the model's own
//! data-generating process, together with the true contribution of every part. Statistical
//! tests fit the model to these data and check that it recovers the truth and that its
//! intervals cover it at their nominal rate.
//!
//! Per week `t`, with spend `x_{t,m} >= 0` and the spend the transforms see `x̃ = x / max_t x`:
//!
//! `y_t = scale · (intercept + Σ_m effect_m · f_m(x̃_m)_t + Σ_c gamma_c · z_{t,c} + seasonality_t
//! + trend_t + ε_t)`, `ε_t ~ Normal(0, noise_sd)`,
//!
//! where `f_m` is saturation after adstock (or adstock after saturation when `adstock_first` is
//! false), using the kernels the model itself uses. Everything is deterministic for a seed (and
//! this crate's version of `rand`, whose `StdRng` stream may change between its releases).

use crate::calendar::Date;
use crate::model::Dataset;
use crate::transforms::{adstock, saturation, AdstockKind, SaturationKind};
use rand::rngs::StdRng;
use rand::{RngExt, SeedableRng};
use rand_distr::StandardNormal;
use serde::{Deserialize, Serialize};
use std::f64::consts::PI;

/// Longest simulation accepted (a century of weeks): a bound on memory for SQL callers.
pub const MAX_WEEKS: usize = 5200;

/// What to simulate; field names are the JSON keys.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SimulationSpec {
    /// First week, `YYYY-MM-DD`; weeks follow every 7 days.
    #[serde(default = "default_start")]
    pub start: String,
    #[serde(default = "default_weeks")]
    pub weeks: usize,
    pub channels: Vec<ChannelSpec>,
    #[serde(default)]
    pub controls: Vec<ControlSpec>,
    #[serde(default)]
    pub intercept: f64,
    #[serde(default)]
    pub trend: Trend,
    #[serde(default)]
    pub seasonality: Seasonality,
    /// Sd of `ε` before `scale`, i.e. in the units of `intercept` and the effects.
    pub noise_sd: f64,
    /// Multiplies everything inside the parentheses, so that effects can be given in small
    /// numbers (PyMC-Marketing's example uses 1000).
    #[serde(default = "one")]
    pub scale: f64,
    #[serde(default = "yes")]
    pub adstock_first: bool,
    /// Whether the transforms see spend divided by its maximum, as the model does. False feeds
    /// raw spend, as PyMC-Marketing's example did; [`Simulated::model_truth`] converts either way.
    #[serde(default = "yes")]
    pub scale_spend: bool,
    #[serde(default)]
    pub seed: u64,
}

/// One media channel: how its spend is drawn and how spend becomes sales.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChannelSpec {
    pub name: String,
    pub spend: SpendPattern,
    #[serde(default)]
    pub adstock: AdstockSpec,
    #[serde(default)]
    pub saturation: SaturationSpec,
    /// Multiplies the saturation curve; with the curve's own amplitude at 1 it is the channel's
    /// ceiling in units of `intercept` (before `scale`).
    pub effect: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct AdstockSpec {
    pub kind: AdstockKind,
    /// In the order of [`AdstockKind::param_names`].
    pub params: Vec<f64>,
    pub l_max: usize,
    pub normalize: bool,
}

impl Default for AdstockSpec {
    fn default() -> Self {
        AdstockSpec { kind: AdstockKind::Geometric, params: vec![0.5], l_max: 8, normalize: true }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SaturationSpec {
    pub kind: SaturationKind,
    /// All parameters in the order of [`SaturationKind::param_names`], including the curve's
    /// amplitude (logistic `beta`), which is normally 1 so that `effect` alone sizes the channel.
    pub params: Vec<f64>,
}

impl Default for SaturationSpec {
    fn default() -> Self {
        SaturationSpec { kind: SaturationKind::Logistic, params: vec![2.0, 1.0] }
    }
}

/// How a channel's weekly spend is drawn.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "pattern", rename_all = "snake_case", deny_unknown_fields)]
pub enum SpendPattern {
    /// `amount · u` with `u ~ Uniform(0, 1)` where `u > threshold`, and `amount · below · u`
    /// elsewhere: occasional heavy weeks over a light (or, with `below = 0`, no) base. This is
    /// how PyMC-Marketing's example draws its channels.
    Threshold {
        threshold: f64,
        below: f64,
        #[serde(default = "one")]
        amount: f64,
    },
    /// `level` times mean-one log-normal noise (log sd `noise`), times `burst` in a random
    /// `burst_share` of weeks: a steady channel, or with bursts a flighted one such as TV.
    AlwaysOn {
        level: f64,
        #[serde(default)]
        noise: f64,
        #[serde(default)]
        burst_share: f64,
        #[serde(default = "one")]
        burst: f64,
    },
    /// `per_unit · z_t` for the control named `control`, times log-normal noise: spend that
    /// tracks demand, as search does. It makes the channel confounded with that control unless
    /// the fit includes it, which is the point of such a test.
    FollowsControl {
        control: String,
        per_unit: f64,
        #[serde(default)]
        noise: f64,
    },
}

/// A control variable `z` and its true coefficient.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ControlSpec {
    pub name: String,
    pub pattern: ControlPattern,
    /// Coefficient on `z` in units of `intercept` (before `scale`).
    pub gamma: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "pattern", rename_all = "snake_case", deny_unknown_fields)]
pub enum ControlPattern {
    /// 1 in the weeks starting on `dates` (`YYYY-MM-DD`), 0 elsewhere: holidays, launches.
    Events { dates: Vec<String> },
    /// `level · (1 + amplitude · cos(2π (doy − peak_day) / 365.25)) + Normal(0, noise_sd)`,
    /// floored at 0: a positive, yearly-seasonal series such as market demand.
    Seasonal { level: f64, amplitude: f64, peak_day: f64, noise_sd: f64 },
}

/// `trend_t = (span · t / (n − 1) + offset)^power − shift`: zero by default, linear from 0 to
/// `span` with only `span` set, and PyMC-Marketing's example trend with
/// `span 50, offset 10, power 0.25, shift 1`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Trend {
    pub span: f64,
    pub offset: f64,
    pub power: f64,
    pub shift: f64,
}

impl Default for Trend {
    fn default() -> Self {
        Trend { span: 0.0, offset: 0.0, power: 1.0, shift: 0.0 }
    }
}

/// `Σ_k sin[k−1] · sin(2πk · doy / period) + cos[k−1] · cos(2πk · doy / period)`. With the
/// default period (the model's 365.25) the coefficients are the model's `gamma_fourier`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Seasonality {
    pub period: f64,
    pub sin: Vec<f64>,
    pub cos: Vec<f64>,
}

impl Default for Seasonality {
    fn default() -> Self {
        Seasonality { period: 365.25, sin: Vec::new(), cos: Vec::new() }
    }
}

fn default_start() -> String {
    "2021-01-03".into()
}
fn default_weeks() -> usize {
    156
}
fn one() -> f64 {
    1.0
}
fn yes() -> bool {
    true
}

/// A spec that cannot be simulated; `field` is its JSON path, e.g. `channels[1].adstock.params`.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{field}: {problem}")]
pub struct SimulationError {
    pub field: String,
    pub problem: String,
}

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
    /// logistic, hill, root and none (`alpha` for michaelis_menten, `b` for tanh), i.e.
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
    };
    let y = (0..n)
        .map(|t| {
            let controls: f64 = baseline.controls.iter().map(|c| c[t]).sum();
            let media: f64 = contributions.iter().map(|c| c[t]).sum();
            baseline.intercept + baseline.trend[t] + baseline.seasonality[t] + controls + media + noise[t]
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
                .map(|(c, p)| p[amplitude_index(c.saturation.kind)])
                .collect(),
            saturation_params,
            gamma_control: spec.controls.iter().map(|c| c.gamma * per_max_y).collect(),
            y_sigma: spec.noise_sd * per_max_y,
        }
    }
}

/// PyMC-Marketing's example data process (the data of its MMM example notebook, shipped as
/// `data/pymc_mmm_example.csv`): the same process, not the same draws, which came from numpy.
///
/// 179 weeks from 2018-04-02; x1 kept where a uniform draw exceeds 0.9 and halved elsewhere, x2
/// kept above 0.8 and zero elsewhere; geometric adstock (l_max 8, normalised) with alpha 0.4 and
/// 0.2, then logistic saturation with lam 4 and 3 and effects 3 and 2; one-week events on
/// 2019-05-13 (1.5) and 2020-09-14 (2.5); intercept 2, trend `(linspace(0, 50) + 10)^¼ − 1`,
/// seasonality `0.5 (cos(2π doy/365.5) − sin(4π doy/365.5))`, noise sd 0.25, scale 1000.
///
/// The notebook saturates raw spend, so `scale_spend` is false. Raw spend peaks just under 1,
/// so the model's `lam` is only approximately 4 and 3: exactly `4 · max x1` and `3 · max x2`,
/// which [`Simulated::model_truth`] reports. Its seasonality period (365.5) is not the model's
/// (365.25), so no Fourier coefficients are exactly true.
pub fn example_process(seed: u64) -> SimulationSpec {
    let uniform = |threshold, below| SpendPattern::Threshold { threshold, below, amount: 1.0 };
    let event = |name: &str, date: &str, gamma| ControlSpec {
        name: name.into(),
        pattern: ControlPattern::Events { dates: vec![date.into()] },
        gamma,
    };
    SimulationSpec {
        start: "2018-04-02".into(),
        weeks: 179,
        channels: vec![
            geometric_logistic("x1", uniform(0.9, 0.5), 0.4, 4.0, 3.0),
            geometric_logistic("x2", uniform(0.8, 0.0), 0.2, 3.0, 2.0),
        ],
        controls: vec![event("event_1", "2019-05-13", 1.5), event("event_2", "2020-09-14", 2.5)],
        intercept: 2.0,
        trend: Trend { span: 50.0, offset: 10.0, power: 0.25, shift: 1.0 },
        seasonality: Seasonality { period: 365.5, sin: vec![0.0, -0.5], cos: vec![0.5] },
        noise_sd: 0.25,
        scale: 1000.0,
        adstock_first: true,
        scale_spend: false,
        seed,
    }
}

/// Three channels that differ in what makes them hard to measure, over 156 weeks from
/// 2021-01-03, in units of `y` (scale 1, effects 350, 150, 50):
///
/// - `tv`: spend around 2000 with log-sd 0.3, six times that in a random quarter of the weeks
///   (flights); long carry-over (alpha 0.5) and a nearly linear curve (lam 1.5).
/// - `social`: steady spend around 1500 with log-sd 0.25; alpha 0.25, lam 2.5. Its little
///   variation makes it the hardest to separate from the intercept.
/// - `search`: 10 per unit of demand with log-sd 0.2, so confounded with `demand`; almost no
///   carry-over (alpha 0.05) and the most saturated curve (lam 3.5).
///
/// All use geometric adstock (l_max 8, normalised) and logistic saturation on max-scaled spend,
/// so the spec's `lam` and `alpha` are the model's. The control `demand` is yearly-seasonal,
/// 100 ± 25 % peaking mid-December, plus noise of sd 8 that keeps it distinguishable from
/// Fourier terms; its coefficient is 1.5. Intercept 300 (base sales), no trend or separate
/// seasonality, noise sd 20: about 3 % of a `y` near 650.
pub fn tv_social_search(seed: u64) -> SimulationSpec {
    let always_on = |level, noise, burst_share, burst| SpendPattern::AlwaysOn { level, noise, burst_share, burst };
    SimulationSpec {
        start: "2021-01-03".into(),
        weeks: 156,
        channels: vec![
            geometric_logistic("tv", always_on(2000.0, 0.3, 0.25, 6.0), 0.5, 1.5, 350.0),
            geometric_logistic("social", always_on(1500.0, 0.25, 0.0, 1.0), 0.25, 2.5, 150.0),
            geometric_logistic(
                "search",
                SpendPattern::FollowsControl { control: "demand".into(), per_unit: 10.0, noise: 0.2 },
                0.05,
                3.5,
                50.0,
            ),
        ],
        controls: vec![ControlSpec {
            name: "demand".into(),
            pattern: ControlPattern::Seasonal { level: 100.0, amplitude: 0.25, peak_day: 350.0, noise_sd: 8.0 },
            gamma: 1.5,
        }],
        intercept: 300.0,
        trend: Trend::default(),
        seasonality: Seasonality::default(),
        noise_sd: 20.0,
        scale: 1.0,
        adstock_first: true,
        scale_spend: true,
        seed,
    }
}

/// The model's default transforms: geometric adstock (l_max 8, normalised), logistic saturation
/// with amplitude 1.
fn geometric_logistic(name: &str, spend: SpendPattern, alpha: f64, lam: f64, effect: f64) -> ChannelSpec {
    ChannelSpec {
        name: name.into(),
        spend,
        adstock: AdstockSpec { kind: AdstockKind::Geometric, params: vec![alpha], l_max: 8, normalize: true },
        saturation: SaturationSpec { kind: SaturationKind::Logistic, params: vec![lam, 1.0] },
        effect,
    }
}

impl SimulationSpec {
    /// Checks every field, naming the first bad one by its JSON path.
    pub fn validate(&self) -> Result<(), SimulationError> {
        let start = parse_date("start", &self.start)?;
        require(
            "weeks",
            (1..=MAX_WEEKS).contains(&self.weeks),
            format!("must be 1 to {MAX_WEEKS}, got {}", self.weeks),
        )?;
        require("channels", !self.channels.is_empty(), "at least one channel is needed".into())?;
        let names: Vec<&str> = self
            .channels
            .iter()
            .map(|c| c.name.as_str())
            .chain(self.controls.iter().map(|c| c.name.as_str()))
            .collect();
        for (i, name) in names.iter().enumerate() {
            let field = match i.checked_sub(self.channels.len()) {
                None => format!("channels[{i}].name"),
                Some(j) => format!("controls[{j}].name"),
            };
            require(&field, !name.is_empty(), "must not be empty".into())?;
            require(&field, !names[..i].contains(name), format!("\"{name}\" is used twice"))?;
        }
        for (i, c) in self.channels.iter().enumerate() {
            let field = |key: &str| format!("channels[{i}].{key}");
            c.spend.validate(&field("spend"), &self.controls)?;
            let (a, s) = (&c.adstock, &c.saturation);
            param_count(&field("adstock.params"), a.kind.param_names(), &a.params)?;
            adstock::check_params(a.kind, &a.params).map_err(|e| fail(&field("adstock.params"), e))?;
            adstock::check_l_max(a.l_max as i64).map_err(|e| fail(&field("adstock.l_max"), e))?;
            param_count(&field("saturation.params"), s.kind.param_names(), &s.params)?;
            saturation::check(s.kind, 0.0, &s.params).map_err(|e| fail(&field("saturation.params"), e))?;
            at_least(&field("effect"), c.effect, 0.0)?;
        }
        for (i, c) in self.controls.iter().enumerate() {
            c.pattern.validate(&format!("controls[{i}].pattern"), start, self.weeks)?;
            finite(&format!("controls[{i}].gamma"), c.gamma)?;
        }
        finite("intercept", self.intercept)?;
        let t = &self.trend;
        at_least("trend.span", t.span, 0.0)?;
        at_least("trend.offset", t.offset, 0.0)?;
        positive("trend.power", t.power)?;
        finite("trend.shift", t.shift)?;
        let s = &self.seasonality;
        positive("seasonality.period", s.period)?;
        for (key, coefs) in [("sin", &s.sin), ("cos", &s.cos)] {
            for (k, &v) in coefs.iter().enumerate() {
                finite(&format!("seasonality.{key}[{k}]"), v)?;
            }
        }
        at_least("noise_sd", self.noise_sd, 0.0)?;
        positive("scale", self.scale)
    }
}

impl SpendPattern {
    fn validate(&self, field: &str, controls: &[ControlSpec]) -> Result<(), SimulationError> {
        let key = |k: &str| format!("{field}.{k}");
        match self {
            SpendPattern::Threshold { threshold, below, amount } => {
                share(&key("threshold"), *threshold)?;
                at_least(&key("below"), *below, 0.0)?;
                at_least(&key("amount"), *amount, 0.0)
            }
            SpendPattern::AlwaysOn { level, noise, burst_share, burst } => {
                at_least(&key("level"), *level, 0.0)?;
                at_least(&key("noise"), *noise, 0.0)?;
                share(&key("burst_share"), *burst_share)?;
                at_least(&key("burst"), *burst, 0.0)
            }
            SpendPattern::FollowsControl { control, per_unit, noise } => {
                require(
                    &key("control"),
                    controls.iter().any(|c| c.name == *control),
                    format!("no control named \"{control}\""),
                )?;
                at_least(&key("per_unit"), *per_unit, 0.0)?;
                at_least(&key("noise"), *noise, 0.0)
            }
        }
    }

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
    fn validate(&self, field: &str, start: Date, weeks: usize) -> Result<(), SimulationError> {
        let key = |k: &str| format!("{field}.{k}");
        match self {
            ControlPattern::Events { dates } => {
                for (i, s) in dates.iter().enumerate() {
                    let field = format!("{field}.dates[{i}]");
                    let days = parse_date(&field, s)?.0 - start.0;
                    let on_grid = days >= 0 && days % 7 == 0 && ((days / 7) as usize) < weeks;
                    require(&field, on_grid, format!("{s} is not one of the simulated weeks ({weeks} from {start})"))?;
                }
                Ok(())
            }
            ControlPattern::Seasonal { level, amplitude, peak_day, noise_sd } => {
                at_least(&key("level"), *level, 0.0)?;
                at_least(&key("amplitude"), *amplitude, 0.0)?;
                finite(&key("peak_day"), *peak_day)?;
                at_least(&key("noise_sd"), *noise_sd, 0.0)
            }
        }
    }

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
    let (input, _) = transform_input(x, spec.scale_spend);
    response(c, &input, spec.adstock_first).into_iter().map(|v| spec.scale * c.effect * v).collect()
}

/// The spend the transforms see, and how many max-scaled units one of its units is: `x / max x`
/// (unit 1) with `scale_spend`, else `x` itself (unit `max x`). A channel without spend keeps
/// its zeros rather than dividing by zero.
fn transform_input(x: &[f64], scale_spend: bool) -> (Vec<f64>, f64) {
    let max = x.iter().fold(0.0f64, |m, &v| m.max(v));
    if max == 0.0 {
        return (x.to_vec(), 1.0);
    }
    let divisor = if scale_spend { max } else { 1.0 };
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
    }
}

/// Position of the curve's amplitude in [`SaturationKind::param_names`].
fn amplitude_index(kind: SaturationKind) -> usize {
    match kind {
        SaturationKind::Logistic | SaturationKind::Root => 1,
        SaturationKind::Hill => 2,
        SaturationKind::MichaelisMenten | SaturationKind::Tanh | SaturationKind::None => 0,
    }
}

fn normal(rng: &mut StdRng) -> f64 {
    rng.sample(StandardNormal)
}

/// Mean-one log-normal factor with log sd `sd`.
fn log_normal(rng: &mut StdRng, sd: f64) -> f64 {
    (sd * normal(rng) - 0.5 * sd * sd).exp()
}

fn parse_date(field: &str, s: &str) -> Result<Date, SimulationError> {
    Date::parse(s)
        .ok_or_else(|| SimulationError { field: field.into(), problem: format!("\"{s}\" is not a date (YYYY-MM-DD)") })
}

fn require(field: &str, ok: bool, problem: String) -> Result<(), SimulationError> {
    if ok {
        Ok(())
    } else {
        Err(SimulationError { field: field.into(), problem })
    }
}

fn fail(field: &str, e: impl std::fmt::Display) -> SimulationError {
    SimulationError { field: field.into(), problem: e.to_string() }
}

fn finite(field: &str, v: f64) -> Result<(), SimulationError> {
    require(field, v.is_finite(), format!("must be a finite number, got {v}"))
}

fn at_least(field: &str, v: f64, lo: f64) -> Result<(), SimulationError> {
    require(field, v.is_finite() && v >= lo, format!("must be a finite number >= {lo}, got {v}"))
}

fn positive(field: &str, v: f64) -> Result<(), SimulationError> {
    require(field, v.is_finite() && v > 0.0, format!("must be a finite number > 0, got {v}"))
}

fn share(field: &str, v: f64) -> Result<(), SimulationError> {
    require(field, (0.0..=1.0).contains(&v), format!("must be in [0, 1], got {v}"))
}

fn param_count(field: &str, names: &[&str], params: &[f64]) -> Result<(), SimulationError> {
    let expected = if names.is_empty() { "none".to_string() } else { names.join(", ") };
    require(
        field,
        params.len() == names.len(),
        format!("takes {} parameter(s) ({expected}), got {}", names.len(), params.len()),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `(min, mean, max)`.
    fn summary(v: &[f64]) -> (f64, f64, f64) {
        let min = v.iter().copied().fold(f64::INFINITY, f64::min);
        let max = v.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        (min, v.iter().sum::<f64>() / v.len() as f64, max)
    }

    /// The shipped data set's columns by name.
    fn example_csv(name: &str) -> Vec<f64> {
        let csv = include_str!("../../../data/pymc_mmm_example.csv");
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

    #[test]
    fn specs_read_from_json_with_defaults() {
        let spec: SimulationSpec = serde_json::from_value(serde_json::json!({
            "noise_sd": 0.1,
            "channels": [{"name": "tv", "effect": 1, "spend": {"pattern": "always_on", "level": 10}}]
        }))
        .unwrap();
        assert_eq!((spec.weeks, spec.start.as_str(), spec.scale), (156, "2021-01-03", 1.0));
        assert_eq!(spec.channels[0].adstock, AdstockSpec::default());
        assert_eq!(simulate(&spec).unwrap().data.y.len(), 156);
        let round_trip = serde_json::to_value(tv_social_search(4)).unwrap();
        assert_eq!(serde_json::from_value::<SimulationSpec>(round_trip).unwrap(), tv_social_search(4));
        let typo = serde_json::json!({"noise_sd": 0.1, "channels": [{"name": "tv", "effect": 1,
            "spend": {"pattern": "always_on", "levle": 10}}]});
        assert!(serde_json::from_value::<SimulationSpec>(typo).is_err());
    }

    #[test]
    fn errors_name_the_field() {
        let field = |edit: fn(&mut SimulationSpec)| {
            let mut spec = tv_social_search(0);
            edit(&mut spec);
            simulate(&spec).unwrap_err().field
        };
        assert_eq!(field(|s| s.start = "2021-02-30".into()), "start");
        assert_eq!(field(|s| s.weeks = 0), "weeks");
        assert_eq!(field(|s| s.channels[1].adstock.params = vec![1.0]), "channels[1].adstock.params");
        assert_eq!(field(|s| s.channels[0].adstock.l_max = 0), "channels[0].adstock.l_max");
        assert_eq!(field(|s| s.channels[2].saturation.params = vec![1.0]), "channels[2].saturation.params");
        assert_eq!(field(|s| s.channels[0].effect = f64::NAN), "channels[0].effect");
        assert_eq!(field(|s| s.controls[0].name = "tv".into()), "controls[0].name");
        assert_eq!(field(|s| s.controls[0].name = "demand2".into()), "channels[2].spend.control");
        assert_eq!(field(|s| s.noise_sd = -1.0), "noise_sd");
        let mut spec = example_process(0);
        spec.controls[1].pattern = ControlPattern::Events { dates: vec!["2020-09-15".into()] };
        assert_eq!(simulate(&spec).unwrap_err().field, "controls[1].pattern.dates[0]");
        spec.channels.clear();
        assert_eq!(simulate(&spec).unwrap_err().to_string(), "channels: at least one channel is needed");
    }
}

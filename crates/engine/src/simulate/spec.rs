//! What to simulate: the spec's fields (the JSON keys of `mmm_simulate`'s `spec`) with their
//! defaults, and the checks that name the first bad field by its JSON path.

use crate::calendar::Date;
use crate::transforms::{adstock, saturation, AdstockKind, SaturationKind};
use serde::{Deserialize, Serialize};

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
    /// A slow swing of the intercept, for testing time-varying intercepts; none by default.
    #[serde(default, skip_serializing_if = "Drift::is_none")]
    pub drift: Drift,
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

/// `intercept_t = intercept · (1 + amplitude · sin(2π t / period))`, `t` in weeks from the
/// first: a baseline that drifts (the truth of a time-varying intercept). `amplitude` 0 (the
/// default) keeps the intercept constant.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Drift {
    pub amplitude: f64,
    /// In weeks.
    pub period: f64,
}

impl Default for Drift {
    fn default() -> Self {
        Drift { amplitude: 0.0, period: 104.0 }
    }
}

impl Drift {
    pub fn is_none(&self) -> bool {
        self.amplitude == 0.0
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
        require(
            "drift.amplitude",
            (0.0..1.0).contains(&self.drift.amplitude),
            format!("must be >= 0 and < 1, got {}", self.drift.amplitude),
        )?;
        positive("drift.period", self.drift.period)?;
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
}

pub(super) fn parse_date(field: &str, s: &str) -> Result<Date, SimulationError> {
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
    use crate::simulate::{example_process, simulate, tv_social_search};

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

//! Named processes: PyMC-Marketing's example and three channels that are hard to measure in
//! different ways.

use super::panel::PanelSpec;
use super::spec::{
    AdstockSpec, ChannelSpec, ControlPattern, ControlSpec, Drift, SaturationSpec, Seasonality, SimulationSpec,
    SpendPattern, Trend,
};
use crate::transforms::{AdstockKind, SaturationKind};

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
        drift: Drift::default(),
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
        drift: Drift::default(),
        noise_sd: 20.0,
        scale: 1.0,
        adstock_first: true,
        scale_spend: true,
        seed,
    }
}

/// A geo panel: 8 geos × 156 weeks of [`tv_social_search`] plus radio (4 channels), each
/// geo's size spread by 30 % and each (geo, channel) effect by 20 % (log scale) around the
/// shared ones.
pub fn geo_panel(seed: u64) -> PanelSpec {
    let mut base = tv_social_search(seed);
    let radio = SpendPattern::AlwaysOn { level: 800.0, noise: 0.3, burst_share: 0.1, burst: 3.0 };
    base.channels.push(geometric_logistic("radio", radio, 0.35, 2.0, 80.0));
    PanelSpec { base, geos: 8, effect_sd: 0.2, size_sd: 0.3, short_on_signal: 0 }
}

/// [`geo_panel`] where the last 3 geos are short on signal (four times the noise).
pub fn geo_panel_short_on_signal(seed: u64) -> PanelSpec {
    PanelSpec { short_on_signal: 3, ..geo_panel(seed) }
}

/// Two channels whose spend moves together: both follow one weekly marketing budget (the
/// control `budget`, seasonal with noise, no effect of its own: gamma 0) with only 10 %
/// (log sd) noise each, so that their spend correlates at about 0.9 and the target alone barely
/// tells their effects apart. `online` (lam 2, effect 250) and `offline` (alpha 0.4, lam 1,
/// effect 120) differ in curve and size; intercept 400, noise sd 25, 104 weeks. Fits leave
/// `budget` out of the controls: it is the confounder, not a driver.
pub fn correlated_channels(seed: u64) -> SimulationSpec {
    let follows = |noise| SpendPattern::FollowsControl { control: "budget".into(), per_unit: 20.0, noise };
    SimulationSpec {
        start: "2022-01-02".into(),
        weeks: 104,
        channels: vec![
            geometric_logistic("online", follows(0.1), 0.2, 2.0, 250.0),
            geometric_logistic("offline", follows(0.1), 0.4, 1.0, 120.0),
        ],
        controls: vec![ControlSpec {
            name: "budget".into(),
            pattern: ControlPattern::Seasonal { level: 100.0, amplitude: 0.5, peak_day: 300.0, noise_sd: 25.0 },
            gamma: 0.0,
        }],
        intercept: 400.0,
        trend: Trend::default(),
        seasonality: Seasonality::default(),
        drift: Drift::default(),
        noise_sd: 25.0,
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

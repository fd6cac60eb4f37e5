//! PyMC-Marketing 1.3's `LinearTrendEffect` (docs/02-fitting.md, "Trend and events"): a
//! piecewise-linear trend `trend(t̃) = Σ_m δ_m·1(t̃ > s_m)·(t̃ − s_m) [+ k]` over
//! `t̃ = t / t_max`, `t` the days since the first training date and `s_m = linspace(0, max t̃, M)`.
//!
//! Unlike 1.3, which recomputes `t_max` and the changepoints from whatever dates it predicts
//! over (so predicting a longer window changes the trend on the training weeks), `t_max` and
//! `s_m` are frozen at their training values: new weeks extend the last slope.

use super::design::Design;
use super::mean::{add_each_geo, decompose_each_geo, MeanComponent};
use crate::calendar::Date;
use serde::{Deserialize, Serialize};
use std::any::Any;

/// The config's `"trend"`: `{"changepoints": 10, "include_intercept": false}`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct TrendSpec {
    /// `M`, the number of changepoints (the first at the first training date).
    pub changepoints: usize,
    /// Whether to add the offset `k`.
    pub include_intercept: bool,
}

impl Default for TrendSpec {
    fn default() -> TrendSpec {
        TrendSpec { changepoints: 10, include_intercept: false }
    }
}

/// The most changepoints a trend may have.
pub const MAX_CHANGEPOINTS: usize = 200;

/// The trend over dates, with its time normalisation frozen at the training dates.
#[derive(Debug, Clone, PartialEq)]
pub struct Trend {
    /// The first training date, where `t = 0`.
    origin: Date,
    /// Days from the first to the last training date.
    t_max: f64,
    /// `s_m` in normalised time.
    changepoints: Vec<f64>,
    /// Per geo and changepoint (geo-major), the position of `δ`.
    delta: Vec<usize>,
    /// Per geo, the position of `k`, when the trend has one.
    k: Option<Vec<usize>>,
    parts: Vec<String>,
}

impl Trend {
    /// The trend of training dates `dates` (ascending, at least one), its `δ` at `delta` and
    /// `k` at `k` as [`MeanComponent`]s read their blocks per geo.
    pub fn new(dates: &[Date], delta: Vec<usize>, k: Option<Vec<usize>>, changepoints: usize) -> Trend {
        let origin = dates[0];
        let span = f64::from(dates[dates.len() - 1].0 - origin.0);
        // One training date spans no time; any positive scale leaves t̃ = 0 there.
        let t_max = if span > 0.0 { span } else { 1.0 };
        let last = span / t_max;
        let changepoints = match changepoints {
            1 => vec![0.0],
            m => (0..m).map(|i| last * i as f64 / (m - 1) as f64).collect(),
        };
        Trend { origin, t_max, changepoints, delta, k, parts: vec!["trend".into()] }
    }

    /// `t̃` of each of the design's weeks.
    fn times<'a>(&'a self, design: &'a Design) -> impl Iterator<Item = f64> + 'a {
        design.dates.iter().map(move |d| f64::from(d.0 - self.origin.0) / self.t_max)
    }

    /// Geo `g`'s trend over the design's weeks, written to `out`.
    fn values(&self, design: &Design, theta: &[f64], g: usize, out: &mut [f64]) {
        let m = self.changepoints.len();
        let delta = &self.delta[g * m..(g + 1) * m];
        let k = self.k.as_ref().map_or(0.0, |k| theta[k[g]]);
        for (o, t) in out.iter_mut().zip(self.times(design)) {
            *o = k + self.changepoints.iter().zip(delta).map(|(s, &p)| theta[p] * hinge(t, *s)).sum::<f64>();
        }
    }
}

/// `1(t > s)·(t − s)`.
fn hinge(t: f64, s: f64) -> f64 {
    if t > s {
        t - s
    } else {
        0.0
    }
}

impl MeanComponent for Trend {
    fn name(&self) -> &str {
        "trend"
    }

    fn parts(&self) -> &[String] {
        &self.parts
    }

    fn workspace(&self, weeks: usize) -> Box<dyn Any + Send> {
        Box::new(vec![0.0; weeks])
    }

    fn forward(&self, design: &Design, theta: &[f64], mu: &mut [f64], work: &mut dyn Any) {
        add_each_geo(design, mu, work, |g, out| self.values(design, theta, g, out));
    }

    fn backward(&self, design: &Design, _theta: &[f64], dmu: &[f64], grad_theta: &mut [f64], _work: &mut dyn Any) {
        let m = self.changepoints.len();
        for (g, dmu) in dmu.chunks(design.weeks()).enumerate() {
            for (s, &p) in self.changepoints.iter().zip(&self.delta[g * m..(g + 1) * m]) {
                grad_theta[p] += dmu.iter().zip(self.times(design)).map(|(d, t)| d * hinge(t, *s)).sum::<f64>();
            }
            if let Some(k) = &self.k {
                grad_theta[k[g]] += dmu.iter().sum::<f64>();
            }
        }
    }

    fn decompose(&self, design: &Design, theta: &[f64], scale: &[f64], out: &mut [Vec<f64>], _work: &mut dyn Any) {
        decompose_each_geo(design, scale, &mut out[0], |g, out| self.values(design, theta, g, out));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::design::Scales;

    fn design(dates: Vec<Date>) -> Design {
        Design {
            y: vec![0.0; dates.len()],
            channels: Vec::new(),
            controls: Vec::new(),
            fourier: Vec::new(),
            scales: Scales::shared(1.0, Vec::new()),
            geos: 1,
            dates,
        }
    }

    #[test]
    fn changepoints_and_time_are_frozen_at_training() {
        let start = Date::from_ymd(2024, 1, 1);
        let weeks = |n: i32| (0..n).map(|i| start.plus_days(7 * i)).collect::<Vec<_>>();
        let trend = Trend::new(&weeks(11), vec![0, 1, 2], Some(vec![3]), 3);
        assert_eq!((trend.t_max, trend.changepoints.clone()), (70.0, vec![0.0, 0.5, 1.0]));
        // δ = (1, -2, 5), k = 0.5: slope 1 up to the middle, then -1; the last changepoint at
        // the last training week bends only the weeks after it.
        let theta = [1.0, -2.0, 5.0, 0.5];
        let mut out = vec![0.0; 13];
        trend.values(&design(weeks(13)), &theta, 0, &mut out);
        let expected = |t: f64| 0.5 + t - 2.0 * (t - 0.5).max(0.0) + 5.0 * (t - 1.0).max(0.0);
        for (i, v) in out.iter().enumerate() {
            assert!((v - expected(i as f64 / 10.0)).abs() < 1e-12, "week {i}: {v}");
        }
    }
}

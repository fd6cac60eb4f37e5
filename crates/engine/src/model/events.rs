//! PyMC-Marketing 1.3's events with the Gaussian basis (docs/02-fitting.md, "Trend and events"):
//! per week `t` and event `e`, `x` is the signed day distance to the event's window (0 inside
//! `[start, end]`, negative before the start, positive after the end), and the event adds
//! `β_e · Normal pdf(x; 0, σ)`. The events add up to one series, `events` (1.3's
//! `{prefix}_total_effect`). Events are global: every geo sees the same windows.

use super::design::Design;
use super::mean::{add_each_geo, decompose_each_geo, MeanComponent};
use crate::calendar::Date;
use serde::{Deserialize, Serialize};
use std::any::Any;

/// One row of the events table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Event {
    pub name: String,
    pub start: Date,
    pub end: Date,
}

impl Event {
    /// The signed distance in days from `date` to the window, 0 inside it.
    pub fn distance(&self, date: Date) -> f64 {
        f64::from(if date < self.start {
            date.0 - self.start.0
        } else if date > self.end {
            date.0 - self.end.0
        } else {
            0
        })
    }
}

/// `1/√(2π)`.
const INV_SQRT_2PI: f64 = 0.398_942_280_401_432_7;

/// `Normal pdf(x; 0, σ)`.
fn gaussian(x: f64, sigma: f64) -> f64 {
    let z = x / sigma;
    INV_SQRT_2PI / sigma * (-0.5 * z * z).exp()
}

/// The events' total effect on the mean.
#[derive(Debug, Clone, PartialEq)]
pub struct Events {
    events: Vec<Event>,
    /// Per geo and event (geo-major), the positions of `σ` and of the effect size `β`.
    sigma: Vec<usize>,
    effect: Vec<usize>,
    parts: Vec<String>,
}

impl Events {
    pub fn new(events: Vec<Event>, sigma: Vec<usize>, effect: Vec<usize>) -> Events {
        Events { events, sigma, effect, parts: vec!["events".into()] }
    }

    /// Geo `g`'s total over the design's weeks, written to `out`.
    fn values(&self, design: &Design, theta: &[f64], g: usize, out: &mut [f64]) {
        let n = self.events.len();
        out.fill(0.0);
        for ((e, &s), &b) in self.events.iter().zip(&self.sigma[g * n..]).zip(&self.effect[g * n..]) {
            let (sigma, beta) = (theta[s], theta[b]);
            for (o, &d) in out.iter_mut().zip(&design.dates) {
                *o += beta * gaussian(e.distance(d), sigma);
            }
        }
    }
}

impl MeanComponent for Events {
    fn name(&self) -> &str {
        "events"
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

    fn backward(&self, design: &Design, theta: &[f64], dmu: &[f64], grad_theta: &mut [f64], _work: &mut dyn Any) {
        let n = self.events.len();
        for (g, dmu) in dmu.chunks(design.weeks()).enumerate() {
            for ((e, &s), &b) in self.events.iter().zip(&self.sigma[g * n..]).zip(&self.effect[g * n..]) {
                let (sigma, beta) = (theta[s], theta[b]);
                let (mut d_beta, mut d_sigma) = (0.0, 0.0);
                for (dm, &d) in dmu.iter().zip(&design.dates) {
                    let x = e.distance(d);
                    let basis = gaussian(x, sigma);
                    d_beta += dm * basis;
                    // d pdf / dσ = pdf · (x²/σ³ − 1/σ).
                    d_sigma += dm * basis * ((x / sigma).powi(2) - 1.0) / sigma;
                }
                grad_theta[b] += d_beta;
                grad_theta[s] += beta * d_sigma;
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

    #[test]
    fn distance_is_signed_and_zero_inside_the_window() {
        let e = Event { name: "sale".into(), start: Date::from_ymd(2024, 3, 10), end: Date::from_ymd(2024, 3, 12) };
        assert_eq!(e.distance(Date::from_ymd(2024, 3, 3)), -7.0);
        assert_eq!(e.distance(Date::from_ymd(2024, 3, 11)), 0.0);
        assert_eq!(e.distance(Date::from_ymd(2024, 3, 12)), 0.0);
        assert_eq!(e.distance(Date::from_ymd(2024, 3, 19)), 7.0);
        // scipy.stats.norm.pdf(3, scale=7)
        assert!((gaussian(3.0, 7.0) - 0.051_990_960_245_069_09).abs() < 1e-15);
    }
}

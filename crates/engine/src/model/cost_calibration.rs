//! Cost-per-target / ROAS calibration (docs/02-fitting.md, "Calibrating with cost per target or
//! ROAS"; PyMC-Marketing 1.3's `add_cost_per_target_calibration`, identity link): a measured cost
//! per unit of target (or target per unit of cost) `value ± σ` of one (geo, channel) cell over
//! the training window adds `Normal(value | ratio, σ)` in original units, where
//! `ratio = mean_t spend / max(mean_t Δ, 1e-12)` (cost per target) or
//! `mean_t Δ / max(mean_t spend, 1e-12)` (ROAS) and `Δ_t = contribution_t · target_scale`.
//! With time-varying media the contribution includes the media multiplier `N[t,g]`, as 1.3's
//! `channel_contribution` does; with a cost per unit the spend is money (units × cost), as
//! 1.3's calibration `data` is.
//!
//! The term runs the media component's own forward and backward pass for its cells: the
//! gradient of `Σ_t N_t contribution_t` is the backward pass with the weight `N_t` per week
//! (1 without a multiplier), and `contribution_t` per week back into the multiplier.

use super::costs::Costs;
use super::design::{Design, Scales};
use super::media::{ChannelPass, Media};
use super::multiplier::{MediaMultiplier, MultiplierWork};
use super::spec::SpecError;
use super::special::LN_SQRT_2PI;
use super::term::{Gradient, Point, Term};
use serde::{Deserialize, Serialize};
use std::any::Any;
use std::sync::Arc;

/// What a calibration row measures (`calibration_target`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CalibrationTarget {
    /// Spend per unit of target (1.3's default).
    #[default]
    CostPerTarget,
    /// Target per unit of spend (1.3's `target_per_cost=True`).
    Roas,
}

impl CalibrationTarget {
    pub fn is_default(&self) -> bool {
        *self == CalibrationTarget::CostPerTarget
    }
}

/// The floor of a ratio's denominator, as in 1.3.
const FLOOR: f64 = 1e-12;

/// One measurement, in original units: the channel (an index into the model's channels), the
/// geo (an index into its geos; `None` in a national model), the measured ratio and its
/// standard error.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct CostCalibration {
    pub channel: usize,
    pub geo: Option<usize>,
    pub value: f64,
    pub sigma: f64,
}

/// Checks calibration rows against a model of `channels` channels and `geos` geos (0:
/// national); the error names the row (1-based).
pub fn check_cost_calibration(rows: &[CostCalibration], channels: usize, geos: usize) -> Result<(), SpecError> {
    for (i, r) in rows.iter().enumerate() {
        let bad = |reason: String| Err(SpecError::CostCalibration { row: i + 1, reason });
        if r.channel >= channels {
            return bad(format!("channel index {} out of range (the model has {channels} channels)", r.channel));
        }
        match (r.geo, geos) {
            (Some(_), 0) => return bad("a geo is given but the model has no geo column".into()),
            (None, g) if g > 0 => return bad("the geo is missing (the model is a panel)".into()),
            (Some(g), n) if g >= n => return bad(format!("geo index {g} out of range (the model has {n} geos)")),
            _ => {}
        }
        if let Some((name, v)) = [("value", r.value), ("sigma", r.sigma)].into_iter().find(|(_, v)| !v.is_finite()) {
            return bad(format!("{name} = {v} is not a finite number"));
        }
        if r.value <= 0.0 {
            return bad(format!("value = {} must be > 0", r.value));
        }
        if r.sigma <= 0.0 {
            return bad(format!("sigma = {} must be > 0", r.sigma));
        }
        if let Some(j) = rows[..i].iter().position(|p| (p.channel, p.geo) == (r.channel, r.geo)) {
            return bad(format!("the same channel and geo as row {}", j + 1));
        }
    }
    Ok(())
}

/// A row with what its ratio is computed from.
#[derive(Debug, Clone, PartialEq)]
struct Row {
    cell: usize,
    geo: usize,
    /// The cell's scaled spend over the training window.
    x: Vec<f64>,
    /// `mean_t spend` in original units: money with a cost per unit.
    mean_spend: f64,
    /// `target_scale / weeks`: from `Σ_t contribution_t` to `mean_t Δ_t`.
    per_week: f64,
    value: f64,
    sigma: f64,
}

/// The calibration rows' term of the log density.
#[derive(Debug, Clone)]
pub struct CostTerm {
    target: CalibrationTarget,
    media: Arc<Media>,
    /// The media multiplier, with time-varying media.
    multiplier: Option<MediaMultiplier>,
    rows: Vec<Row>,
}

/// One forward pass per row, the backward pass's weights, and the multiplier's buffers.
type Work = (Vec<ChannelPass>, Vec<f64>, Option<MultiplierWork>);

impl CostTerm {
    /// The term of checked `rows` over the training `design` (scaled by `scales`, spend
    /// priced by `costs` when channels have a cost per unit) and the model's `media`
    /// component of `channels` channels with its `multiplier` if media varies over time.
    pub fn new(
        (rows, target): (&[CostCalibration], CalibrationTarget),
        (media, multiplier): (Arc<Media>, Option<MediaMultiplier>),
        channels: usize,
        (design, scales, costs): (&Design, &Scales, Option<&Costs>),
    ) -> CostTerm {
        let weeks = design.weeks();
        let rows = rows
            .iter()
            .map(|r| {
                let g = r.geo.unwrap_or(0);
                let cell = g * channels + r.channel;
                let x = design.channels[cell].clone();
                let mean_spend = match costs {
                    Some(costs) => costs.spend(g, r.channel).iter().sum::<f64>() / weeks as f64,
                    None => x.iter().sum::<f64>() / weeks as f64 * scales.channel_of(g, r.channel),
                };
                let per_week = scales.target_of(g) / weeks as f64;
                Row { cell, geo: g, x, mean_spend, per_week, value: r.value, sigma: r.sigma }
            })
            .collect();
        CostTerm { target, media, multiplier, rows }
    }

    /// The ratio of a row whose cell contributes `total = Σ_t contribution_t` (scaled), and its
    /// derivative in `total`.
    fn ratio(&self, r: &Row, total: f64) -> (f64, f64) {
        let delta = total * r.per_week;
        match self.target {
            CalibrationTarget::CostPerTarget if delta > FLOOR => {
                (r.mean_spend / delta, -r.mean_spend / (delta * delta) * r.per_week)
            }
            CalibrationTarget::CostPerTarget => (r.mean_spend / FLOOR, 0.0),
            CalibrationTarget::Roas => {
                let spend = r.mean_spend.max(FLOOR);
                (delta / spend, r.per_week / spend)
            }
        }
    }

    fn work(&self) -> Work {
        let weeks = self.rows.first().map_or(0, |r| r.x.len());
        let multiplier = self.multiplier.as_ref().map(MediaMultiplier::workspace);
        (self.rows.iter().map(|_| self.media.pass(weeks)).collect(), vec![0.0; weeks], multiplier)
    }

    /// `Σ_t N_t contribution_t` of row `r`'s cell after its forward pass into `pass`.
    fn total(&self, r: &Row, pass: &ChannelPass, multiplier: Option<&MultiplierWork>) -> f64 {
        match (&self.multiplier, multiplier) {
            (Some(m), Some(w)) => {
                let n = &w.values()[m.index(r.geo, 0)..m.index(r.geo + 1, 0)];
                pass.contribution.iter().zip(n).map(|(c, n)| c * n).sum()
            }
            _ => pass.contribution.iter().sum(),
        }
    }

    /// The model's ratio of each row in original units, at parameter values `theta`.
    pub fn estimates(&self, theta: &[f64]) -> Vec<f64> {
        let (mut passes, _, mut multiplier) = self.work();
        if let (Some(m), Some(w)) = (&self.multiplier, &mut multiplier) {
            m.evaluate(theta, w);
        }
        self.rows
            .iter()
            .zip(&mut passes)
            .map(|(r, pass)| {
                self.media.cell_forward(&r.x, theta, r.cell, pass);
                self.ratio(r, self.total(r, pass, multiplier.as_ref())).0
            })
            .collect()
    }
}

impl Term for CostTerm {
    fn name(&self) -> &str {
        "cost_calibration"
    }

    fn workspace(&self, _weeks: usize) -> Box<dyn Any + Send> {
        Box::new(self.work())
    }

    fn logp_grad(&self, at: &Point, grad: &mut Gradient, work: &mut dyn Any) -> f64 {
        let (passes, weights, multiplier) = work.downcast_mut::<Work>().expect("the cost calibration's workspace");
        if let (Some(m), Some(w)) = (&self.multiplier, multiplier.as_mut()) {
            m.evaluate(at.theta, w);
        }
        let mut lp = 0.0;
        for (r, pass) in self.rows.iter().zip(passes.iter_mut()) {
            self.media.cell_forward(&r.x, at.theta, r.cell, pass);
            let (ratio, d_total) = self.ratio(r, self.total(r, pass, multiplier.as_ref()));
            let z = (r.value - ratio) / r.sigma;
            lp += -0.5 * z * z - r.sigma.ln() - LN_SQRT_2PI;
            let d = z / r.sigma * d_total;
            match (&self.multiplier, multiplier.as_mut()) {
                // d/dθ Σ_t N_t contribution_t: weight N_t on week t, and contribution_t back to N_t.
                (Some(m), Some(w)) => {
                    let at = m.index(r.geo, 0);
                    weights.iter_mut().zip(&w.values()[at..]).for_each(|(wt, n)| *wt = d * n);
                    w.dvalues[at..].iter_mut().zip(&pass.contribution).for_each(|(dv, c)| *dv += d * c);
                }
                // d/dθ Σ_t contribution_t is the backward pass with weight 1 on every week.
                _ => weights.fill(d),
            }
            self.media.cell_backward(&r.x, r.cell, pass, weights, grad.theta);
        }
        if let (Some(m), Some(w)) = (&self.multiplier, multiplier.as_mut()) {
            m.backward(at.theta, grad.theta, w);
        }
        lp
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(channel: usize, geo: Option<usize>) -> CostCalibration {
        CostCalibration { channel, geo, value: 20.0, sigma: 2.0 }
    }

    #[test]
    fn bad_rows_are_named() {
        let err = |r: CostCalibration, geos: usize| {
            let first = row(0, (geos > 0).then_some(0));
            check_cost_calibration(&[first, r], 2, geos).unwrap_err().to_string()
        };
        assert!(err(row(2, None), 0).contains("cost_calibration row 2: channel index 2"));
        assert!(err(row(1, Some(0)), 0).contains("no geo column"));
        assert!(err(row(1, None), 2).contains("geo is missing"));
        assert!(err(row(1, Some(2)), 2).contains("geo index 2"));
        assert!(err(CostCalibration { sigma: 0.0, ..row(1, None) }, 0).contains("sigma = 0 must be > 0"));
        assert!(err(CostCalibration { value: -1.0, ..row(1, None) }, 0).contains("value = -1 must be > 0"));
        assert!(err(CostCalibration { value: f64::INFINITY, ..row(1, None) }, 0).contains("not a finite"));
        assert!(err(row(0, None), 0).contains("the same channel and geo as row 1"));
        assert!(check_cost_calibration(&[row(0, Some(0)), row(0, Some(1))], 2, 2).is_ok());
    }
}

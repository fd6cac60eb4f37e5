//! The prior predictive check: what the priors alone say of the target and of the channels'
//! effects, set against the observed data, so that an analyst sees before fitting whether the
//! priors allow absurd effects (PyMC-Marketing's `sample_prior_predictive` and the advice to
//! plot it before fitting).
//!
//! Each quantity's band (the HDI of its prior predictive draws) is judged against a reference
//! range by four rules, tried in this order:
//! * `too wide`: the band reaches more than [`TOO_WIDE`] times the reference's magnitude (its
//!   larger end in absolute value) on either side;
//! * `excludes observed`: the band misses the reference range entirely;
//! * `too narrow`: the band is narrower than the reference's minimum width;
//! * `ok` otherwise.
//!
//! | quantity | observed | reference range | too narrow below |
//! |---|---|---|---|
//! | `target_weekly` (every week's value, noise included) | largest week | smallest to largest week | half that range |
//! | `target_total` (sum over the weeks, noise included) | total | the total | a tenth of the total |
//! | `media_share` (all channels' contribution / observed total) | none | 0 to 1 | 0.1 |
//! | `channel_share:<channel>` (its contribution / observed total) | none | 0 to 1 | 0.1 |
//!
//! Shares are of the observed target total (not of the media contribution), so that a prior
//! giving one channel ten times the whole target shows as `too wide`.

use super::{decomposition, fitted_mean, posterior_predictive};
use crate::inference::diagnostics::hdi;
use crate::inference::sampler::Trace;
use crate::model::design::Panel;
use crate::model::Model;
use crate::stats::median_of_sorted;
use ndarray::{s, Array2, Axis};

/// How many times the reference's magnitude a band may reach before it is `too wide`.
pub const TOO_WIDE: f64 = 10.0;

/// The verdict on one quantity's band.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    Ok,
    TooWide,
    ExcludesObserved,
    TooNarrow,
}

impl Verdict {
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Ok => "ok",
            Verdict::TooWide => "too wide",
            Verdict::ExcludesObserved => "excludes observed",
            Verdict::TooNarrow => "too narrow",
        }
    }
}

/// What a band is judged against.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Reference {
    /// The observed value shown beside the band, if the quantity is observed.
    pub observed: Option<f64>,
    /// The range the band should overlap.
    pub lower: f64,
    pub upper: f64,
    /// The band's least width.
    pub min_width: f64,
}

impl Reference {
    /// The reference's magnitude, what `ratio_to_observed` divides by.
    pub fn scale(&self) -> f64 {
        self.lower.abs().max(self.upper.abs())
    }
}

/// One quantity's prior predictive band and its verdict.
#[derive(Debug, Clone, PartialEq)]
pub struct Check {
    /// `target_weekly`, `target_total`, `media_share` or `channel_share:<channel>`.
    pub quantity: String,
    /// The geo's index into the panel's geos; `None` for all geos together (a national model's
    /// only rows).
    pub geo: Option<usize>,
    pub observed: Option<f64>,
    pub lower: f64,
    pub median: f64,
    pub upper: f64,
    /// The band's reach (the larger of `|lower|` and `|upper|`) over the reference's magnitude.
    pub ratio_to_observed: f64,
    pub verdict: Verdict,
}

/// The band of `sample` (its HDI and median) judged against `reference`.
pub fn judge(quantity: String, geo: Option<usize>, sample: Vec<f64>, reference: Reference, hdi_prob: f64) -> Check {
    let (lower, upper) = hdi(&sample, hdi_prob);
    let mut sorted = sample;
    sorted.sort_by(f64::total_cmp);
    let ratio_to_observed = lower.abs().max(upper.abs()) / reference.scale();
    let verdict = if ratio_to_observed > TOO_WIDE {
        Verdict::TooWide
    } else if upper < reference.lower || lower > reference.upper {
        Verdict::ExcludesObserved
    } else if upper - lower < reference.min_width {
        Verdict::TooNarrow
    } else {
        Verdict::Ok
    };
    Check {
        quantity,
        geo,
        observed: reference.observed,
        lower,
        median: median_of_sorted(&sorted),
        upper,
        ratio_to_observed,
        verdict,
    }
}

/// The checks of a model's draws (prior draws, for the check to mean anything) over its
/// training rows: all geos together first, then each geo of a panel. The target's draws
/// include the observation noise, drawn reproducibly from `seed`. A scope whose observed total
/// is not positive has no share rows.
pub fn prior_check(model: &Model, panel: &Panel, trace: &Trace, hdi_prob: f64, seed: u64) -> Vec<Check> {
    let components = decomposition(model, trace);
    let predictive = posterior_predictive(model, trace, &fitted_mean(&components), seed);
    let channels: Vec<&Array2<f64>> = panel
        .channel_names()
        .iter()
        .map(|name| {
            &components
                .iter()
                .find(|c| c.group == "channels" && &c.component == name)
                .expect("every channel is a component")
                .values
        })
        .collect();
    let weeks = panel.dates().len();
    let scopes = std::iter::once((None, 0..predictive.ncols()))
        .chain((0..panel.geos.len()).map(|g| (Some(g), g * weeks..(g + 1) * weeks)));
    let mut rows = Vec::new();
    for (geo, columns) in scopes {
        let y: Vec<f64> = match geo {
            Some(g) => panel.data[g].y.clone(),
            None => panel.data.iter().flat_map(|d| d.y.iter().copied()).collect(),
        };
        let (min, max) = y.iter().fold((f64::INFINITY, f64::NEG_INFINITY), |(l, h), &v| (l.min(v), h.max(v)));
        let total: f64 = y.iter().sum();
        let of = |values: &Array2<f64>| values.slice(s![.., columns.clone()]).to_owned();
        let weekly = of(&predictive);
        rows.push(judge(
            "target_weekly".into(),
            geo,
            weekly.iter().copied().collect(),
            Reference { observed: Some(max), lower: min, upper: max, min_width: 0.5 * (max - min) },
            hdi_prob,
        ));
        rows.push(judge(
            "target_total".into(),
            geo,
            weekly.sum_axis(Axis(1)).to_vec(),
            Reference { observed: Some(total), lower: total, upper: total, min_width: 0.1 * total.abs() },
            hdi_prob,
        ));
        if total <= 0.0 {
            continue;
        }
        let share = Reference { observed: None, lower: 0.0, upper: 1.0, min_width: 0.1 };
        let shares: Vec<Vec<f64>> =
            channels.iter().map(|c| of(c).sum_axis(Axis(1)).mapv(|v| v / total).to_vec()).collect();
        let media: Vec<f64> = (0..trace.num_draws()).map(|d| shares.iter().map(|s| s[d]).sum()).collect();
        rows.push(judge("media_share".into(), geo, media, share, hdi_prob));
        for (name, sample) in panel.channel_names().iter().zip(shares) {
            rows.push(judge(format!("channel_share:{name}"), geo, sample, share, hdi_prob));
        }
    }
    rows
}

#[cfg(test)]
mod tests {
    use super::*;

    fn band(lower: f64, upper: f64) -> Vec<f64> {
        // Evenly spread, so that the 94% HDI is close to the whole range.
        (0..=1000).map(|i| lower + (upper - lower) * i as f64 / 1000.0).collect()
    }

    #[test]
    fn the_rules_in_their_order() {
        let weekly = Reference { observed: Some(10.0), lower: 4.0, upper: 10.0, min_width: 3.0 };
        let verdict = |lower, upper| judge("q".into(), None, band(lower, upper), weekly, 0.94).verdict;
        assert_eq!(verdict(-20.0, 30.0), Verdict::Ok);
        assert_eq!(verdict(0.0, 120.0), Verdict::TooWide);
        // Far below as well as far above.
        assert_eq!(verdict(-150.0, 5.0), Verdict::TooWide);
        // Entirely beyond the observed range, though not ten times it.
        assert_eq!(verdict(20.0, 60.0), Verdict::ExcludesObserved);
        assert_eq!(verdict(-5.0, 2.0), Verdict::ExcludesObserved);
        assert_eq!(verdict(5.0, 6.0), Verdict::TooNarrow);
        let check = judge("q".into(), Some(1), band(0.0, 50.0), weekly, 0.94);
        assert!((check.ratio_to_observed - check.upper / 10.0).abs() < 1e-12);
        assert!((check.median - 25.0).abs() < 1e-12);
        assert_eq!((check.observed, check.geo), (Some(10.0), Some(1)));
    }
}

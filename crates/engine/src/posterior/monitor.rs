//! How a forecast held up against the weeks that came after training: per week and in total,
//! the error of the posterior mean and whether the actual fell inside the predictive band, and
//! a verdict of drift when either crosses its threshold.
//!
//! A panel is checked per (geo, week) cell, per geo and over all cells. It has drifted when the
//! overall MAPE or coverage crosses its threshold, or when any geo's MAPE crosses the MAPE
//! threshold: a geo that has gone wrong shows in its error whatever the others do. A geo's
//! coverage alone is not a verdict: over a few weeks one geo of several falls below the
//! coverage threshold by chance too often (at 6% per geo, in 39% of runs of 8 geos).

use super::{Band, Forecast};
use serde::{Deserialize, Serialize};

/// The band the actuals are checked against.
pub const MONITOR_HDI_PROB: f64 = 0.94;

/// When a model has drifted: its MAPE over the monitored weeks above `mape`, or the share of
/// those weeks inside the 94% predictive band below `coverage`. The field names are the keys of
/// a policy's `"monitor"` object.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Thresholds {
    pub mape: f64,
    pub coverage: f64,
}

impl Default for Thresholds {
    /// MAPE 20%: several times a healthy in-sample MAPE (the example's is 3-4%). Coverage 75%:
    /// a calibrated 94% band falls below it by chance in at most 6.2% of runs of 4 to 52 weeks
    /// (binomial tails: 2.0% for 4 weeks, 1.0% for 8); over 1 to 3 weeks one week outside the
    /// band already crosses it (6% to 17% by chance), too few weeks to judge coverage.
    fn default() -> Self {
        Thresholds { mape: 0.2, coverage: 0.75 }
    }
}

/// A policy's `"monitor"` object that cannot be read, naming the key.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum PolicyError {
    #[error("policy key \"monitor\": {0}")]
    Invalid(String),
    #[error("policy key \"monitor.{key}\" = {value} is out of range")]
    OutOfRange { key: &'static str, value: f64, allowed: &'static str },
}

impl PolicyError {
    pub fn hint(&self) -> String {
        match self {
            PolicyError::Invalid(_) => "For example '{\"monitor\": {\"mape\": 0.2, \"coverage\": 0.75}}'.".into(),
            PolicyError::OutOfRange { key, allowed, .. } => format!("monitor.{key} accepts {allowed}."),
        }
    }
}

impl Thresholds {
    /// The thresholds of a policy's `"monitor"` object; absent keys keep their defaults.
    pub fn from_json(v: &serde_json::Value) -> Result<Thresholds, PolicyError> {
        let t: Thresholds = serde_path_to_error::deserialize(v).map_err(|e| PolicyError::Invalid(e.to_string()))?;
        if !(t.mape > 0.0 && t.mape.is_finite()) {
            return Err(PolicyError::OutOfRange { key: "mape", value: t.mape, allowed: "a positive number, e.g. 0.2" });
        }
        if !(0.0..=1.0).contains(&t.coverage) {
            return Err(PolicyError::OutOfRange {
                key: "coverage",
                value: t.coverage,
                allowed: "a share from 0 to 1, e.g. 0.75",
            });
        }
        Ok(t)
    }
}

/// One monitored period, a week or all of them: the actual target, the posterior mean
/// prediction and its predictive band, the mean absolute percentage error of its weeks and the
/// share of its weeks whose actual lies inside their band.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Check {
    pub weeks: usize,
    pub actual: f64,
    pub predicted: Band,
    pub mape: f64,
    pub coverage: f64,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Verdict {
    Ok,
    /// Why: each threshold crossed, with the value that crossed it.
    Drift(String),
}

impl Verdict {
    pub fn as_str(&self) -> &'static str {
        match self {
            Verdict::Ok => "ok",
            Verdict::Drift(_) => "drift",
        }
    }

    pub fn reason(&self) -> Option<&str> {
        match self {
            Verdict::Ok => None,
            Verdict::Drift(reason) => Some(reason),
        }
    }
}

/// One geo's weeks of a panel, checked together.
#[derive(Debug, Clone, PartialEq)]
pub struct GeoCheck {
    pub geo: String,
    pub check: Check,
    /// Drift when its MAPE crosses the threshold.
    pub verdict: Verdict,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Report {
    /// One per (geo, week), geo-major (one per week of a national model).
    pub weeks: Vec<Check>,
    /// Per geo of a panel; empty for a national model.
    pub geos: Vec<GeoCheck>,
    /// All weeks (of all geos): the actual and predicted totals, the band of the total (of the
    /// per-draw sums of the predictive draws), the MAPE and coverage over the (geo, week) cells.
    pub total: Check,
    pub verdict: Verdict,
}

/// `checks` of `weeks` weeks together; `draws` holds each posterior draw's predictive sum of them.
fn together(checks: &[Check], weeks: usize, draws: &[f64]) -> Check {
    let n = checks.len() as f64;
    Check {
        weeks,
        actual: checks.iter().map(|w| w.actual).sum(),
        predicted: Band { mean: checks.iter().map(|w| w.predicted.mean).sum(), ..Band::of(draws, MONITOR_HDI_PROB) },
        mape: checks.iter().map(|w| w.mape).sum::<f64>() / n,
        coverage: checks.iter().map(|w| w.coverage).sum::<f64>() / n,
    }
}

fn mape_crossed(check: &Check, thresholds: &Thresholds) -> Option<String> {
    (check.mape > thresholds.mape).then(|| format!("MAPE {:.3} is above {}", check.mape, thresholds.mape))
}

fn verdict(crossed: Vec<String>) -> Verdict {
    if crossed.is_empty() {
        Verdict::Ok
    } else {
        Verdict::Drift(crossed.join("; "))
    }
}

/// Checks `forecast` of the weeks that came against their `actual` target.
pub fn monitor(forecast: &Forecast, actual: &[f64], thresholds: &Thresholds) -> Report {
    monitor_panel(forecast, actual, &[], thresholds)
}

/// [`monitor`] of a panel: `forecast` and `actual` geo-major, `geos` geos (none for a
/// national model) of the same weeks.
pub fn monitor_panel(forecast: &Forecast, actual: &[f64], geos: &[String], thresholds: &Thresholds) -> Report {
    assert_eq!(forecast.predictive.ncols(), actual.len(), "one actual per forecast week");
    let weeks: Vec<Check> = actual
        .iter()
        .enumerate()
        .map(|(t, &y)| {
            let (mean, predictive) = forecast.week(t, MONITOR_HDI_PROB);
            let predicted = Band { mean: mean.mean, ..predictive };
            Check {
                weeks: 1,
                actual: y,
                predicted,
                mape: ((y - mean.mean) / y).abs(),
                coverage: f64::from(u8::from((predictive.lower..=predictive.upper).contains(&y))),
            }
        })
        .collect();
    let per_geo = actual.len() / geos.len().max(1);
    let sums = |columns: std::ops::Range<usize>| -> Vec<f64> {
        forecast.predictive.slice(ndarray::s![.., columns]).sum_axis(ndarray::Axis(1)).to_vec()
    };
    let geo_checks: Vec<GeoCheck> = geos
        .iter()
        .enumerate()
        .map(|(g, geo)| {
            let cells = g * per_geo..(g + 1) * per_geo;
            let check = together(&weeks[cells.clone()], per_geo, &sums(cells));
            GeoCheck {
                geo: geo.clone(),
                verdict: verdict(mape_crossed(&check, thresholds).into_iter().collect()),
                check,
            }
        })
        .collect();
    let total = together(&weeks, per_geo, &sums(0..actual.len()));
    let mut crossed: Vec<String> = mape_crossed(&total, thresholds).into_iter().collect();
    if total.coverage < thresholds.coverage {
        crossed.push(format!(
            "{:.0}% of the weeks fell inside the 94% predictive band, below {}%",
            100.0 * total.coverage,
            100.0 * thresholds.coverage
        ));
    }
    crossed.extend(geo_checks.iter().filter_map(|g| Some(format!("geo \"{}\": {}", g.geo, g.verdict.reason()?))));
    Report { weeks, geos: geo_checks, total, verdict: verdict(crossed) }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// Two draws, three weeks: means 10, 20, 30 and predictive draws spread ±1 around them.
    fn forecast() -> Forecast {
        let mean = ndarray::array![[9.0, 19.0, 29.0], [11.0, 21.0, 31.0]];
        let predictive = ndarray::array![[8.0, 18.0, 28.0], [12.0, 22.0, 32.0]];
        Forecast { mean, predictive }
    }

    #[test]
    fn weeks_and_total() {
        let r = monitor(&forecast(), &[10.0, 25.0, 30.0], &Thresholds::default());
        assert_eq!(r.weeks.iter().map(|w| w.coverage).collect::<Vec<_>>(), [1.0, 0.0, 1.0]);
        assert_eq!(r.weeks[1].mape, 0.2);
        assert_eq!(
            (r.weeks[1].predicted.lower, r.weeks[1].predicted.mean, r.weeks[1].predicted.upper),
            (18.0, 20.0, 22.0)
        );
        assert_eq!((r.total.weeks, r.total.actual, r.total.predicted.mean), (3, 65.0, 60.0));
        assert_eq!((r.total.predicted.lower, r.total.predicted.upper), (54.0, 66.0));
        assert!((r.total.mape - 0.2 / 3.0).abs() < 1e-15);
        assert!((r.total.coverage - 2.0 / 3.0).abs() < 1e-15);
        assert_eq!(r.verdict, Verdict::Drift("67% of the weeks fell inside the 94% predictive band, below 75%".into()));
    }

    #[test]
    fn verdict_names_each_threshold_crossed() {
        let ok = Thresholds { mape: 0.5, coverage: 0.5 };
        assert_eq!(monitor(&forecast(), &[10.0, 25.0, 30.0], &ok).verdict, Verdict::Ok);
        let strict = Thresholds { mape: 0.05, coverage: 1.0 };
        let reason = monitor(&forecast(), &[10.0, 25.0, 30.0], &strict).verdict.reason().unwrap().to_string();
        assert_eq!(
            reason,
            "MAPE 0.067 is above 0.05; 67% of the weeks fell inside the 94% predictive band, below 100%"
        );
    }

    /// Two geos of the same three weeks: geo a as `forecast()`, geo b twice as large.
    fn panel() -> Forecast {
        let f = forecast();
        let twice = |a: &ndarray::Array2<f64>| ndarray::concatenate![ndarray::Axis(1), *a, a * 2.0];
        Forecast { mean: twice(&f.mean), predictive: twice(&f.predictive) }
    }

    #[test]
    fn panel_per_geo_and_over_all_cells() {
        let geos = ["a".to_string(), "b".to_string()];
        // Geo a fits, geo b's second week is 16 above its mean 40 and outside its band.
        let r = monitor_panel(&panel(), &[10.0, 20.0, 30.0, 20.0, 56.0, 60.0], &geos, &Thresholds::default());
        assert_eq!(r.weeks.len(), 6);
        assert_eq!(r.geos.iter().map(|g| g.geo.as_str()).collect::<Vec<_>>(), ["a", "b"]);
        assert_eq!(r.geos[0].check.mape, 0.0);
        assert!((r.geos[1].check.mape - 16.0 / 56.0 / 3.0).abs() < 1e-15);
        assert_eq!(r.geos[1].check.coverage, 2.0 / 3.0);
        assert_eq!((r.geos[1].check.weeks, r.geos[1].check.actual, r.geos[1].check.predicted.mean), (3, 136.0, 120.0));
        assert_eq!((r.geos[1].check.predicted.lower, r.geos[1].check.predicted.upper), (108.0, 132.0));
        // Over all six cells; the total's band is of the per-draw sums over both geos.
        assert_eq!((r.total.weeks, r.total.actual, r.total.predicted.mean), (3, 196.0, 180.0));
        assert_eq!((r.total.predicted.lower, r.total.predicted.upper), (162.0, 198.0));
        assert!((r.total.mape - 16.0 / 56.0 / 6.0).abs() < 1e-15);
        assert_eq!(r.total.coverage, 5.0 / 6.0);
        // Geo b's coverage (67%) is below 75%, but a geo's coverage is no verdict.
        assert_eq!(r.verdict, Verdict::Ok);
        assert!(r.geos.iter().all(|g| g.verdict == Verdict::Ok));

        // Geo b a third above its mean every week: its MAPE crosses 20%, the overall (17%) not.
        let off = [10.0, 20.0, 30.0, 30.0, 60.0, 90.0];
        let r = monitor_panel(&panel(), &off, &geos, &Thresholds::default());
        assert_eq!(r.geos[0].verdict, Verdict::Ok);
        assert_eq!(r.geos[1].verdict, Verdict::Drift("MAPE 0.333 is above 0.2".into()));
        assert_eq!(
            r.verdict.reason(),
            Some("50% of the weeks fell inside the 94% predictive band, below 75%; geo \"b\": MAPE 0.333 is above 0.2")
        );
        let mape_only = Thresholds { mape: 0.3, coverage: 0.0 };
        let r = monitor_panel(&panel(), &off, &geos, &mape_only);
        assert_eq!(r.verdict.reason(), Some("geo \"b\": MAPE 0.333 is above 0.3"));
    }

    #[test]
    fn thresholds_from_a_policy() {
        assert_eq!(Thresholds::from_json(&json!({})).unwrap(), Thresholds::default());
        assert_eq!(Thresholds::from_json(&json!({"mape": 0.1})).unwrap(), Thresholds { mape: 0.1, coverage: 0.75 });
        let e = Thresholds::from_json(&json!({"coverage": 2})).unwrap_err();
        assert_eq!(e.to_string(), "policy key \"monitor.coverage\" = 2 is out of range");
        assert_eq!(e.hint(), "monitor.coverage accepts a share from 0 to 1, e.g. 0.75.");
        let e = Thresholds::from_json(&json!({"mape": 0})).unwrap_err();
        assert!(e.to_string().contains("monitor.mape"), "{e}");
        let e = Thresholds::from_json(&json!({"mapes": 0.1})).unwrap_err();
        assert_eq!(
            e.to_string(),
            "policy key \"monitor\": mapes: unknown field `mapes`, expected `mape` or `coverage`"
        );
    }
}

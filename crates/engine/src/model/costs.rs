//! Cost per unit, for channels measured in impressions or GRPs (docs/02-fitting.md, "Channels in
//! impressions or GRPs (cost per unit)"): the model is fitted on the units; every answer that
//! speaks spend (ROAS, allocations, budgets, response curves) speaks money, `spend = units × cost
//! per unit`, and a budget becomes units with the cost of a unit over the horizon. [`Costs`] is
//! the one place that converts; the fit itself never sees it.
//!
//! A cost is a constant per channel (config key `cost_per_unit`) or a table by date (and geo)
//! and channel (`mmm_fit(..., cost_per_unit)`); channels without one cost 1 per unit, as in
//! PyMC-Marketing 1.3. Beyond the training weeks (the optimizer's horizon, response curves) a
//! unit costs what it cost in the cell's last training week: a constant is that constant.

use super::design::Panel;
use super::spec::ModelSpec;
use crate::calendar::Date;
use crate::inference::Fit;
use std::collections::{BTreeMap, BTreeSet};

/// One row of a cost table: what a unit of `channel` cost on `date` (in `geo` of a panel).
#[derive(Debug, Clone, PartialEq)]
pub struct CostRow {
    pub date: Date,
    /// `None` in a national model's table.
    pub geo: Option<String>,
    pub channel: String,
    pub cost_per_unit: f64,
}

impl CostRow {
    /// The row as an error shows it: `(date 2024-01-01, geo 'north', channel 'tv', cost_per_unit 0)`.
    pub fn described(&self) -> String {
        let geo = self.geo.as_ref().map_or(String::new(), |g| format!(", geo '{g}'"));
        format!("(date {}{geo}, channel '{}', cost_per_unit {})", self.date, self.channel, self.cost_per_unit)
    }
}

/// Costs that cannot be used; each names the channel, geo or row at fault.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum CostError {
    #[error("cost_per_unit is given both as the config key and as a table")]
    Both,
    #[error("cost_per_unit names channel \"{0}\", which the model has not")]
    UnknownChannel(String),
    #[error("cost_per_unit row {0}: the model has no geo of that name")]
    UnknownGeo(String),
    #[error("cost_per_unit of channel \"{channel}\" = {value} must be a finite number > 0")]
    NotPositive { channel: String, value: f64 },
    #[error("cost_per_unit row {0}: the cost must be a finite number > 0")]
    BadRow(String),
    #[error("cost_per_unit row {0} appears more than once")]
    Duplicate(String),
    #[error("cost_per_unit has no row for channel \"{channel}\"{} on {date}, a training week (the first one missing)",
        .geo.as_ref().map_or(String::new(), |g| format!(" in geo \"{g}\"")))]
    Missing { channel: String, geo: Option<String>, date: Date },
}

impl CostError {
    pub fn hint(&self) -> String {
        match self {
            CostError::Both => "Give constant costs in config (\"cost_per_unit\": {\"tv\": 0.004}) or a table \
                                 (cost_per_unit => 'costs'), not both."
                .into(),
            CostError::UnknownChannel(_) | CostError::UnknownGeo(_) => {
                "Costs are keyed by the model's channel (and geo) names.".into()
            }
            CostError::NotPositive { .. } | CostError::BadRow(_) => {
                "A cost per unit is money per unit of the channel's column, a finite number > 0.".into()
            }
            CostError::Duplicate(_) => "Give one cost per (date, geo, channel).".into(),
            CostError::Missing { .. } => "A channel of the cost table needs a row for every training week (and geo); \
                                          channels left out of it cost 1 per unit. mmm_refit uses the rows stored \
                                          with the model: for new weeks, fit anew with mmm_fit(..., cost_per_unit => ...)."
                .into(),
        }
    }
}

/// What a unit of every (geo, channel) cell cost in every week of a panel.
#[derive(Debug, Clone, PartialEq)]
pub struct Costs {
    channels: usize,
    /// Per cell, geo-major as the optimizer's cells: the cost of a unit week by week.
    per_unit: Vec<Vec<f64>>,
    /// Per cell: the spend in money week by week, units × cost.
    spend: Vec<Vec<f64>>,
}

/// Checks constant costs against the model's channels (a fit does, before sampling).
pub fn check_constants(constants: &BTreeMap<String, f64>, channels: &[String]) -> Result<(), CostError> {
    for (channel, &value) in constants {
        if !channels.contains(channel) {
            return Err(CostError::UnknownChannel(channel.clone()));
        }
        if !(value.is_finite() && value > 0.0) {
            return Err(CostError::NotPositive { channel: channel.clone(), value });
        }
    }
    Ok(())
}

impl Costs {
    /// The costs of `spec` (its `cost_per_unit` constants or its cost table) over the weeks of
    /// `panel`, checked: known channels and geos, finite costs > 0, one row per (date, geo,
    /// channel), and every week of `panel` for each channel the table lists.
    pub fn of(spec: &ModelSpec, panel: &Panel) -> Result<Costs, CostError> {
        let channels = panel.channel_names();
        let n = channels.len();
        let weeks = panel.dates().len();
        let mut per_unit = vec![vec![1.0; weeks]; panel.series() * n];
        if !spec.cost_per_unit.is_empty() && !spec.cost_table.is_empty() {
            return Err(CostError::Both);
        }
        check_constants(&spec.cost_per_unit, channels)?;
        for (channel, &value) in &spec.cost_per_unit {
            let m = channels.iter().position(|c| c == channel).expect("checked above");
            for g in 0..panel.series() {
                per_unit[g * n + m].fill(value);
            }
        }
        // (geo, channel) → date → cost, for the rows the table lists.
        let mut table: BTreeMap<(usize, usize), BTreeMap<Date, f64>> = BTreeMap::new();
        for row in &spec.cost_table {
            let m = channels
                .iter()
                .position(|c| *c == row.channel)
                .ok_or_else(|| CostError::UnknownChannel(row.channel.clone()))?;
            let g = match &row.geo {
                None if panel.geos.is_empty() => 0,
                geo => geo
                    .as_ref()
                    .and_then(|geo| panel.geos.iter().position(|x| x == geo))
                    .ok_or_else(|| CostError::UnknownGeo(row.described()))?,
            };
            if !(row.cost_per_unit.is_finite() && row.cost_per_unit > 0.0) {
                return Err(CostError::BadRow(row.described()));
            }
            if table.entry((g, m)).or_default().insert(row.date, row.cost_per_unit).is_some() {
                return Err(CostError::Duplicate(row.described()));
            }
        }
        // Every geo of a channel the table lists, even one the table leaves out.
        let listed: BTreeSet<usize> = table.keys().map(|&(_, m)| m).collect();
        for m in listed {
            for g in 0..panel.series() {
                let rows = table.get(&(g, m));
                for (t, date) in panel.dates().iter().enumerate() {
                    match rows.and_then(|r| r.get(date)) {
                        Some(&cost) => per_unit[g * n + m][t] = cost,
                        None => {
                            return Err(CostError::Missing {
                                channel: channels[m].clone(),
                                geo: panel.geos.get(g).cloned(),
                                date: *date,
                            })
                        }
                    }
                }
            }
        }
        let spend = per_unit
            .iter()
            .enumerate()
            .map(|(i, cost)| panel.data[i / n].channels[i % n].iter().zip(cost).map(|(x, c)| x * c).collect())
            .collect();
        Ok(Costs { channels: n, per_unit, spend })
    }

    /// The spend of channel `m` in geo `g` (0 of a national model) week by week, in money.
    pub fn spend(&self, g: usize, m: usize) -> &[f64] {
        &self.spend[g * self.channels + m]
    }

    /// Every cell's spend in money, geo-major.
    pub fn spends(&self) -> &[Vec<f64>] {
        &self.spend
    }

    /// What a unit of channel `m` in geo `g` costs beyond the training weeks: its cost in the
    /// last training week.
    pub fn current(&self, g: usize, m: usize) -> f64 {
        *self.per_unit[g * self.channels + m].last().unwrap_or(&1.0)
    }

    /// The mean weekly spend over every cell, in money: each geo's, summed over geos.
    pub fn mean_weekly_spend(&self) -> f64 {
        let weeks = self.spend.first().map_or(0, Vec::len) as f64;
        self.spend.chunks(self.channels).map(|geo| geo.iter().flatten().sum::<f64>() / weeks).sum()
    }
}

impl Fit {
    /// The costs of the fit's training weeks (checked when it was fitted).
    pub fn costs(&self) -> Costs {
        Costs::of(&self.model.spec, &self.panel).expect("a fit's costs are checked before it samples")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Dataset;

    fn panel(geos: &[&str]) -> Panel {
        let data = |k: f64| {
            let mut d = Dataset::empty(vec!["tv".into(), "radio".into()], vec![]);
            for t in 0..3 {
                d.push(Date::from_ymd(2024, 1, 1).plus_days(7 * t), 1.0, [k * (t + 1) as f64, 2.0], []);
            }
            d
        };
        match geos {
            [] => Panel::national(data(1.0)),
            geos => {
                Panel::from_geos(geos.iter().enumerate().map(|(i, g)| (g.to_string(), data(i as f64 + 1.0))).collect())
                    .unwrap()
            }
        }
    }

    fn row(week: i32, geo: Option<&str>, channel: &str, cost: f64) -> CostRow {
        CostRow {
            date: Date::from_ymd(2024, 1, 1).plus_days(7 * week),
            geo: geo.map(String::from),
            channel: channel.into(),
            cost_per_unit: cost,
        }
    }

    #[test]
    fn constants_and_missing_channels_cost_one() {
        let spec = ModelSpec { cost_per_unit: [("tv".to_string(), 0.5)].into(), ..ModelSpec::default() };
        let costs = Costs::of(&spec, &panel(&[])).unwrap();
        assert_eq!(costs.spend(0, 0), [0.5, 1.0, 1.5]);
        assert_eq!(costs.spend(0, 1), [2.0, 2.0, 2.0]);
        assert_eq!((costs.current(0, 0), costs.current(0, 1)), (0.5, 1.0));
        assert_eq!(costs.mean_weekly_spend(), (3.0 + 6.0) / 3.0);
    }

    #[test]
    fn a_table_varies_by_date_and_geo() {
        let rows = (0..3).flat_map(|t| [row(t, Some("a"), "tv", 1.0 + t as f64), row(t, Some("b"), "tv", 10.0)]);
        let spec = ModelSpec { cost_table: rows.collect(), ..ModelSpec::default() };
        let costs = Costs::of(&spec, &panel(&["a", "b"])).unwrap();
        assert_eq!(costs.spend(0, 0), [1.0, 4.0, 9.0]);
        assert_eq!(costs.spend(1, 0), [20.0, 40.0, 60.0]);
        assert_eq!(costs.spend(1, 1), [2.0, 2.0, 2.0]);
        assert_eq!((costs.current(0, 0), costs.current(1, 0)), (3.0, 10.0));
    }

    #[test]
    fn bad_costs_are_named() {
        let of = |spec: ModelSpec, geos: &[&str]| Costs::of(&spec, &panel(geos)).unwrap_err();
        let table = |rows: Vec<CostRow>| ModelSpec { cost_table: rows, ..ModelSpec::default() };
        let constants =
            |k: &str, v: f64| ModelSpec { cost_per_unit: [(k.to_string(), v)].into(), ..ModelSpec::default() };
        assert_eq!(of(constants("print", 1.0), &[]), CostError::UnknownChannel("print".into()));
        assert!(matches!(of(constants("tv", 0.0), &[]), CostError::NotPositive { .. }));
        assert!(matches!(of(constants("tv", f64::NAN), &[]), CostError::NotPositive { .. }));
        let both = ModelSpec { cost_table: vec![row(0, None, "tv", 1.0)], ..constants("tv", 1.0) };
        assert_eq!(of(both, &[]), CostError::Both);
        let missing = of(table(vec![row(0, Some("a"), "tv", 1.0), row(2, Some("a"), "tv", 1.0)]), &["a", "b"]);
        let second = Date::from_ymd(2024, 1, 8);
        assert_eq!(missing, CostError::Missing { channel: "tv".into(), geo: Some("a".into()), date: second });
        assert_eq!(missing.to_string(), "cost_per_unit has no row for channel \"tv\" in geo \"a\" on 2024-01-08, a training week (the first one missing)");
        let full = |geo: &str| (0..3).map(|t| row(t, Some(geo), "tv", 1.0)).collect::<Vec<_>>();
        assert!(matches!(of(table(full("a")), &["a", "b"]), CostError::Missing { geo: Some(g), .. } if g == "b"));
        assert!(matches!(of(table(full("z")), &["a", "b"]), CostError::UnknownGeo(_)));
        let negative = table(vec![row(1, None, "tv", -2.0)]);
        assert_eq!(
            of(negative, &[]).to_string(),
            "cost_per_unit row (date 2024-01-08, channel 'tv', cost_per_unit -2): the cost must be a finite number > 0"
        );
        assert!(matches!(
            of(table(vec![row(0, None, "tv", 1.0), row(0, None, "tv", 2.0)]), &[]),
            CostError::Duplicate(_)
        ));
    }
}

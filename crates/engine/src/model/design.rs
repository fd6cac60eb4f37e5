//! Training data as the model sees it: validated weekly rows, max-scaled target and channels,
//! unscaled controls, and yearly Fourier columns (docs/01-model.md, "The model"); for a geo
//! panel, one series per geo on shared dates, scaled over all geos or per geo (docs/01-model.md,
//! "Geo panels (engine)").

use crate::calendar::Date;
use serde::{Deserialize, Serialize};
use std::f64::consts::PI;

/// Weekly rows as read from a table: one date, target and value per channel and control.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Dataset {
    pub dates: Vec<Date>,
    pub y: Vec<f64>,
    pub channel_names: Vec<String>,
    /// One series per channel, aligned with `dates`.
    pub channels: Vec<Vec<f64>>,
    pub control_names: Vec<String>,
    pub controls: Vec<Vec<f64>>,
}

/// Data that cannot be fitted; the message names the column.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum DataError {
    #[error("column \"{column}\" has a non-finite value on {date}")]
    NotFinite { column: String, date: Date },
    #[error("channel \"{column}\" has negative spend ({value}) on {date}")]
    NegativeSpend { column: String, value: f64, date: Date },
    #[error("date column has {date} more than once")]
    DuplicateDate { date: Date },
    #[error("date column is not evenly spaced: {gap} days between {from} and {to}, {step} elsewhere")]
    IrregularSpacing { from: Date, to: Date, gap: i32, step: i32 },
    #[error("{rows} rows are too few for this model: it needs at least {min}")]
    TooFewRows { rows: usize, min: usize },
    #[error("target column \"{column}\" is constant")]
    ConstantTarget { column: String },
    #[error("channel \"{column}\" is zero in every row")]
    ZeroChannel { column: String },
    #[error("column \"{column}\" has {found} values for {rows} dates")]
    Length { column: String, found: usize, rows: usize },
    #[error("geo \"{geo}\": {source}")]
    InGeo { geo: String, source: Box<DataError> },
    #[error("geo \"{geo}\" has no row for {date}")]
    MissingRow { geo: String, date: Date },
    #[error("geo \"{geo}\" appears twice")]
    DuplicateGeo { geo: String },
    #[error("geo \"{geo}\": {what} is zero on every date, so it cannot be scaled per geo")]
    ZeroPerGeo { geo: String, what: String },
}

impl DataError {
    /// What to do about it, for the ERROR's hint.
    pub fn hint(&self) -> &'static str {
        match self {
            DataError::NotFinite { .. } => "Replace NaN and Infinity, e.g. with 0 for spend.",
            DataError::NegativeSpend { .. } => "Spend must be >= 0; net out refunds before fitting.",
            DataError::DuplicateDate { .. } => "Aggregate to one row per week, e.g. GROUP BY the date.",
            DataError::IrregularSpacing { .. } => "Fill missing weeks with zero spend so rows are evenly spaced.",
            DataError::TooFewRows { .. } => "Use more weeks, fewer channels or controls, or a smaller l_max.",
            DataError::ConstantTarget { .. } => "The target must vary for the model to explain it.",
            DataError::ZeroChannel { .. } => "Leave out channels without spend.",
            DataError::Length { .. } => "Give every column one value per date.",
            DataError::InGeo { source, .. } => source.hint(),
            DataError::MissingRow { .. } => "Every geo needs a row for every date; add the missing rows (zero spend).",
            DataError::DuplicateGeo { .. } => "Give each geo one series.",
            DataError::ZeroPerGeo { .. } => {
                "Scale that column over all geos (\"scaling\": \"global\") or leave the geo out."
            }
        }
    }
}

/// Scale factors computed once on the training rows and stored with the model.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Scales {
    /// `s_y = max_t y_t`, over every geo of a panel.
    pub target: f64,
    /// `s_m = max_t x_{t,m}`, over every geo of a panel.
    pub channels: Vec<f64>,
    /// Per-geo target scales `max_t y_{t,g}` in geo order when the target is scaled per geo;
    /// empty when `target` serves every geo.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub geo_target: Vec<f64>,
    /// Per-geo channel scales `[geo][channel]` when channels are scaled per geo; empty when
    /// `channels` serve every geo.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub geo_channels: Vec<Vec<f64>>,
}

impl Scales {
    /// One target scale and one scale per channel for every geo.
    pub fn shared(target: f64, channels: Vec<f64>) -> Scales {
        Scales { target, channels, geo_target: Vec::new(), geo_channels: Vec::new() }
    }

    /// The target scale of geo `g`.
    pub fn target_of(&self, g: usize) -> f64 {
        self.geo_target.get(g).copied().unwrap_or(self.target)
    }

    /// The scale of channel `c` in geo `g`.
    pub fn channel_of(&self, g: usize, c: usize) -> f64 {
        self.geo_channels.get(g).map_or(self.channels[c], |s| s[c])
    }

    /// The target scale of each of `geos` geos.
    pub fn targets(&self, geos: usize) -> Vec<f64> {
        (0..geos).map(|g| self.target_of(g)).collect()
    }

    /// Whether every scale is finite and positive, and there is one per channel (and geo).
    pub fn valid(&self, geos: usize, channels: usize) -> bool {
        let ok = |s: &f64| s.is_finite() && *s > 0.0;
        ok(&self.target)
            && self.channels.len() == channels
            && self.channels.iter().all(ok)
            && (self.geo_target.is_empty() || self.geo_target.len() == geos)
            && self.geo_target.iter().all(ok)
            && (self.geo_channels.is_empty() || self.geo_channels.len() == geos)
            && self.geo_channels.iter().all(|s| s.len() == channels && s.iter().all(ok))
    }
}

/// Whether a variable is scaled by its maximum over all geos (PyMC-Marketing's default) or by
/// each geo's own maximum (its `dims=()`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ScaleOver {
    #[default]
    Global,
    PerGeo,
}

/// The config's `"scaling"`: how the target and the channels are scaled, independently.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Scaling {
    pub target: ScaleOver,
    pub channel: ScaleOver,
}

impl Scaling {
    pub fn is_default(&self) -> bool {
        *self == Scaling::default()
    }
}

/// The scaled arrays the log density reads.
#[derive(Debug, Clone, PartialEq)]
pub struct Design {
    pub y: Vec<f64>,
    pub channels: Vec<Vec<f64>>,
    pub controls: Vec<Vec<f64>>,
    /// `sin_1..sin_K, cos_1..cos_K` columns, shared by every geo.
    pub fourier: Vec<Vec<f64>>,
    pub scales: Scales,
    /// The number of series: `y` holds one per geo (one for a national model), geo after geo,
    /// and `channels` and `controls` one column per (geo, channel or control), geo-major.
    pub geos: usize,
    /// The weeks' dates, shared by every geo: the trend and the events read them.
    pub dates: Vec<Date>,
}

impl Design {
    /// Weeks per geo; at least 1, so that it can cut `mu` into per-geo chunks.
    pub fn weeks(&self) -> usize {
        (self.y.len() / self.geos.max(1)).max(1)
    }
}

impl Dataset {
    /// No rows yet, for the named channels and controls.
    pub fn empty(channel_names: Vec<String>, control_names: Vec<String>) -> Dataset {
        Dataset {
            dates: Vec::new(),
            y: Vec::new(),
            channels: vec![Vec::new(); channel_names.len()],
            controls: vec![Vec::new(); control_names.len()],
            channel_names,
            control_names,
        }
    }

    /// Appends one week: its date, target, and values in channel and control order.
    pub fn push(
        &mut self,
        date: Date,
        y: f64,
        channels: impl IntoIterator<Item = f64>,
        controls: impl IntoIterator<Item = f64>,
    ) {
        self.dates.push(date);
        self.y.push(y);
        self.channels.iter_mut().zip(channels).for_each(|(c, v)| c.push(v));
        self.controls.iter_mut().zip(controls).for_each(|(c, v)| c.push(v));
    }

    /// Checks the rows: finite values, non-negative spend, unique and evenly spaced dates, a
    /// varying target, no all-zero channel, and at least `min_rows` rows.
    pub fn validate(&self, target_name: &str, min_rows: usize) -> Result<(), DataError> {
        self.validate_values(target_name)?;
        for (name, x) in self.channel_names.iter().zip(&self.channels) {
            if x.iter().all(|&v| v == 0.0) {
                return Err(DataError::ZeroChannel { column: name.clone() });
            }
        }
        self.validate_dates()?;
        let rows = self.dates.len();
        if rows < min_rows {
            return Err(DataError::TooFewRows { rows, min: min_rows });
        }
        if self.y.iter().all(|&v| v == self.y[0]) {
            return Err(DataError::ConstantTarget { column: target_name.into() });
        }
        Ok(())
    }

    /// Lengths, finite values and non-negative spend.
    fn validate_values(&self, target_name: &str) -> Result<(), DataError> {
        let rows = self.dates.len();
        let columns = std::iter::once((target_name, &self.y))
            .chain(self.channel_names.iter().map(String::as_str).zip(&self.channels))
            .chain(self.control_names.iter().map(String::as_str).zip(&self.controls));
        for (name, values) in columns {
            if values.len() != rows {
                return Err(DataError::Length { column: name.into(), found: values.len(), rows });
            }
            if let Some(t) = values.iter().position(|v| !v.is_finite()) {
                return Err(DataError::NotFinite { column: name.into(), date: self.dates[t] });
            }
        }
        for (name, x) in self.channel_names.iter().zip(&self.channels) {
            if let Some(t) = x.iter().position(|&v| v < 0.0) {
                return Err(DataError::NegativeSpend { column: name.clone(), value: x[t], date: self.dates[t] });
            }
        }
        Ok(())
    }

    /// Dates unique and evenly spaced, in any order.
    pub fn validate_dates(&self) -> Result<(), DataError> {
        let mut sorted = self.dates.clone();
        sorted.sort();
        if let Some(w) = sorted.windows(2).find(|w| w[0] == w[1]) {
            return Err(DataError::DuplicateDate { date: w[0] });
        }
        if let Some(first) = sorted.windows(2).next() {
            let step = first[1].0 - first[0].0;
            if let Some(w) = sorted.windows(2).find(|w| w[1].0 - w[0].0 != step) {
                return Err(DataError::IrregularSpacing { from: w[0], to: w[1], gap: w[1].0 - w[0].0, step });
            }
        }
        Ok(())
    }

    /// Rows in date order (validation allows any input order).
    pub fn sorted(mut self) -> Dataset {
        let mut order: Vec<usize> = (0..self.dates.len()).collect();
        order.sort_by_key(|&i| self.dates[i]);
        let permute = |v: &mut Vec<f64>| *v = order.iter().map(|&i| v[i]).collect();
        permute(&mut self.y);
        self.channels.iter_mut().chain(self.controls.iter_mut()).for_each(permute);
        self.dates = order.iter().map(|&i| self.dates[i]).collect();
        self
    }

    /// The rows `range` of the date order (the rows are sorted).
    pub fn rows(&self, range: std::ops::Range<usize>) -> Dataset {
        let take = |v: &Vec<f64>| v[range.clone()].to_vec();
        Dataset {
            dates: self.dates[range.clone()].to_vec(),
            y: take(&self.y),
            channel_names: self.channel_names.clone(),
            channels: self.channels.iter().map(take).collect(),
            control_names: self.control_names.clone(),
            controls: self.controls.iter().map(take).collect(),
        }
    }

    /// The mean weekly spend of all channels together: the historical budget per period.
    pub fn mean_weekly_spend(&self) -> f64 {
        self.channels.iter().flatten().sum::<f64>() / self.dates.len() as f64
    }

    /// Scales computed on these rows.
    pub fn scales(&self) -> Scales {
        Scales::shared(max_abs(&self.y), self.channels.iter().map(|x| max_abs(x)).collect())
    }

    /// The model's arrays with the given scales (the training scales, also for new weeks).
    pub fn design(&self, scales: &Scales, yearly_seasonality: usize) -> Design {
        Design {
            y: self.y.iter().map(|v| v / scales.target).collect(),
            channels: self
                .channels
                .iter()
                .zip(&scales.channels)
                .map(|(x, s)| x.iter().map(|v| v / s).collect())
                .collect(),
            controls: self.controls.clone(),
            fourier: fourier_columns(&self.dates, yearly_seasonality),
            scales: scales.clone(),
            geos: 1,
            dates: self.dates.clone(),
        }
    }
}

fn max_abs(v: &[f64]) -> f64 {
    v.iter().fold(0.0f64, |m, &x| m.max(x.abs()))
}

impl From<Dataset> for Panel {
    fn from(data: Dataset) -> Panel {
        Panel::national(data)
    }
}

/// Rows over (date × geo): one [`Dataset`] per geo on the same dates, with the same channels
/// and controls. A national model is the panel without a geo dim: one dataset, no labels.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Panel {
    /// Geo labels in PyMC-Marketing's order (sorted); empty for a national model.
    pub geos: Vec<String>,
    /// One dataset per geo in the order of `geos` (one for a national model), dates ascending.
    pub data: Vec<Dataset>,
}

impl Panel {
    /// A national model's rows.
    pub fn national(data: Dataset) -> Panel {
        Panel { geos: Vec::new(), data: vec![data.sorted()] }
    }

    /// Geo series, each in any date order, as a panel: geos sorted as pandas sorts an index
    /// (numerically when every label is a number, else by code point), each series in date
    /// order. Every geo must have every date that any geo has.
    pub fn from_geos(mut series: Vec<(String, Dataset)>) -> Result<Panel, DataError> {
        let numbers: Option<Vec<f64>> = series.iter().map(|(g, _)| g.trim().parse::<f64>().ok()).collect();
        match numbers {
            Some(n) if n.iter().all(|v| v.is_finite()) => {
                let mut keyed: Vec<_> = n.into_iter().zip(series).collect();
                keyed.sort_by(|a, b| a.0.total_cmp(&b.0));
                series = keyed.into_iter().map(|(_, s)| s).collect();
            }
            _ => series.sort_by(|a, b| a.0.cmp(&b.0)),
        }
        if let Some(w) = series.windows(2).find(|w| w[0].0 == w[1].0) {
            return Err(DataError::DuplicateGeo { geo: w[0].0.clone() });
        }
        let mut all: Vec<Date> = series.iter().flat_map(|(_, d)| d.dates.iter().copied()).collect();
        all.sort();
        all.dedup();
        let (geos, data): (Vec<String>, Vec<Dataset>) = series.into_iter().map(|(g, d)| (g, d.sorted())).unzip();
        for (geo, d) in geos.iter().zip(&data) {
            let mut own = d.dates.clone();
            own.dedup();
            if let Some(&date) = all.iter().find(|t| own.binary_search(t).is_err()) {
                return Err(DataError::MissingRow { geo: geo.clone(), date });
            }
        }
        Ok(Panel { geos, data })
    }

    /// The weeks `range` of every geo.
    pub fn rows(&self, range: std::ops::Range<usize>) -> Panel {
        Panel { geos: self.geos.clone(), data: self.data.iter().map(|d| d.rows(range.clone())).collect() }
    }

    /// The number of series (1 for a national model).
    pub fn series(&self) -> usize {
        self.data.len()
    }

    pub fn dates(&self) -> &[Date] {
        &self.data[0].dates
    }

    pub fn channel_names(&self) -> &[String] {
        &self.data[0].channel_names
    }

    pub fn control_names(&self) -> &[String] {
        &self.data[0].control_names
    }

    /// Checks each geo's rows as [`Dataset::validate`] does, naming the geo; a channel may be
    /// zero and the target constant in some geos, not in all.
    pub fn validate(&self, target_name: &str, min_rows: usize) -> Result<(), DataError> {
        if self.geos.is_empty() {
            return self.data[0].validate(target_name, min_rows);
        }
        for (geo, d) in self.geos.iter().zip(&self.data) {
            let checked = d.validate_values(target_name).and_then(|()| d.validate_dates());
            checked.map_err(|e| DataError::InGeo { geo: geo.clone(), source: Box::new(e) })?;
        }
        for (c, name) in self.channel_names().iter().enumerate() {
            if self.data.iter().all(|d| d.channels[c].iter().all(|&v| v == 0.0)) {
                return Err(DataError::ZeroChannel { column: name.clone() });
            }
        }
        let rows = self.dates().len();
        if rows < min_rows {
            return Err(DataError::TooFewRows { rows, min: min_rows });
        }
        let first = self.data[0].y.first().copied();
        if self.data.iter().all(|d| d.y.iter().all(|&v| Some(v) == first)) {
            return Err(DataError::ConstantTarget { column: target_name.into() });
        }
        Ok(())
    }

    /// Scales as PyMC-Marketing 1.3 computes them: by default one target scale and one scale
    /// per channel over every date and geo; per geo over that geo's dates where `scaling`
    /// says so. A national model's are [`Dataset::scales`].
    pub fn scales(&self, scaling: Scaling) -> Result<Scales, DataError> {
        if self.geos.is_empty() {
            return Ok(self.data[0].scales());
        }
        let target = self.data.iter().fold(0.0f64, |m, d| m.max(max_abs(&d.y)));
        let channels = (0..self.channel_names().len())
            .map(|c| self.data.iter().fold(0.0f64, |m, d| m.max(max_abs(&d.channels[c]))))
            .collect();
        let mut scales = Scales::shared(target, channels);
        let zero = |geo: &String, what: String| DataError::ZeroPerGeo { geo: geo.clone(), what };
        if scaling.target == ScaleOver::PerGeo {
            for (geo, d) in self.geos.iter().zip(&self.data) {
                match max_abs(&d.y) {
                    s if s > 0.0 => scales.geo_target.push(s),
                    _ => return Err(zero(geo, "the target".into())),
                }
            }
        }
        if scaling.channel == ScaleOver::PerGeo {
            for (geo, d) in self.geos.iter().zip(&self.data) {
                let own = d.scales().channels;
                if let Some(c) = own.iter().position(|&s| s == 0.0) {
                    return Err(zero(geo, format!("channel \"{}\"", d.channel_names[c])));
                }
                scales.geo_channels.push(own);
            }
        }
        Ok(scales)
    }

    /// The model's arrays with the given scales, geo after geo; the Fourier columns are shared.
    pub fn design(&self, scales: &Scales, yearly_seasonality: usize) -> Design {
        let mut design = Design {
            y: Vec::new(),
            channels: Vec::new(),
            controls: Vec::new(),
            fourier: fourier_columns(self.dates(), yearly_seasonality),
            scales: scales.clone(),
            geos: self.series(),
            dates: self.dates().to_vec(),
        };
        for (g, d) in self.data.iter().enumerate() {
            let s_y = scales.target_of(g);
            design.y.extend(d.y.iter().map(|v| v / s_y));
            for (c, x) in d.channels.iter().enumerate() {
                let s = scales.channel_of(g, c);
                design.channels.push(x.iter().map(|v| v / s).collect());
            }
            design.controls.extend(d.controls.iter().cloned());
        }
        design
    }
}

/// `sin(2πk·doy/365.25)` for k = 1..K, then the cosines, as PyMC-Marketing's yearly Fourier.
pub fn fourier_columns(dates: &[Date], k: usize) -> Vec<Vec<f64>> {
    let angle = |d: &Date, mode: usize| 2.0 * PI * mode as f64 * f64::from(d.day_of_year()) / 365.25;
    let sines = (1..=k).map(|m| dates.iter().map(|d| angle(d, m).sin()).collect());
    let cosines = (1..=k).map(|m| dates.iter().map(|d| angle(d, m).cos()).collect());
    sines.chain(cosines).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn weekly(n: usize) -> Dataset {
        let start = Date::from_ymd(2024, 1, 1);
        Dataset {
            dates: (0..n).map(|i| start.plus_days(7 * i as i32)).collect(),
            y: (0..n).map(|i| 10.0 + i as f64).collect(),
            channel_names: vec!["tv".into()],
            channels: vec![(0..n).map(|i| (i % 3) as f64).collect()],
            control_names: vec![],
            controls: vec![],
        }
    }

    #[test]
    fn scales_and_design() {
        let d = weekly(10);
        let s = d.scales();
        assert_eq!(s.target, 19.0);
        assert_eq!(s.channels, vec![2.0]);
        let design = d.design(&s, 1);
        assert_eq!(design.y[9], 1.0);
        assert_eq!(design.channels[0][2], 1.0);
        assert_eq!(design.fourier.len(), 2);
        assert!((design.fourier[0][0] - (2.0 * PI / 365.25).sin()).abs() < 1e-15);
    }

    #[test]
    fn rejects_bad_rows_naming_the_column() {
        let mut d = weekly(10);
        d.channels[0][3] = -1.0;
        assert!(matches!(d.validate("sales", 5), Err(DataError::NegativeSpend { .. })));
        let mut d = weekly(10);
        d.dates[4] = d.dates[3];
        assert!(matches!(d.validate("sales", 5), Err(DataError::DuplicateDate { .. })));
        let mut d = weekly(10);
        d.dates[9] = d.dates[9].plus_days(1);
        assert!(matches!(d.validate("sales", 5), Err(DataError::IrregularSpacing { gap: 8, .. })));
        let mut d = weekly(10);
        d.y = vec![1.0; 10];
        assert!(d.validate("sales", 5).unwrap_err().to_string().contains("\"sales\""));
        let mut d = weekly(10);
        d.channels[0] = vec![0.0; 10];
        assert!(d.validate("sales", 5).unwrap_err().to_string().contains("\"tv\""));
        assert!(matches!(weekly(10).validate("sales", 11), Err(DataError::TooFewRows { min: 11, .. })));
        let mut d = weekly(10);
        d.y[2] = f64::NAN;
        assert!(matches!(d.validate("sales", 5), Err(DataError::NotFinite { .. })));
    }

    #[test]
    fn sorting_keeps_rows_together() {
        let mut d = weekly(5);
        d.dates.reverse();
        let s = d.clone().sorted();
        assert_eq!(s.dates[0], d.dates[4]);
        assert_eq!(s.y[0], d.y[4]);
        assert_eq!(s.channels[0][0], d.channels[0][4]);
    }

    #[test]
    fn panels_sort_geos_and_need_every_date() {
        let geo = |scale: f64| {
            let mut d = weekly(6);
            d.y.iter_mut().for_each(|v| *v *= scale);
            d
        };
        // Numeric labels sort as numbers, as pandas sorts an integer index.
        let p = Panel::from_geos(vec![("10".into(), geo(1.0)), ("9".into(), geo(2.0))]).unwrap();
        assert_eq!(p.geos, ["9", "10"]);
        let p = Panel::from_geos(vec![("b".into(), geo(1.0)), ("a".into(), geo(2.0)), ("B".into(), geo(3.0))]).unwrap();
        assert_eq!(p.geos, ["B", "a", "b"]);
        let mut short = geo(1.0);
        short.dates.remove(2);
        short.y.remove(2);
        short.channels[0].remove(2);
        let err = Panel::from_geos(vec![("a".into(), geo(1.0)), ("b".into(), short)]).unwrap_err();
        assert_eq!(err, DataError::MissingRow { geo: "b".into(), date: weekly(6).dates[2] });
        assert!(matches!(
            Panel::from_geos(vec![("a".into(), geo(1.0)), ("a".into(), geo(1.0))]),
            Err(DataError::DuplicateGeo { .. })
        ));
        let mut bad = geo(1.0);
        bad.channels[0][1] = -2.0;
        let p = Panel::from_geos(vec![("a".into(), geo(1.0)), ("b".into(), bad)]).unwrap();
        assert!(p.validate("sales", 3).unwrap_err().to_string().starts_with("geo \"b\": channel \"tv\""));
    }

    #[test]
    fn panel_scales_are_global_or_per_geo() {
        let geo = |scale: f64| {
            let mut d = weekly(6);
            d.y.iter_mut().for_each(|v| *v *= scale);
            d.channels[0].iter_mut().for_each(|v| *v *= scale);
            d
        };
        let p = Panel::from_geos(vec![("a".into(), geo(1.0)), ("b".into(), geo(3.0))]).unwrap();
        let global = p.scales(Scaling::default()).unwrap();
        assert_eq!((global.target, global.channels.clone()), (45.0, vec![6.0]));
        assert!(global.geo_target.is_empty() && global.geo_channels.is_empty());
        let design = p.design(&global, 0);
        assert_eq!((design.geos, design.weeks(), design.y.len()), (2, 6, 12));
        assert_eq!(design.y[11], 1.0);
        assert_eq!(design.channels[1][2], 1.0);
        let own = p.scales(Scaling { target: ScaleOver::PerGeo, channel: ScaleOver::Global }).unwrap();
        assert_eq!((own.geo_target.clone(), own.geo_channels.len()), (vec![15.0, 45.0], 0));
        assert_eq!(p.design(&own, 0).y[5], 1.0);
        let own = p.scales(Scaling { target: ScaleOver::Global, channel: ScaleOver::PerGeo }).unwrap();
        assert_eq!(own.geo_channels, vec![vec![2.0], vec![6.0]]);
        // A national panel scales as its dataset does.
        assert_eq!(Panel::national(weekly(6)).scales(Scaling::default()).unwrap(), weekly(6).scales());
    }
}

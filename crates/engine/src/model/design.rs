//! Training data as the model sees it: validated weekly rows, max-scaled target and channels,
//! unscaled controls, and yearly Fourier columns (MODEL.md sections 1-2).

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
        }
    }
}

/// Scale factors computed once on the training rows and stored with the model.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Scales {
    /// `s_y = max_t y_t`.
    pub target: f64,
    /// `s_m = max_t x_{t,m}`.
    pub channels: Vec<f64>,
}

/// The scaled arrays the log density reads.
#[derive(Debug, Clone, PartialEq)]
pub struct Design {
    pub y: Vec<f64>,
    pub channels: Vec<Vec<f64>>,
    pub controls: Vec<Vec<f64>>,
    /// `sin_1..sin_K, cos_1..cos_K` columns.
    pub fourier: Vec<Vec<f64>>,
    pub scales: Scales,
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
            if x.iter().all(|&v| v == 0.0) {
                return Err(DataError::ZeroChannel { column: name.clone() });
            }
        }
        self.validate_dates()?;
        if rows < min_rows {
            return Err(DataError::TooFewRows { rows, min: min_rows });
        }
        if self.y.iter().all(|&v| v == self.y[0]) {
            return Err(DataError::ConstantTarget { column: target_name.into() });
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

    /// The mean weekly spend of all channels together: the historical budget per period.
    pub fn mean_weekly_spend(&self) -> f64 {
        self.channels.iter().flatten().sum::<f64>() / self.dates.len() as f64
    }

    /// Scales computed on these rows.
    pub fn scales(&self) -> Scales {
        let max = |v: &[f64]| v.iter().fold(0.0f64, |m, &x| m.max(x.abs()));
        Scales { target: max(&self.y), channels: self.channels.iter().map(|x| max(x)).collect() }
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
        }
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
}

//! Calendar dates as days since 1970-01-01: enough for weekly data (spacing, day of year for
//! the Fourier terms, ISO printing) without a date-time dependency. The conversions are
//! Howard Hinnant's `days_from_civil` / `civil_from_days` algorithms.

use std::fmt;

/// Serialised as its day number.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize)]
pub struct Date(pub i32);

impl Date {
    pub fn from_ymd(year: i32, month: u32, day: u32) -> Date {
        let y = if month <= 2 { year - 1 } else { year };
        let era = y.div_euclid(400);
        let yoe = y - era * 400;
        let mp = (month as i32 + 9) % 12;
        let doy = (153 * mp + 2) / 5 + day as i32 - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        Date(era * 146_097 + doe - 719_468)
    }

    pub fn ymd(self) -> (i32, u32, u32) {
        let z = self.0 + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z - era * 146_097;
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
        let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
        let year = yoe + era * 400 + i32::from(month <= 2);
        (year, month, day)
    }

    /// 1 for January 1st, as pandas' `dayofyear`.
    pub fn day_of_year(self) -> u32 {
        let (year, _, _) = self.ymd();
        (self.0 - Date::from_ymd(year, 1, 1).0 + 1) as u32
    }

    pub fn plus_days(self, days: i32) -> Date {
        Date(self.0 + days)
    }

    /// Parses `YYYY-MM-DD`.
    pub fn parse(s: &str) -> Option<Date> {
        let mut parts = s.splitn(3, '-');
        let (y, m, d) = (parts.next()?.parse().ok()?, parts.next()?.parse().ok()?, parts.next()?.parse().ok()?);
        let date = Date::from_ymd(y, m, d);
        (date.ymd() == (y, m, d)).then_some(date)
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (y, m, d) = self.ymd();
        write!(f, "{y:04}-{m:02}-{d:02}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_day_of_year() {
        assert_eq!(Date::from_ymd(1970, 1, 1), Date(0));
        assert_eq!(Date::from_ymd(2000, 1, 1), Date(10_957));
        let d = Date::parse("2018-04-02").unwrap();
        assert_eq!(d.to_string(), "2018-04-02");
        assert_eq!(d.day_of_year(), 92); // as in the example data's dayofyear column
        assert_eq!(Date::parse("2020-12-31").unwrap().day_of_year(), 366);
        assert_eq!(Date::parse("2021-02-29"), None);
        for days in -1000..40_000 {
            let (y, m, dd) = Date(days).ymd();
            assert_eq!(Date::from_ymd(y, m, dd), Date(days));
        }
    }
}

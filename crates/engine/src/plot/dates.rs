//! Month ticks for a weekly date axis given as ISO "YYYY-MM-DD" strings.

/// Months opened by the series, labelled "YYYY-MM" at the index of the month's first week.
/// Thinned to every 1, 2, 3, 6, 12, … months so that at most `max` remain; unparsable dates
/// are simply never ticks.
pub fn month_ticks(dates: &[String], max: usize) -> Vec<(usize, String)> {
    let months: Vec<Option<(i64, u32)>> = dates.iter().map(|d| parse(d)).collect();
    let opens: Vec<(usize, i64)> = months
        .iter()
        .enumerate()
        .filter_map(|(i, m)| {
            let (month, day) = (*m)?;
            let previous = i.checked_sub(1).and_then(|p| months[p]).map(|(pm, _)| pm);
            // A series that starts mid-month has not "opened" that month: its label would mislead.
            let opens = previous.map_or(day <= 7, |pm| pm != month);
            opens.then_some((i, month))
        })
        .collect();
    for step in [1, 2, 3, 6, 12, 24, 60, 120, 240, 600, 1200] {
        let picked: Vec<&(usize, i64)> = opens.iter().filter(|(_, m)| m.rem_euclid(step) == 0).collect();
        if picked.len() <= max {
            return picked
                .iter()
                .map(|(i, m)| (*i, format!("{:04}-{:02}", m.div_euclid(12), m.rem_euclid(12) + 1)))
                .collect();
        }
    }
    Vec::new()
}

/// Months since year 0 and day of month, or `None` if `s` does not start with "YYYY-MM".
fn parse(s: &str) -> Option<(i64, u32)> {
    let year: i64 = s.get(0..4)?.parse().ok()?;
    let month: i64 = s.get(5..7)?.parse().ok().filter(|m| (1..=12).contains(m))?;
    let day = s.get(8..10).and_then(|d| d.parse().ok()).unwrap_or(1);
    (s.get(4..5) == Some("-")).then_some((year * 12 + month - 1, day))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn weekly(start_day: u32, weeks: usize) -> Vec<String> {
        // Good enough calendar for tests: 28-day Februaries are not needed to test tick choice.
        let (mut y, mut m, mut d) = (2019, 1, start_day);
        (0..weeks)
            .map(|_| {
                let s = format!("{y:04}-{m:02}-{d:02}");
                d += 7;
                if d > 30 {
                    d -= 30;
                    m += 1;
                    if m > 12 {
                        m = 1;
                        y += 1;
                    }
                }
                s
            })
            .collect()
    }

    #[test]
    fn three_years_of_weeks_get_half_year_ticks() {
        let ticks = month_ticks(&weekly(7, 150), 8);
        let labels: Vec<&str> = ticks.iter().map(|(_, l)| l.as_str()).collect();
        assert_eq!(labels, ["2019-01", "2019-07", "2020-01", "2020-07", "2021-01", "2021-07"]);
        assert_eq!(ticks[0].0, 0);
    }

    #[test]
    fn a_mid_month_start_is_not_a_tick() {
        let ticks = month_ticks(&weekly(20, 10), 8);
        assert_eq!(ticks[0].1, "2019-02");
    }

    #[test]
    fn garbage_dates_give_no_ticks_and_no_panic() {
        let dates: Vec<String> =
            ["", "2019", "20é9-01-01", "abcd-ef-gh", "2019-13-01"].iter().map(|s| s.to_string()).collect();
        assert!(month_ticks(&dates, 8).is_empty());
    }
}

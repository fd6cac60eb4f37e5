//! Time-varying multipliers: each latent process (the intercept's, the media's) over the weeks
//! with its band, against the constant model's 1.

use super::axis::{numeric_ticks, x_axis, y_axis, LEGEND_X, PLOT};
use super::color;
use super::contributions::date_ticks;
use super::legend::{self, Entry, Mark, FAINT};
use super::scale::{Extent, Scale};
use super::svg::{Svg, N};
use super::Band;

const TITLE: &str = "Time-varying multipliers";
const REFERENCE: &str = "#7f7f7f";

/// One line with its band per process (`(label, band per week)`, in the given order) over
/// evenly spaced `dates`, and a dashed line at 1, the multiplier of a constant effect (and the
/// mean of each process over the training weeks). Non-finite values are gaps.
pub fn time_varying(dates: &[String], processes: &[(String, Vec<Band>)]) -> String {
    let n = dates.len();
    let mut ys = Extent::new();
    for (_, bands) in processes {
        bands.iter().take(n).flat_map(|b| [b.mean, b.lower, b.upper]).filter(|v| v.is_finite()).for_each(|v| ys.add(v));
    }
    if !ys.has_data() {
        return Svg::no_data(TITLE);
    }
    ys.add(1.0);
    let yt = ys.ticks(6);
    let sx = Scale::new((0.0, n.saturating_sub(1) as f64), PLOT.xs());
    let sy = Scale::of(&yt, PLOT.ys());

    let mut svg = Svg::new(TITLE);
    x_axis(&mut svg, PLOT, &date_ticks(dates, &sx), "date");
    y_axis(&mut svg, PLOT, &numeric_ticks(&yt, &sy), "multiplier");
    let (x0, x1) = PLOT.xs();
    svg.line(x0, sy.map(1.0), x1, sy.map(1.0), &format!(r#"stroke="{REFERENCE}" stroke-dasharray="4 3""#));
    let mut entries = Vec::new();
    for (i, (label, bands)) in processes.iter().enumerate() {
        let band: Vec<(f64, f64, f64)> = bands
            .iter()
            .take(n)
            .enumerate()
            .map(|(t, b)| (sx.map(t as f64), sy.map(b.lower), sy.map(b.upper)))
            .collect();
        svg.band(&band, &format!(r#"fill="{}" fill-opacity="{}""#, color(i), N(FAINT)));
        let line: Vec<(f64, f64)> =
            bands.iter().take(n).enumerate().map(|(t, b)| (sx.map(t as f64), sy.map(b.mean))).collect();
        svg.polyline(&line, &format!(r#"stroke="{}" stroke-width="2" stroke-linejoin="round""#, color(i)));
        entries.push(Entry::new(label, color(i), Mark::Line));
    }
    entries.push(Entry::new("constant (1)", REFERENCE, Mark::Line));
    legend::column(&mut svg, LEGEND_X, PLOT.y, PLOT.h, &entries);
    svg.finish()
}

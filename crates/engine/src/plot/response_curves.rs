//! Response curves: expected response per channel over weekly spend, with credible bands.

use super::axis::{numeric_ticks, x_axis, y_axis, LEGEND_X, PLOT};
use super::legend::{self, Entry, Mark, FAINT};
use super::scale::{Extent, Scale};
use super::svg::{Svg, N};
use super::{color, Band, Curve};

const TITLE: &str = "Response curves";

/// One line and band per channel, in channel order, over spend per week; `target_label` names the
/// response's unit on the y axis.
pub fn response_curves(curves: &[Curve], target_label: &str) -> String {
    let points: Vec<Vec<(f64, Band)>> = curves.iter().map(sorted_points).collect();
    let (mut xs, mut ys) = (Extent::new(), Extent::new());
    for (c, pts) in curves.iter().zip(&points) {
        for (s, b) in pts {
            xs.add(*s);
            [b.mean, b.lower, b.upper].into_iter().for_each(|v| ys.add(v));
        }
        if let Some(s) = c.current_spend {
            xs.add(s);
        }
    }
    if !xs.has_data() || !ys.has_data() {
        return Svg::no_data(TITLE);
    }
    // Curves start at zero spend and zero response: anchoring both axes at 0 keeps slopes honest.
    xs.add(0.0);
    ys.add(0.0);
    let (xt, yt) = (xs.ticks(8), ys.ticks(6));
    let (sx, sy) = (Scale::of(&xt, PLOT.xs()), Scale::of(&yt, PLOT.ys()));

    let mut svg = Svg::new(TITLE);
    x_axis(&mut svg, PLOT, &numeric_ticks(&xt, &sx), "spend per week");
    y_axis(&mut svg, PLOT, &numeric_ticks(&yt, &sy), &format!("response ({target_label})"));
    for (i, pts) in points.iter().enumerate() {
        let band: Vec<(f64, f64, f64)> =
            pts.iter().map(|(s, b)| (sx.map(*s), sy.map(b.lower), sy.map(b.upper))).collect();
        svg.band(&band, &format!(r#"fill="{}" fill-opacity="{}""#, color(i), N(FAINT)));
    }
    for (i, pts) in points.iter().enumerate() {
        let means: Vec<(f64, f64)> = pts.iter().map(|(s, b)| (sx.map(*s), sy.map(b.mean))).collect();
        svg.polyline(&means, &format!(r#"stroke="{}" stroke-width="2.5" stroke-linejoin="round""#, color(i)));
    }
    for (i, (c, pts)) in curves.iter().zip(&points).enumerate() {
        if let Some((s, r)) = c.current_spend.and_then(|s| Some((s, mean_at(pts, s)?))) {
            svg.circle(
                sx.map(s),
                sy.map(r),
                5.5,
                &format!(r##"fill="{}" stroke="#000" stroke-width="1.5""##, color(i)),
            );
        }
    }

    let mut entries: Vec<Entry> =
        curves.iter().enumerate().map(|(i, c)| Entry::new(&c.channel, color(i), Mark::Line)).collect();
    entries.push(Entry::new("credible interval", "#777", Mark::Faint));
    if curves.iter().any(|c| c.current_spend.is_some()) {
        entries.push(Entry::new("current spend", "#777", Mark::Dot));
    }
    legend::column(&mut svg, LEGEND_X, PLOT.y, PLOT.h, &entries);
    svg.finish()
}

/// Points with a finite spend, in increasing spend so lines and band outlines do not zigzag.
fn sorted_points(c: &Curve) -> Vec<(f64, Band)> {
    let mut pts: Vec<(f64, Band)> =
        c.spend.iter().zip(&c.response).filter(|(s, _)| s.is_finite()).map(|(s, b)| (*s, *b)).collect();
    pts.sort_by(|a, b| a.0.total_cmp(&b.0));
    pts
}

/// Mean response at spend `s`, linearly interpolated; `None` outside the evaluated spend grid.
fn mean_at(pts: &[(f64, Band)], s: f64) -> Option<f64> {
    let finite: Vec<(f64, f64)> = pts.iter().filter(|(_, b)| b.mean.is_finite()).map(|(x, b)| (*x, b.mean)).collect();
    let i = finite.iter().position(|(x, _)| *x >= s)?;
    let (x1, y1) = finite[i];
    if i == 0 {
        return (x1 == s).then_some(y1);
    }
    let (x0, y0) = finite[i - 1];
    Some(y0 + (y1 - y0) * (s - x0) / (x1 - x0))
}

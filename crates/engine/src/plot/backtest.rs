//! A rolling backtest over its origins: the plan's percentage gain over the equal split with
//! its band, above the holdout forecast's MAPE.

use super::axis::{numeric_ticks, x_axis, y_axis, Rect, Tick, LEGEND_X};
use super::legend::{self, Entry, Mark, FAINT};
use super::scale::{Extent, Scale};
use super::svg::{fit, Anchor, Svg, N};
use super::{color, BacktestOrigin};

const TITLE: &str = "Rolling backtest of budget plans";
const GAIN: Rect = Rect { x: 78.0, y: 70.0, w: 540.0, h: 170.0 };
const MAPE: Rect = Rect { x: 78.0, y: 290.0, w: 540.0, h: 150.0 };
/// Most origin labels on the shared x axis before they are thinned.
const MAX_LABELS: usize = 8;

/// Two panels sharing the origins as x (evenly spaced, in the order given): the percentage gain
/// of each origin's plan with its band and a zero line (a plan below it loses to the equal
/// split), and the holdout MAPE of the forecast of each horizon, in percent.
pub fn backtest(origins: &[BacktestOrigin]) -> String {
    let (mut gains, mut mapes) = (Extent::new(), Extent::new());
    for o in origins {
        [o.gain.mean, o.gain.lower, o.gain.upper].into_iter().for_each(|v| gains.add(100.0 * v));
        mapes.add(100.0 * o.holdout_mape);
    }
    if !gains.has_data() && !mapes.has_data() {
        return Svg::no_data(TITLE);
    }
    // Zero belongs on both axes: gains are read against it, and a MAPE from it.
    gains.add(0.0);
    mapes.add(0.0);
    let n = origins.len();
    // A single origin sits in the middle rather than on the left edge.
    let domain = if n > 1 { (0.0, (n - 1) as f64) } else { (-1.0, 1.0) };
    let sx = Scale::new(domain, GAIN.xs());
    let every = n.div_ceil(MAX_LABELS).max(1);
    let ticks = |labelled: bool| -> Vec<Tick> {
        (0..n)
            .step_by(every)
            .map(|i| Tick {
                at: sx.map(i as f64),
                label: if labelled { fit(&origins[i].date, 10) } else { String::new() },
                zero: false,
            })
            .collect()
    };

    let mut svg = Svg::new(TITLE);
    let heading = |svg: &mut Svg, r: Rect, text: &str| {
        svg.text(r.x + r.w / 2.0, r.y - 8.0, text, 13.0, Anchor::Middle, r#"font-weight="bold""#)
    };
    heading(&mut svg, GAIN, "Gain of the plan over the equal split");
    let yt = gains.ticks(5);
    let sy = Scale::of(&yt, GAIN.ys());
    x_axis(&mut svg, GAIN, &ticks(false), "");
    y_axis(&mut svg, GAIN, &numeric_ticks(&yt, &sy), "gain (%)");
    let band: Vec<(f64, f64, f64)> = origins
        .iter()
        .enumerate()
        .map(|(i, o)| (sx.map(i as f64), sy.map(100.0 * o.gain.lower), sy.map(100.0 * o.gain.upper)))
        .collect();
    svg.band(&band, &format!(r#"fill="{}" fill-opacity="{}""#, color(0), N(FAINT)));
    series(&mut svg, &sx, &sy, origins.iter().map(|o| o.gain.mean), color(0));

    heading(&mut svg, MAPE, "Holdout forecast error");
    let yt = mapes.ticks(4);
    let sy = Scale::of(&yt, MAPE.ys());
    x_axis(&mut svg, MAPE, &ticks(true), "origin");
    y_axis(&mut svg, MAPE, &numeric_ticks(&yt, &sy), "MAPE (%)");
    series(&mut svg, &sx, &sy, origins.iter().map(|o| o.holdout_mape), color(3));

    let entries = [
        Entry::new("gain (mean)", color(0), Mark::Line),
        Entry::new("plan's band", color(0), Mark::Faint),
        Entry::new("holdout MAPE", color(3), Mark::Line),
    ];
    legend::column(&mut svg, LEGEND_X, GAIN.y, 60.0, &entries);
    svg.finish()
}

/// A line with a dot at each origin, of shares drawn as percentages.
fn series(svg: &mut Svg, sx: &Scale, sy: &Scale, shares: impl Iterator<Item = f64>, colour: &str) {
    let points: Vec<(f64, f64)> = shares.enumerate().map(|(i, v)| (sx.map(i as f64), sy.map(100.0 * v))).collect();
    svg.polyline(&points, &format!(r#"stroke="{colour}" stroke-width="2.5" stroke-linejoin="round""#));
    for &(x, y) in points.iter().filter(|(x, y)| x.is_finite() && y.is_finite()) {
        svg.circle(x, y, 4.0, &format!(r#"fill="{colour}""#));
    }
}

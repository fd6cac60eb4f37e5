//! Plot frames: gridlines, tick labels and axis titles around a plotting rectangle.

use super::scale::{tick_label, Scale, Ticks};
use super::svg::{fit_width, Anchor, Svg, N};

/// A plotting rectangle in pixels.
#[derive(Clone, Copy)]
pub struct Rect {
    pub x: f64,
    pub y: f64,
    pub w: f64,
    pub h: f64,
}

impl Rect {
    pub fn right(&self) -> f64 {
        self.x + self.w
    }

    pub fn bottom(&self) -> f64 {
        self.y + self.h
    }

    /// Pixel range for an x scale.
    pub fn xs(&self) -> (f64, f64) {
        (self.x, self.right())
    }

    /// Pixel range for a y scale: data grows upward.
    pub fn ys(&self) -> (f64, f64) {
        (self.bottom(), self.y)
    }
}

/// Plot area of the single-panel charts; the column right of it, from `LEGEND_X`, holds the legend.
pub const PLOT: Rect = Rect { x: 78.0, y: 52.0, w: 540.0, h: 388.0 };
pub const LEGEND_X: f64 = 638.0;

pub const LABEL_SIZE: f64 = 11.0;
const TITLE_SIZE: f64 = 13.0;
const GRID: &str = r##"stroke="#e6e6e6""##;
/// The zero line is darker: it separates gains from losses in every chart.
const ZERO: &str = r##"stroke="#999""##;
const AXIS: &str = r##"stroke="#444""##;
pub const MUTED: &str = r##"fill="#444""##;

/// A labelled tick at pixel position `at`.
pub struct Tick {
    pub at: f64,
    pub label: String,
    pub zero: bool,
}

pub fn numeric_ticks(ticks: &Ticks, scale: &Scale) -> Vec<Tick> {
    ticks.values.iter().map(|&v| Tick { at: scale.map(v), label: tick_label(v, ticks.step), zero: v == 0.0 }).collect()
}

/// Vertical gridlines labelled under `r`, the bottom axis line and the axis title.
pub fn x_axis(svg: &mut Svg, r: Rect, ticks: &[Tick], title: &str) {
    for t in ticks {
        svg.line(t.at, r.y, t.at, r.bottom(), if t.zero { ZERO } else { GRID });
        svg.text(t.at, r.bottom() + 16.0, &t.label, LABEL_SIZE, Anchor::Middle, MUTED);
    }
    svg.line(r.x, r.bottom(), r.right(), r.bottom(), AXIS);
    svg.text(r.x + r.w / 2.0, r.bottom() + 40.0, &fit_width(title, TITLE_SIZE, r.w), TITLE_SIZE, Anchor::Middle, "");
}

/// Horizontal gridlines labelled left of `r`, the left axis line and the rotated axis title.
pub fn y_axis(svg: &mut Svg, r: Rect, ticks: &[Tick], title: &str) {
    for t in ticks {
        svg.line(r.x, t.at, r.right(), t.at, if t.zero { ZERO } else { GRID });
        svg.text(r.x - 6.0, t.at + 4.0, &t.label, LABEL_SIZE, Anchor::End, MUTED);
    }
    svg.line(r.x, r.y, r.x, r.bottom(), AXIS);
    let (x, y) = (r.x - 50.0, r.y + r.h / 2.0);
    let rotate = format!(r#"transform="rotate(-90 {} {})""#, N(x), N(y));
    svg.text(x, y, &fit_width(title, TITLE_SIZE, r.h), TITLE_SIZE, Anchor::Middle, &rotate);
}

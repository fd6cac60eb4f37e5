//! Budget allocation: current (historical) vs optimized spend and expected contribution,
//! per channel.

use super::axis::{numeric_ticks, y_axis, Rect, LABEL_SIZE, MUTED};
use super::legend::{self, Entry, Mark, FAINT};
use super::scale::{Extent, Scale};
use super::svg::{fit, text_width, Anchor, Svg, N, WIDTH};
use super::{color, AllocationBar, Band};

const TITLE: &str = "Budget allocation: current vs optimized";
const SPEND: Rect = Rect { x: 72.0, y: 88.0, w: 300.0, h: 340.0 };
const CONTRIBUTION: Rect = Rect { x: 482.0, y: 88.0, w: 300.0, h: 340.0 };
const KEY: &str = "#555";
const WHISKER: &str = "#222";

/// Two panels of grouped bars, one group per channel: spend per period on the left, expected
/// contribution with its credible interval as whiskers on the right. In each group the
/// translucent bar is the current allocation and the solid one the optimized allocation.
pub fn allocation(bars: &[AllocationBar], target_label: &str) -> String {
    let no_band = |v: f64| Band { mean: v, lower: f64::NAN, upper: f64::NAN };
    let spend: Vec<[Band; 2]> = bars.iter().map(|b| [no_band(b.current_spend), no_band(b.optimized_spend)]).collect();
    let contribution: Vec<[Band; 2]> = bars.iter().map(|b| [b.current_response, b.optimized_response]).collect();
    let extent = |groups: &[[Band; 2]]| {
        let mut e = Extent::new();
        groups.iter().flatten().flat_map(|b| [b.mean, b.lower, b.upper]).for_each(|v| e.add(v));
        e
    };
    let (spend_range, contribution_range) = (extent(&spend), extent(&contribution));
    if !spend_range.has_data() && !contribution_range.has_data() {
        return Svg::no_data(TITLE);
    }

    let mut svg = Svg::new(TITLE);
    let key = [
        Entry::new("current (historical)", KEY, Mark::Faint),
        Entry::new("optimized", KEY, Mark::Fill),
        Entry::new("credible interval", WHISKER, Mark::Whisker),
    ];
    legend::row(&mut svg, WIDTH / 2.0, 54.0, &key);
    let names: Vec<&str> = bars.iter().map(|b| b.channel.as_str()).collect();
    panel(&mut svg, SPEND, "Spend", "spend per period", &names, &spend, spend_range);
    let y_title = format!("expected contribution ({target_label})");
    panel(&mut svg, CONTRIBUTION, "Expected contribution", &y_title, &names, &contribution, contribution_range);
    svg.finish()
}

/// One panel: bars from zero (so negative values hang down), whiskers where the band is finite.
fn panel(
    svg: &mut Svg,
    r: Rect,
    heading: &str,
    y_title: &str,
    names: &[&str],
    groups: &[[Band; 2]],
    mut range: Extent,
) {
    range.add(0.0);
    let ticks = range.ticks(6);
    let sy = Scale::of(&ticks, r.ys());
    svg.text(r.x + r.w / 2.0, r.y - 10.0, heading, 13.0, Anchor::Middle, r#"font-weight="bold""#);
    y_axis(svg, r, &numeric_ticks(&ticks, &sy), y_title);

    let slot = r.w / groups.len() as f64;
    let bar_w = (slot * 0.36).min(48.0);
    for (i, pair) in groups.iter().enumerate() {
        let center = r.x + slot * (i as f64 + 0.5);
        for (k, b) in pair.iter().enumerate() {
            let x = if k == 0 { center - bar_w - 1.0 } else { center + 1.0 };
            if b.mean.is_finite() {
                let (y0, y1) = (sy.map(0.0), sy.map(b.mean));
                let style = match k {
                    0 => format!(r#"fill="{c}" fill-opacity="{}" stroke="{c}""#, N(FAINT), c = color(i)),
                    _ => format!(r#"fill="{}""#, color(i)),
                };
                svg.rect(x, y0.min(y1), bar_w, (y1 - y0).abs(), &style);
            }
            if b.lower.is_finite() && b.upper.is_finite() {
                let (mid, cap) = (x + bar_w / 2.0, bar_w * 0.2);
                let (lo, hi) = (sy.map(b.lower), sy.map(b.upper));
                let stroke = format!(r#"stroke="{WHISKER}" stroke-width="1.3""#);
                svg.line(mid, lo, mid, hi, &stroke);
                svg.line(mid - cap, lo, mid + cap, lo, &stroke);
                svg.line(mid - cap, hi, mid + cap, hi, &stroke);
            }
        }
    }
    category_labels(svg, r, names, slot);
}

/// Channel names under their groups, slanted when they would not fit side by side.
fn category_labels(svg: &mut Svg, r: Rect, names: &[&str], slot: f64) {
    let names: Vec<String> = names.iter().map(|s| fit(s, 16)).collect();
    let slanted = names.iter().any(|s| text_width(s, LABEL_SIZE) > slot - 4.0);
    for (i, name) in names.iter().enumerate() {
        let (x, y) = (r.x + slot * (i as f64 + 0.5), r.bottom() + 16.0);
        if slanted {
            let attrs = format!(r#"{MUTED} transform="rotate(-35 {} {})""#, N(x), N(y - 4.0));
            svg.text(x, y, name, LABEL_SIZE, Anchor::End, &attrs);
        } else {
            svg.text(x, y, name, LABEL_SIZE, Anchor::Middle, MUTED);
        }
    }
}

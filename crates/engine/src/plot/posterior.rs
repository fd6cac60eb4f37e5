//! Forest plot of posterior parameter intervals.

use super::axis::{numeric_ticks, x_axis, Rect, LEGEND_X, MUTED, PLOT};
use super::legend::{self, Entry, Mark};
use super::scale::{Extent, Scale};
use super::svg::{fit, text_width, Anchor, Svg, N};
use super::{color, Band};

const TITLE: &str = "Posterior parameter intervals";
/// Rows whose label names no channel ("intercept", "likelihood_sigma") get this neutral ink.
const INK: &str = "#333";

/// One row per parameter, top to bottom in the given order: a dot at the mean and a line from
/// lower to upper. Rows labelled like "saturation_beta[x1]" are coloured by the bracketed name in
/// order of first appearance, which matches channel colours elsewhere when channels come first.
/// `hdi_prob` is the interval's probability as a fraction (0.94 → "94% HDI"). All rows share one
/// x axis, so mixing parameters of very different scale squeezes the small ones.
pub fn posterior(rows: &[(String, Band)], hdi_prob: f64) -> String {
    let mut xs = Extent::new();
    rows.iter().flat_map(|(_, b)| [b.mean, b.lower, b.upper]).for_each(|v| xs.add(v));
    if !xs.has_data() {
        return Svg::no_data(TITLE);
    }
    let interval =
        if hdi_prob > 0.0 && hdi_prob <= 1.0 { format!("{}% HDI", N(hdi_prob * 100.0)) } else { "HDI".to_string() };
    let pitch = PLOT.h / rows.len() as f64;
    let size = (pitch * 0.75).clamp(6.0, 11.0);
    let labels: Vec<String> = rows.iter().map(|(l, _)| fit(l, 40)).collect();
    // Long parameter names set the left margin rather than being cut to a fixed one.
    let label_w = labels.iter().map(|l| text_width(l, size)).fold(40.0, f64::max).min(260.0);
    let r = Rect { x: label_w + 20.0, w: PLOT.right() - label_w - 20.0, ..PLOT };
    let xt = xs.ticks((r.w / 70.0).clamp(3.0, 8.0) as usize);
    let sx = Scale::of(&xt, r.xs());

    let mut groups: Vec<&str> = Vec::new();
    let ink: Vec<&'static str> = rows
        .iter()
        .map(|(l, _)| match group(l) {
            Some(g) => color(groups.iter().position(|k| *k == g).unwrap_or_else(|| {
                groups.push(g);
                groups.len() - 1
            })),
            None => INK,
        })
        .collect();

    let mut svg = Svg::new(TITLE);
    for i in (1..rows.len()).step_by(2) {
        svg.rect(r.x, r.y + i as f64 * pitch, r.w, pitch, r##"fill="#f3f3f3""##);
    }
    x_axis(&mut svg, r, &numeric_ticks(&xt, &sx), &format!("value ({interval})"));
    for (i, ((label, (_, b)), c)) in labels.iter().zip(rows).zip(&ink).enumerate() {
        let y = r.y + (i as f64 + 0.5) * pitch;
        svg.text(r.x - 6.0, y + size * 0.35, label, size, Anchor::End, MUTED);
        if b.lower.is_finite() && b.upper.is_finite() {
            svg.line(sx.map(b.lower), y, sx.map(b.upper), y, &format!(r#"stroke="{c}" stroke-width="2""#));
        }
        if b.mean.is_finite() {
            svg.circle(sx.map(b.mean), y, (pitch * 0.35).min(4.5), &format!(r##"fill="{c}" stroke="#fff""##));
        }
    }

    let mut entries = vec![Entry::new("mean", INK, Mark::Dot), Entry::new(&interval, INK, Mark::Line)];
    entries.extend(groups.iter().enumerate().map(|(i, g)| Entry::new(g, color(i), Mark::Fill)));
    legend::column(&mut svg, LEGEND_X, PLOT.y, PLOT.h, &entries);
    svg.finish()
}

/// The bracketed part of "name[group]", e.g. the channel of "saturation_beta[x1]".
fn group(label: &str) -> Option<&str> {
    let open = label.rfind('[')?;
    let close = open + label[open..].find(']')?;
    Some(&label[open + 1..close]).filter(|g| !g.is_empty())
}

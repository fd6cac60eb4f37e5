//! Legends: a column beside the single-panel charts, a row above the allocation panels.

use super::axis::LABEL_SIZE;
use super::svg::{fit_width, text_width, Anchor, Svg, N, WIDTH};

/// Opacity of translucent fills (bands, current bars), shared so legends match the plots.
pub const FAINT: f64 = 0.3;
const SIZE: f64 = 12.0;
/// Room taken by the mark before the label starts.
const MARK_W: f64 = 22.0;

/// How an entry's mark looks, matching how its series is drawn.
pub enum Mark {
    /// Solid swatch: stacked areas, optimized bars, parameter groups.
    Fill,
    /// Translucent swatch: credible bands, current bars.
    Faint,
    Line,
    Dot,
    /// Vertical interval with caps, as on bars.
    Whisker,
}

pub struct Entry {
    label: String,
    color: &'static str,
    mark: Mark,
}

impl Entry {
    pub fn new(label: &str, color: &'static str, mark: Mark) -> Entry {
        Entry { label: label.to_string(), color, mark }
    }
}

/// Entries stacked downward from (`x`, `y`) within height `h`; names are cut to the column's width,
/// and entries that do not fit are summarised as "+N more" rather than drawn off the canvas.
pub fn column(svg: &mut Svg, x: f64, y: f64, h: f64, entries: &[Entry]) {
    let pitch = (h / entries.len().max(1) as f64).clamp(14.0, 20.0);
    let rows = (h / pitch) as usize;
    let shown = if entries.len() > rows { rows.saturating_sub(1) } else { entries.len() };
    let room = WIDTH - x - MARK_W - 6.0;
    for (i, e) in entries.iter().take(shown).enumerate() {
        let cy = y + (i as f64 + 0.5) * pitch;
        mark(svg, x, cy, e);
        svg.text(x + MARK_W, cy + 4.0, &fit_width(&e.label, SIZE, room), SIZE, Anchor::Start, "");
    }
    if shown < entries.len() {
        let cy = y + (shown as f64 + 0.5) * pitch;
        let more = format!("+{} more", entries.len() - shown);
        svg.text(x + MARK_W, cy + 4.0, &more, LABEL_SIZE, Anchor::Start, r##"fill="#777""##);
    }
}

/// Entries side by side, centred on `cx`.
pub fn row(svg: &mut Svg, cx: f64, y: f64, entries: &[Entry]) {
    let gap = 18.0;
    let widths: Vec<f64> = entries.iter().map(|e| MARK_W + text_width(&e.label, SIZE)).collect();
    let total = widths.iter().sum::<f64>() + gap * entries.len().saturating_sub(1) as f64;
    let mut x = cx - total / 2.0;
    for (e, w) in entries.iter().zip(&widths) {
        mark(svg, x, y, e);
        svg.text(x + MARK_W, y + 4.0, &e.label, SIZE, Anchor::Start, "");
        x += w + gap;
    }
}

fn mark(svg: &mut Svg, x: f64, cy: f64, e: &Entry) {
    let c = e.color;
    match e.mark {
        Mark::Fill => svg.rect(x, cy - 6.0, 16.0, 12.0, &format!(r#"fill="{c}""#)),
        Mark::Faint => svg.rect(x, cy - 6.0, 16.0, 12.0, &format!(r#"fill="{c}" fill-opacity="{}""#, N(FAINT))),
        Mark::Line => svg.line(x, cy, x + 16.0, cy, &format!(r#"stroke="{c}" stroke-width="3""#)),
        Mark::Dot => svg.circle(x + 8.0, cy, 4.5, &format!(r##"fill="{c}" stroke="#fff""##)),
        Mark::Whisker => {
            let stroke = format!(r#"stroke="{c}" stroke-width="1.3""#);
            svg.line(x + 8.0, cy - 7.0, x + 8.0, cy + 7.0, &stroke);
            svg.line(x + 5.0, cy - 7.0, x + 11.0, cy - 7.0, &stroke);
            svg.line(x + 5.0, cy + 7.0, x + 11.0, cy + 7.0, &stroke);
        }
    }
}

//! A tiny SVG document writer: every chart writes through it so that numbers are rounded
//! and text is escaped in exactly one place.

use std::fmt::{self, Display, Write};

pub const WIDTH: f64 = 800.0;
pub const HEIGHT: f64 = 500.0;
/// Liberation Sans (Arial metrics) on Debian; widths below are estimated for it.
const FONT: &str = "Helvetica,Arial,sans-serif";

/// A coordinate written with at most 2 decimals: small documents, byte-stable output.
/// Non-finite values never reach the writer on purpose, but would print as 0 rather than
/// break the XML.
pub struct N(pub f64);

impl Display for N {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let v = if self.0.is_finite() { self.0 } else { 0.0 };
        let s = format!("{v:.2}");
        let s = s.trim_end_matches('0').trim_end_matches('.');
        f.write_str(if s == "-0" { "0" } else { s })
    }
}

/// Escapes text for XML content and attribute values (channel names come from users).
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            // Control characters other than tab/newline are not allowed in XML 1.0 at all.
            c if c.is_control() && c != '\t' && c != '\n' => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

/// Average glyph width in ems; a little generous, so that estimates err towards fitting.
const EM_PER_CHAR: f64 = 0.52;

/// Approximate rendered width of `s` at font `size`; good enough to keep labels from colliding.
pub fn text_width(s: &str, size: f64) -> f64 {
    s.chars().count() as f64 * size * EM_PER_CHAR
}

/// `s` shortened to fit about `room` pixels at font `size`.
pub fn fit_width(s: &str, size: f64, room: f64) -> String {
    fit(s, (room / (size * EM_PER_CHAR)) as usize)
}

/// Shortens `s` to at most `max` characters, marking the cut with an ellipsis.
pub fn fit(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        return s.to_string();
    }
    let mut out: String = s.chars().take(max.saturating_sub(1)).collect();
    out.push('…');
    out
}

/// Text placement relative to its x coordinate.
#[derive(Clone, Copy)]
pub enum Anchor {
    Start,
    Middle,
    End,
}

/// An SVG document under construction, 800×500 with a white background and a title.
/// (Writing into a `String` cannot fail, hence the ignored `write!` results.)
pub struct Svg {
    out: String,
}

impl Svg {
    pub fn new(title: &str) -> Svg {
        let mut svg = Svg { out: String::with_capacity(16 * 1024) };
        let _ = write!(
            svg.out,
            r##"<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" viewBox="0 0 {w} {h}" font-family="{FONT}"><rect width="{w}" height="{h}" fill="#fff"/>"##,
            w = N(WIDTH),
            h = N(HEIGHT),
        );
        svg.text(WIDTH / 2.0, 30.0, title, 17.0, Anchor::Middle, r#"font-weight="bold""#);
        svg
    }

    /// The whole document for a chart that has nothing finite to draw.
    pub fn no_data(title: &str) -> String {
        let mut svg = Svg::new(title);
        svg.text(WIDTH / 2.0, HEIGHT / 2.0, "no data", 16.0, Anchor::Middle, r##"fill="#777""##);
        svg.finish()
    }

    pub fn finish(mut self) -> String {
        self.out.push_str("</svg>");
        self.out
    }

    /// `attrs` are trusted, chart-written attributes (fill, stroke, …), never user text.
    pub fn rect(&mut self, x: f64, y: f64, w: f64, h: f64, attrs: &str) {
        let _ = write!(self.out, r#"<rect x="{}" y="{}" width="{}" height="{}" {attrs}/>"#, N(x), N(y), N(w), N(h));
    }

    pub fn line(&mut self, x1: f64, y1: f64, x2: f64, y2: f64, attrs: &str) {
        let _ = write!(self.out, r#"<line x1="{}" y1="{}" x2="{}" y2="{}" {attrs}/>"#, N(x1), N(y1), N(x2), N(y2));
    }

    pub fn circle(&mut self, cx: f64, cy: f64, r: f64, attrs: &str) {
        let _ = write!(self.out, r#"<circle cx="{}" cy="{}" r="{}" {attrs}/>"#, N(cx), N(cy), N(r));
    }

    /// A stroked line through `points`; a point with a non-finite coordinate leaves a gap.
    pub fn polyline(&mut self, points: &[(f64, f64)], attrs: &str) {
        let mut d = String::new();
        let mut pen_down = false;
        for &(x, y) in points {
            if x.is_finite() && y.is_finite() {
                let _ = write!(d, "{}{},{}", if pen_down { 'L' } else { 'M' }, N(x), N(y));
            }
            pen_down = x.is_finite() && y.is_finite();
        }
        if !d.is_empty() {
            let _ = write!(self.out, r#"<path d="{d}" fill="none" {attrs}/>"#);
        }
    }

    /// A filled band between `lo` and `hi` along x, from `(x, lo, hi)` triples; non-finite
    /// ones are skipped.
    pub fn band(&mut self, points: &[(f64, f64, f64)], attrs: &str) {
        let kept: Vec<&(f64, f64, f64)> =
            points.iter().filter(|(x, lo, hi)| x.is_finite() && lo.is_finite() && hi.is_finite()).collect();
        if kept.len() < 2 {
            return;
        }
        self.out.push_str(r#"<polygon points=""#);
        let upper = kept.iter().map(|(x, _, hi)| (x, hi));
        let lower = kept.iter().rev().map(|(x, lo, _)| (x, lo));
        for (i, (x, y)) in upper.chain(lower).enumerate() {
            let _ = write!(self.out, "{}{},{}", if i == 0 { "" } else { " " }, N(*x), N(*y));
        }
        let _ = write!(self.out, r#"" {attrs}/>"#);
    }

    /// Escaped text; `attrs` may add e.g. a rotation or a fill.
    pub fn text(&mut self, x: f64, y: f64, s: &str, size: f64, anchor: Anchor, attrs: &str) {
        let anchor = match anchor {
            Anchor::Start => "start",
            Anchor::Middle => "middle",
            Anchor::End => "end",
        };
        let _ = write!(
            self.out,
            r#"<text x="{}" y="{}" font-size="{}" text-anchor="{anchor}" {attrs}>{}</text>"#,
            N(x),
            N(y),
            N(size),
            escape(s)
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_and_quotes() {
        assert_eq!(escape(r#"a&b <c> "d" 'e'"#), "a&amp;b &lt;c&gt; &quot;d&quot; &apos;e&apos;");
        assert_eq!(escape("tv\u{0}"), "tv\u{FFFD}");
        assert_eq!(escape("Café"), "Café");
    }

    #[test]
    fn numbers_are_short_and_stable() {
        assert_eq!(N(1.0).to_string(), "1");
        assert_eq!(N(1.005).to_string(), "1"); // 1.005 is 1.00499… in binary
        assert_eq!(N(12.345678).to_string(), "12.35");
        assert_eq!(N(-0.001).to_string(), "0");
        assert_eq!(N(100.0).to_string(), "100");
        assert_eq!(N(f64::NAN).to_string(), "0");
    }

    #[test]
    fn fit_cuts_on_characters_not_bytes() {
        assert_eq!(fit("ééééé", 3), "éé…");
        assert_eq!(fit("tv", 3), "tv");
    }
}

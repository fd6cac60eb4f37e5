//! A one-page HTML report: headline figures, tables and the SVG charts of `plot`, written as
//! one self-contained document (inline CSS and SVG; no scripts, no external resources) that
//! an analyst can open from disk or send by e-mail. Every piece of text from the caller is
//! escaped here, in one place, so a model or channel name is always shown as text.
//! `model.rs` lays out the report of one fitted model.

mod model;

pub use model::{
    model_page, Backtest, BacktestFold, ChannelRoas, Charts, Diagnostics, ModelFacts, ModelReport, MonitorRun,
    ParameterSummary, Plan,
};

use crate::plot::escape;
use std::fmt::Write;

/// The page: a title, a line under it, and its sections in order.
#[derive(Debug, Clone, PartialEq)]
pub struct Page {
    pub title: String,
    pub subtitle: String,
    pub sections: Vec<Section>,
}

/// One section, listed in the page's table of contents and reachable as `#<id>`.
#[derive(Debug, Clone, PartialEq)]
pub struct Section {
    /// A fixed identifier (`summary`, `roas`): tests and links find sections by it.
    pub id: &'static str,
    pub heading: String,
    pub blocks: Vec<Block>,
}

/// How a headline figure should read: fine, worth a look, or failing its bound.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tone {
    Neutral,
    Good,
    Warning,
}

impl Tone {
    fn class(self) -> &'static str {
        match self {
            Tone::Neutral => "neutral",
            Tone::Good => "good",
            Tone::Warning => "warning",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Figure {
    pub label: String,
    pub value: String,
    pub tone: Tone,
}

/// A table cell: text as given, or a number printed with a fixed count of decimals and
/// thousands separators, right-aligned.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Text(String),
    Number { value: f64, decimals: usize },
}

#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    pub columns: Vec<String>,
    pub rows: Vec<Vec<Cell>>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Block {
    Figures(Vec<Figure>),
    Table(Table),
    /// An SVG document from `plot`, whose writer has already escaped its text.
    Chart(String),
    Paragraph(String),
}

const STYLE: &str =
    "body{font-family:Helvetica,Arial,sans-serif;color:#222;margin:0 auto;max-width:880px;padding:24px}\
h1{margin-bottom:4px}h2{border-bottom:1px solid #ddd;padding-bottom:4px;margin-top:36px}\
.subtitle{color:#666;margin-top:0}nav a{margin-right:12px;color:#1f77b4}\
.figures{display:flex;flex-wrap:wrap;gap:12px}\
.figure{border:1px solid #ddd;border-radius:6px;padding:8px 12px;min-width:120px}\
.figure .label{font-size:12px;color:#666}.figure .value{font-size:20px}\
.good{border-left:4px solid #2ca02c}.warning{border-left:4px solid #d62728}.neutral{border-left:4px solid #ccc}\
table{border-collapse:collapse;font-size:13px;margin:8px 0}\
th,td{padding:3px 10px;border-bottom:1px solid #eee;text-align:left}td.number{text-align:right}\
svg{max-width:100%;height:auto}";

/// The HTML document of `page`.
pub fn render(page: &Page) -> String {
    let mut out = String::new();
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>{}</title><style>{STYLE}</style></head><body>\n",
        escape(&page.title)
    );
    let _ = write!(out, "<h1>{}</h1><p class=\"subtitle\">{}</p>\n<nav>", escape(&page.title), escape(&page.subtitle));
    for s in &page.sections {
        let _ = write!(out, "<a href=\"#{}\">{}</a>", s.id, escape(&s.heading));
    }
    out.push_str("</nav>\n");
    for s in &page.sections {
        let _ = writeln!(out, "<section id=\"{}\"><h2>{}</h2>", s.id, escape(&s.heading));
        for block in &s.blocks {
            write_block(&mut out, block);
        }
        out.push_str("</section>\n");
    }
    out.push_str("</body></html>\n");
    out
}

fn write_block(out: &mut String, block: &Block) {
    match block {
        Block::Figures(figures) => {
            out.push_str("<div class=\"figures\">");
            for f in figures {
                let _ = write!(
                    out,
                    "<div class=\"figure {}\"><div class=\"label\">{}</div><div class=\"value\">{}</div></div>",
                    f.tone.class(),
                    escape(&f.label),
                    escape(&f.value)
                );
            }
            out.push_str("</div>\n");
        }
        Block::Table(t) => {
            out.push_str("<table><thead><tr>");
            for c in &t.columns {
                let _ = write!(out, "<th>{}</th>", escape(c));
            }
            out.push_str("</tr></thead><tbody>");
            for row in &t.rows {
                out.push_str("<tr>");
                for cell in row {
                    match cell {
                        Cell::Text(s) => {
                            let _ = write!(out, "<td>{}</td>", escape(s));
                        }
                        Cell::Number { value, decimals } => {
                            let _ = write!(out, "<td class=\"number\">{}</td>", number(*value, *decimals));
                        }
                    }
                }
                out.push_str("</tr>");
            }
            out.push_str("</tbody></table>\n");
        }
        Block::Chart(svg) => {
            let _ = writeln!(out, "<figure>{svg}</figure>");
        }
        Block::Paragraph(s) => {
            let _ = writeln!(out, "<p>{}</p>", escape(s));
        }
    }
}

/// `value` with `decimals` decimals and a thin comma every three digits (`12,345.6`); NaN and
/// infinities as a dash, since a report has nothing to say about them.
pub fn number(value: f64, decimals: usize) -> String {
    if !value.is_finite() {
        return "–".into();
    }
    let s = format!("{:.*}", decimals, value.abs());
    let (whole, fraction) = s.split_once('.').map_or((s.as_str(), None), |(w, f)| (w, Some(f)));
    let mut grouped = String::new();
    for (i, c) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(c);
    }
    let negative = value < 0.0 && s.bytes().any(|b| b.is_ascii_digit() && b != b'0');
    let sign = if negative { "-" } else { "" };
    match fraction {
        Some(f) => format!("{sign}{grouped}.{f}"),
        None => format!("{sign}{grouped}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(title: &str) -> Page {
        Page {
            title: title.into(),
            subtitle: "fitted 2026-11-30".into(),
            sections: vec![
                Section {
                    id: "summary",
                    heading: "Summary".into(),
                    blocks: vec![Block::Figures(vec![Figure {
                        label: "max r_hat".into(),
                        value: "1.003".into(),
                        tone: Tone::Good,
                    }])],
                },
                Section {
                    id: "roas",
                    heading: "ROAS".into(),
                    blocks: vec![Block::Table(Table {
                        columns: vec!["channel".into(), "roas".into()],
                        rows: vec![vec![Cell::Text("<b>tv</b>".into()), Cell::Number { value: 1234.5, decimals: 2 }]],
                    })],
                },
            ],
        }
    }

    #[test]
    fn caller_text_is_escaped_everywhere() {
        let html = render(&page("<script>alert(1)</script>"));
        assert!(!html.contains("<script"), "{html}");
        assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
        assert!(html.contains("<td>&lt;b&gt;tv&lt;/b&gt;</td>"));
    }

    #[test]
    fn every_section_is_linked_and_present() {
        let html = render(&page("model"));
        for id in ["summary", "roas"] {
            assert!(html.contains(&format!("<a href=\"#{id}\">")));
            assert!(html.contains(&format!("<section id=\"{id}\">")));
        }
        assert!(html.contains("<div class=\"figure good\">"));
        assert!(html.contains("<td class=\"number\">1,234.50</td>"));
        assert!(!html.contains("src=") && !html.contains("href=\"http"), "no external resources");
    }

    #[test]
    fn numbers_are_grouped_and_signed() {
        assert_eq!(number(0.0, 0), "0");
        assert_eq!(number(999.0, 0), "999");
        assert_eq!(number(1000.0, 0), "1,000");
        assert_eq!(number(-1234567.891, 2), "-1,234,567.89");
        assert_eq!(number(-0.001, 2), "0.00");
        assert_eq!(number(f64::NAN, 2), "–");
    }
}

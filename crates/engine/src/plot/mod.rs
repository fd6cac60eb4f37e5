//! SVG charts of a fitted marketing-mix model, written with std only.
//!
//! Each chart function returns one complete 800×500 SVG document (`<svg …>…</svg>`, no XML
//! prolog) and never panics: NaN and ±inf values are skipped, and input with nothing finite to draw
//! yields a document that says "no data". Output is deterministic, so documents can be cached
//! or compared byte for byte.
//!
//! Colours: series `i` is drawn in `PALETTE[i % 10]` in the order given. Pass channels in the
//! same order (and, in `contributions`, first) to every chart so a channel keeps its colour.

mod allocation;
mod axis;
mod backtest;
mod contributions;
mod dates;
mod legend;
mod posterior;
mod response_curves;
mod scale;
mod svg;
#[cfg(test)]
mod tests;
mod time_varying;

pub use allocation::allocation;
pub use backtest::backtest;
pub use contributions::contributions;
pub use posterior::posterior;
pub use response_curves::response_curves;
pub use svg::escape;
pub use time_varying::time_varying;

/// Tableau 10, the matplotlib / ArviZ default: familiar to anyone who has seen PyMC-Marketing
/// plots.
pub const PALETTE: [&str; 10] =
    ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"];

fn color(i: usize) -> &'static str {
    PALETTE[i % PALETTE.len()]
}

pub use crate::posterior::Band;

/// `document` (any chart above) with `scope`, e.g. the geo it shows, appended to its title
/// (the first text of every chart), shortened to stay on one line.
pub fn scoped(document: String, scope: &str) -> String {
    match document.find("</text>") {
        Some(end) => {
            let suffix = format!(" \u{2014} {}", svg::escape(&svg::fit(scope, 40)));
            [&document[..end], &suffix, &document[end..]].concat()
        }
        None => document,
    }
}

/// One channel's response curve: spend per week (original money units) -> response (original
/// units of the target), with bands. Points need not be sorted; non-finite ones are skipped.
#[derive(Clone, Debug)]
pub struct Curve {
    pub channel: String,
    /// Spend per week at which `response` was evaluated; same length as `response`.
    pub spend: Vec<f64>,
    pub response: Vec<Band>,
    /// Historical mean weekly spend, marked on the curve (only if within the spend grid).
    pub current_spend: Option<f64>,
}

/// Optimized vs current (historical) allocation of one channel.
#[derive(Clone, Debug)]
pub struct AllocationBar {
    pub channel: String,
    pub current_spend: f64,
    pub optimized_spend: f64,
    pub current_response: Band,
    pub optimized_response: Band,
}

/// One origin of a rolling backtest: the plan's gain over the equal split (shares, 0.05 is 5%)
/// with a band, and the holdout forecast's MAPE.
#[derive(Clone, Debug)]
pub struct BacktestOrigin {
    /// As written, e.g. "2022-01-02".
    pub date: String,
    pub gain: Band,
    pub holdout_mape: f64,
}

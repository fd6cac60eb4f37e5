//! The report of one fitted model (`mmm_report`): its diagnostics and promotion verdict, the
//! posterior, ROAS, the decomposition, response curves, the optimised allocation of its
//! historical budget, and its latest monitoring run and backtest. The caller computes each
//! part with the functions that answer the matching SQL question and draws the charts; this
//! module only lays them out, so a page can be checked without a database.

use super::{Block, Cell, Figure, Page, Section, Table, Tone};
use crate::inference::health::Gates;
use crate::optimize::{CellLabel, Outcome};
use crate::posterior::{Band, FitMetrics};

/// Everything the report of a model shows.
#[derive(Debug, Clone)]
pub struct ModelReport {
    pub model: ModelFacts,
    pub diagnostics: Diagnostics,
    /// Fit metrics over all rows (geo `None`) first, then per geo of a panel.
    pub fit: Vec<(Option<String>, FitMetrics)>,
    pub summary: Vec<ParameterSummary>,
    pub roas: Vec<ChannelRoas>,
    /// The probability of every band shown.
    pub hdi_prob: f64,
    pub charts: Charts,
    pub plan: Plan,
    pub monitor: Option<MonitorRun>,
    pub backtest: Option<Backtest>,
}

/// What the catalog says of the version shown.
#[derive(Debug, Clone)]
pub struct ModelFacts {
    pub id: i64,
    pub name: String,
    pub version: i32,
    pub promoted: bool,
    /// Whether the caller named the model (and so got its promoted version, else its latest)
    /// rather than giving its id.
    pub by_name: bool,
    pub created_at: String,
    pub source: String,
    pub target: String,
    pub first_date: String,
    pub last_date: String,
    pub weeks: usize,
    /// A panel's geos; empty for a national model.
    pub geos: Vec<String>,
}

/// How sampling went and the policy's verdict on it.
#[derive(Debug, Clone)]
pub struct Diagnostics {
    /// `ok` or `check_diagnostics`.
    pub status: String,
    pub reason: Option<String>,
    pub max_r_hat: Option<f64>,
    pub min_ess_bulk: Option<f64>,
    pub divergences: Option<i64>,
    /// The gates of the name's policy, which colour the figures.
    pub gates: Gates,
}

/// One row of `mmm_summary`.
#[derive(Debug, Clone)]
pub struct ParameterSummary {
    pub parameter: String,
    pub coordinate: Option<String>,
    pub geo: Option<String>,
    pub mean: f64,
    pub sd: f64,
    pub hdi_lower: f64,
    pub hdi_upper: f64,
    pub ess_bulk: f64,
    pub r_hat: f64,
}

/// One row of `mmm_roas`: over all geos when `geo` is `None`.
#[derive(Debug, Clone)]
pub struct ChannelRoas {
    pub geo: Option<String>,
    pub channel: String,
    pub spend: f64,
    pub contribution: Band,
    pub roas: Band,
}

/// SVG documents of `plot`, of all geos together for a panel.
#[derive(Debug, Clone)]
pub struct Charts {
    pub contributions: String,
    pub response_curves: String,
    pub posterior: String,
}

/// The optimised allocation of the historical mean weekly spend against the historical mix,
/// as `mmm_optimize_budget` reports them.
#[derive(Debug, Clone)]
pub struct Plan {
    pub num_periods: usize,
    pub historical: Outcome,
    pub optimized: Outcome,
    pub chart: String,
}

/// The latest row of `mmm.monitor_runs`.
#[derive(Debug, Clone)]
pub struct MonitorRun {
    pub at: String,
    pub source: String,
    pub first_date: String,
    pub last_date: String,
    pub weeks: i64,
    pub mape: f64,
    pub coverage: f64,
    pub verdict: String,
    pub reason: Option<String>,
}

/// The latest backtest of the model's name (`mmm.backtests`) and its folds.
#[derive(Debug, Clone)]
pub struct Backtest {
    pub id: i64,
    pub created_at: String,
    pub folds: Vec<BacktestFold>,
}

/// One row of `mmm.backtest_folds`; NaN where the row has NULL.
#[derive(Debug, Clone)]
pub struct BacktestFold {
    pub date: String,
    pub train_weeks: i64,
    pub budget: f64,
    pub equal_alloc: f64,
    pub mmm_alloc: f64,
    pub actual_alloc: f64,
    pub percentage_gain: f64,
    pub percentage_gain_vs_actual: f64,
    pub holdout_mape: f64,
    pub holdout_coverage: f64,
    pub mmm_alloc_final: f64,
    pub equal_alloc_final: f64,
}

/// The page of a model's report, its sections always in this order with these ids.
pub fn model_page(r: &ModelReport) -> Page {
    let m = &r.model;
    Page {
        title: format!("Marketing-mix model {}", m.name),
        subtitle: subtitle(m),
        sections: vec![
            section("diagnostics", "Diagnostics and promotion", diagnostics(r)),
            section("summary", "Posterior summary", summary(r)),
            section("roas", "Return on ad spend", roas(r)),
            section("decomposition", "Decomposition", decomposition(r)),
            section("response-curves", "Response curves", response_curves(r)),
            section("allocation", "Budget allocation", allocation(r)),
            section("monitoring", "Monitoring", monitoring(r)),
            section("backtest", "Backtest", backtest(r)),
        ],
    }
}

fn section(id: &'static str, heading: &str, blocks: Vec<Block>) -> Section {
    Section { id, heading: heading.into(), blocks }
}

fn subtitle(m: &ModelFacts) -> String {
    let which = match (m.by_name, m.promoted) {
        (true, true) => format!("the promoted version of \"{}\"", m.name),
        (true, false) => format!("the latest version of \"{}\", which has no promoted version", m.name),
        (false, true) => "the promoted version of its name".into(),
        (false, false) => "not the promoted version of its name".into(),
    };
    let geos = match m.geos.len() {
        0 => String::new(),
        n => format!("; a panel of {n} geos ({}), shown in total", m.geos.join(", ")),
    };
    format!(
        "Version {} (id {}), {which}. Fitted {} on {}, {} weeks from {} to {}; target {}{geos}.",
        m.version, m.id, m.created_at, m.source, m.weeks, m.first_date, m.last_date, m.target
    )
}

fn text(s: impl Into<String>) -> Cell {
    Cell::Text(s.into())
}

fn num(value: f64, decimals: usize) -> Cell {
    Cell::Number { value, decimals }
}

fn percent(share: f64) -> String {
    format!("{}%", super::number(100.0 * share, 1))
}

fn table(columns: &[&str], rows: Vec<Vec<Cell>>) -> Block {
    Block::Table(Table { columns: columns.iter().map(|c| c.to_string()).collect(), rows })
}

/// `columns` with a first `geo` column for a panel's rows; `None` reads "all geos".
fn geo_column(panel: bool, geo: &Option<String>, row: Vec<Cell>) -> Vec<Cell> {
    match panel {
        true => std::iter::once(text(geo.as_deref().unwrap_or("all geos"))).chain(row).collect(),
        false => row,
    }
}

fn with_geo<'a>(panel: bool, columns: &[&'a str]) -> Vec<&'a str> {
    panel.then_some("geo").into_iter().chain(columns.iter().copied()).collect()
}

fn figure(label: &str, value: String, tone: Tone) -> Figure {
    Figure { label: label.into(), value, tone }
}

fn gate(passed: Option<bool>) -> Tone {
    match passed {
        Some(true) => Tone::Good,
        Some(false) => Tone::Warning,
        None => Tone::Neutral,
    }
}

fn diagnostics(r: &ModelReport) -> Vec<Block> {
    let (d, g) = (&r.diagnostics, &r.diagnostics.gates);
    let shown = |v: Option<f64>, decimals| v.map_or("–".into(), |v| super::number(v, decimals));
    let mut figures = vec![
        figure("policy verdict", d.status.clone(), if d.status == "ok" { Tone::Good } else { Tone::Warning }),
        figure("promoted", if r.model.promoted { "yes" } else { "no" }.into(), Tone::Neutral),
        figure("max r_hat", shown(d.max_r_hat, 3), gate(d.max_r_hat.map(|v| v <= g.max_r_hat))),
        figure("min bulk ESS", shown(d.min_ess_bulk, 0), gate(d.min_ess_bulk.map(|v| v >= g.min_ess_bulk))),
        figure(
            "divergences",
            d.divergences.map_or("–".into(), |v| v.to_string()),
            gate(d.divergences.map(|v| v as f64 <= g.max_divergences as f64)),
        ),
    ];
    if let Some((_, overall)) = r.fit.first() {
        figures.push(figure("R²", super::number(overall.r2, 3), Tone::Neutral));
        figures.push(figure("MAPE", percent(overall.mape), Tone::Neutral));
        figures.push(figure("NRMSE", super::number(overall.nrmse, 3), Tone::Neutral));
    }
    let mut blocks = vec![
        Block::Figures(figures),
        Block::Paragraph(format!(
            "The policy's verdict: {}: {}. Its gates: max r_hat at most {}, at most {} divergences, min bulk ESS at \
             least {}. R², MAPE and NRMSE compare the posterior mean fit with the training target.",
            d.status,
            d.reason.as_deref().unwrap_or("no reason recorded"),
            g.max_r_hat,
            g.max_divergences,
            g.min_ess_bulk
        )),
    ];
    if !r.model.geos.is_empty() {
        let rows = r
            .fit
            .iter()
            .map(|(geo, f)| geo_column(true, geo, vec![num(f.r2, 3), num(100.0 * f.mape, 1), num(f.nrmse, 3)]))
            .collect();
        blocks.push(table(&["geo", "R²", "MAPE (%)", "NRMSE"], rows));
    }
    blocks
}

fn summary(r: &ModelReport) -> Vec<Block> {
    let panel = !r.model.geos.is_empty();
    let rows = r
        .summary
        .iter()
        .map(|p| {
            let mut row = vec![text(&p.parameter), text(p.coordinate.as_deref().unwrap_or(""))];
            if panel {
                row.push(text(p.geo.as_deref().unwrap_or("")));
            }
            row.extend([
                num(p.mean, 3),
                num(p.sd, 3),
                num(p.hdi_lower, 3),
                num(p.hdi_upper, 3),
                num(p.ess_bulk, 0),
                num(p.r_hat, 3),
            ]);
            row
        })
        .collect();
    let mut columns = vec!["parameter", "coordinate"];
    if panel {
        columns.push("geo");
    }
    columns.extend(["mean", "sd", "hdi_3%", "hdi_97%", "ess_bulk", "r_hat"]);
    vec![
        Block::Paragraph(
            "Each parameter in the model's units (scaled target and spend), as mmm_summary and ArviZ's summary give \
             it; the chart shows the intervals of the media parameters and the noise scale."
                .into(),
        ),
        table(&columns, rows),
        Block::Chart(r.charts.posterior.clone()),
    ]
}

fn roas(r: &ModelReport) -> Vec<Block> {
    let panel = !r.model.geos.is_empty();
    // Totals over geos first, then each geo's channels.
    let mut rows: Vec<&ChannelRoas> = r.roas.iter().collect();
    rows.sort_by_key(|row| row.geo.is_some());
    let rows = rows
        .into_iter()
        .map(|c| {
            let row = vec![
                text(&c.channel),
                num(c.spend, 0),
                num(c.contribution.mean, 0),
                num(c.contribution.lower, 0),
                num(c.contribution.upper, 0),
                num(c.roas.mean, 2),
                num(c.roas.lower, 2),
                num(c.roas.upper, 2),
            ];
            geo_column(panel, &c.geo, row)
        })
        .collect();
    let columns =
        with_geo(panel, &["channel", "spend", "contribution", "lower", "upper", "ROAS", "ROAS lower", "ROAS upper"]);
    vec![
        Block::Paragraph(format!(
            "Each channel's contribution to {} over the training weeks and its return on ad spend (contribution over \
             spend), with {}% HDIs.",
            r.model.target,
            super::number(100.0 * r.hdi_prob, 0)
        )),
        table(&columns, rows),
    ]
}

fn decomposition(r: &ModelReport) -> Vec<Block> {
    vec![
        Block::Paragraph(format!(
            "Each week's {} split into its components (posterior means), the channels first; the line is the \
             observed target.",
            r.model.target
        )),
        Block::Chart(r.charts.contributions.clone()),
    ]
}

fn response_curves(r: &ModelReport) -> Vec<Block> {
    vec![
        Block::Paragraph(
            "The weekly response to a steady weekly spend, up to 1.5 times each channel's largest week, with its band; \
             the dot marks the mean weekly spend."
                .into(),
        ),
        Block::Chart(r.charts.response_curves.clone()),
    ]
}

fn allocation(r: &ModelReport) -> Vec<Block> {
    let Plan { num_periods, historical, optimized, chart } = &r.plan;
    let label = |c: &CellLabel| match &c.geo {
        Some(geo) => format!("{geo}: {}", c.channel),
        None => c.channel.clone(),
    };
    let mut rows: Vec<Vec<Cell>> = (0..optimized.budgets.len())
        .map(|m| {
            let (h, o) = (historical.channels[m], optimized.channels[m]);
            vec![
                text(label(&optimized.cells[m])),
                num(historical.budgets[m], 0),
                num(h.mean, 0),
                num(optimized.budgets[m], 0),
                num(o.mean, 0),
                num(o.lower, 0),
                num(o.upper, 0),
            ]
        })
        .collect();
    let (h, o) = (historical.total, optimized.total);
    rows.push(vec![
        text("total"),
        num(historical.budget, 0),
        num(h.mean, 0),
        num(optimized.budget, 0),
        num(o.mean, 0),
        num(o.lower, 0),
        num(o.upper, 0),
    ]);
    let gain = if h.mean != 0.0 { o.mean / h.mean - 1.0 } else { f64::NAN };
    vec![
        Block::Paragraph(format!(
            "The historical mean weekly spend, {} per week, allocated by the optimizer over the next {num_periods} \
             weeks (the last training weeks' adstock carried in), against the historical mix of the last \
             {num_periods} weeks at the same budget; responses are totals over the {num_periods} weeks.",
            super::number(optimized.budget, 0)
        )),
        Block::Figures(vec![
            figure("expected response, historical mix", super::number(h.mean, 0), Tone::Neutral),
            figure("expected response, optimized", super::number(o.mean, 0), Tone::Neutral),
            figure("gain", percent(gain), if gain >= 0.0 { Tone::Good } else { Tone::Warning }),
        ]),
        table(
            &[
                "channel",
                "historical per week",
                "historical response",
                "optimized per week",
                "optimized response",
                "lower",
                "upper",
            ],
            rows,
        ),
        Block::Chart(chart.clone()),
    ]
}

fn monitoring(r: &ModelReport) -> Vec<Block> {
    let Some(run) = &r.monitor else {
        return vec![Block::Paragraph(format!(
            "This version has not been monitored yet: SELECT * FROM mmm_monitor({}) checks its forecast against the \
             weeks that arrive after its training weeks.",
            r.model.id
        ))];
    };
    vec![
        Block::Figures(vec![
            figure("verdict", run.verdict.clone(), if run.verdict == "ok" { Tone::Good } else { Tone::Warning }),
            figure("MAPE", percent(run.mape), Tone::Neutral),
            figure("inside the 94% band", percent(run.coverage), Tone::Neutral),
            figure("weeks checked", run.weeks.to_string(), Tone::Neutral),
        ]),
        Block::Paragraph(format!(
            "The latest mmm_monitor run, {}, forecast the weeks from {} to {} of {}{}.",
            run.at,
            run.first_date,
            run.last_date,
            run.source,
            run.reason.as_ref().map_or(String::new(), |reason| format!(": {reason}"))
        )),
    ]
}

fn backtest(r: &ModelReport) -> Vec<Block> {
    let Some(b) = &r.backtest else {
        return vec![Block::Paragraph(format!(
            "No backtest named \"{}\" yet: mmm_backtest(..., name => ...) with this name replays the model's budget \
             plans over its history.",
            r.model.name
        ))];
    };
    let rows = b
        .folds
        .iter()
        .map(|f| {
            vec![
                text(&f.date),
                num(f.train_weeks as f64, 0),
                num(f.budget, 0),
                num(f.equal_alloc, 0),
                num(f.mmm_alloc, 0),
                num(f.actual_alloc, 0),
                num(100.0 * f.percentage_gain, 1),
                num(100.0 * f.percentage_gain_vs_actual, 1),
                num(100.0 * f.holdout_mape, 1),
                num(100.0 * f.holdout_coverage, 1),
                num(f.mmm_alloc_final, 0),
                num(f.equal_alloc_final, 0),
            ]
        })
        .collect();
    vec![
        Block::Paragraph(format!(
            "Backtest {} of {}: at each origin a model fitted on the weeks before it planned the next weeks' actual \
             budget; the expected response of its plan, of the equal split and of the actual spend under that model, \
             and under the final model.",
            b.id, b.created_at
        )),
        table(
            &[
                "origin",
                "train weeks",
                "budget",
                "equal",
                "MMM",
                "actual",
                "gain vs equal (%)",
                "gain vs actual (%)",
                "holdout MAPE (%)",
                "holdout coverage (%)",
                "MMM (final model)",
                "equal (final model)",
            ],
            rows,
        ),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::optimize::GeoTotal;
    use crate::report::render;

    const SCRIPT: &str = "<script>alert(1)</script>";

    fn band(mean: f64) -> Band {
        Band { mean, lower: 0.9 * mean, upper: 1.1 * mean }
    }

    fn outcome(budgets: Vec<f64>, geos: &[&str]) -> Outcome {
        let cells: Vec<CellLabel> = geos
            .iter()
            .flat_map(|g| {
                ["tv", SCRIPT].map(|c| CellLabel { geo: (!g.is_empty()).then(|| g.to_string()), channel: c.into() })
            })
            .collect();
        let channels: Vec<Band> = budgets.iter().map(|b| band(2.0 * b)).collect();
        let budget = budgets.iter().sum();
        Outcome {
            budget,
            cells,
            geos: vec![GeoTotal { geo: None, budget, response: band(2.0 * budget) }],
            total: band(channels.iter().map(|c| c.mean).sum()),
            by_channel: (0..2).map(|m| band(channels.iter().skip(m).step_by(2).map(|c| c.mean).sum())).collect(),
            channels,
            budgets,
            utility: 0.0,
        }
    }

    /// A report of a model named `<script>…`, with every optional part present or not.
    fn report(geos: &[&str], extras: bool) -> ModelReport {
        let labels: Vec<String> = geos.iter().filter(|g| !g.is_empty()).map(|g| g.to_string()).collect();
        let metrics = FitMetrics { r2: 0.91, mape: 0.052, nrmse: 0.07 };
        let cells = 2 * geos.len();
        ModelReport {
            model: ModelFacts {
                id: 7,
                name: SCRIPT.into(),
                version: 2,
                promoted: true,
                by_name: true,
                created_at: "2026-11-30 03:00:00+00".into(),
                source: "public.weekly".into(),
                target: "sales & <returns>".into(),
                first_date: "2024-01-01".into(),
                last_date: "2025-12-29".into(),
                weeks: 104,
                geos: labels.clone(),
            },
            diagnostics: Diagnostics {
                status: "check_diagnostics".into(),
                reason: Some("max r_hat 1.034 > 1.01".into()),
                max_r_hat: Some(1.034),
                min_ess_bulk: Some(812.0),
                divergences: Some(0),
                gates: Gates::default(),
            },
            fit: std::iter::once(None).chain(labels.iter().cloned().map(Some)).map(|g| (g, metrics)).collect(),
            summary: vec![ParameterSummary {
                parameter: "saturation_beta".into(),
                coordinate: Some(SCRIPT.into()),
                geo: labels.first().cloned(),
                mean: 0.4,
                sd: 0.1,
                hdi_lower: 0.2,
                hdi_upper: 0.6,
                ess_bulk: 812.0,
                r_hat: 1.001,
            }],
            roas: std::iter::once(None)
                .chain(labels.iter().cloned().map(Some))
                .map(|geo| ChannelRoas {
                    geo,
                    channel: SCRIPT.into(),
                    spend: 1000.0,
                    contribution: band(2500.0),
                    roas: band(2.5),
                })
                .collect(),
            hdi_prob: 0.94,
            charts: Charts {
                contributions: "<svg id=\"contributions-chart\"></svg>".into(),
                response_curves: "<svg id=\"curves-chart\"></svg>".into(),
                posterior: "<svg id=\"posterior-chart\"></svg>".into(),
            },
            plan: Plan {
                num_periods: 8,
                historical: outcome(vec![600.0; cells], geos),
                optimized: outcome((0..cells).map(|i| 400.0 + 400.0 * (i % 2) as f64).collect(), geos),
                chart: "<svg id=\"allocation-chart\"></svg>".into(),
            },
            monitor: extras.then(|| MonitorRun {
                at: "2026-11-30 04:00:00+00".into(),
                source: "public.weekly".into(),
                first_date: "2026-01-05".into(),
                last_date: "2026-03-30".into(),
                weeks: 13,
                mape: 0.31,
                coverage: 0.62,
                verdict: "drift".into(),
                reason: Some("MAPE 31.0% > 20.0%".into()),
            }),
            backtest: extras.then(|| Backtest {
                id: 3,
                created_at: "2026-11-30 04:10:00+00".into(),
                folds: vec![BacktestFold {
                    date: "2025-07-07".into(),
                    train_weeks: 78,
                    budget: 2000.0,
                    equal_alloc: 2096.76,
                    mmm_alloc: 2327.42,
                    actual_alloc: 2200.0,
                    percentage_gain: 0.110,
                    percentage_gain_vs_actual: 0.058,
                    holdout_mape: 0.08,
                    holdout_coverage: 0.92,
                    mmm_alloc_final: f64::NAN,
                    equal_alloc_final: 2050.0,
                }],
            }),
        }
    }

    const IDS: [&str; 8] =
        ["diagnostics", "summary", "roas", "decomposition", "response-curves", "allocation", "monitoring", "backtest"];

    #[test]
    fn every_section_is_present_with_or_without_monitoring_and_backtest() {
        for extras in [true, false] {
            let page = model_page(&report(&[""], extras));
            assert_eq!(page.sections.iter().map(|s| s.id).collect::<Vec<_>>(), IDS);
            let html = render(&page);
            for id in IDS {
                assert!(html.contains(&format!("<section id=\"{id}\">")), "section {id} missing");
            }
            for chart in ["contributions", "curves", "posterior", "allocation"] {
                assert!(html.contains(&format!("<svg id=\"{chart}-chart\">")), "chart {chart} missing");
            }
            assert_eq!(html.contains("2,327"), extras, "the backtest's MMM response");
            assert_eq!(html.contains("has not been monitored yet"), !extras);
            assert_eq!(html.contains("No backtest named"), !extras);
        }
    }

    #[test]
    fn figures_say_what_the_catalog_says() {
        let html = render(&model_page(&report(&[""], true)));
        // r_hat above its gate, the rest within theirs.
        assert!(html.contains(
            "<div class=\"figure warning\"><div class=\"label\">max r_hat</div><div class=\"value\">1.034</div>"
        ));
        assert!(html.contains(
            "<div class=\"figure good\"><div class=\"label\">min bulk ESS</div><div class=\"value\">812</div>"
        ));
        assert!(html.contains("<div class=\"value\">5.2%</div>"), "MAPE as a percentage");
        assert!(html.contains("the promoted version of"));
        assert!(html.contains("with 94% HDIs"));
        // The optimized plan (400 + 800) against the historical mix (600 + 600): same budget, 0% gain.
        assert!(html.contains("<td>total</td><td class=\"number\">1,200</td><td class=\"number\">2,400</td><td class=\"number\">1,200</td>"));
        assert!(html.contains("<td class=\"number\">–</td>"), "a NULL final-model response reads as a dash");
    }

    #[test]
    fn names_are_text_everywhere() {
        let html = render(&model_page(&report(&["north", "<b>south</b>"], true)));
        assert!(!html.contains("<script") && !html.contains("<b>"), "{html}");
        assert!(html.contains("<title>Marketing-mix model &lt;script&gt;alert(1)&lt;/script&gt;</title>"));
        assert!(html.contains("sales &amp; &lt;returns&gt;"));
        assert!(html.contains("<td>&lt;b&gt;south&lt;/b&gt;: &lt;script&gt;"), "a panel's cells are labelled by geo");
    }

    #[test]
    fn a_panel_shows_totals_then_each_geo() {
        let html = render(&model_page(&report(&["north", "south"], false)));
        assert!(html.contains("a panel of 2 geos (north, south)"));
        let all = html.find("<td>all geos</td><td>&lt;script").expect("the total over geos");
        let north = html.find("<td>north</td><td>&lt;script").expect("north's ROAS");
        assert!(all < north);
        assert!(html.contains("<th>geo</th><th>R²</th>"), "per-geo fit metrics");
    }
}

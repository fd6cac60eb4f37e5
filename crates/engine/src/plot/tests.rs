//! Chart-level tests: documents are well formed, labelled, deterministic, and survive bad input.

use super::*;

/// Checks tags nest and close, attribute quotes pair up and every `&` starts an entity:
/// the mistakes that make a browser show an XML error page instead of the chart.
fn assert_well_formed(doc: &str) {
    assert!(doc.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"800\" height=\"500\""), "{doc}");
    assert!(doc.ends_with("</svg>"));
    let mut open: Vec<&str> = Vec::new();
    let mut rest = doc;
    while let Some(start) = rest.find('<') {
        assert_entities(&rest[..start]);
        let end = start + rest[start..].find('>').expect("unclosed tag");
        let tag = &rest[start + 1..end];
        assert!(!tag.contains('<') && tag.matches('"').count().is_multiple_of(2), "bad tag <{tag}>");
        assert_entities(tag);
        let name = tag.trim_start_matches('/').split([' ', '/']).next().unwrap();
        if tag.starts_with('/') {
            assert_eq!(open.pop(), Some(name), "mismatched </{name}>");
        } else if !tag.ends_with('/') {
            open.push(name);
        }
        rest = &rest[end + 1..];
    }
    assert!(open.is_empty() && rest.is_empty(), "unclosed {open:?}");
}

fn assert_entities(s: &str) {
    for (i, _) in s.match_indices('&') {
        let entity = ["&amp;", "&lt;", "&gt;", "&quot;", "&apos;"].iter().any(|e| s[i..].starts_with(e));
        assert!(entity, "raw & in {s:?}");
    }
}

fn band(mean: f64) -> Band {
    Band { mean, lower: mean * 0.8, upper: mean * 1.2 }
}

/// Saturating curves, a 150-week decomposition with signed components, bars and parameter rows,
/// every value passed through `f` so the same shapes can carry edge-case values.
struct Fixture {
    curves: Vec<Curve>,
    dates: Vec<String>,
    components: Vec<(String, Vec<f64>)>,
    observed: Vec<f64>,
    bars: Vec<AllocationBar>,
    rows: Vec<(String, Band)>,
}

const CHANNELS: [&str; 3] = ["tv", "search & social", "<radio>"];

fn fixture(points: usize, f: impl Fn(f64) -> f64) -> Fixture {
    let curves = CHANNELS
        .iter()
        .enumerate()
        .map(|(c, name)| Curve {
            channel: name.to_string(),
            spend: (0..points).map(|i| f(i as f64 * 100.0)).collect(),
            response: (0..points)
                .map(|i| band(f((c as f64 + 1.0) * (1.0 - (-(i as f64) / 10.0).exp()) * 1000.0)))
                .collect(),
            current_spend: Some(f(500.0)),
        })
        .collect();
    let dates = (0..points)
        .map(|w| format!("{:04}-{:02}-{:02}", 2019 + w / 52, 1 + (w % 52) / 5 % 12, 1 + (w % 4) * 7))
        .collect();
    let wave = |t: usize| f((t as f64 / 8.0).sin() * 300.0);
    let mut components: Vec<(String, Vec<f64>)> = CHANNELS
        .iter()
        .enumerate()
        .map(|(c, name)| (name.to_string(), (0..points).map(|t| f(100.0 * (c as f64 + 1.0) + t as f64)).collect()))
        .collect();
    components.push(("intercept".to_string(), vec![f(1000.0); points]));
    components.push(("seasonality".to_string(), (0..points).map(wave).collect()));
    let observed = (0..points).map(|t| f(1200.0 + t as f64 + (t as f64 / 8.0).sin() * 300.0)).collect();
    let bars = CHANNELS
        .iter()
        .map(|name| AllocationBar {
            channel: name.to_string(),
            current_spend: f(500.0),
            optimized_spend: f(700.0),
            current_response: band(f(300.0)),
            optimized_response: band(f(-350.0)),
        })
        .collect();
    let rows = CHANNELS
        .iter()
        .map(|c| (format!("saturation_beta[{c}]"), band(f(0.5))))
        .chain([("intercept".to_string(), band(f(-2.0)))])
        .collect();
    Fixture { curves, dates, components, observed, bars, rows }
}

fn render(fx: &Fixture) -> [String; 4] {
    [
        response_curves(&fx.curves, "sales"),
        contributions(&fx.dates, &fx.components, &fx.observed, "sales"),
        allocation(&fx.bars, "sales"),
        posterior(&fx.rows, 0.94),
    ]
}

#[test]
fn charts_are_complete_labelled_documents() {
    let fx = fixture(150, |v| v);
    let docs = render(&fx);
    let expected: [&[&str]; 4] = [
        &["Response curves", "spend per week", "response (sales)", "credible interval", "current spend"],
        &["Contributions over time", ">date<", "contribution (sales)", "seasonality", "observed", "2019-01"],
        &["current (historical)", "optimized", "spend per period", "expected contribution (sales)"],
        &["value (94% HDI)", "saturation_beta[tv]", ">mean<", ">intercept<"],
    ];
    for (doc, needles) in docs.iter().zip(expected) {
        assert_well_formed(doc);
        assert!(doc.contains(PALETTE[0]), "first channel colour missing");
        for needle in needles.iter().chain(&[r##"fill="#fff""##]) {
            assert!(doc.contains(needle), "missing {needle:?}");
        }
        // Channel names are user text: escaped, never raw.
        assert!(doc.contains("&lt;radio&gt;") && !doc.contains("<radio>"));
        assert!(doc.len() < 200_000, "document too large: {} bytes", doc.len());
    }
    assert!(docs[0].contains("search &amp; social") && docs[3].contains(">search &amp; social<"));
}

#[test]
fn output_is_deterministic() {
    assert_eq!(render(&fixture(150, |v| v)), render(&fixture(150, |v| v)));
}

#[test]
fn empty_input_says_no_data() {
    let docs = [
        response_curves(&[], "sales"),
        contributions(&[], &[], &[], "sales"),
        allocation(&[], "sales"),
        posterior(&[], 0.94),
    ];
    for doc in &docs {
        assert_well_formed(doc);
        assert!(doc.contains("no data"));
    }
}

#[test]
fn edge_cases_render_without_panicking() {
    type Case = (&'static str, usize, fn(f64) -> f64);
    let cases: [Case; 8] = [
        ("single point", 1, |v| v),
        ("two points", 2, |v| v),
        ("all zero", 20, |_| 0.0),
        ("all NaN", 20, |_| f64::NAN),
        ("infinities", 20, |v| if v > 400.0 { f64::INFINITY } else { f64::NEG_INFINITY }),
        ("some NaN", 20, |v| if v.abs() > 700.0 { f64::NAN } else { v }),
        ("negative", 20, |v| -v),
        ("huge", 20, |v| v * 1e9),
    ];
    for (name, n, f) in cases {
        for doc in render(&fixture(n, f)) {
            assert_well_formed(&doc);
            assert!(!doc.contains("NaN") && !doc.contains("inf"), "{name}: non-finite number written");
        }
    }
    let huge = render(&fixture(20, |v| v * 1e9));
    assert!(huge[0].contains("B<"), "billions should be written compactly");
}

#[test]
fn ragged_and_unparsable_inputs_are_tolerated() {
    let dates: Vec<String> = vec!["week 1".into(), "week 2".into(), "week 3".into()];
    let doc = contributions(&dates, &[("tv".into(), vec![1.0])], &[2.0, 3.0, 4.0, 5.0], "sales");
    assert_well_formed(&doc);
    assert!(doc.contains(">week 1<") && doc.contains(">week 3<"));
    let curve = Curve {
        channel: "tv".into(),
        spend: vec![3.0, 1.0, 2.0],
        response: vec![band(3.0), band(1.0)],
        current_spend: Some(99.0),
    };
    assert_well_formed(&response_curves(&[curve], "sales"));
    assert!(posterior(&[("x[]".into(), band(1.0))], f64::NAN).contains("value (HDI)"));
}

#[test]
fn channel_colours_follow_input_order() {
    let fx = fixture(30, |v| v);
    let docs = render(&fx);
    for doc in &docs {
        let first = doc.find(PALETTE[0]).unwrap();
        let second = doc.find(PALETTE[1]).unwrap();
        assert!(first < second, "palette order broken");
    }
}

#[test]
fn scoped_titles_name_the_scope_escaped() {
    let doc = scoped(response_curves(&[], "sales"), "north & <south>");
    assert_well_formed(&doc);
    assert!(doc.contains(">Response curves \u{2014} north &amp; &lt;south&gt;</text>"), "{doc}");
    assert_eq!(doc.matches("north").count(), 1);
}

fn origins(n: usize, f: impl Fn(f64) -> f64) -> Vec<BacktestOrigin> {
    (0..n)
        .map(|i| BacktestOrigin {
            date: format!("{}-01-01", 2019 + i),
            gain: Band { mean: f(0.05 * i as f64), lower: f(-0.02), upper: f(0.1 * i as f64 + 0.01) },
            holdout_mape: f(0.04 + 0.01 * i as f64),
        })
        .collect()
}

#[test]
fn backtest_draws_both_panels_and_survives_bad_values() {
    let doc = backtest(&origins(12, |x| x));
    assert_well_formed(&doc);
    for text in ["Rolling backtest", "Gain of the plan", "Holdout forecast error", "gain (%)", "MAPE (%)"] {
        assert!(doc.contains(text), "{text} missing");
    }
    // One dot per origin in each panel, labels thinned to at most eight.
    assert_eq!(doc.matches("<circle").count(), 24);
    assert!(doc.matches("2019-01-01").count() == 1 && !doc.contains("2020-01-01"));
    assert_eq!(doc, backtest(&origins(12, |x| x)));
    for one in [backtest(&origins(1, |x| x)), backtest(&origins(3, |_| f64::NAN)), backtest(&[])] {
        assert_well_formed(&one);
    }
    assert!(backtest(&origins(3, |_| f64::NAN)).contains("no data"));
}

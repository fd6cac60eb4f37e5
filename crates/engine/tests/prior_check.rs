//! The prior predictive check on data: a deliberately absurd prior is `too wide` where the
//! defaults are not, and a panel is checked over all geos and per geo.

mod common;

use mmm_engine::inference::{prior_only, Fit, FitConfig};
use mmm_engine::model::Dataset;
use mmm_engine::posterior::prior_check::{prior_check, Check, Verdict};
use mmm_engine::simulate::{geo_panel, simulate, simulate_panel, tv_social_search};
use serde_json::{json, Value};

fn prior_fit(config: Value, data: impl Into<mmm_engine::model::design::Panel>) -> Fit {
    prior_only(FitConfig::from_json(&config).unwrap(), data, "y").unwrap()
}

fn checks(f: &Fit) -> Vec<Check> {
    prior_check(&f.model, &f.panel, &f.trace, 0.94, 3)
}

fn verdict(rows: &[Check], quantity: &str) -> Verdict {
    rows.iter().find(|c| c.quantity == quantity && c.geo.is_none()).unwrap_or_else(|| panic!("{quantity}")).verdict
}

/// The example data with its channels and events (its linear `t` control left out).
fn example() -> Dataset {
    let mut data = common::example_dataset();
    data.control_names.truncate(2);
    data.controls.truncate(2);
    data
}

#[test]
fn the_defaults_on_the_example_data_are_not_too_wide() {
    let f = prior_fit(json!({"yearly_seasonality": 2, "chains": 2, "draws": 500, "seed": 1}), example());
    let rows = checks(&f);
    let quantities: Vec<&str> = rows.iter().map(|c| c.quantity.as_str()).collect();
    assert_eq!(quantities, ["target_weekly", "target_total", "media_share", "channel_share:x1", "channel_share:x2"]);
    for c in &rows {
        assert_ne!(c.verdict, Verdict::TooWide, "{c:?}");
        assert!(c.lower <= c.median && c.median <= c.upper, "{c:?}");
    }
    // The observed values are the data's.
    let y = &f.panel.data[0].y;
    assert_eq!(rows[0].observed, Some(y.iter().copied().fold(f64::NEG_INFINITY, f64::max)));
    assert_eq!(rows[1].observed, Some(y.iter().sum()));
    assert_eq!(rows[2].observed, None);
    // Shares add up: the media's share is the sum of the channels' in every draw, so its
    // median lies between the largest channel's and the channels' sum of medians' reach.
    assert!(rows[2].median >= rows[3].median.max(rows[4].median));
}

/// The tv/social/search process with its `demand` control, and without.
fn tv_social_search_data() -> (Dataset, Dataset) {
    let data = simulate(&tv_social_search(4)).unwrap().data;
    let mut media_only = data.clone();
    media_only.control_names.clear();
    media_only.controls.clear();
    (data, media_only)
}

#[test]
fn an_absurd_saturation_prior_is_too_wide() {
    let (with_demand, data) = tv_social_search_data();
    let absurd = json!({"chains": 2, "draws": 500, "seed": 2,
        "priors": {"saturation_beta": {"dist": "HalfNormal", "sigma": 1000}}});
    let rows = checks(&prior_fit(absurd, data.clone()));
    for quantity in ["target_weekly", "target_total", "media_share", "channel_share:tv"] {
        assert_eq!(verdict(&rows, quantity), Verdict::TooWide, "{quantity}: {rows:?}");
    }
    let defaults = json!({"chains": 2, "draws": 500, "seed": 2});
    let rows = checks(&prior_fit(defaults.clone(), data.clone()));
    assert!(rows.iter().all(|c| c.verdict != Verdict::TooWide), "{rows:?}");
    // Controls enter unscaled: the default Normal(0, 2) on a control near 100 (`demand`) lets
    // it alone swing the target by hundreds of times its size, while the shares are unmoved.
    let rows = checks(&prior_fit(defaults, with_demand));
    assert_eq!(verdict(&rows, "target_weekly"), Verdict::TooWide, "{rows:?}");
    assert_ne!(verdict(&rows, "media_share"), Verdict::TooWide, "{rows:?}");
    // A prior that pins every channel's effect near zero leaves no room for the media.
    let pinned = json!({"chains": 2, "draws": 500, "seed": 2,
        "priors": {"saturation_beta": {"dist": "HalfNormal", "sigma": 0.0001}}});
    let rows = checks(&prior_fit(pinned, data));
    assert_eq!(verdict(&rows, "media_share"), Verdict::TooNarrow, "{rows:?}");
}

#[test]
fn a_panel_is_checked_over_all_geos_and_per_geo() {
    let mut spec = geo_panel(5);
    spec.geos = 2;
    spec.base.weeks = 60;
    spec.base.channels.truncate(2);
    let panel = simulate_panel(&spec).unwrap().panel();
    let f = prior_fit(
        json!({"chains": 2, "draws": 200, "seed": 3, "scaling": {"target": "per_geo", "channel": "per_geo"}}),
        panel.clone(),
    );
    let rows = checks(&f);
    let per_scope = 3 + panel.channel_names().len();
    assert_eq!(rows.len(), 3 * per_scope);
    assert!(rows[..per_scope].iter().all(|c| c.geo.is_none()));
    for g in 0..2 {
        let scope = &rows[(g + 1) * per_scope..(g + 2) * per_scope];
        assert!(scope.iter().all(|c| c.geo == Some(g)));
        // Each geo's target is judged against its own rows.
        let y = &panel.data[g].y;
        assert_eq!(scope[1].observed, Some(y.iter().sum()));
    }
    let total: f64 = panel.data.iter().flat_map(|d| d.y.iter()).sum();
    assert_eq!(rows[1].observed, Some(total));
}

//! Response curves and the contribution grid of a geo panel: each geo in its own units, the
//! grid at δ = 1 equal to that geo's decomposition, and the curve its own geo's saturation.

use mmm_engine::inference::{fit, Control, FitConfig};
use mmm_engine::optimize::curves::{response_curve, ContributionGrid};
use mmm_engine::posterior::{decomposition, of_geo};
use mmm_engine::simulate::{geo_panel, simulate_panel};
use mmm_engine::transforms::saturation;
use serde_json::json;

#[test]
fn curves_and_grid_per_geo() {
    let mut spec = geo_panel(5);
    spec.geos = 2;
    spec.base.weeks = 40;
    spec.base.channels.truncate(2);
    let truth = simulate_panel(&spec).unwrap();
    let config = FitConfig::from_json(&json!({
        "scaling": {"target": "per_geo", "channel": "per_geo"},
        "chains": 1, "tune": 60, "draws": 30, "seed": 2,
    }))
    .unwrap();
    let f = fit(config, truth.panel(), "y", |_| Control::Continue).unwrap();
    let (s, weeks) = (&f.model.design.scales, f.model.design.weeks());
    let components = decomposition(&f.model, &f.trace);
    for g in 0..2 {
        for (m, name) in f.panel.channel_names().iter().enumerate() {
            let curve = response_curve(&f.model, &f.trace, &f.costs(), &[g], m, 2.0 * s.channel_of(g, m), 3, 0.94);
            assert_eq!(curve[0].response.mean, 0.0);
            assert!(curve.windows(2).all(|w| w[1].response.mean > w[0].response.mean));
            // Halfway the spend is the geo's own channel scale: scaled spend 1, in its target units.
            let at_one = f
                .trace
                .draws()
                .map(|theta| {
                    let p = f.model.channel_params_in(theta, g, m).saturation;
                    saturation::evaluate(f.model.spec.saturation, 1.0, &p).value * s.target_of(g)
                })
                .sum::<f64>()
                / f.trace.num_draws() as f64;
            assert!((curve[1].response.mean - at_one).abs() <= 1e-9 * at_one, "geo {g}, {name}");

            let series = &components.iter().find(|c| c.group == "channels" && &c.component == name).unwrap().values;
            let totals = of_geo(series, g, weeks).sum_axis(ndarray::Axis(1));
            for (a, b) in ContributionGrid::new(&f.model, &f.trace).scaled_contribution((g, m), 1.0).iter().zip(&totals)
            {
                assert!((a - b).abs() <= 1e-9 * b.abs(), "geo {g}, {name}: {a} vs {b}");
            }
        }
    }
    // The curve over both geos is the sum of theirs at the same per-geo spend.
    let spend = 1.5 * s.channel_of(0, 0).max(s.channel_of(1, 0));
    let total = response_curve(&f.model, &f.trace, &f.costs(), &[0, 1], 0, spend, 4, 0.94);
    let parts = [0, 1].map(|g| response_curve(&f.model, &f.trace, &f.costs(), &[g], 0, spend, 4, 0.94));
    for (i, p) in total.iter().enumerate() {
        let sum = parts[0][i].response.mean + parts[1][i].response.mean;
        assert!((p.response.mean - sum).abs() <= 1e-9 * sum.max(1.0));
        assert!((p.marginal - parts[0][i].marginal - parts[1][i].marginal).abs() <= 1e-9 * p.marginal.max(1.0));
    }
    // The two geos' scales differ, so a geo-blind curve would fail one of the checks above.
    assert_ne!(s.target_of(0), s.target_of(1));
}

//! Calibration on data with known truth: for every adstock and every saturation kind, fits of
//! simulated data give 90% intervals of the weekly channel contributions that cover the true
//! contributions at a rate near 90%.

use mmm_engine::inference::FitConfig;
use mmm_engine::inference::{fit, Control};
use mmm_engine::posterior::{decomposition, Band};
use mmm_engine::simulate::{simulate, tv_social_search, AdstockSpec, SaturationSpec};
use mmm_engine::transforms::{AdstockKind, SaturationKind};
use serde_json::json;

/// True parameters for each kind (scaled spend, amplitude 1).
fn cases() -> Vec<(AdstockSpec, SaturationSpec)> {
    let adstock = |kind, params: &[f64]| AdstockSpec { kind, params: params.to_vec(), l_max: 8, normalize: true };
    let saturation = |kind, params: &[f64]| SaturationSpec { kind, params: params.to_vec() };
    let geometric = adstock(AdstockKind::Geometric, &[0.4]);
    let logistic = saturation(SaturationKind::Logistic, &[2.0, 1.0]);
    vec![
        (geometric.clone(), logistic.clone()),
        (adstock(AdstockKind::Delayed, &[0.5, 1.0]), logistic.clone()),
        (adstock(AdstockKind::Binomial, &[0.3]), logistic.clone()),
        (adstock(AdstockKind::WeibullPdf, &[2.0, 1.5]), logistic.clone()),
        (adstock(AdstockKind::WeibullCdf, &[2.0, 1.5]), logistic.clone()),
        (geometric.clone(), saturation(SaturationKind::Hill, &[1.5, 0.5, 1.0])),
        (geometric.clone(), saturation(SaturationKind::MichaelisMenten, &[1.0, 0.5])),
        (geometric.clone(), saturation(SaturationKind::Tanh, &[1.0, 0.5])),
        (geometric.clone(), saturation(SaturationKind::Root, &[0.5, 1.0])),
        (geometric, saturation(SaturationKind::None, &[1.0])),
    ]
}

#[test]
fn ninety_percent_intervals_cover_the_truth() {
    let (mut covered, mut cells) = (0usize, 0usize);
    for (i, (adstock, saturation)) in cases().into_iter().enumerate() {
        for seed in 0..2u64 {
            let mut spec = tv_social_search(100 * i as u64 + seed);
            spec.weeks = 104;
            for channel in &mut spec.channels {
                channel.adstock = adstock.clone();
                channel.saturation = saturation.clone();
            }
            let sim = simulate(&spec).unwrap();
            let config = FitConfig::from_json(&json!({
                "adstock": adstock.kind, "saturation": saturation.kind,
                "chains": 2, "tune": 500, "draws": 500, "seed": seed,
            }))
            .unwrap();
            let f = fit(config, sim.data.clone(), "y", |_| Control::Continue).unwrap();
            let components = decomposition(&f.model, &f.trace);
            for (m, truth) in sim.contributions.iter().enumerate() {
                let name = &sim.data.channel_names[m];
                let draws = &components.iter().find(|c| &c.component == name).unwrap().values;
                for (t, &true_value) in truth.iter().enumerate() {
                    let band = Band::of(&draws.column(t).to_vec(), 0.90);
                    covered += usize::from((band.lower..=band.upper).contains(&true_value));
                    cells += 1;
                }
            }
        }
    }
    let rate = covered as f64 / cells as f64;
    println!("coverage of 90% intervals: {rate:.3} over {cells} channel-weeks");
    assert!((0.80..=0.97).contains(&rate), "coverage {rate:.3} over {cells} channel-weeks");
}

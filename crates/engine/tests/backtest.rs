//! The backtest's fold arithmetic on a simulated data set: a fold's plan never loses to the
//! equal split under the fold's own model, every plan spends the horizon's actual budget, a
//! later model that is the fold's own gives the same values, and the forecast of the horizon is
//! checked against what came.

use mmm_engine::backtest::{evaluate, second_opinion, Fold};
use mmm_engine::inference::{fit, Control, Fit, FitConfig};
use mmm_engine::model::design::Panel;
use mmm_engine::simulate::{simulate, tv_social_search};
use serde_json::json;

const WEEKS: usize = 104;

fn data() -> Panel {
    let mut spec = tv_social_search(5);
    spec.weeks = WEEKS;
    simulate(&spec).unwrap().data.into()
}

fn fit_before(panel: &Panel, origin: usize) -> Fit {
    let config = FitConfig::from_json(&json!({"chains": 2, "tune": 300, "draws": 200, "seed": 4})).unwrap();
    fit(config, panel.rows(0..origin), "y", |_| Control::Continue).unwrap()
}

fn relative(a: f64, b: f64) -> f64 {
    (a - b).abs() / b.abs().max(1e-300)
}

#[test]
fn folds_follow_the_dates() {
    let panel = data();
    let dates = panel.dates();
    let fold = Fold::of_dates(dates, dates[78], dates[91]).unwrap();
    assert_eq!(fold, Fold { origin: 78, end: 91 });
    assert_eq!(fold.horizon().num_periods, 13);
    // An origin between weeks starts at the next week; a horizon past the data ends with it.
    let later = dates[WEEKS - 1].plus_days(30);
    assert_eq!(Fold::of_dates(dates, dates[90].plus_days(1), later), Some(Fold { origin: 91, end: WEEKS }));
    assert_eq!(Fold::of_dates(dates, later, later.plus_days(90)), None);
}

#[test]
fn a_fold_plans_the_actual_budget_and_never_loses_to_the_equal_split() {
    let panel = data();
    let fold = Fold { origin: 78, end: 91 };
    let f = fit_before(&panel, fold.origin);
    let r = evaluate(&f, &panel, fold, 0.94, 7).unwrap();

    let horizon = panel.rows(78..91);
    for (m, x) in horizon.data[0].channels.iter().enumerate() {
        assert!(relative(r.plans.actual[m], x.iter().sum::<f64>() / 13.0) < 1e-12);
    }
    for plan in [&r.plans.mmm, &r.plans.equal, &r.plans.actual] {
        assert!(relative(plan.iter().sum(), r.budget) < 1e-9, "{plan:?} spends {}", r.budget);
    }
    // The optimum of the mean response cannot be beaten by a feasible allocation.
    assert!(r.gain() >= -1e-9, "gain {}", r.gain());
    assert!(r.gain_vs_actual() >= -1e-9, "gain over actual {}", r.gain_vs_actual());
    assert!(r.mmm.lower <= r.mmm.mean && r.mmm.mean <= r.mmm.upper);
    // A fit with a sensible forecast: well under the monitor's 20% MAPE; some weeks in the band.
    assert!(r.holdout_mape > 0.0 && r.holdout_mape < 0.2, "MAPE {}", r.holdout_mape);
    assert!(r.holdout_coverage > 0.5 && r.holdout_coverage <= 1.0, "coverage {}", r.holdout_coverage);

    // The fold's own model as the "later" one: same window, same carry-in, same values.
    let again = second_opinion(&f, fold, &[&r.plans.mmm, &r.plans.equal, &r.plans.actual], 0.94);
    assert_eq!(again, vec![r.mmm, r.equal, r.actual]);
}

//! A rolling backtest of budget plans: at each origin, the model fitted on the weeks before it
//! plans the next weeks' actual budget, and the plan is valued beside the equal split and the
//! spend that happened, under that model and, as a second opinion, under a model fitted on every
//! week. The horizon's target is also forecast with the actual spend and checked against what
//! came, as `mmm_monitor` checks a model. Fitting and storing the folds is the caller's part.

use crate::calendar::Date;
use crate::inference::Fit;
use crate::model::costs::Costs;
use crate::model::design::Panel;
use crate::optimize::{AllocationError, CellLabel, Horizon, Outcome, Planner, Utility};
use crate::posterior::monitor::{monitor_panel, Thresholds};
use crate::posterior::{forecast, Band};

/// Where a fold splits a panel's weeks: it trains on `..origin` and plans `origin..end`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Fold {
    pub origin: usize,
    pub end: usize,
}

impl Fold {
    /// The fold of `dates` (ascending) that starts at `origin` and ends before `end`; `None`
    /// when no week falls in between.
    pub fn of_dates(dates: &[Date], origin: Date, end: Date) -> Option<Fold> {
        let fold = Fold { origin: dates.partition_point(|d| *d < origin), end: dates.partition_point(|d| *d < end) };
        (fold.end > fold.origin).then_some(fold)
    }

    /// The optimizer's horizon: the fold's weeks, with the last training weeks' adstock carried
    /// in, as PyMC-Marketing 1.3 plans.
    pub fn horizon(&self) -> Horizon {
        Horizon { num_periods: self.end - self.origin, carry_in: true }
    }
}

/// The allocations a fold compares: per-period budget per cell (geo-major), each adding up to
/// the horizon's actual weekly spend.
#[derive(Debug, Clone, PartialEq)]
pub struct Plans {
    /// The fold model's optimum.
    pub mmm: Vec<f64>,
    pub equal: Vec<f64>,
    /// Each cell's mean weekly spend over the horizon, in money: what happened.
    pub actual: Vec<f64>,
}

/// What a fold's own model says of its plans and of its forecast, over some of its cells: all
/// of them, or one geo's.
#[derive(Debug, Clone, PartialEq)]
pub struct Values {
    /// The horizon's actual spend per week, over these cells.
    pub budget: f64,
    /// Each plan's response over the optimizer's window in these cells, under the fold's model.
    pub mmm: Band,
    pub equal: Band,
    pub actual: Band,
    /// The forecast of these cells' target with the actual spend against the actual target:
    /// its MAPE and the share of weeks inside the 94% predictive band.
    pub holdout_mape: f64,
    pub holdout_coverage: f64,
}

impl Values {
    /// The plan's expected response over the equal split's, less one.
    pub fn gain(&self) -> f64 {
        self.mmm.mean / self.equal.mean - 1.0
    }

    /// The plan's expected response over the actual spend's, less one.
    pub fn gain_vs_actual(&self) -> f64 {
        self.mmm.mean / self.actual.mean - 1.0
    }
}

/// A fold's plans and what its own model says of them.
#[derive(Debug, Clone, PartialEq)]
pub struct FoldReport {
    pub fold: Fold,
    pub cells: Vec<CellLabel>,
    pub plans: Plans,
    /// Over every cell.
    pub total: Values,
    /// Per geo of a panel, in its order (empty for a national model). One plan spans every
    /// geo, so a geo's plan need not spend its own actual budget nor beat its equal split.
    pub geos: Vec<(String, Values)>,
}

/// Evaluates `fold` of `panel` with `fit`, the model fitted on the fold's training weeks.
pub fn evaluate(fit: &Fit, panel: &Panel, fold: Fold, hdi_prob: f64, seed: u64) -> Result<FoldReport, AllocationError> {
    let holdout = panel.rows(fold.origin..fold.end);
    let weeks = (fold.end - fold.origin) as f64;
    let spent = Costs::of(&fit.model.spec, &holdout).expect("a backtest's costs cover every week of its panel");
    let actual: Vec<f64> = spent.spends().iter().map(|x| x.iter().sum::<f64>() / weeks).collect();
    let budget = actual.iter().sum();
    let planner = Planner::new(fit, fold.horizon());
    let report = planner.optimize(budget, None, Utility::Mean, hdi_prob)?;
    let actual_outcome = planner.value(actual.clone(), hdi_prob);
    let predicted = forecast(&fit.model, &fit.panel, &fit.trace, &holdout, seed);
    let y: Vec<f64> = holdout.data.iter().flat_map(|d| d.y.iter().copied()).collect();
    let checked = monitor_panel(&predicted, &y, &panel.geos, &Thresholds::default());
    let (mmm, equal) = (&report.optimized, &report.equal);
    let geos = checked
        .geos
        .iter()
        .enumerate()
        .map(|(g, c)| {
            let values = Values {
                budget: actual_outcome.geos[g].budget,
                mmm: mmm.geos[g].response,
                equal: equal.geos[g].response,
                actual: actual_outcome.geos[g].response,
                holdout_mape: c.check.mape,
                holdout_coverage: c.check.coverage,
            };
            (c.geo.clone(), values)
        })
        .collect();
    Ok(FoldReport {
        fold,
        cells: mmm.cells.clone(),
        total: Values {
            budget,
            mmm: mmm.total,
            equal: equal.total,
            actual: actual_outcome.total,
            holdout_mape: checked.total.mape,
            holdout_coverage: checked.total.coverage,
        },
        geos,
        plans: Plans { mmm: report.optimized.budgets, equal: report.equal.budgets, actual },
    })
}

/// The second opinion: `plans` valued under `later`, a model of the same series fitted on more
/// weeks, over the fold's window (adstock carried in from the weeks before its origin): each
/// plan's total and per-geo responses.
pub fn second_opinion(later: &Fit, fold: Fold, plans: &[&[f64]], hdi_prob: f64) -> Vec<Outcome> {
    let before = later.panel.rows(0..fold.origin);
    let planner = Planner::of(&later.model, &before, &later.trace, fold.horizon());
    plans.iter().map(|b| planner.value(b.to_vec(), hdi_prob)).collect()
}

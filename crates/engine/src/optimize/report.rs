//! What the budget questions answer, assembled once for SQL and plots alike: the optimal
//! allocation of a budget beside the equal split and the historical mix, the cheapest
//! allocation that reaches a target, and the optimum of each of several budgets. The budget is
//! allocated over cells, a national model's channels or a panel's (geo, channel) pairs; every
//! allocation is reported with each cell's response, each geo's and their total as a mean and
//! an HDI over the draws.

use super::allocate::{Allocation, AllocationError, Optimizer};
use super::bounds::Bounds;
use super::response::{cell_responses, ChannelResponse, Horizon};
use super::totals::Totals;
use super::utility::Utility;
use crate::inference::sampler::Trace;
use crate::inference::Fit;
use crate::model::costs::Costs;
use crate::model::design::Panel;
use crate::model::Model;
use crate::posterior::Band;

/// A fitted model's cell responses over one horizon, asked about budgets.
pub struct Planner {
    horizon: Horizon,
    /// Geo labels, empty for a national model.
    geos: Vec<String>,
    channel_names: Vec<String>,
    cells: Vec<CellLabel>,
    /// Each cell's spend over the horizon's length of last training weeks, in money.
    recent_spend: Vec<f64>,
    /// Each cell's largest training week, in money.
    largest_week: Vec<f64>,
    responses: Vec<ChannelResponse>,
}

/// What a cell is: a channel, in a geo of a panel.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CellLabel {
    /// `None` for a national model.
    pub geo: Option<String>,
    pub channel: String,
}

/// A geo's part of an allocation: its cells added up (the whole allocation for a national
/// model, whose one geo is `None`).
#[derive(Debug, Clone, PartialEq)]
pub struct GeoTotal {
    pub geo: Option<String>,
    /// Per-period budget of its cells.
    pub budget: f64,
    /// Its cells' responses added up draw by draw.
    pub response: Band,
}

/// An allocation as reported, from one evaluation of the responses.
#[derive(Debug, Clone, PartialEq)]
pub struct Outcome {
    /// What is allocated per period: the requested budget, or what the allocation adds up to
    /// when the budget is the answer (the cheapest allocation for a target).
    pub budget: f64,
    /// The cells, geo-major: a national model's channels, a panel's (geo, channel) pairs.
    pub cells: Vec<CellLabel>,
    /// Per-period budget of each cell.
    pub budgets: Vec<f64>,
    /// Each cell's response over the horizon (a national model's cells are its channels).
    pub channels: Vec<Band>,
    /// Per geo (one, `None`, for a national model).
    pub geos: Vec<GeoTotal>,
    /// Per channel, its cells in every geo added up draw by draw (a national model's channels).
    pub by_channel: Vec<Band>,
    /// The cells' responses added up draw by draw.
    pub total: Band,
    pub utility: f64,
}

impl Outcome {
    /// Cell `m`'s share of the budget (0 of a zero budget).
    pub fn share(&self, m: usize) -> f64 {
        if self.budget > 0.0 {
            self.budgets[m] / self.budget
        } else {
            0.0
        }
    }
}

/// The optimal allocation of one budget and the two allocations it is compared with, which
/// meet the same budget equalities (each geo's budget under `geo_budgets`).
#[derive(Debug, Clone, PartialEq)]
pub struct BudgetReport {
    pub optimized: Outcome,
    /// How the optimum was found and certified: bound statuses, multipliers, KKT residual,
    /// method.
    pub solution: Allocation,
    /// Mean response per extra unit of money over the horizon, per cell at its optimum.
    pub marginal_roas: Vec<f64>,
    /// Each budget split equally over its cells.
    pub equal: Outcome,
    /// Each budget split in the cells' shares of the horizon's length of last training weeks.
    pub historical: Outcome,
}

/// The cheapest allocation whose mean total response reaches a target.
#[derive(Debug, Clone, PartialEq)]
pub struct MinBudgetReport {
    /// Its budget is what the allocation adds up to.
    pub outcome: Outcome,
    pub solution: Allocation,
}

impl Planner {
    /// The planner of a fit: every (geo, channel) cell of a panel, every channel of a national fit.
    pub fn new(fit: &Fit, horizon: Horizon) -> Planner {
        Planner::of(&fit.model, &fit.panel, &fit.trace, horizon)
    }

    /// The planner of `model` fitted to `panel` (a national model's panel has one series and
    /// no geo labels), with the draws of `trace`. Budgets are money: units times the model's
    /// cost per unit.
    pub fn of(model: &Model, panel: &Panel, trace: &Trace, horizon: Horizon) -> Planner {
        let costs = Costs::of(&model.spec, panel).expect("a model's costs cover the weeks it was fitted on");
        let series = || costs.spends().iter();
        let cells = panel
            .data
            .iter()
            .enumerate()
            .flat_map(|(g, d)| {
                d.channel_names.iter().map(move |c| CellLabel { geo: panel.geos.get(g).cloned(), channel: c.clone() })
            })
            .collect();
        Planner {
            horizon,
            geos: panel.geos.clone(),
            channel_names: panel.channel_names().to_vec(),
            cells,
            recent_spend: series().map(|x| x[x.len().saturating_sub(horizon.num_periods)..].iter().sum()).collect(),
            largest_week: series().map(|x| x.iter().fold(0.0f64, |m, v| m.max(v.abs()))).collect(),
            responses: cell_responses(model, panel, trace, horizon),
        }
    }

    /// The cells, geo-major.
    pub fn cells(&self) -> &[CellLabel] {
        &self.cells
    }

    fn optimizer(&self, utility: Utility) -> Optimizer<'_> {
        Optimizer { responses: &self.responses, utility }
    }

    /// `bounds` (per channel or per (geo, channel) cell, see [`Bounds::parse_cells`]) with
    /// `default_upper` for cells it leaves out.
    fn bounds(&self, json: Option<&serde_json::Value>, default_upper: f64) -> Result<Bounds, AllocationError> {
        Bounds::parse_cells(&self.geos, &self.channel_names, json, default_upper)
    }

    /// The optimal allocation of `budget` per period over every cell under `utility`, with the
    /// equal split and the historical mix beside it. Cells that `bounds` leaves out may take the
    /// whole budget.
    pub fn optimize(
        &self,
        budget: f64,
        bounds: Option<&serde_json::Value>,
        utility: Utility,
        hdi_prob: f64,
    ) -> Result<BudgetReport, AllocationError> {
        self.report(&Totals::one(budget, self.cells.len()), bounds, utility, hdi_prob)
    }

    /// [`Planner::optimize`] with each geo's budget per period fixed by `geo_budgets`
    /// (`{"geo": budget, ...}`, every geo named); `budget`, if given, must be their sum.
    pub fn optimize_geo_budgets(
        &self,
        geo_budgets: &serde_json::Value,
        budget: Option<f64>,
        bounds: Option<&serde_json::Value>,
        utility: Utility,
        hdi_prob: f64,
    ) -> Result<BudgetReport, AllocationError> {
        let totals = Totals::per_geo(&self.geos, self.channel_names.len(), geo_budgets, budget)?;
        self.report(&totals, bounds, utility, hdi_prob)
    }

    fn report(
        &self,
        totals: &Totals,
        bounds: Option<&serde_json::Value>,
        utility: Utility,
        hdi_prob: f64,
    ) -> Result<BudgetReport, AllocationError> {
        let budget = totals.budget();
        let bounds = self.bounds(bounds, budget)?;
        let equal = totals.equal();
        let historical = totals.split(&self.recent_spend);
        let optimizer = self.optimizer(utility);
        let solution = optimizer.solve_within(totals, &bounds, &[equal.clone(), historical.clone()])?;
        let periods = self.horizon.num_periods as f64;
        let marginal_roas = self
            .responses
            .iter()
            .zip(&solution.budgets)
            .map(|(r, &b)| r.mean_at(b.max(budget * 1e-12)).slope / periods);
        Ok(BudgetReport {
            optimized: self.outcome(&optimizer, budget, solution.budgets.clone(), hdi_prob),
            marginal_roas: marginal_roas.collect(),
            equal: self.outcome(&optimizer, budget, equal, hdi_prob),
            historical: self.outcome(&optimizer, budget, historical, hdi_prob),
            solution,
        })
    }

    /// The cheapest allocation over every cell whose mean total response over the horizon
    /// reaches `target`. Cells that `bounds` leaves out may spend up to a thousand times the
    /// cells' largest historical weeks added up.
    pub fn min_budget(
        &self,
        target: f64,
        bounds: Option<&serde_json::Value>,
        hdi_prob: f64,
    ) -> Result<MinBudgetReport, AllocationError> {
        let bounds = self.bounds(bounds, 1000.0 * self.largest_week.iter().sum::<f64>())?;
        let optimizer = self.optimizer(Utility::Mean);
        let solution = optimizer.min_budget(target, &bounds)?;
        let total = solution.budgets.iter().sum();
        Ok(MinBudgetReport { outcome: self.outcome(&optimizer, total, solution.budgets.clone(), hdi_prob), solution })
    }

    /// The optimal mean-utility allocation of `budget` over every cell, as `optimize` bounds it.
    pub fn scenario(
        &self,
        budget: f64,
        bounds: Option<&serde_json::Value>,
        hdi_prob: f64,
    ) -> Result<Outcome, AllocationError> {
        let bounds = self.bounds(bounds, budget)?;
        let optimizer = self.optimizer(Utility::Mean);
        let solution = optimizer.solve(budget, &bounds, &[])?;
        Ok(self.outcome(&optimizer, budget, solution.budgets, hdi_prob))
    }

    /// A given allocation (per-period budget per cell, geo-major) valued as the others are:
    /// what a plan made elsewhere, or the spend that happened, is worth under this model.
    pub fn value(&self, budgets: Vec<f64>, hdi_prob: f64) -> Outcome {
        assert_eq!(budgets.len(), self.cells.len(), "one budget per cell");
        let budget = budgets.iter().sum();
        self.outcome(&self.optimizer(Utility::Mean), budget, budgets, hdi_prob)
    }

    fn outcome(&self, optimizer: &Optimizer, budget: f64, budgets: Vec<f64>, hdi_prob: f64) -> Outcome {
        let e = optimizer.evaluate(&budgets);
        let draws = e.samples[0].len();
        let added = |cells: &[Vec<f64>]| -> Vec<f64> { (0..draws).map(|d| cells.iter().map(|s| s[d]).sum()).collect() };
        let n = self.channel_names.len();
        let geos = (0..self.cells.len() / n)
            .map(|g| GeoTotal {
                geo: self.geos.get(g).cloned(),
                budget: budgets[g * n..(g + 1) * n].iter().sum(),
                response: Band::of(&added(&e.samples[g * n..(g + 1) * n]), hdi_prob),
            })
            .collect();
        let by_channel = (0..n)
            .map(|m| {
                let sums: Vec<f64> = (0..draws).map(|d| e.samples[m..].iter().step_by(n).map(|s| s[d]).sum()).collect();
                Band::of(&sums, hdi_prob)
            })
            .collect();
        Outcome {
            budget,
            cells: self.cells.clone(),
            by_channel,
            channels: e.samples.iter().map(|s| Band::of(s, hdi_prob)).collect(),
            geos,
            total: Band::of(&added(&e.samples), hdi_prob),
            budgets,
            utility: e.utility,
        }
    }
}

/// Historical mix: each channel's share of the spend in the last `weeks` rows, applied to
/// `budget`; the equal split when those weeks spent nothing.
pub fn historical_split(channels: &[Vec<f64>], weeks: usize, budget: f64) -> Vec<f64> {
    let spend: Vec<f64> = channels.iter().map(|x| x[x.len().saturating_sub(weeks)..].iter().sum()).collect();
    Totals::one(budget, channels.len()).split(&spend)
}

//! What the budget questions answer, assembled once for SQL and plots alike: the optimal
//! allocation of a budget beside the equal split and the historical mix, the cheapest
//! allocation that reaches a target, and the optimum of each of several budgets. Every
//! allocation is reported with each channel's response and their total as a mean and an HDI
//! over the draws.

use super::allocate::{Allocation, AllocationError, Optimizer};
use super::bounds::Bounds;
use super::response::{channel_responses, ChannelResponse, Horizon};
use super::utility::Utility;
use crate::inference::Fit;
use crate::posterior::Band;

/// A fitted model's channel responses over one horizon, asked about budgets.
pub struct Planner<'a> {
    fit: &'a Fit,
    horizon: Horizon,
    responses: Vec<ChannelResponse>,
}

/// An allocation as reported, from one evaluation of the responses.
#[derive(Debug, Clone, PartialEq)]
pub struct Outcome {
    /// What is allocated per period: the requested budget, or what the allocation adds up to
    /// when the budget is the answer (the cheapest allocation for a target).
    pub budget: f64,
    /// Per-period budget of each channel.
    pub budgets: Vec<f64>,
    /// Each channel's response over the horizon.
    pub channels: Vec<Band>,
    /// The channels' responses added up draw by draw.
    pub total: Band,
    pub utility: f64,
}

impl Outcome {
    /// Channel `m`'s share of the budget (0 of a zero budget).
    pub fn share(&self, m: usize) -> f64 {
        if self.budget > 0.0 {
            self.budgets[m] / self.budget
        } else {
            0.0
        }
    }
}

/// The optimal allocation of one budget and the two allocations it is compared with.
#[derive(Debug, Clone, PartialEq)]
pub struct BudgetReport {
    pub optimized: Outcome,
    /// How the optimum was found and certified: bound statuses, KKT residual, method.
    pub solution: Allocation,
    /// Mean response per extra unit of money over the horizon, per channel at its optimum.
    pub marginal_roas: Vec<f64>,
    pub equal: Outcome,
    /// The channels' shares of the horizon's length of last training weeks.
    pub historical: Outcome,
}

/// The cheapest allocation whose mean total response reaches a target.
#[derive(Debug, Clone, PartialEq)]
pub struct MinBudgetReport {
    /// Its budget is what the allocation adds up to.
    pub outcome: Outcome,
    pub solution: Allocation,
}

impl<'a> Planner<'a> {
    pub fn new(fit: &'a Fit, horizon: Horizon) -> Planner<'a> {
        Planner { fit, horizon, responses: channel_responses(&fit.model, &fit.panel.data[0], &fit.trace, horizon) }
    }

    fn optimizer(&self, utility: Utility) -> Optimizer<'_> {
        Optimizer { responses: &self.responses, utility }
    }

    /// `bounds` (`{"channel": [lower, upper]}` per period) with `default_upper` for channels it
    /// leaves out.
    fn bounds(&self, json: Option<&serde_json::Value>, default_upper: f64) -> Result<Bounds, AllocationError> {
        Bounds::parse(&self.fit.panel.data[0].channel_names, json, default_upper)
    }

    /// The optimal allocation of `budget` per period under `utility`, with the equal split and
    /// the historical mix beside it. Channels that `bounds` leaves out may take the whole budget.
    pub fn optimize(
        &self,
        budget: f64,
        bounds: Option<&serde_json::Value>,
        utility: Utility,
        hdi_prob: f64,
    ) -> Result<BudgetReport, AllocationError> {
        let bounds = self.bounds(bounds, budget)?;
        let n = self.responses.len();
        let equal = vec![budget / n as f64; n];
        let historical = historical_split(&self.fit.panel.data[0].channels, self.horizon.num_periods, budget);
        let optimizer = self.optimizer(utility);
        let solution = optimizer.solve(budget, &bounds, &[equal.clone(), historical.clone()])?;
        let periods = self.horizon.num_periods as f64;
        let marginal_roas = self
            .responses
            .iter()
            .zip(&solution.budgets)
            .map(|(r, &b)| r.mean_at(b.max(budget * 1e-12)).slope / periods);
        Ok(BudgetReport {
            optimized: outcome(&optimizer, budget, solution.budgets.clone(), hdi_prob),
            marginal_roas: marginal_roas.collect(),
            equal: outcome(&optimizer, budget, equal, hdi_prob),
            historical: outcome(&optimizer, budget, historical, hdi_prob),
            solution,
        })
    }

    /// The cheapest allocation whose mean total response over the horizon reaches `target`.
    /// Channels that `bounds` leaves out may spend up to a thousand times their largest
    /// historical week.
    pub fn min_budget(
        &self,
        target: f64,
        bounds: Option<&serde_json::Value>,
        hdi_prob: f64,
    ) -> Result<MinBudgetReport, AllocationError> {
        let bounds = self.bounds(bounds, 1000.0 * self.fit.model.design.scales.channels.iter().sum::<f64>())?;
        let optimizer = self.optimizer(Utility::Mean);
        let solution = optimizer.min_budget(target, &bounds)?;
        let total = solution.budgets.iter().sum();
        Ok(MinBudgetReport { outcome: outcome(&optimizer, total, solution.budgets.clone(), hdi_prob), solution })
    }

    /// The optimal mean-utility allocation of `budget`, as `optimize` bounds it.
    pub fn scenario(
        &self,
        budget: f64,
        bounds: Option<&serde_json::Value>,
        hdi_prob: f64,
    ) -> Result<Outcome, AllocationError> {
        let bounds = self.bounds(bounds, budget)?;
        let optimizer = self.optimizer(Utility::Mean);
        let solution = optimizer.solve(budget, &bounds, &[])?;
        Ok(outcome(&optimizer, budget, solution.budgets, hdi_prob))
    }
}

fn outcome(optimizer: &Optimizer, budget: f64, budgets: Vec<f64>, hdi_prob: f64) -> Outcome {
    let e = optimizer.evaluate(&budgets);
    let total: Vec<f64> = (0..e.samples[0].len()).map(|d| e.samples.iter().map(|s| s[d]).sum()).collect();
    Outcome {
        budget,
        budgets,
        channels: e.samples.iter().map(|s| Band::of(s, hdi_prob)).collect(),
        total: Band::of(&total, hdi_prob),
        utility: e.utility,
    }
}

/// Historical mix: each channel's share of the spend in the last `weeks` rows, applied to
/// `budget`; the equal split when those weeks spent nothing.
pub fn historical_split(channels: &[Vec<f64>], weeks: usize, budget: f64) -> Vec<f64> {
    let spend: Vec<f64> = channels.iter().map(|x| x[x.len().saturating_sub(weeks)..].iter().sum()).collect();
    let total: f64 = spend.iter().sum();
    if total > 0.0 {
        spend.iter().map(|s| budget * s / total).collect()
    } else {
        vec![budget / channels.len() as f64; channels.len()]
    }
}

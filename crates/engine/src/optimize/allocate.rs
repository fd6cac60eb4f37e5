//! Budget allocation: maximise a utility of the response sample subject to `Σ_m b_m = budget`
//! and per-channel bounds. The mean utility over concave responses is solved exactly by Newton
//! steps (`newton.rs`), everything else by projected gradient from several starts
//! (`projected_gradient.rs`); every answer reports its KKT residual.

use super::bounds::Bounds;
use super::response::ChannelResponse;
use super::utility::Utility;
use rayon::prelude::*;

/// Where a channel's budget ended up.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BoundStatus {
    Lower,
    Upper,
    Interior,
}

impl BoundStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            BoundStatus::Lower => "lower",
            BoundStatus::Upper => "upper",
            BoundStatus::Interior => "interior",
        }
    }
}

/// How the allocation was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    /// Global optimum of a concave separable problem, by Newton steps on its KKT system.
    Newton,
    /// Best of several spectral projected gradient runs.
    ProjectedGradient,
}

impl Method {
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Newton => "newton",
            Method::ProjectedGradient => "projected_gradient",
        }
    }
}

/// An optimised allocation.
#[derive(Debug, Clone, PartialEq)]
pub struct Allocation {
    /// Per-period budget of each channel.
    pub budgets: Vec<f64>,
    pub utility: f64,
    /// `d utility / d b_m` at the optimum.
    pub marginal: Vec<f64>,
    /// The multiplier that best balances the marginals (the value of one more unit of budget).
    pub multiplier: f64,
    /// Largest violation of the KKT conditions over the largest marginal: 0 at an exact optimum.
    pub kkt_residual: f64,
    pub status: Vec<BoundStatus>,
    pub method: Method,
}

/// Why no allocation could be computed; the message says which number is at fault.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum AllocationError {
    #[error("budget = {0} is out of range")]
    Budget(f64),
    #[error("bounds for channel \"{channel}\" are invalid: [{lower}, {upper}]")]
    InvalidBound { channel: String, lower: f64, upper: f64 },
    #[error("bounds are infeasible: the lower bounds add up to {sum}, more than the budget {budget}")]
    LowerAboveBudget { sum: f64, budget: f64 },
    #[error("bounds are infeasible: the upper bounds add up to {sum}, less than the budget {budget}")]
    UpperBelowBudget { sum: f64, budget: f64 },
    #[error("bounds name unknown channel \"{0}\"")]
    UnknownChannel(String),
    #[error("bounds for channel \"{0}\" must be a JSON array [lower, upper] of two numbers")]
    BoundShape(String),
    #[error("bounds must be a JSON object keyed by channel")]
    BoundsNotObject,
    #[error(
        "target response {target} is not reachable within the bounds: the largest reachable mean response is {max}"
    )]
    Unreachable { target: f64, max: f64 },
}

impl AllocationError {
    /// What to do about it, for the ERROR's hint.
    pub fn hint(&self) -> &'static str {
        match self {
            Self::Budget(_) => "Pass a positive, finite budget per period.",
            Self::InvalidBound { .. } | Self::BoundShape(_) | Self::BoundsNotObject => {
                "Write bounds as {\"channel\": [lower, upper]} with 0 <= lower <= upper, in money per period."
            }
            Self::LowerAboveBudget { .. } => "Lower the channels' minimums or raise the budget.",
            Self::UpperBelowBudget { .. } => "Raise the channels' maximums or lower the budget.",
            Self::UnknownChannel(_) => "Bounds are keyed by the model's channel names; mmm_roas(model) lists them.",
            Self::Unreachable { .. } => "Lower the target or widen the bounds.",
        }
    }
}

/// The allocation problem over fitted channel responses.
pub struct Optimizer<'a> {
    pub responses: &'a [ChannelResponse],
    pub utility: Utility,
}

/// Utility and gradient at one allocation, with the per-channel samples behind them.
pub struct Evaluation {
    pub utility: f64,
    pub gradient: Vec<f64>,
    /// Response of each channel for every draw.
    pub samples: Vec<Vec<f64>>,
}

impl Optimizer<'_> {
    fn draws(&self) -> usize {
        self.responses[0].draws()
    }

    /// Utility and its gradient in the budgets at `b`.
    pub fn evaluate(&self, b: &[f64]) -> Evaluation {
        let n = self.draws();
        let total_budget: f64 = b.iter().sum();
        let (samples, slopes): (Vec<Vec<f64>>, Vec<Vec<f64>>) = self
            .responses
            .par_iter()
            .zip(b)
            .map(|(r, &x)| {
                let (mut values, mut slopes) = (vec![0.0; n], vec![0.0; n]);
                // Where a slope is infinite at zero spend, evaluate just inside (a 1e-12 share).
                r.per_draw(x.max(total_budget * 1e-12), &mut values, &mut slopes);
                (values, slopes)
            })
            .unzip();
        let total: Vec<f64> = (0..n).map(|d| samples.iter().map(|s| s[d]).sum()).collect();
        let mut weights = vec![0.0; n];
        let utility = self.utility.evaluate(&total, total_budget, &mut weights);
        let budget_term = match self.utility {
            Utility::Raroc { .. } => -utility / total_budget,
            _ => 0.0,
        };
        let gradient = slopes.iter().map(|s| crate::numeric::dot(&weights, s) + budget_term).collect();
        Evaluation { utility, gradient, samples }
    }

    /// The best allocation of `budget` within `bounds`; `starts` (e.g. the equal split and the
    /// historical mix) seed the search when it is not the concave Newton case.
    pub fn solve(&self, budget: f64, bounds: &Bounds, starts: &[Vec<f64>]) -> Result<Allocation, AllocationError> {
        bounds.check(budget)?;
        let concave = self.utility == Utility::Mean && self.responses.iter().all(|r| r.is_concave());
        let (budgets, method) = if concave {
            (self.by_newton(budget, bounds), Method::Newton)
        } else {
            (self.by_projected_gradient(budget, bounds, starts), Method::ProjectedGradient)
        };
        Ok(self.certify(budgets, bounds, budget, method))
    }

    /// Utility, marginals, multiplier, KKT residual and bound statuses of a feasible `b`.
    pub fn certify(&self, budgets: Vec<f64>, bounds: &Bounds, budget: f64, method: Method) -> Allocation {
        let e = self.evaluate(&budgets);
        let tol = 1e-9 * budget;
        let status: Vec<BoundStatus> = budgets
            .iter()
            .zip(bounds.lower.iter().zip(&bounds.upper))
            .map(|(&b, (&l, &u))| {
                if b <= l + tol {
                    BoundStatus::Lower
                } else if b >= u - tol {
                    BoundStatus::Upper
                } else {
                    BoundStatus::Interior
                }
            })
            .collect();
        let (multiplier, violation) = kkt(&e.gradient, &status);
        let scale = e.gradient.iter().fold(0.0f64, |a, g| a.max(g.abs()));
        Allocation {
            budgets,
            utility: e.utility,
            kkt_residual: if scale > 0.0 { violation / scale } else { 0.0 },
            multiplier,
            marginal: e.gradient,
            status,
            method,
        }
    }

    /// The cheapest allocation whose mean response reaches `target` (mean utility). The best
    /// response `V(B)` grows with the budget `B` and `dV/dB` is the multiplier, so Newton steps
    /// on `B`, kept inside a bracket by bisection, converge in a few solves.
    pub fn min_budget(&self, target: f64, bounds: &Bounds) -> Result<Allocation, AllocationError> {
        let mean = Optimizer { responses: self.responses, utility: Utility::Mean };
        let (floor, ceiling): (f64, f64) = (bounds.lower.iter().sum(), bounds.upper.iter().sum());
        let top = mean.certify(bounds.upper.clone(), bounds, ceiling, Method::Newton);
        if top.utility < target {
            return Err(AllocationError::Unreachable { target, max: top.utility });
        }
        // The lower bounds may reach the target already: with carry-in, spending nothing still
        // earns what the carried-in weeks deliver.
        let bottom = mean.certify(bounds.lower.clone(), bounds, floor, Method::Newton);
        if bottom.utility >= target {
            return Ok(bottom);
        }
        let (mut low, mut high) = (floor, ceiling);
        let mut budget = 0.5 * (low + high);
        let mut best = top;
        for _ in 0..200 {
            let a = mean.solve(budget, bounds, &[])?;
            if a.utility >= target {
                high = budget;
                best = a.clone();
            } else {
                low = budget;
            }
            // Within 1e-10 of the target counts as reaching it.
            if (a.utility - target).abs() <= 1e-10 * target.abs() {
                return Ok(a);
            }
            if high - low <= 1e-13 * high {
                break;
            }
            let newton = budget + (target - a.utility) / a.multiplier;
            budget = if a.multiplier > 0.0 && newton > low && newton < high { newton } else { 0.5 * (low + high) };
        }
        Ok(best)
    }
}

/// The multiplier minimising the largest KKT violation, and that violation. Violations are
/// `|g - λ|` inside the bounds, `g - λ > 0` at a lower and `λ - g > 0` at an upper bound; all
/// have slope ±1 in `λ`, so the minimiser is a midpoint of two marginals.
fn kkt(gradient: &[f64], status: &[BoundStatus]) -> (f64, f64) {
    let worst = |lambda: f64| -> f64 {
        gradient
            .iter()
            .zip(status)
            .map(|(&g, s)| match s {
                BoundStatus::Interior => (g - lambda).abs(),
                BoundStatus::Lower => (g - lambda).max(0.0),
                BoundStatus::Upper => (lambda - g).max(0.0),
            })
            .fold(0.0, f64::max)
    };
    let mut best = (gradient.first().copied().unwrap_or(0.0), f64::INFINITY);
    for a in gradient {
        for b in gradient {
            let lambda = 0.5 * (a + b);
            let v = worst(lambda);
            if v < best.1 {
                best = (lambda, v);
            }
        }
    }
    best
}

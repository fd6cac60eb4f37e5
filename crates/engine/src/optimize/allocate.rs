//! Budget allocation: maximise a utility of the response sample subject to the budget
//! equalities (`totals.rs`: one total over every cell, or one per geo) and per-cell bounds. The
//! mean utility over concave responses is solved exactly by Newton steps (`newton.rs`),
//! everything else by projected gradient from several starts (`projected_gradient.rs`); every
//! answer reports its KKT residual.

use super::bounds::Bounds;
use super::response::ChannelResponse;
use super::totals::{Group, Totals};
use super::utility::Utility;
use rayon::prelude::*;

/// Where a cell's budget ended up.
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
    /// Per-period budget of each cell.
    pub budgets: Vec<f64>,
    pub utility: f64,
    /// `d utility / d b_m` at the optimum.
    pub marginal: Vec<f64>,
    /// Per budget equality (the one total, or each geo's), the multiplier that best balances
    /// its cells' marginals: the value of one more unit of that budget.
    pub multipliers: Vec<f64>,
    /// Largest violation of the KKT conditions over the largest marginal of its equality's
    /// cells, over all equalities: 0 at an exact optimum.
    pub kkt_residual: f64,
    pub status: Vec<BoundStatus>,
    pub method: Method,
}

/// Why no allocation could be computed; the message says which number, geo or channel is at
/// fault.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum AllocationError {
    #[error("budget = {} is out of range", shown(.0))]
    Budget(f64),
    #[error("bounds for {} are invalid: [{lower}, {upper}]", cell_name(.geo, .channel))]
    InvalidBound { geo: Option<String>, channel: String, lower: f64, upper: f64 },
    #[error("bounds are infeasible{}: the lower bounds add up to {sum}, more than the budget {budget}", in_geo(.geo))]
    LowerAboveBudget { geo: Option<String>, sum: f64, budget: f64 },
    #[error("bounds are infeasible{}: the upper bounds add up to {sum}, less than the budget {budget}", in_geo(.geo))]
    UpperBelowBudget { geo: Option<String>, sum: f64, budget: f64 },
    #[error("bounds name unknown channel \"{0}\"")]
    UnknownChannel(String),
    #[error("bounds for channel \"{0}\" must be a JSON array [lower, upper] of two numbers")]
    BoundShape(String),
    #[error("bounds must be a JSON object keyed by channel")]
    BoundsNotObject,
    #[error("bounds for geo \"{0}\" must be a JSON object {{\"channel\": [lower, upper]}}")]
    GeoBoundsShape(String),
    /// A geo the model does not have, named by the argument (`bounds` or `geo_budgets`).
    #[error("unknown geo \"{1}\" in {0}")]
    UnknownGeo(&'static str, String),
    #[error("geo_budgets is given but the model has no geos")]
    GeoBudgetsWithoutGeos,
    #[error("geo_budgets must be a JSON object keyed by geo")]
    GeoBudgetsNotObject,
    #[error("geo_budgets has no budget for geo \"{0}\"")]
    MissingGeoBudget(String),
    #[error("geo_budgets for geo \"{geo}\" must be a positive number, got {value}")]
    GeoBudget { geo: String, value: String },
    #[error("budget = {budget} disagrees with geo_budgets, which add up to {sum}")]
    GeoBudgetsTotal { budget: f64, sum: f64 },
    #[error(
        "target response {target} is not reachable within the bounds: the largest reachable mean response is {max}"
    )]
    Unreachable { target: f64, max: f64 },
}

/// A number as a message shows it: tiny ones in exponent form (Rust writes 1e-320 out in full).
fn shown(x: &f64) -> String {
    match x.abs() {
        a if a > 0.0 && a < 1e-6 => format!("{x:e}"),
        _ => x.to_string(),
    }
}

fn cell_name(geo: &Option<String>, channel: &str) -> String {
    format!("channel \"{channel}\"{}", in_geo(geo))
}

fn in_geo(geo: &Option<String>) -> String {
    geo.as_ref().map_or(String::new(), |g| format!(" in geo \"{g}\""))
}

impl AllocationError {
    /// What to do about it, for the ERROR's hint.
    pub fn hint(&self) -> &'static str {
        match self {
            Self::Budget(_) => "Pass a finite budget per period of at least 1e-295.",
            Self::InvalidBound { geo: None, .. } | Self::BoundShape(_) | Self::BoundsNotObject => {
                "Write bounds as {\"channel\": [lower, upper]} with 0 <= lower <= upper, in money per period."
            }
            Self::InvalidBound { geo: Some(_), .. } | Self::GeoBoundsShape(_) => {
                "Write one geo's bounds as {\"geo\": {\"channel\": [lower, upper]}} with 0 <= lower <= upper, in money \
                 per period."
            }
            Self::LowerAboveBudget { .. } => "Lower the channels' minimums or raise the budget.",
            Self::UpperBelowBudget { .. } => "Raise the channels' maximums or lower the budget.",
            Self::UnknownChannel(_) => "Bounds are keyed by the model's channel names; mmm_roas(model) lists them.",
            Self::UnknownGeo(..) => "Name the model's geos as they were fitted; mmm_roas(model) lists them.",
            Self::GeoBudgetsWithoutGeos => "Leave geo_budgets out for a model fitted without a geo column.",
            Self::GeoBudgetsNotObject | Self::MissingGeoBudget(_) | Self::GeoBudget { .. } => {
                "Write geo_budgets as {\"geo\": budget per period, ...} with a positive budget for every geo, \
                 or leave it out to share one budget over all geos."
            }
            Self::GeoBudgetsTotal { .. } => "Leave budget out (NULL) when geo_budgets is given, or make them agree.",
            Self::Unreachable { .. } => "Lower the target or widen the bounds.",
        }
    }

    /// The same infeasibility, said of the cells of `geo`.
    pub(super) fn in_geo(self, geo: Option<&String>) -> AllocationError {
        match self {
            Self::LowerAboveBudget { sum, budget, .. } => Self::LowerAboveBudget { geo: geo.cloned(), sum, budget },
            Self::UpperBelowBudget { sum, budget, .. } => Self::UpperBelowBudget { geo: geo.cloned(), sum, budget },
            other => other,
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
        self.solve_within(&Totals::one(budget, self.responses.len()), bounds, starts)
    }

    /// The best allocation that meets every equality of `totals` within `bounds`.
    pub fn solve_within(
        &self,
        totals: &Totals,
        bounds: &Bounds,
        starts: &[Vec<f64>],
    ) -> Result<Allocation, AllocationError> {
        totals.check(bounds)?;
        let concave = self.utility == Utility::Mean && self.responses.iter().all(|r| r.is_concave());
        let (budgets, method) = if concave {
            // The mean is separable by cell: each equality's cells are a problem of their own.
            let parts =
                totals.groups.iter().flat_map(|g| self.part(g).by_newton(g.budget, &bounds.slice(g.cells.clone())));
            (parts.collect(), Method::Newton)
        } else {
            (self.by_projected_gradient(totals, bounds, starts), Method::ProjectedGradient)
        };
        Ok(self.certify_within(budgets, bounds, totals, method))
    }

    /// The problem restricted to the cells of `group`.
    pub(super) fn part(&self, group: &Group) -> Optimizer<'_> {
        Optimizer { responses: &self.responses[group.cells.clone()], utility: self.utility }
    }

    /// Utility, marginals, multiplier, KKT residual and bound statuses of a feasible `b`.
    pub fn certify(&self, budgets: Vec<f64>, bounds: &Bounds, budget: f64, method: Method) -> Allocation {
        self.certify_within(budgets, bounds, &Totals::one(budget, self.responses.len()), method)
    }

    /// [`Optimizer::certify`] under several equalities: each has its own multiplier, and the
    /// residual is the worst of theirs.
    pub fn certify_within(&self, budgets: Vec<f64>, bounds: &Bounds, totals: &Totals, method: Method) -> Allocation {
        let e = self.evaluate(&budgets);
        let mut status = Vec::with_capacity(budgets.len());
        let (mut multipliers, mut kkt_residual) = (Vec::with_capacity(totals.groups.len()), 0.0f64);
        for g in &totals.groups {
            let tol = 1e-9 * g.budget;
            let cells = g.cells.clone();
            let own: Vec<BoundStatus> = budgets[cells.clone()]
                .iter()
                .zip(bounds.lower[cells.clone()].iter().zip(&bounds.upper[cells.clone()]))
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
            let gradient = &e.gradient[cells];
            let (multiplier, violation) = kkt(gradient, &own);
            let scale = gradient.iter().fold(0.0f64, |a, g| a.max(g.abs()));
            kkt_residual = kkt_residual.max(if scale > 0.0 { violation / scale } else { 0.0 });
            multipliers.push(multiplier);
            status.extend(own);
        }
        Allocation { budgets, utility: e.utility, kkt_residual, multipliers, marginal: e.gradient, status, method }
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
            if super::interrupt::interrupted() {
                break;
            }
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
            let newton = budget + (target - a.utility) / a.multipliers[0];
            budget = if a.multipliers[0] > 0.0 && newton > low && newton < high { newton } else { 0.5 * (low + high) };
        }
        Ok(best)
    }
}

/// The multiplier minimising the largest KKT violation, and that violation. Violations are
/// `|g - λ|` inside the bounds, `g - λ > 0` at a lower and `λ - g > 0` at an upper bound; all
/// have slope ±1 in `λ`, so the minimiser is a midpoint of two marginals.
fn kkt(gradient: &[f64], status: &[BoundStatus]) -> (f64, f64) {
    // The largest violation is max(0, A - λ, λ - B) with A the largest marginal of the cells
    // that may not gain and B the smallest of those that may not lose: rounding is monotone,
    // so this is the per-cell maximum exactly, in O(1) per λ for panels of many cells.
    let (mut high, mut low) = (f64::NEG_INFINITY, f64::INFINITY);
    for (&g, s) in gradient.iter().zip(status) {
        if *s != BoundStatus::Upper {
            high = high.max(g);
        }
        if *s != BoundStatus::Lower {
            low = low.min(g);
        }
    }
    let worst = |lambda: f64| -> f64 { (high - lambda).max(lambda - low).max(0.0) };
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

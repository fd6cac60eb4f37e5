//! Budget allocation: maximise a utility of the response sample subject to `Σ_m b_m = budget`
//! and per-channel bounds.
//!
//! For the mean utility the response is separable by channel. When every channel's response is
//! concave the optimum is global and characterised by one multiplier `λ`: interior channels
//! have marginal response `λ`, channels at their lower bound at most `λ`, at their upper bound at
//! least `λ`. Newton steps on these conditions reach it in a handful of evaluations.
//! Other utilities and non-concave responses (hill slope > 1) use spectral projected gradient
//! from several starts. Every answer reports its KKT residual.

use super::response::{ChannelResponse, MeanResponse};
use super::utility::Utility;
use rand::{RngExt, SeedableRng};
use rayon::prelude::*;

/// Per-channel bounds on the per-period budget.
#[derive(Debug, Clone, PartialEq)]
pub struct Bounds {
    pub lower: Vec<f64>,
    pub upper: Vec<f64>,
}

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

impl Bounds {
    /// `{"channel": [lower, upper], ...}` per period, missing channels `[0, default_upper]`.
    pub fn parse(
        channels: &[String],
        json: Option<&serde_json::Value>,
        default_upper: f64,
    ) -> Result<Bounds, AllocationError> {
        let mut bounds = Bounds { lower: vec![0.0; channels.len()], upper: vec![default_upper; channels.len()] };
        let Some(json) = json else { return Ok(bounds) };
        let object = json.as_object().ok_or(AllocationError::BoundsNotObject)?;
        for (name, value) in object {
            let m =
                channels.iter().position(|c| c == name).ok_or_else(|| AllocationError::UnknownChannel(name.clone()))?;
            let pair =
                value.as_array().filter(|a| a.len() == 2).ok_or_else(|| AllocationError::BoundShape(name.clone()))?;
            let (lower, upper) = match (pair[0].as_f64(), pair[1].as_f64()) {
                (Some(l), Some(u)) => (l, u),
                _ => return Err(AllocationError::BoundShape(name.clone())),
            };
            if !(lower >= 0.0 && lower <= upper && upper.is_finite()) {
                return Err(AllocationError::InvalidBound { channel: name.clone(), lower, upper });
            }
            (bounds.lower[m], bounds.upper[m]) = (lower, upper);
        }
        Ok(bounds)
    }

    /// Checks that some allocation of `budget` fits.
    pub fn check(&self, budget: f64) -> Result<(), AllocationError> {
        if !(budget > 0.0 && budget.is_finite()) {
            return Err(AllocationError::Budget(budget));
        }
        let (lo, hi): (f64, f64) = (self.lower.iter().sum(), self.upper.iter().sum());
        // A relative slack so that bounds that add up to the budget exactly are feasible.
        if lo > budget * (1.0 + 1e-12) {
            return Err(AllocationError::LowerAboveBudget { sum: lo, budget });
        }
        if hi < budget * (1.0 - 1e-12) {
            return Err(AllocationError::UpperBelowBudget { sum: hi, budget });
        }
        Ok(())
    }

    /// The closest point of `{lower <= b <= upper, Σ b = budget}` to `z`.
    pub fn project(&self, z: &[f64], budget: f64) -> Vec<f64> {
        self.project_scaled(z, &vec![1.0; z.len()], budget)
    }

    /// `clamp(z_m - τ w_m)` with the shift `τ` that makes it add up to `budget`, found by
    /// bisection (the sum falls as `τ` grows): the Euclidean projection for unit weights, and
    /// the Newton step of a separable quadratic model for weights `1 / curvature`.
    fn project_scaled(&self, z: &[f64], w: &[f64], budget: f64) -> Vec<f64> {
        let at = |tau: f64| -> Vec<f64> {
            (0..z.len()).map(|m| (z[m] - tau * w[m]).clamp(self.lower[m], self.upper[m])).collect()
        };
        let (mut a, mut b) = (f64::INFINITY, f64::NEG_INFINITY);
        for m in 0..z.len() {
            (a, b) = (a.min((z[m] - self.upper[m]) / w[m]), b.max((z[m] - self.lower[m]) / w[m]));
        }
        for _ in 0..200 {
            let mid = 0.5 * (a + b);
            if mid <= a || mid >= b {
                break;
            }
            if at(mid).iter().sum::<f64>() > budget {
                a = mid
            } else {
                b = mid
            }
        }
        let mut x = at(0.5 * (a + b));
        fix_total(&mut x, self, budget);
        x
    }
}

/// Moves `x` onto `Σ x = budget` within the bounds, channel by channel: the last rounding of a
/// bisection, never more than a few ulps of the budget.
fn fix_total(x: &mut [f64], bounds: &Bounds, budget: f64) {
    for m in 0..x.len() {
        let gap = budget - x.iter().sum::<f64>();
        if gap == 0.0 {
            break;
        }
        x[m] = (x[m] + gap).clamp(bounds.lower[m], bounds.upper[m]);
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

    /// Global optimum of the mean utility when every response is concave: Newton steps on
    /// the KKT system. Each step maximises the second-order model of the responses, which is
    /// separable with a diagonal Hessian, so its multiplier is found by bisection without
    /// evaluating the responses again; a backtracking line search keeps every step uphill.
    fn by_newton(&self, budget: f64, bounds: &Bounds) -> Vec<f64> {
        // Slopes may be infinite at zero spend: evaluate a 1e-12 share inside.
        let floor = budget * 1e-12;
        let at = |b: &[f64]| -> Vec<MeanResponse> {
            b.par_iter().zip(self.responses).map(|(&x, r)| r.mean_at(x.max(floor))).collect()
        };
        let total = |e: &[MeanResponse]| -> f64 { e.iter().map(|e| e.value).sum() };
        let mut b = bounds.project(&vec![budget / self.responses.len() as f64; self.responses.len()], budget);
        let mut e = at(&b);
        for _ in 0..100 {
            // A linear response has no curvature: a tiny one makes its model step go to a bound.
            let c: Vec<f64> =
                e.iter().map(|e| (-e.curvature).max(1e-12 * e.slope.abs() / budget).max(f64::MIN_POSITIVE)).collect();
            // The model's maximiser: b_m + (g_m - λ) / c_m within the bounds, adding up.
            let z: Vec<f64> = (0..b.len()).map(|m| b[m] + e[m].slope / c[m]).collect();
            let w: Vec<f64> = c.iter().map(|c| 1.0 / c).collect();
            let target = bounds.project_scaled(&z, &w, budget);
            let d: Vec<f64> = target.iter().zip(&b).map(|(t, x)| t - x).collect();
            if d.iter().all(|v| v.abs() <= 1e-13 * budget) {
                break;
            }
            let mut t = 1.0;
            let (next, next_e) = loop {
                let candidate: Vec<f64> = b.iter().zip(&d).map(|(x, di)| x + t * di).collect();
                let ce = at(&candidate);
                if total(&ce) >= total(&e) || t < 1e-10 {
                    break (candidate, ce);
                }
                t *= 0.5;
            };
            let gain = total(&next_e) - total(&e);
            (b, e) = (next, next_e);
            if gain <= 1e-15 * total(&e).abs() && t < 1.0 {
                break;
            }
        }
        b
    }

    /// Best of spectral projected gradient runs from the given starts, the mean response's
    /// grid optimum, the equal split, each channel's largest share, and seeded random points.
    fn by_projected_gradient(&self, budget: f64, bounds: &Bounds, starts: &[Vec<f64>]) -> Vec<f64> {
        let m = self.responses.len();
        let mut candidates: Vec<Vec<f64>> = starts.to_vec();
        candidates.push(self.grid_optimum(budget, bounds, 100));
        candidates.push(vec![budget / m as f64; m]);
        for k in 0..m {
            let mut z = vec![0.0; m];
            z[k] = budget;
            candidates.push(z);
        }
        let mut rng = rand::rngs::StdRng::seed_from_u64(20_251_123);
        for _ in 0..3 {
            let w: Vec<f64> = (0..m).map(|_| -rng.random::<f64>().max(1e-12).ln()).collect();
            let s: f64 = w.iter().sum();
            candidates.push(w.iter().map(|v| budget * v / s).collect());
        }
        let (best, _) = candidates
            .iter()
            .map(|start| self.spg(budget, bounds, &bounds.project(start, budget)))
            .max_by(|a, b| a.1.total_cmp(&b.1))
            .expect("at least one start");
        best
    }

    /// The mean response's global optimum over allocations in steps of `budget / steps`, by
    /// dynamic programming over channels: separable, so exact on the grid whatever the shapes.
    fn grid_optimum(&self, budget: f64, bounds: &Bounds, steps: usize) -> Vec<f64> {
        let unit = budget / steps as f64;
        // best[k]: the best mean response of the channels so far spending k units, with choices.
        let mut best: Vec<(f64, Vec<usize>)> =
            (0..=steps).map(|k| (if k == 0 { 0.0 } else { f64::NEG_INFINITY }, Vec::new())).collect();
        for (m, r) in self.responses.iter().enumerate() {
            let allowed = |j: usize| {
                (j as f64 * unit) >= bounds.lower[m] - 0.5 * unit && (j as f64 * unit) <= bounds.upper[m] + 0.5 * unit
            };
            let value: Vec<f64> = (0..=steps)
                .map(|j| if allowed(j) { r.mean_at(j as f64 * unit).value } else { f64::NEG_INFINITY })
                .collect();
            best = (0..=steps)
                .map(|k| {
                    let j = (0..=k)
                        .max_by(|&a, &b| (best[k - a].0 + value[a]).total_cmp(&(best[k - b].0 + value[b])))
                        .expect("k >= 0");
                    let mut choice = best[k - j].1.clone();
                    choice.push(j);
                    (best[k - j].0 + value[j], choice)
                })
                .collect();
        }
        best[steps].1.iter().map(|&j| j as f64 * unit).collect()
    }

    /// Spectral projected gradient ascent (Birgin, Martínez and Raydan 2000) with a
    /// non-monotone line search, in budget units scaled by the budget.
    fn spg(&self, budget: f64, bounds: &Bounds, start: &[f64]) -> (Vec<f64>, f64) {
        const MEMORY: usize = 10;
        let mut x = start.to_vec();
        let mut e = self.evaluate(&x);
        let scale = e.utility.abs().max(f64::MIN_POSITIVE);
        let ascent = |g: &[f64]| -> Vec<f64> { g.iter().map(|v| v * budget / scale).collect() };
        let mut g = ascent(&e.gradient);
        let mut history = vec![e.utility];
        // A first step that moves at most a tenth of the budget keeps the start's basin.
        let mut step = 0.1 / g.iter().fold(f64::MIN_POSITIVE, |a, v| a.max(v.abs()));
        for _ in 0..300 {
            let target: Vec<f64> = x.iter().zip(&g).map(|(xi, gi)| xi + step * budget * gi).collect();
            let d: Vec<f64> = bounds.project(&target, budget).iter().zip(&x).map(|(p, xi)| p - xi).collect();
            let size = d.iter().fold(0.0f64, |a, v| a.max(v.abs())) / budget;
            if size < 1e-11 {
                break;
            }
            let slope: f64 = d.iter().zip(&g).map(|(di, gi)| di / budget * gi).sum();
            let reference = history.iter().copied().fold(f64::NEG_INFINITY, f64::max);
            let mut t = 1.0;
            let (next, next_e) = loop {
                let candidate: Vec<f64> = x.iter().zip(&d).map(|(xi, di)| xi + t * di).collect();
                let ce = self.evaluate(&candidate);
                if ce.utility / scale >= reference / scale + 1e-4 * t * slope || t < 1e-12 {
                    break (candidate, ce);
                }
                t *= 0.5;
            };
            let g_next = ascent(&next_e.gradient);
            let s: Vec<f64> = next.iter().zip(&x).map(|(a, b)| (a - b) / budget).collect();
            let sy: f64 = s.iter().zip(g_next.iter().zip(&g)).map(|(si, (gn, go))| si * (go - gn)).sum();
            let ss: f64 = s.iter().map(|v| v * v).sum();
            step = if sy > 0.0 { (ss / sy).clamp(1e-10, 1e10) } else { 1e10 };
            (x, e, g) = (next, next_e, g_next);
            history.push(e.utility);
            if history.len() > MEMORY {
                history.remove(0);
            }
        }
        (x, e.utility)
    }
}

impl Optimizer<'_> {
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
        if floor > 0.0 {
            let bottom = mean.certify(bounds.lower.clone(), bounds, floor, Method::Newton);
            if bottom.utility >= target {
                return Ok(bottom);
            }
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

//! Per-cell bounds on the per-period budget: parsing them (per channel, or per channel of one
//! geo of a panel), and projecting onto the feasible set `{lower <= b <= upper, Σ b = budget}`.

use super::allocate::AllocationError;
use serde_json::Value;
use std::ops::Range;

/// Per-cell bounds on the per-period budget; a cell is a channel of a national model or a
/// (geo, channel) pair of a panel, geo-major.
#[derive(Debug, Clone, PartialEq)]
pub struct Bounds {
    pub lower: Vec<f64>,
    pub upper: Vec<f64>,
}

/// The smallest budget the solvers take: they evaluate slopes that may be infinite at zero
/// spend a 1e-12 share of the budget inside, which below this is no longer a normal float
/// (`f64::MIN_POSITIVE` is 2.2e-308) and loses precision, and below about 5e-312 is zero, where
/// the slopes are infinite and the shares came out NaN.
pub const MIN_BUDGET: f64 = 1e-295;

impl Bounds {
    /// `{"channel": [lower, upper], ...}` per period, missing channels `[0, default_upper]`.
    pub fn parse(channels: &[String], json: Option<&Value>, default_upper: f64) -> Result<Bounds, AllocationError> {
        Bounds::parse_cells(&[], channels, json, default_upper)
    }

    /// Bounds of every (geo, channel) cell of a panel (`geos` empty for a national model):
    /// `{"channel": [lower, upper]}` bounds that channel in every geo, `{"geo": {"channel":
    /// [lower, upper]}}` one cell, overriding its channel's bounds whatever the key order.
    /// Cells left out are `[0, default_upper]`.
    pub fn parse_cells(
        geos: &[String],
        channels: &[String],
        json: Option<&Value>,
        default_upper: f64,
    ) -> Result<Bounds, AllocationError> {
        let n = channels.len();
        let cells = geos.len().max(1) * n;
        let mut bounds = Bounds { lower: vec![0.0; cells], upper: vec![default_upper; cells] };
        let Some(json) = json else { return Ok(bounds) };
        let object = json.as_object().ok_or(AllocationError::BoundsNotObject)?;
        let channel = |name: &String| channels.iter().position(|c| c == name);
        let (per_geo, per_channel): (Vec<_>, Vec<_>) =
            object.iter().partition(|(_, value)| value.is_object() && !geos.is_empty());
        for (name, value) in per_channel {
            let m = channel(name).ok_or_else(|| match geos.contains(name) {
                true => AllocationError::GeoBoundsShape(name.clone()),
                false => AllocationError::UnknownChannel(name.clone()),
            })?;
            let (lower, upper) = pair(None, name, value)?;
            for g in 0..cells / n {
                (bounds.lower[g * n + m], bounds.upper[g * n + m]) = (lower, upper);
            }
        }
        for (geo, value) in per_geo {
            let g =
                geos.iter().position(|x| x == geo).ok_or_else(|| AllocationError::UnknownGeo("bounds", geo.clone()))?;
            for (name, value) in value.as_object().expect("partitioned on is_object") {
                let m = channel(name).ok_or_else(|| AllocationError::UnknownChannel(name.clone()))?;
                (bounds.lower[g * n + m], bounds.upper[g * n + m]) = pair(Some(geo), name, value)?;
            }
        }
        Ok(bounds)
    }

    /// The bounds of cells `range`.
    pub fn slice(&self, range: Range<usize>) -> Bounds {
        Bounds { lower: self.lower[range.clone()].to_vec(), upper: self.upper[range].to_vec() }
    }

    /// Checks that some allocation of `budget` fits.
    pub fn check(&self, budget: f64) -> Result<(), AllocationError> {
        if !(budget >= MIN_BUDGET && budget.is_finite()) {
            return Err(AllocationError::Budget(budget));
        }
        let (lo, hi): (f64, f64) = (self.lower.iter().sum(), self.upper.iter().sum());
        // A relative slack so that bounds that add up to the budget exactly are feasible.
        if lo > budget * (1.0 + 1e-12) {
            return Err(AllocationError::LowerAboveBudget { geo: None, sum: lo, budget });
        }
        if hi < budget * (1.0 - 1e-12) {
            return Err(AllocationError::UpperBelowBudget { geo: None, sum: hi, budget });
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
    pub(super) fn project_scaled(&self, z: &[f64], w: &[f64], budget: f64) -> Vec<f64> {
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

/// One cell's `[lower, upper]`.
fn pair(geo: Option<&String>, channel: &str, value: &Value) -> Result<(f64, f64), AllocationError> {
    let shape = || AllocationError::BoundShape(channel.into());
    let pair = value.as_array().filter(|a| a.len() == 2).ok_or_else(shape)?;
    let (lower, upper) = match (pair[0].as_f64(), pair[1].as_f64()) {
        (Some(l), Some(u)) => (l, u),
        _ => return Err(shape()),
    };
    if !(lower >= 0.0 && lower <= upper && upper.is_finite()) {
        return Err(AllocationError::InvalidBound { geo: geo.cloned(), channel: channel.into(), lower, upper });
    }
    Ok((lower, upper))
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

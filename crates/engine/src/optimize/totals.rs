//! The budget equalities an allocation meets: one total per period over every cell, as
//! PyMC-Marketing 1.3's default sum constraint, or each geo's own total (`geo_budgets`, for
//! which 1.3 needs hand-written constraint functions).
//!
//! Fixing each geo's total makes the mean utility separable: the mean of a sum of cell
//! responses is the sum of their means, so each geo is its own allocation problem with its own
//! multiplier. A risk utility (value at risk, Sharpe ratio, ...) is a function of the total
//! response's distribution over the draws, in which the geos meet draw by draw: it is solved
//! jointly over the product of the geos' feasible sets.

use super::allocate::AllocationError;
use super::bounds::Bounds;
use serde_json::Value;
use std::ops::Range;

/// One equality: the cells `cells` add up to `budget` per period.
#[derive(Debug, Clone, PartialEq)]
pub struct Group {
    /// The geo these cells belong to; `None` for the one total over every cell.
    pub geo: Option<String>,
    pub cells: Range<usize>,
    pub budget: f64,
}

/// The budget equalities, over disjoint ranges of cells that cover them all.
#[derive(Debug, Clone, PartialEq)]
pub struct Totals {
    pub groups: Vec<Group>,
}

impl Totals {
    /// One total `budget` over `cells` cells.
    pub fn one(budget: f64, cells: usize) -> Totals {
        Totals { groups: vec![Group { geo: None, cells: 0..cells, budget }] }
    }

    /// `{"geo": budget per period, ...}` naming every geo once, each with its `channels`
    /// cells; `budget`, when given too, must be their sum.
    pub fn per_geo(
        geos: &[String],
        channels: usize,
        json: &Value,
        budget: Option<f64>,
    ) -> Result<Totals, AllocationError> {
        if geos.is_empty() {
            return Err(AllocationError::GeoBudgetsWithoutGeos);
        }
        let object = json.as_object().ok_or(AllocationError::GeoBudgetsNotObject)?;
        if let Some(name) = object.keys().find(|k| !geos.contains(k)) {
            return Err(AllocationError::UnknownGeo("geo_budgets", name.clone()));
        }
        let groups = geos
            .iter()
            .enumerate()
            .map(|(g, geo)| {
                let value = object.get(geo).ok_or_else(|| AllocationError::MissingGeoBudget(geo.clone()))?;
                match value.as_f64() {
                    Some(b) if b > 0.0 && b.is_finite() => {
                        Ok(Group { geo: Some(geo.clone()), cells: g * channels..(g + 1) * channels, budget: b })
                    }
                    _ => Err(AllocationError::GeoBudget { geo: geo.clone(), value: value.to_string() }),
                }
            })
            .collect::<Result<Vec<Group>, AllocationError>>()?;
        let totals = Totals { groups };
        let sum = totals.budget();
        // The sum of the geos' budgets, up to its rounding.
        if let Some(b) = budget.filter(|b| b.is_nan() || (b - sum).abs() > 1e-9 * sum) {
            return Err(AllocationError::GeoBudgetsTotal { budget: b, sum });
        }
        Ok(totals)
    }

    /// The total budget per period.
    pub fn budget(&self) -> f64 {
        self.groups.iter().map(|g| g.budget).sum()
    }

    /// The number of cells.
    pub fn cells(&self) -> usize {
        self.groups.last().map_or(0, |g| g.cells.end)
    }

    /// Checks that each equality can be met within `bounds`; an error names the geo.
    pub fn check(&self, bounds: &Bounds) -> Result<(), AllocationError> {
        for g in &self.groups {
            bounds.slice(g.cells.clone()).check(g.budget).map_err(|e| e.in_geo(g.geo.as_ref()))?;
        }
        Ok(())
    }

    /// The closest point to `z` that meets every equality within `bounds`: the equalities
    /// share no cell, so it is each group's own projection.
    pub fn project(&self, bounds: &Bounds, z: &[f64]) -> Vec<f64> {
        let mut x = Vec::with_capacity(z.len());
        for g in &self.groups {
            x.extend(bounds.slice(g.cells.clone()).project(&z[g.cells.clone()], g.budget));
        }
        x
    }

    /// Each group's budget split in proportion to `weights` within it, equally where its
    /// weights add up to zero.
    pub fn split(&self, weights: &[f64]) -> Vec<f64> {
        let mut x = Vec::with_capacity(weights.len());
        for g in &self.groups {
            let w = &weights[g.cells.clone()];
            let total: f64 = w.iter().sum();
            if total > 0.0 {
                x.extend(w.iter().map(|s| g.budget * s / total));
            } else {
                x.extend(std::iter::repeat_n(g.budget / w.len() as f64, w.len()));
            }
        }
        x
    }

    /// Each group's budget split equally over its cells.
    pub fn equal(&self) -> Vec<f64> {
        self.split(&vec![0.0; self.cells()])
    }

    /// The group that holds cell `i`.
    pub fn group_of(&self, i: usize) -> &Group {
        self.groups.iter().find(|g| g.cells.contains(&i)).expect("the groups cover every cell")
    }
}

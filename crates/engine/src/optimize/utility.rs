//! Utilities of the response sample (one total response per posterior draw) that the optimizer
//! maximises: PyMC-Marketing's `mmm.utility` functions, with the same formulas and defaults.
//! Each returns its value and its gradient with respect to every sample, from which the
//! optimizer gets the gradient in the budgets by the chain rule.

use crate::stats::{interpolate, quantile_position};
use serde_json::Value;

/// A utility and its parameters.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Utility {
    /// `mean(r)`.
    Mean,
    /// The `1 - confidence_level` quantile (linear interpolation between order statistics).
    ValueAtRisk { confidence_level: f64 },
    /// The mean of the samples at or below the value at risk.
    ConditionalValueAtRisk { confidence_level: f64 },
    /// `(mean(r) - risk_free_rate) / sd(r)` with the sample standard deviation.
    SharpeRatio { risk_free_rate: f64 },
    /// `1 - alpha · tail_distance / mean(r)`.
    MeanTightness { alpha: f64, confidence_level: f64 },
    /// `|Q_p - mean| + |mean - Q_{1-p}|`: maximising it seeks spread, as in PyMC-Marketing.
    TailDistance { confidence_level: f64 },
    /// `(mean(r) - risk_free_rate) / Σ budgets`.
    Raroc { risk_free_rate: f64 },
}

/// A utility name or parameter that is not accepted; names the offending key.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum UtilityError {
    #[error("unknown utility \"{0}\"")]
    Unknown(String),
    #[error("utility_params: unknown key \"{key}\" for utility \"{utility}\"")]
    UnknownParam { utility: String, key: String },
    #[error("utility_params: \"{key}\" must be {expected}")]
    Invalid { key: String, expected: &'static str },
}

/// Names accepted by [`Utility::parse`], for hints.
pub const NAMES: &str =
    "mean, value_at_risk, conditional_value_at_risk, sharpe_ratio, mean_tightness, tail_distance, raroc";

impl Utility {
    /// Parses a utility name and its parameters (PyMC-Marketing's defaults where omitted).
    pub fn parse(name: &str, params: &Value) -> Result<Utility, UtilityError> {
        let obj = params
            .as_object()
            .ok_or(UtilityError::Invalid { key: "utility_params".into(), expected: "a JSON object" })?;
        let allowed: &[&str] = match name {
            "mean" => &[],
            "value_at_risk" | "conditional_value_at_risk" | "tail_distance" => &["confidence_level"],
            "sharpe_ratio" | "raroc" => &["risk_free_rate"],
            "mean_tightness" => &["alpha", "confidence_level"],
            _ => return Err(UtilityError::Unknown(name.into())),
        };
        if let Some(key) = obj.keys().find(|k| !allowed.contains(&k.as_str())) {
            return Err(UtilityError::UnknownParam { utility: name.into(), key: key.clone() });
        }
        let number = |key: &str, default: f64| -> Result<f64, UtilityError> {
            match obj.get(key) {
                None => Ok(default),
                Some(v) => v
                    .as_f64()
                    .filter(|x| x.is_finite())
                    .ok_or(UtilityError::Invalid { key: key.into(), expected: "a finite number" }),
            }
        };
        let level = |default: f64| -> Result<f64, UtilityError> {
            let p = number("confidence_level", default)?;
            if p > 0.0 && p < 1.0 {
                Ok(p)
            } else {
                Err(UtilityError::Invalid { key: "confidence_level".into(), expected: "in (0, 1)" })
            }
        };
        Ok(match name {
            "mean" => Utility::Mean,
            "value_at_risk" => Utility::ValueAtRisk { confidence_level: level(0.95)? },
            "conditional_value_at_risk" => Utility::ConditionalValueAtRisk { confidence_level: level(0.95)? },
            "tail_distance" => Utility::TailDistance { confidence_level: level(0.75)? },
            "sharpe_ratio" => Utility::SharpeRatio { risk_free_rate: number("risk_free_rate", 0.0)? },
            "raroc" => Utility::Raroc { risk_free_rate: number("risk_free_rate", 0.0)? },
            _ => Utility::MeanTightness { alpha: number("alpha", 0.5)?, confidence_level: level(0.75)? },
        })
    }

    /// False for the quantile-based utilities, whose value has kinks where samples swap ranks.
    pub fn is_smooth(&self) -> bool {
        matches!(self, Utility::Mean | Utility::SharpeRatio { .. } | Utility::Raroc { .. })
    }

    /// The value at `samples` for a total budget, and `d value / d sample_d` into `grad`.
    pub fn evaluate(&self, samples: &[f64], total_budget: f64, grad: &mut [f64]) -> f64 {
        let n = samples.len() as f64;
        let mean = samples.iter().sum::<f64>() / n;
        grad.fill(0.0);
        match *self {
            Utility::Mean => {
                grad.fill(1.0 / n);
                mean
            }
            Utility::Raroc { risk_free_rate } => {
                grad.fill(1.0 / (n * total_budget));
                (mean - risk_free_rate) / total_budget
            }
            Utility::ValueAtRisk { confidence_level } => {
                Quantile::of(samples, 1.0 - confidence_level).add_to(grad, 1.0)
            }
            Utility::ConditionalValueAtRisk { confidence_level } => {
                let var = Quantile::of(samples, 1.0 - confidence_level).value;
                let tail: Vec<usize> = (0..samples.len()).filter(|&d| samples[d] <= var).collect();
                let k = tail.len() as f64;
                tail.iter().for_each(|&d| grad[d] = 1.0 / k);
                tail.iter().map(|&d| samples[d]).sum::<f64>() / k
            }
            Utility::SharpeRatio { risk_free_rate } => {
                let var = samples.iter().map(|r| (r - mean).powi(2)).sum::<f64>() / (n - 1.0);
                let sd = var.sqrt();
                let excess = mean - risk_free_rate;
                for (g, r) in grad.iter_mut().zip(samples) {
                    *g = 1.0 / (n * sd) - excess * (r - mean) / ((n - 1.0) * sd * sd * sd);
                }
                excess / sd
            }
            Utility::TailDistance { confidence_level } => tail_distance(samples, mean, confidence_level, grad, 1.0),
            Utility::MeanTightness { alpha, confidence_level } => {
                // 1 - α T/μ: dT/dr scaled by -α/μ, plus α T/μ² from the mean.
                let t = tail_distance(samples, mean, confidence_level, grad, -alpha / mean);
                grad.iter_mut().for_each(|g| *g += alpha * t / (mean * mean * n));
                1.0 - alpha * t / mean
            }
        }
    }
}

/// `|Q_p - μ| + |μ - Q_{1-p}|`, adding `scale ×` its gradient to `grad`.
fn tail_distance(samples: &[f64], mean: f64, p: f64, grad: &mut [f64], scale: f64) -> f64 {
    let n = samples.len() as f64;
    let (upper, lower) = (Quantile::of(samples, p), Quantile::of(samples, 1.0 - p));
    let (su, sl) = ((upper.value - mean).signum(), (mean - lower.value).signum());
    upper.add_to(grad, scale * su);
    lower.add_to(grad, -scale * sl);
    grad.iter_mut().for_each(|g| *g += scale * (sl - su) / n);
    (upper.value - mean).abs() + (mean - lower.value).abs()
}

/// A sample quantile as numpy's default (linear) method computes it, with the two order
/// statistics it interpolates and their weights, so that its gradient can be placed on them.
struct Quantile {
    value: f64,
    /// `(sample index, weight)` of the lower and upper order statistic.
    parts: [(usize, f64); 2],
}

impl Quantile {
    fn of(samples: &[f64], q: f64) -> Quantile {
        let mut order: Vec<usize> = (0..samples.len()).collect();
        order.sort_by(|&a, &b| samples[a].total_cmp(&samples[b]));
        let (lo, hi, t) = quantile_position(samples.len(), q);
        let (lower, upper) = (order[lo], order[hi]);
        Quantile { value: interpolate(samples[lower], samples[upper], t), parts: [(lower, 1.0 - t), (upper, t)] }
    }

    /// Adds `scale × d value / d sample` to `grad`; returns the value.
    fn add_to(&self, grad: &mut [f64], scale: f64) -> f64 {
        for &(i, w) in &self.parts {
            grad[i] += scale * w;
        }
        self.value
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn all() -> Vec<Utility> {
        [
            "mean",
            "value_at_risk",
            "conditional_value_at_risk",
            "sharpe_ratio",
            "mean_tightness",
            "tail_distance",
            "raroc",
        ]
        .iter()
        .map(|n| Utility::parse(n, &json!({})).unwrap())
        .collect()
    }

    #[test]
    fn gradients_match_central_differences() {
        // Distinct samples away from ties, where every utility is differentiable.
        let samples: Vec<f64> =
            (0..41).map(|i| 100.0 + ((i * 37) % 41) as f64 * 1.7 + (i as f64 * 0.31).sin()).collect();
        for u in all() {
            let mut grad = vec![0.0; samples.len()];
            u.evaluate(&samples, 50.0, &mut grad);
            let mut scratch = vec![0.0; samples.len()];
            for d in [0, 7, 20, 40] {
                let h = 1e-6;
                let (mut up, mut down) = (samples.clone(), samples.clone());
                up[d] += h;
                down[d] -= h;
                let fd = (u.evaluate(&up, 50.0, &mut scratch) - u.evaluate(&down, 50.0, &mut scratch)) / (2.0 * h);
                assert!((fd - grad[d]).abs() < 1e-6 * fd.abs().max(1e-3), "{u:?} sample {d}: {fd} vs {}", grad[d]);
            }
        }
    }

    #[test]
    fn values_follow_pymc_marketing_formulas() {
        let samples: Vec<f64> = (1..=20).map(f64::from).collect();
        let mut g = vec![0.0; 20];
        let eval = |name: &str, params: Value, g: &mut [f64]| {
            Utility::parse(name, &params).unwrap().evaluate(&samples, 4.0, g)
        };
        assert_eq!(eval("mean", json!({}), &mut g), 10.5);
        // numpy.quantile(1..=20, 0.05) = 1.95; the samples at or below it: {1}.
        assert!((eval("value_at_risk", json!({}), &mut g) - 1.95).abs() < 1e-12);
        assert_eq!(eval("conditional_value_at_risk", json!({"confidence_level": 0.8}), &mut g), 2.5);
        let sd = (35.0f64).sqrt();
        assert!((eval("sharpe_ratio", json!({"risk_free_rate": 0.5}), &mut g) - 10.0 / sd).abs() < 1e-12);
        assert_eq!(eval("raroc", json!({}), &mut g), 10.5 / 4.0);
        // Q_0.75 = 15.25, Q_0.25 = 5.75.
        assert!((eval("tail_distance", json!({}), &mut g) - 9.5).abs() < 1e-12);
        assert!((eval("mean_tightness", json!({"alpha": 1.0}), &mut g) - (1.0 - 9.5 / 10.5)).abs() < 1e-12);
    }

    #[test]
    fn rejects_unknown_names_and_parameters() {
        assert!(matches!(Utility::parse("median", &json!({})), Err(UtilityError::Unknown(_))));
        assert!(matches!(Utility::parse("mean", &json!({"alpha": 1})), Err(UtilityError::UnknownParam { .. })));
        assert!(matches!(
            Utility::parse("value_at_risk", &json!({"confidence_level": 1.5})),
            Err(UtilityError::Invalid { .. })
        ));
        assert!(matches!(
            Utility::parse("sharpe_ratio", &json!({"risk_free_rate": "x"})),
            Err(UtilityError::Invalid { .. })
        ));
        assert!(matches!(Utility::parse("mean", &json!([])), Err(UtilityError::Invalid { .. })));
    }
}

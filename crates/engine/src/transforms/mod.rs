//! Adstock and saturation kernels: one implementation each, with derivatives, shared by the
//! SQL transform functions, the model's log density and the budget optimizer.

pub mod adstock;
pub mod saturation;

pub use adstock::{AdstockKind, Weights};
pub use saturation::SaturationKind;

/// A value outside what a transform accepts; the SQL layer names `arg` in its ERROR.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum TransformError {
    #[error("{arg} = {value} is out of range")]
    OutOfRange { arg: String, value: f64, allowed: &'static str },
    #[error("{arg} must be finite, got {}", sql_float(*value))]
    NotFinite { arg: String, value: f64 },
}

impl TransformError {
    pub fn out_of_range(arg: &str, value: f64, allowed: &'static str) -> Self {
        Self::OutOfRange { arg: arg.to_string(), value, allowed }
    }

    /// What the caller may pass instead, for the ERROR's hint.
    pub fn allowed(&self) -> &'static str {
        match self {
            Self::OutOfRange { allowed, .. } => allowed,
            Self::NotFinite { .. } => "a finite number (not NaN or Infinity)",
        }
    }
}

/// Spells non-finite floats as PostgreSQL does, so messages echo what the user typed.
fn sql_float(v: f64) -> String {
    match v {
        v if v.is_nan() => "NaN".into(),
        f64::INFINITY => "Infinity".into(),
        f64::NEG_INFINITY => "-Infinity".into(),
        v => v.to_string(),
    }
}

pub(crate) fn check_finite(arg: &str, value: f64) -> Result<(), TransformError> {
    if value.is_finite() {
        Ok(())
    } else {
        Err(TransformError::NotFinite { arg: arg.to_string(), value })
    }
}

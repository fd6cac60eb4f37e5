//! The media multiplier `N[t,g]` (`media_temporal_latent_multiplier`, docs/02-fitting.md,
//! "Time-varying intercept and media") at the training weeks, for the calibration terms that
//! read it: a lift test's lift is `N[date, geo] · (Sat(x̃ + Δx̃) − Sat(x̃))` ("Calibrating with
//! experiments") and a cost calibration row's contribution is `Σ_t N[t,g] · contribution[t,g,c]`
//! ("Calibrating with cost per target or ROAS"). A term sees neither the mean's workspaces nor
//! their values, so it evaluates the process itself, in its own workspace, and sends
//! `∂logp/∂N[t,g]` back into the process's η, ℓ and offsets.

use super::hsgp::{ProcessWork, TimeVarying};
use crate::calendar::Date;
use std::sync::Arc;

/// The media component's process over the training weeks.
#[derive(Debug, Clone)]
pub struct MediaMultiplier {
    /// The time-varying media component, which owns the process.
    media: Arc<TimeVarying>,
    dates: Vec<Date>,
    geos: usize,
}

/// The process's buffers and `∂logp/∂N[t,g]` (geo after geo), which a term fills between
/// [`MediaMultiplier::evaluate`] and [`MediaMultiplier::backward`].
#[derive(Debug, Clone, Default)]
pub struct MultiplierWork {
    process: ProcessWork,
    pub dvalues: Vec<f64>,
}

impl MultiplierWork {
    /// `N[t,g]` at the training weeks, geo after geo, after [`MediaMultiplier::evaluate`].
    pub fn values(&self) -> &[f64] {
        &self.process.values
    }
}

impl MediaMultiplier {
    /// The multiplier of time-varying `media` over the training `dates` of `geos` geos (0: a
    /// national model).
    pub fn new(media: Arc<TimeVarying>, dates: &[Date], geos: usize) -> MediaMultiplier {
        MediaMultiplier { media, dates: dates.to_vec(), geos }
    }

    pub fn weeks(&self) -> usize {
        self.dates.len()
    }

    /// The training week of `date`, if it is one.
    pub fn week_of(&self, date: Date) -> Option<usize> {
        self.dates.binary_search(&date).ok()
    }

    pub fn workspace(&self) -> MultiplierWork {
        MultiplierWork {
            process: self.media.process.workspace(),
            dvalues: vec![0.0; self.dates.len() * self.geos.max(1)],
        }
    }

    /// Evaluates `N[t,g]` at the training weeks at parameter values `theta` into
    /// `work.values()`, and clears `work.dvalues` for the term to fill.
    pub fn evaluate(&self, theta: &[f64], work: &mut MultiplierWork) {
        self.media.process.evaluate(&self.dates, self.geos, theta, &mut work.process);
        work.dvalues.fill(0.0);
    }

    /// Where week `week` of geo `geo` sits in `work.values()` and `work.dvalues`.
    pub fn index(&self, geo: usize, week: usize) -> usize {
        geo * self.dates.len() + week
    }

    /// Adds `Σ work.dvalues · dN/dθ` to `grad_theta`, after [`MediaMultiplier::evaluate`] at the
    /// same `theta`.
    pub fn backward(&self, theta: &[f64], grad_theta: &mut [f64], work: &mut MultiplierWork) {
        self.media.process.backward(theta, &work.dvalues, grad_theta, &mut work.process);
    }
}

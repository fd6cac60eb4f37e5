//! The mean `mu_t` as a sum of named components (intercept, channels, controls, seasonality;
//! room for time-varying ones), each with a forward pass that adds its contribution, a
//! backward pass that carries `d/dmu_t` to its parameters, and a decomposition into the
//! series reports show.

use super::design::Design;
use super::space::Handle;
use crate::numeric::{add_combination, add_dots, wide};
use std::any::Any;
use std::fmt;
use std::sync::Arc;

/// One additive component of the mean.
pub trait MeanComponent: fmt::Debug + Send + Sync {
    /// `intercept`, `channels`, `controls`, `seasonality`, ...
    fn name(&self) -> &str;

    /// The series the decomposition reports for it, e.g. one per channel.
    fn parts(&self) -> &[String];

    /// Buffers reused between evaluations over `weeks` weeks, handed back to every pass.
    fn workspace(&self, _weeks: usize) -> Box<dyn Any + Send> {
        Box::new(())
    }

    /// Adds the contribution to `mu`.
    fn forward(&self, design: &Design, theta: &[f64], mu: &mut [f64], work: &mut dyn Any);

    /// Adds `Σ_t dmu_t · d contribution_t / dθ` to `grad_theta`, after [`MeanComponent::forward`]
    /// at the same `theta`.
    fn backward(&self, design: &Design, theta: &[f64], dmu: &[f64], grad_theta: &mut [f64], work: &mut dyn Any);

    /// Each part's contribution times `scale`, written to `out` (one series per part).
    fn decompose(&self, design: &Design, theta: &[f64], scale: f64, out: &mut [Vec<f64>], work: &mut dyn Any);
}

/// The mean: its components in the order they are added.
#[derive(Debug, Clone, Default)]
pub struct Mean {
    components: Vec<Arc<dyn MeanComponent>>,
}

impl Mean {
    pub fn new(components: Vec<Arc<dyn MeanComponent>>) -> Mean {
        Mean { components }
    }

    pub fn components(&self) -> impl Iterator<Item = &Arc<dyn MeanComponent>> {
        self.components.iter()
    }

    pub fn get(&self, name: &str) -> Option<&Arc<dyn MeanComponent>> {
        self.components.iter().find(|c| c.name() == name)
    }

    /// The order reports list components in: the intercept, the channels, then the others as
    /// the mean adds them.
    pub fn report_order(&self) -> Vec<&Arc<dyn MeanComponent>> {
        let rank = |c: &&Arc<dyn MeanComponent>| match c.name() {
            "intercept" => 0,
            "channels" => 1,
            _ => 2,
        };
        let mut order: Vec<_> = self.components.iter().collect();
        order.sort_by_key(rank);
        order
    }

    pub fn workspaces(&self, weeks: usize) -> Vec<Box<dyn Any + Send>> {
        self.components.iter().map(|c| c.workspace(weeks)).collect()
    }

    /// `mu_t`, overwritten.
    pub fn forward(&self, design: &Design, theta: &[f64], mu: &mut [f64], work: &mut [Box<dyn Any + Send>]) {
        mu.fill(0.0);
        for (c, w) in self.components.iter().zip(work) {
            c.forward(design, theta, mu, w.as_mut());
        }
    }

    pub fn backward(
        &self,
        design: &Design,
        theta: &[f64],
        dmu: &[f64],
        grad_theta: &mut [f64],
        work: &mut [Box<dyn Any + Send>],
    ) {
        for (c, w) in self.components.iter().zip(work) {
            c.backward(design, theta, dmu, grad_theta, w.as_mut());
        }
    }
}

/// A constant baseline.
#[derive(Debug, Clone, PartialEq)]
pub struct Intercept {
    pub block: Handle,
    parts: Vec<String>,
}

impl Intercept {
    pub fn new(block: Handle) -> Intercept {
        Intercept { block, parts: vec!["intercept".into()] }
    }
}

impl MeanComponent for Intercept {
    fn name(&self) -> &str {
        "intercept"
    }

    fn parts(&self) -> &[String] {
        &self.parts
    }

    fn forward(&self, _design: &Design, theta: &[f64], mu: &mut [f64], _work: &mut dyn Any) {
        let value = theta[self.block.index(0)];
        wide(|| mu.iter_mut().for_each(|m| *m += value));
    }

    fn backward(&self, _design: &Design, _theta: &[f64], dmu: &[f64], grad_theta: &mut [f64], _work: &mut dyn Any) {
        grad_theta[self.block.index(0)] += dmu.iter().sum::<f64>();
    }

    fn decompose(&self, _design: &Design, theta: &[f64], scale: f64, out: &mut [Vec<f64>], _work: &mut dyn Any) {
        out[0].fill(theta[self.block.index(0)] * scale);
    }
}

/// Which of the design's column sets a linear component reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Columns {
    Controls,
    Fourier,
}

impl Columns {
    fn of(self, design: &Design) -> &[Vec<f64>] {
        match self {
            Columns::Controls => &design.controls,
            Columns::Fourier => &design.fourier,
        }
    }
}

/// `Σ_j γ_j z_{t,j}`: a coefficient block times columns of the design. A block over an empty
/// dim keeps one (unused) coefficient, which this leaves out.
#[derive(Debug, Clone, PartialEq)]
pub struct Linear {
    name: String,
    pub block: Handle,
    pub columns: Columns,
    /// One part per column, or one part for their sum.
    parts: Vec<String>,
}

impl Linear {
    /// One reported series per column, named by `parts`.
    pub fn per_column(name: &str, block: Handle, columns: Columns, parts: Vec<String>) -> Linear {
        Linear { name: name.into(), block, columns, parts }
    }

    /// The columns' sum reported as one series named like the component.
    pub fn summed(name: &str, block: Handle, columns: Columns) -> Linear {
        Linear { name: name.into(), block, columns, parts: vec![name.into()] }
    }

    fn coefficients<'a>(&self, design: &Design, theta: &'a [f64]) -> &'a [f64] {
        let n = self.columns.of(design).len();
        &self.block.values(theta)[..n]
    }
}

impl MeanComponent for Linear {
    fn name(&self) -> &str {
        &self.name
    }

    fn parts(&self) -> &[String] {
        &self.parts
    }

    fn forward(&self, design: &Design, theta: &[f64], mu: &mut [f64], _work: &mut dyn Any) {
        let columns = self.columns.of(design);
        add_combination(mu, self.coefficients(design, theta), |j| &columns[j]);
    }

    fn backward(&self, design: &Design, _theta: &[f64], dmu: &[f64], grad_theta: &mut [f64], _work: &mut dyn Any) {
        let columns = self.columns.of(design);
        let start = self.block.index(0);
        add_dots(dmu, |j| &columns[j], &mut grad_theta[start..start + columns.len()]);
    }

    fn decompose(&self, design: &Design, theta: &[f64], scale: f64, out: &mut [Vec<f64>], _work: &mut dyn Any) {
        let columns = self.columns.of(design);
        let coefficients = self.coefficients(design, theta);
        if self.parts.len() == columns.len() {
            for ((series, z), &g) in out.iter_mut().zip(columns).zip(coefficients) {
                series.iter_mut().zip(z).for_each(|(o, z)| *o = g * z * scale);
            }
        } else {
            out[0].fill(0.0);
            for (z, &g) in columns.iter().zip(coefficients) {
                out[0].iter_mut().zip(z).for_each(|(o, z)| *o += g * z * scale);
            }
        }
    }
}

//! The mean `mu_t` as a sum of named components (intercept, channels, controls, seasonality;
//! room for time-varying ones), each with a forward pass that adds its contribution, a
//! backward pass that carries `d/dmu_t` to its parameters, and a decomposition into the
//! series reports show.
//!
//! Over a panel, `mu` holds one series per geo, geo after geo (PyMC-Marketing's `(geo, date)`),
//! and each component reads, per geo, the elements of its blocks that broadcast to that geo:
//! its own where the block has a geo dim, the shared ones where it has not.

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

    /// Buffers reused between evaluations over `weeks` weeks (every geo's together), handed
    /// back to every pass.
    fn workspace(&self, _weeks: usize) -> Box<dyn Any + Send> {
        Box::new(())
    }

    /// Adds the contribution to `mu`.
    fn forward(&self, design: &Design, theta: &[f64], mu: &mut [f64], work: &mut dyn Any);

    /// Adds `Σ_t dmu_t · d contribution_t / dθ` to `grad_theta`, after [`MeanComponent::forward`]
    /// at the same `theta`.
    fn backward(&self, design: &Design, theta: &[f64], dmu: &[f64], grad_theta: &mut [f64], work: &mut dyn Any);

    /// Each part's contribution times its geo's `scale`, written to `out` (one series per part,
    /// every geo's weeks geo after geo).
    fn decompose(&self, design: &Design, theta: &[f64], scale: &[f64], out: &mut [Vec<f64>], work: &mut dyn Any);
}

/// The forward pass of a one-part component that writes geo `g`'s values with `values(g, out)`
/// (the trend, the events): each geo's added to the mean through the workspace, a buffer of one
/// geo's weeks.
pub(super) fn add_each_geo(
    design: &Design,
    mu: &mut [f64],
    work: &mut dyn Any,
    mut values: impl FnMut(usize, &mut [f64]),
) {
    let buffer = work.downcast_mut::<Vec<f64>>().expect("a buffer of one geo's weeks");
    buffer.resize(design.weeks(), 0.0);
    for (g, mu) in mu.chunks_mut(design.weeks()).enumerate() {
        values(g, buffer);
        mu.iter_mut().zip(buffer.iter()).for_each(|(m, v)| *m += v);
    }
}

/// The decomposition of such a component into `out`: each geo's values times its target scale.
pub(super) fn decompose_each_geo(
    design: &Design,
    scale: &[f64],
    out: &mut [f64],
    mut values: impl FnMut(usize, &mut [f64]),
) {
    for ((g, out), s) in out.chunks_mut(design.weeks()).enumerate().zip(scale) {
        values(g, out);
        out.iter_mut().for_each(|v| *v *= s);
    }
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

/// A constant baseline per geo.
#[derive(Debug, Clone, PartialEq)]
pub struct Intercept {
    pub block: Handle,
    /// Per geo, the position of its intercept.
    positions: Vec<usize>,
    parts: Vec<String>,
}

impl Intercept {
    /// The intercept of block `block`, read at `positions` (one per geo).
    pub fn new(block: Handle, positions: Vec<usize>) -> Intercept {
        Intercept { block, positions, parts: vec!["intercept".into()] }
    }
}

impl MeanComponent for Intercept {
    fn name(&self) -> &str {
        "intercept"
    }

    fn parts(&self) -> &[String] {
        &self.parts
    }

    fn forward(&self, design: &Design, theta: &[f64], mu: &mut [f64], _work: &mut dyn Any) {
        for (mu, &p) in mu.chunks_mut(design.weeks()).zip(&self.positions) {
            let value = theta[p];
            wide(|| mu.iter_mut().for_each(|m| *m += value));
        }
    }

    fn backward(&self, design: &Design, _theta: &[f64], dmu: &[f64], grad_theta: &mut [f64], _work: &mut dyn Any) {
        for (dmu, &p) in dmu.chunks(design.weeks()).zip(&self.positions) {
            grad_theta[p] += dmu.iter().sum::<f64>();
        }
    }

    fn decompose(&self, design: &Design, theta: &[f64], scale: &[f64], out: &mut [Vec<f64>], _work: &mut dyn Any) {
        for ((out, &p), s) in out[0].chunks_mut(design.weeks()).zip(&self.positions).zip(scale) {
            out.fill(theta[p] * s);
        }
    }
}

/// Which of the design's column sets a linear component reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Columns {
    Controls,
    Fourier,
}

impl Columns {
    /// Geo `g`'s columns: its own controls, the shared Fourier columns.
    fn of(self, design: &Design, g: usize) -> &[Vec<f64>] {
        match self {
            Columns::Controls => {
                let n = design.controls.len() / design.geos.max(1);
                &design.controls[g * n..(g + 1) * n]
            }
            Columns::Fourier => &design.fourier,
        }
    }
}

/// `Σ_j γ_{g,j} z_{t,g,j}`: a coefficient block times columns of the design, per geo (none
/// when the model has no such columns, and so no block).
#[derive(Debug, Clone, PartialEq)]
pub struct Linear {
    name: String,
    pub columns: Columns,
    /// Per geo and column (geo-major), the position of the coefficient.
    positions: Vec<usize>,
    /// One part per column, or one part for their sum.
    parts: Vec<String>,
}

/// A linear component's buffers: one geo's coefficients and their gradient.
type LinearWork = (Vec<f64>, Vec<f64>);

impl Linear {
    /// One reported series per column, named by `parts`; the coefficients at `positions`.
    pub fn per_column(name: &str, positions: Vec<usize>, columns: Columns, parts: Vec<String>) -> Linear {
        Linear { name: name.into(), columns, positions, parts }
    }

    /// The columns' sum reported as one series named like the component.
    pub fn summed(name: &str, positions: Vec<usize>, columns: Columns) -> Linear {
        Linear { name: name.into(), columns, positions, parts: vec![name.into()] }
    }

    /// Geo `g`'s coefficients, gathered into `out`.
    fn coefficients(&self, design: &Design, g: usize, theta: &[f64], out: &mut Vec<f64>) {
        let n = self.positions.len() / design.geos.max(1);
        out.clear();
        out.extend(self.positions[g * n..(g + 1) * n].iter().map(|&p| theta[p]));
    }
}

impl MeanComponent for Linear {
    fn name(&self) -> &str {
        &self.name
    }

    fn parts(&self) -> &[String] {
        &self.parts
    }

    fn workspace(&self, _weeks: usize) -> Box<dyn Any + Send> {
        Box::new(LinearWork::default())
    }

    fn forward(&self, design: &Design, theta: &[f64], mu: &mut [f64], work: &mut dyn Any) {
        let (coefficients, _) = work.downcast_mut::<LinearWork>().expect("a linear component's workspace");
        for (g, mu) in mu.chunks_mut(design.weeks()).enumerate() {
            let columns = self.columns.of(design, g);
            self.coefficients(design, g, theta, coefficients);
            add_combination(mu, coefficients, |j| &columns[j]);
        }
    }

    fn backward(&self, design: &Design, _theta: &[f64], dmu: &[f64], grad_theta: &mut [f64], work: &mut dyn Any) {
        let (_, grad) = work.downcast_mut::<LinearWork>().expect("a linear component's workspace");
        let n = self.positions.len() / design.geos.max(1);
        for (g, dmu) in dmu.chunks(design.weeks()).enumerate() {
            let columns = self.columns.of(design, g);
            grad.clear();
            grad.resize(n, 0.0);
            add_dots(dmu, |j| &columns[j], grad);
            for (&p, d) in self.positions[g * n..(g + 1) * n].iter().zip(grad.iter()) {
                grad_theta[p] += d;
            }
        }
    }

    fn decompose(&self, design: &Design, theta: &[f64], scale: &[f64], out: &mut [Vec<f64>], work: &mut dyn Any) {
        let (coefficients, _) = work.downcast_mut::<LinearWork>().expect("a linear component's workspace");
        let weeks = design.weeks();
        for (g, &scale) in scale.iter().enumerate().take(design.geos) {
            let columns = self.columns.of(design, g);
            self.coefficients(design, g, theta, coefficients);
            let span = g * weeks..(g + 1) * weeks;
            if self.parts.len() == columns.len() {
                for ((series, z), &c) in out.iter_mut().zip(columns).zip(coefficients.iter()) {
                    series[span.clone()].iter_mut().zip(z).for_each(|(o, z)| *o = c * z * scale);
                }
            } else {
                out[0][span.clone()].fill(0.0);
                for (z, &c) in columns.iter().zip(coefficients.iter()) {
                    out[0][span.clone()].iter_mut().zip(z).for_each(|(o, z)| *o += c * z * scale);
                }
            }
        }
    }
}

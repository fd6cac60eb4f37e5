//! The parameter space: the parameter vector as named blocks with dims (`()`, `(channel)`,
//! `(geo, channel)`, ...), each with a prior per element and the transform it is sampled
//! through, addressed by [`Handle`]s.
//!
//! A prior's canonical parameters may be taken from another block declared before it (a
//! hyper-prior), broadcast over the child's dims by name as PyMC does; the gradient then flows
//! to both the value and the hyper-parameters. A Normal block may be non-centred: its offset
//! `z ~ Normal(0, 1)` is sampled and the value is `x = mu + sigma z`, which keeps the sampler
//! out of the funnel a hierarchy with a small `sigma` makes.
//!
//! Blocks sit in the vector in declaration order, and since a block may only refer to earlier
//! ones, one forward pass constrains the vector and one backward pass carries the gradient of
//! non-centred values back to their `mu` and `sigma`.
//!
//! A block may also be PyMC's `transform="exp"`: its prior (centred or not) is on `raw`, and the
//! value the model reads is `exp(raw)`, a log-normal form that keeps a hierarchy of positive
//! coefficients on the log scale.

use super::constraint::Support;
use super::prior::{standard_normal_logp_dx, LogDensity, Prior};
use super::special::LN_SQRT_2PI;
use super::term::{Gradient, Point};
use std::ops::Range;

/// A block of the parameter vector, as handed out by [`ParameterSpace::add`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Handle {
    block: usize,
    offset: usize,
    len: usize,
}

impl Handle {
    /// The block's positions in the parameter vector.
    pub fn range(&self) -> Range<usize> {
        self.offset..self.offset + self.len
    }

    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The position of the block's element `element` (row-major over its dims).
    pub fn index(&self, element: usize) -> usize {
        debug_assert!(element < self.len);
        self.offset + element
    }

    /// The block's values in a parameter vector.
    pub fn values<'a>(&self, theta: &'a [f64]) -> &'a [f64] {
        &theta[self.range()]
    }
}

/// A named dimension and its coordinate labels, e.g. `channel` = `[x1, x2]`.
#[derive(Debug, Clone, PartialEq)]
pub struct Dim {
    pub name: String,
    pub labels: Vec<String>,
}

/// How a block is sampled.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Transform {
    /// PyMC's default transform for the prior's support: identity on ℝ, log for one bound,
    /// logodds or interval for two.
    Default,
    /// `x = mu + sigma z` with `z ~ Normal(0, 1)` (or `StudentT(nu, 0, 1)`) sampled, for a
    /// Normal (or StudentT) prior whose parameters are constants or other blocks.
    NonCentred,
    /// [`Transform::Default`] for `raw`, and the value is `exp(raw)`.
    Exp,
    /// [`Transform::NonCentred`] for `raw`, and the value is `exp(raw)`.
    ExpNonCentred,
}

impl Transform {
    /// Whether the prior is on the sampled value itself rather than on an offset.
    pub fn centred(self) -> bool {
        matches!(self, Transform::Default | Transform::Exp)
    }

    /// Whether the value is `exp` of the variable the prior is on.
    pub fn exp(self) -> bool {
        matches!(self, Transform::Exp | Transform::ExpNonCentred)
    }
}

/// The prior of a block: one family per element, some of whose canonical parameters may be
/// other blocks' values.
#[derive(Debug, Clone, PartialEq)]
pub struct BlockPrior {
    /// One prior per element (row-major over the dims), or one for all elements. A parameter
    /// taken from a block keeps its value here only as a placeholder.
    pub priors: Vec<Prior>,
    /// Canonical parameters read from other blocks, e.g. `("sigma", handle)`.
    pub hyper: Vec<(String, Handle)>,
    /// Whether a Normal's `mu` and `sigma` are PyMC-Marketing's `LogNormalPrior` mean and std
    /// (of `exp` of the value), converted by [`log_location_scale`] wherever they are read.
    pub mean_std: bool,
}

impl BlockPrior {
    /// The same prior for every element.
    pub fn all(prior: Prior) -> BlockPrior {
        BlockPrior { priors: vec![prior], hyper: Vec::new(), mean_std: false }
    }

    /// One prior per element.
    pub fn each(priors: Vec<Prior>) -> BlockPrior {
        BlockPrior { priors, hyper: Vec::new(), mean_std: false }
    }

    /// Reads the Normal's `mu` and `sigma` (constants or blocks) as a log-normal's mean and std.
    pub fn mean_std(mut self) -> BlockPrior {
        self.mean_std = true;
        self
    }

    /// Takes the canonical parameter `param` from block `from`, broadcast over this block's dims.
    pub fn with(mut self, param: &str, from: Handle) -> BlockPrior {
        self.hyper.push((param.to_string(), from));
        self
    }
}

/// A block that cannot be declared; the message names it.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum SpaceError {
    #[error("parameter {0} is declared twice")]
    Duplicate(String),
    #[error("parameter {block}: no dim \"{dim}\" is declared")]
    UnknownDim { block: String, dim: String },
    #[error("parameter {block}: {found} priors for {len} elements")]
    PriorCount { block: String, found: usize, len: usize },
    #[error("parameter {block}: the priors of a block with hyper-parameters must all be {dist}")]
    MixedFamilies { block: String, dist: String },
    #[error("parameter {block}: {dist} has no parameter \"{param}\" that a block can give")]
    UnknownParameter { block: String, dist: String, param: String },
    #[error(
        "parameter {block}: hyper-parameter {param} = {from} has dims ({from_dims}), which are not among ({dims})"
    )]
    HyperDims { block: String, param: String, from: String, from_dims: String, dims: String },
    #[error("parameter {block}: {param} must be positive, but {from} lies in {support}")]
    HyperSupport { block: String, param: String, from: String, support: String },
    #[error("parameter {block}: only a Normal or StudentT prior can be non-centred, not {dist}")]
    NotNormal { block: String, dist: String },
}

/// PyMC-Marketing's `LogNormalPrior`: the `(mu, sigma)` of the log from the mean `m` and
/// standard deviation `s` of the value, `mu = ln(m²/√(m²+s²))`, `sigma = √ln(1 + s²/m²)`, with
/// the Jacobian `[[dmu/dm, dmu/ds], [dsigma/dm, dsigma/ds]]`.
pub fn log_location_scale(m: f64, s: f64) -> (f64, f64, [[f64; 2]; 2]) {
    let q = m * m + s * s;
    let sigma = (s * s / (m * m)).ln_1p().sqrt();
    let mu = (m * m / q.sqrt()).ln();
    (mu, sigma, [[2.0 / m - m / q, -s / q], [(m / q - 1.0 / m) / sigma, s / q / sigma]])
}

const IDENTITY: [[f64; 2]; 2] = [[1.0, 0.0], [0.0, 1.0]];

/// A constant parameter or the position of the value it is read from.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Source {
    Value(f64),
    At(usize),
}

impl Source {
    fn get(self, theta: &[f64]) -> f64 {
        match self {
            Source::Value(v) => v,
            Source::At(i) => theta[i],
        }
    }
}

/// What evaluating a block needs, prepared when it is declared.
#[derive(Debug, Clone, PartialEq)]
enum Evaluation {
    /// Constant priors, each with its support and normalising constant computed once, and
    /// whether every one is `Normal(0, 1)` on the real line (evaluated without dispatch).
    Fixed { densities: Vec<LogDensity>, standard_normal: bool },
    /// Priors with parameters from other blocks: their common support and, per element, the
    /// position each canonical parameter is read from (none: the prior's own constant).
    Hyper { support: Support, sources: Vec<[Option<usize>; 4]> },
    /// Non-centred Normal or StudentT: per element, where `mu`, `sigma` and (for the StudentT,
    /// whose offset is `StudentT(nu, 0, 1)`) `nu` come from.
    NonCentred { student: bool, sources: Vec<[Source; 3]> },
}

/// One named block of the parameter vector.
#[derive(Debug, Clone, PartialEq)]
pub struct Block {
    /// PyMC-Marketing's name, e.g. `adstock_alpha`, `saturation_beta`, `y_sigma`.
    pub name: String,
    /// Its dims with their labels; empty for a scalar.
    pub dims: Vec<Dim>,
    /// The prior of each element.
    pub priors: Vec<Prior>,
    /// Canonical parameters taken from other blocks, by parameter name.
    pub hyper: Vec<(String, Handle)>,
    pub transform: Transform,
    /// Whether `mu` and `sigma` are a log-normal's mean and std ([`BlockPrior::mean_std`]).
    pub mean_std: bool,
    handle: Handle,
    evaluation: Evaluation,
}

impl Block {
    pub fn handle(&self) -> Handle {
        self.handle
    }

    pub fn len(&self) -> usize {
        self.handle.len
    }

    pub fn is_empty(&self) -> bool {
        self.handle.is_empty()
    }

    /// Index of the first element in the parameter vector.
    pub fn offset(&self) -> usize {
        self.handle.offset
    }

    pub fn range(&self) -> Range<usize> {
        self.handle.range()
    }

    /// The length of each dim.
    pub fn shape(&self) -> Vec<usize> {
        self.dims.iter().map(|d| d.labels.len()).collect()
    }

    /// The coordinate labels of element `element`, one per dim (row-major order).
    pub fn labels(&self, element: usize) -> Vec<&str> {
        let mut rest = element;
        let mut labels: Vec<&str> = self
            .dims
            .iter()
            .rev()
            .map(|d| {
                let label = &d.labels[rest % d.labels.len()];
                rest /= d.labels.len();
                label.as_str()
            })
            .collect();
        labels.reverse();
        labels
    }

    /// A Normal element's `mu` and `sigma` from their sources, with their Jacobian in the two
    /// sources (the identity unless they are a mean and std).
    fn location_scale(&self, mu: Source, sigma: Source, theta: &[f64]) -> (f64, f64, [[f64; 2]; 2]) {
        let (a, b) = (mu.get(theta), sigma.get(theta));
        if self.mean_std {
            log_location_scale(a, b)
        } else {
            (a, b, IDENTITY)
        }
    }

    /// Element `j`'s prior with its hyper-parameters filled in, and the Jacobian of its
    /// `mu` and `sigma` in the sources (the identity unless they are a mean and std).
    fn resolved(&self, j: usize, sources: &[Option<usize>; 4], theta: &[f64]) -> (Prior, [[f64; 2]; 2]) {
        match (self.mean_std, resolve(self.priors[j], sources, theta)) {
            (true, Prior::Normal { mu, sigma }) => {
                let (mu, sigma, jacobian) = log_location_scale(mu, sigma);
                (Prior::Normal { mu, sigma }, jacobian)
            }
            (_, prior) => (prior, IDENTITY),
        }
    }

    /// Element `element`'s geo label, when the block has a geo dim.
    pub fn geo(&self, element: usize) -> Option<&str> {
        let at = self.dims.iter().position(|d| d.name == "geo")?;
        Some(self.labels(element)[at])
    }

    /// Element `element`'s coordinate as the catalog and `mmm_summary` record it beside its
    /// [`Block::geo`]: the labels of its other dims (a channel, a control, a Fourier mode),
    /// none when it has no other dim. Geo labels are kept apart because they are user text
    /// that may hold any character.
    pub fn coordinate(&self, element: usize) -> Option<String> {
        let labels = self.labels(element);
        let rest: Vec<&str> = self.dims.iter().zip(&labels).filter(|(d, _)| d.name != "geo").map(|(_, l)| *l).collect();
        (!rest.is_empty()).then(|| rest.join(","))
    }
}

/// The parameter vector: blocks in declaration order, and the dims they are shaped by.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ParameterSpace {
    dims: Vec<Dim>,
    blocks: Vec<Block>,
    dim: usize,
}

impl ParameterSpace {
    pub fn new() -> ParameterSpace {
        ParameterSpace::default()
    }

    /// Declares (or redeclares) dim `name` with its coordinate labels.
    pub fn add_dim(&mut self, name: &str, labels: Vec<String>) {
        let dim = Dim { name: name.to_string(), labels };
        match self.dims.iter_mut().find(|d| d.name == name) {
            Some(d) => *d = dim,
            None => self.dims.push(dim),
        }
    }

    /// Appends block `name` over `dims` (declared with [`ParameterSpace::add_dim`]).
    pub fn add(
        &mut self,
        name: &str,
        dims: &[&str],
        prior: BlockPrior,
        transform: Transform,
    ) -> Result<Handle, SpaceError> {
        if self.find(name).is_some() {
            return Err(SpaceError::Duplicate(name.into()));
        }
        let dims = self.declared(name, dims)?;
        let len = dims.iter().map(|d| d.labels.len()).product();
        let mut priors = match prior.priors.len() {
            1 => vec![prior.priors[0]; len],
            n if n == len => prior.priors,
            found => return Err(SpaceError::PriorCount { block: name.into(), found, len }),
        };
        // A constant mean and std convert once.
        let mean_std = prior.mean_std && !prior.hyper.is_empty();
        if prior.mean_std && !mean_std {
            for p in &mut priors {
                if let Prior::Normal { mu, sigma } = *p {
                    let (mu, sigma, _) = log_location_scale(mu, sigma);
                    *p = Prior::Normal { mu, sigma };
                }
            }
        }
        let handle = Handle { block: self.blocks.len(), offset: self.dim, len };
        let evaluation = self.evaluation(name, &dims, &priors, &prior.hyper, transform, mean_std)?;
        self.blocks.push(Block {
            name: name.into(),
            dims,
            priors,
            hyper: prior.hyper,
            transform,
            mean_std,
            handle,
            evaluation,
        });
        self.dim += len;
        Ok(handle)
    }

    /// Checks a block's hyper-parameters and resolves where each element reads them from.
    fn evaluation(
        &self,
        name: &str,
        dims: &[Dim],
        priors: &[Prior],
        hyper: &[(String, Handle)],
        transform: Transform,
        mean_std: bool,
    ) -> Result<Evaluation, SpaceError> {
        let Some(first) = priors.first() else {
            return Ok(Evaluation::Fixed { densities: Vec::new(), standard_normal: false });
        };
        if transform.centred() && hyper.is_empty() {
            let densities: Vec<LogDensity> = priors.iter().map(Prior::log_density).collect();
            let standard_normal = !transform.exp() && densities.iter().all(LogDensity::is_standard_normal);
            return Ok(Evaluation::Fixed { densities, standard_normal });
        }
        let same_family = |p: &Prior| std::mem::discriminant(p) == std::mem::discriminant(first);
        if !priors.iter().all(same_family) || priors.iter().any(|p| p.support() != first.support()) {
            return Err(SpaceError::MixedFamilies { block: name.into(), dist: first.to_string() });
        }
        let mut sources = vec![[None; 4]; priors.len()];
        for (param, from) in hyper {
            let k = first
                .param_names()
                .position(|p| p == param)
                // Truncation bounds fix the support, so they stay constants.
                .filter(|_| !matches!(first, Prior::TruncatedNormal { .. }) || param == "mu" || param == "sigma")
                .ok_or_else(|| SpaceError::UnknownParameter {
                    block: name.into(),
                    dist: first.to_string(),
                    param: param.clone(),
                })?;
            let parent = self.blocks.get(from.block).filter(|b| b.handle == *from).expect("a handle of this space");
            let support = parent.priors.first().map_or(Support::Real, Prior::support);
            let parent_positive =
                parent.transform.exp() || (parent.transform == Transform::Default && support.bounds().0 >= 0.0);
            if (first.param_is_positive(k) || mean_std) && !parent_positive {
                return Err(SpaceError::HyperSupport {
                    block: name.into(),
                    param: param.clone(),
                    from: parent.name.clone(),
                    support: support.to_string(),
                });
            }
            for (element, index) in broadcast(name, dims, param, parent)?.into_iter().enumerate() {
                sources[element][k] = Some(index);
            }
        }
        if transform.centred() {
            return Ok(Evaluation::Hyper { support: first.support(), sources });
        }
        let source = |s: Option<usize>, v: f64| s.map_or(Source::Value(v), Source::At);
        let elements = priors.iter().zip(&sources).map(|(p, s)| match *p {
            Prior::Normal { mu, sigma } => Ok([source(s[0], mu), source(s[1], sigma), Source::Value(0.0)]),
            Prior::StudentT { nu, mu, sigma } => Ok([source(s[1], mu), source(s[2], sigma), source(s[0], nu)]),
            _ => Err(SpaceError::NotNormal { block: name.into(), dist: p.to_string() }),
        });
        let sources = elements.collect::<Result<_, _>>()?;
        Ok(Evaluation::NonCentred { student: matches!(first, Prior::StudentT { .. }), sources })
    }

    pub fn dim(&self) -> usize {
        self.dim
    }

    /// The declared dims.
    pub fn dims(&self) -> impl Iterator<Item = &Dim> {
        self.dims.iter()
    }

    /// Every block in vector order.
    pub fn blocks(&self) -> impl Iterator<Item = &Block> {
        self.blocks.iter()
    }

    pub fn block(&self, handle: Handle) -> &Block {
        &self.blocks[handle.block]
    }

    pub fn find(&self, name: &str) -> Option<&Block> {
        self.blocks.iter().find(|b| b.name == name)
    }

    pub fn handle(&self, name: &str) -> Option<Handle> {
        self.find(name).map(Block::handle)
    }

    /// For each element over `dims` (row-major), the position of the element of block `handle`
    /// that broadcasts to it, e.g. a `(channel)` block read over `(geo, channel)`: how a mean
    /// component finds a parameter shared by, or particular to, each geo.
    pub fn positions(&self, handle: Handle, dims: &[&str]) -> Result<Vec<usize>, SpaceError> {
        let block = self.block(handle);
        let dims = self.declared(&block.name, dims)?;
        broadcast(&block.name, &dims, &block.name, block)
    }

    /// The declared dims named `dims`, for block `block`'s error message.
    fn declared(&self, block: &str, dims: &[&str]) -> Result<Vec<Dim>, SpaceError> {
        dims.iter()
            .map(|&d| {
                self.dims
                    .iter()
                    .find(|x| x.name == d)
                    .cloned()
                    .ok_or_else(|| SpaceError::UnknownDim { block: block.into(), dim: d.into() })
            })
            .collect()
    }

    /// The values of block `name` in a parameter vector.
    pub fn values<'a>(&self, name: &str, theta: &'a [f64]) -> Option<&'a [f64]> {
        self.handle(name).map(|h| h.values(theta))
    }

    /// Maps an unconstrained point to parameter values.
    pub fn constrain(&self, u: &[f64], theta: &mut [f64]) {
        for b in &self.blocks {
            let range = b.range();
            match &b.evaluation {
                Evaluation::Fixed { densities, .. } => {
                    for ((th, &ui), d) in theta[range.clone()].iter_mut().zip(&u[range]).zip(densities) {
                        *th = d.support.constrain(ui).value;
                    }
                }
                Evaluation::Hyper { support, .. } => {
                    for i in range {
                        theta[i] = support.constrain(u[i]).value;
                    }
                }
                Evaluation::NonCentred { sources, .. } => {
                    for (i, &[mu, sigma, _]) in range.zip(sources) {
                        let (mu, sigma, _) = b.location_scale(mu, sigma, theta);
                        theta[i] = mu + sigma * u[i];
                    }
                }
            }
            if b.transform.exp() {
                theta[b.range()].iter_mut().for_each(|x| *x = x.exp());
            }
        }
    }

    /// Maps parameter values to the unconstrained space the sampler moves in.
    pub fn unconstrain(&self, theta: &[f64], u: &mut [f64]) {
        for b in &self.blocks {
            let raw = |i: usize| if b.transform.exp() { theta[i].ln() } else { theta[i] };
            let range = b.range();
            match &b.evaluation {
                Evaluation::Fixed { densities, .. } => {
                    for (i, d) in range.zip(densities) {
                        u[i] = d.support.unconstrain(raw(i));
                    }
                }
                Evaluation::Hyper { support, .. } => {
                    for i in range {
                        u[i] = support.unconstrain(raw(i));
                    }
                }
                Evaluation::NonCentred { sources, .. } => {
                    for (i, &[mu, sigma, _]) in range.zip(sources) {
                        let (mu, sigma, _) = b.location_scale(mu, sigma, theta);
                        u[i] = (raw(i) - mu) / sigma;
                    }
                }
            }
        }
    }

    /// A central point in parameter values: each prior's PyMC `support_point`, with
    /// hyper-parameters at their own central values.
    pub fn initial_values(&self) -> Vec<f64> {
        let mut theta = vec![0.0; self.dim];
        for b in &self.blocks {
            for (j, i) in b.range().enumerate() {
                let raw = match &b.evaluation {
                    Evaluation::Fixed { .. } => b.priors[j].initial_value(),
                    Evaluation::Hyper { sources, .. } => b.resolved(j, &sources[j], &theta).0.initial_value(),
                    Evaluation::NonCentred { sources, .. } => b.location_scale(sources[j][0], sources[j][1], &theta).0,
                };
                theta[i] = if b.transform.exp() { raw.exp() } else { raw };
            }
        }
        theta
    }

    /// [`ParameterSpace::initial_values`], unconstrained.
    pub fn initial_point(&self) -> Vec<f64> {
        let mut u = vec![0.0; self.dim];
        self.unconstrain(&self.initial_values(), &mut u);
        u
    }

    /// Constrains `u`, keeping what the priors and the chain rule need: `dθ/du`, the
    /// log-Jacobian, and its derivative, which starts the gradient in `grad_u`.
    pub(crate) fn constrain_with_jacobian(
        &self,
        u: &[f64],
        theta: &mut [f64],
        dtheta_du: &mut [f64],
        log_jac: &mut [f64],
        grad_u: &mut [f64],
    ) {
        for b in &self.blocks {
            let range = b.range();
            match &b.evaluation {
                Evaluation::Fixed { densities, .. } => {
                    for (i, d) in range.zip(densities) {
                        let c = d.support.constrain(u[i]);
                        (theta[i], dtheta_du[i], log_jac[i], grad_u[i]) =
                            (c.value, c.dvalue_du, c.log_jac, c.dlog_jac_du);
                    }
                }
                Evaluation::Hyper { support, .. } => {
                    for i in range {
                        let c = support.constrain(u[i]);
                        (theta[i], dtheta_du[i], log_jac[i], grad_u[i]) =
                            (c.value, c.dvalue_du, c.log_jac, c.dlog_jac_du);
                    }
                }
                Evaluation::NonCentred { sources, .. } => {
                    for (i, &[mu, sigma, _]) in range.zip(sources) {
                        let (mu, sigma, _) = b.location_scale(mu, sigma, theta);
                        (theta[i], dtheta_du[i], log_jac[i], grad_u[i]) = (mu + sigma * u[i], sigma, 0.0, 0.0);
                    }
                }
            }
            if b.transform.exp() {
                for i in b.range() {
                    theta[i] = theta[i].exp();
                    dtheta_du[i] *= theta[i];
                }
            }
        }
    }

    /// `Σ (ln p(θ_i) + ln |dθ_i/du_i|)` over every element, in vector order, adding the
    /// derivatives in θ (hyper-parameters included) to `grad.theta`; a non-centred offset's
    /// `ln N(z; 0, 1)` is a density of `u` itself, so its derivative goes to `grad.u`. For an
    /// `exp` block the prior is on `raw = ln θ`, whose derivative reaches θ divided by θ.
    pub(crate) fn prior_logp_grad(&self, at: &Point, grad: &mut Gradient) -> f64 {
        let (theta, log_jac) = (at.theta, at.log_jac);
        let mut lp = 0.0;
        for b in &self.blocks {
            let range = b.range();
            let exp = b.transform.exp();
            // The variable the prior is on, and the factor taking its derivative to θ.
            let raw = |i: usize, support: &Support| {
                if exp {
                    (support.constrain(at.u[i]).value, 1.0 / theta[i])
                } else {
                    (theta[i], 1.0)
                }
            };
            match &b.evaluation {
                Evaluation::Fixed { standard_normal: true, .. } => {
                    for i in range {
                        let (l, dx) = standard_normal_logp_dx(theta[i]);
                        grad.theta[i] += dx;
                        lp += log_jac[i] + l;
                    }
                }
                Evaluation::Fixed { densities, .. } => {
                    for (i, d) in range.zip(densities) {
                        let (x, factor) = raw(i, &d.support);
                        let (l, dx) = d.logp_dx(x);
                        grad.theta[i] += if exp { dx * factor } else { dx };
                        lp += log_jac[i] + l;
                    }
                }
                Evaluation::Hyper { sources, support } => {
                    for ((j, i), sources) in range.enumerate().zip(sources) {
                        let (x, factor) = raw(i, support);
                        let (prior, jacobian) = b.resolved(j, sources, theta);
                        let (l, dx, mut dparams) = prior.logp_grad_params(x);
                        if b.mean_std {
                            let [dmu, dsigma, ..] = dparams;
                            dparams[0] = dmu * jacobian[0][0] + dsigma * jacobian[1][0];
                            dparams[1] = dmu * jacobian[0][1] + dsigma * jacobian[1][1];
                        }
                        grad.theta[i] += dx * factor;
                        for (source, d) in sources.iter().zip(dparams) {
                            if let Some(p) = source {
                                grad.theta[*p] += d;
                            }
                        }
                        lp += log_jac[i] + l;
                    }
                }
                Evaluation::NonCentred { student: false, .. } => {
                    for i in range {
                        let z = at.u[i];
                        grad.u[i] -= z;
                        lp += log_jac[i] + (-LN_SQRT_2PI - 0.5 * z * z);
                    }
                }
                Evaluation::NonCentred { student: true, sources } => {
                    for (i, [_, _, nu]) in range.zip(sources) {
                        let offset = Prior::StudentT { nu: nu.get(theta), mu: 0.0, sigma: 1.0 };
                        let (l, dz, dparams) = offset.logp_grad_params(at.u[i]);
                        grad.u[i] += dz;
                        if let Source::At(p) = nu {
                            grad.theta[*p] += dparams[0];
                        }
                        lp += log_jac[i] + l;
                    }
                }
            }
        }
        lp
    }

    /// Finishes the gradient in `u`: a non-centred value passes its derivative on to its `mu`
    /// and `sigma` (children before parents, so each is complete when passed on), then every
    /// element's derivative in θ is carried through `dθ/du`.
    pub(crate) fn chain_rule(
        &self,
        u: &[f64],
        theta: &[f64],
        dtheta_du: &[f64],
        grad_theta: &mut [f64],
        grad_u: &mut [f64],
    ) {
        for b in self.blocks.iter().rev() {
            if let Evaluation::NonCentred { sources, .. } = &b.evaluation {
                for (i, &[mu, sigma, _]) in b.range().zip(sources) {
                    // The derivative in the variable `mu + sigma z` itself (`raw` for `exp`),
                    // passed on to the sources of `mu` and `sigma` (through the mean/std map).
                    let g = if b.transform.exp() { grad_theta[i] * theta[i] } else { grad_theta[i] };
                    let (_, _, jacobian) = b.location_scale(mu, sigma, theta);
                    let (dmu, dsigma) = (g, g * u[i]);
                    for (k, source) in [mu, sigma].into_iter().enumerate() {
                        if let Source::At(p) = source {
                            grad_theta[p] += if b.mean_std {
                                dmu * jacobian[0][k] + dsigma * jacobian[1][k]
                            } else if k == 0 {
                                dmu
                            } else {
                                dsigma
                            };
                        }
                    }
                }
            }
        }
        for ((g, gt), d) in grad_u.iter_mut().zip(grad_theta.iter()).zip(dtheta_du) {
            *g += gt * d;
        }
    }
}

/// `prior` with the parameters its block reads from other blocks filled in.
fn resolve(mut prior: Prior, sources: &[Option<usize>; 4], theta: &[f64]) -> Prior {
    for (k, source) in sources.iter().enumerate() {
        if let Some(p) = source {
            prior = prior.with_param(k, theta[*p]);
        }
    }
    prior
}

/// For each element of a block over `dims`, the position of the element of `parent` that
/// broadcasts to it: the parent's dims must be among the child's, in any order.
fn broadcast(name: &str, dims: &[Dim], param: &str, parent: &Block) -> Result<Vec<usize>, SpaceError> {
    let positions: Option<Vec<usize>> =
        parent.dims.iter().map(|pd| dims.iter().position(|d| d.name == pd.name && d.labels == pd.labels)).collect();
    let names = |dims: &[Dim]| dims.iter().map(|d| d.name.as_str()).collect::<Vec<_>>().join(", ");
    let positions = positions.ok_or_else(|| SpaceError::HyperDims {
        block: name.into(),
        param: param.into(),
        from: parent.name.clone(),
        from_dims: names(&parent.dims),
        dims: names(dims),
    })?;
    let shape: Vec<usize> = dims.iter().map(|d| d.labels.len()).collect();
    let len: usize = shape.iter().product();
    let mut index = vec![0; dims.len()];
    let mut out = Vec::with_capacity(len);
    for _ in 0..len {
        let within = positions.iter().zip(&parent.dims).fold(0, |acc, (&p, d)| acc * d.labels.len() + index[p]);
        out.push(parent.offset() + within);
        // Row-major increment of the multi-index.
        for (i, n) in index.iter_mut().zip(&shape).rev() {
            *i += 1;
            if *i < *n {
                break;
            }
            *i = 0;
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn labels(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn blocks_broadcast_hyper_parameters_by_dim_name() {
        let mut space = ParameterSpace::new();
        space.add_dim("geo", labels(&["g1", "g2"]));
        space.add_dim("channel", labels(&["a", "b", "c"]));
        let normal = Prior::Normal { mu: 0.0, sigma: 1.0 };
        let mu = space.add("beta_mu", &["channel"], BlockPrior::all(normal), Transform::Default).unwrap();
        let sigma = space
            .add("beta_sigma", &[], BlockPrior::all(Prior::HalfNormal { sigma: 1.0 }), Transform::Default)
            .unwrap();
        let beta = space
            .add(
                "beta",
                &["geo", "channel"],
                BlockPrior::all(normal).with("mu", mu).with("sigma", sigma),
                Transform::NonCentred,
            )
            .unwrap();
        assert_eq!((mu.range(), sigma.range(), beta.range()), (0..3, 3..4, 4..10));
        let block = space.block(beta);
        assert_eq!(block.shape(), [2, 3]);
        assert_eq!((block.geo(4), block.coordinate(4)), (Some("g2"), Some("b".to_string())));
        assert_eq!(space.find("beta_sigma").unwrap().coordinate(0), None);
        let Evaluation::NonCentred { sources, .. } = &block.evaluation else { panic!("non-centred") };
        // Element (g2, b) reads beta_mu[b] and the scalar beta_sigma.
        assert_eq!(sources[4][..2], [Source::At(1), Source::At(3)]);

        // Constrain and unconstrain are inverse, the non-centred value built from its parents.
        let u = [0.1, -0.2, 0.3, 0.5, 1.0, 2.0, -1.0, 0.0, 0.5, -0.5];
        let mut theta = vec![0.0; space.dim()];
        space.constrain(&u, &mut theta);
        assert!((theta[8] - (-0.2 + 0.5f64.exp() * 0.5)).abs() < 1e-15);
        let mut back = vec![0.0; space.dim()];
        space.unconstrain(&theta, &mut back);
        assert!(back.iter().zip(u).all(|(a, b)| (a - b).abs() < 1e-12), "{back:?}");
    }

    #[test]
    fn declarations_that_cannot_work_are_refused() {
        let mut space = ParameterSpace::new();
        space.add_dim("geo", labels(&["g1", "g2"]));
        space.add_dim("channel", labels(&["a", "b"]));
        let normal = Prior::Normal { mu: 0.0, sigma: 1.0 };
        let loc = space.add("loc", &["geo"], BlockPrior::all(normal), Transform::Default).unwrap();
        let err = |r: Result<Handle, SpaceError>| r.unwrap_err().to_string();
        let mut s = space.clone();
        assert!(err(s.add("loc", &[], BlockPrior::all(normal), Transform::Default)).contains("twice"));
        assert!(err(s.add("x", &["region"], BlockPrior::all(normal), Transform::Default)).contains("\"region\""));
        // A scale from a block that can be negative.
        assert!(err(s.add("x", &["geo"], BlockPrior::all(normal).with("sigma", loc), Transform::Default))
            .contains("sigma must be positive"));
        // Dims of the hyper-parameter not among the child's.
        assert!(err(s.add("x", &["channel"], BlockPrior::all(normal).with("mu", loc), Transform::Default))
            .contains("(geo)"));
        let gamma = Prior::Gamma { alpha: 2.0, beta: 1.0 };
        assert!(err(s.add("x", &["geo"], BlockPrior::all(gamma), Transform::NonCentred)).contains("Normal"));
        assert!(
            err(s.add("x", &["geo"], BlockPrior::all(gamma).with("mu", loc), Transform::Default)).contains("\"mu\"")
        );
        assert!(err(s.add("x", &["geo"], BlockPrior::each(vec![normal; 3]), Transform::Default)).contains("3 priors"));
    }
}

//! NUTS with nuts-rs (the sampler behind nutpie) over any [`Target`]: diagonal mass-matrix
//! adaptation, one thread per chain, cancellation and progress. The MMM is one target; a test
//! samples a known multivariate normal through the same glue.
//!
//! Each chain's random stream is derived from the fit seed and the chain index alone, so a seed
//! gives bit-identical draws whatever the number of cores.
//!
//! A warm start (a refit after new weeks) begins each chain where a previous fit's chain ended,
//! with its adapted step size. nuts-rs 0.19 builds its diagonal mass matrix inside the chain
//! (from the first gradient, then from windows of draws and gradients) and offers no way to set
//! it, and its window estimate is equivariant under a diagonal rescaling of the target, so a
//! target preconditioned by the previous mass matrix would differ only in the first 3 draws. The
//! previous mass matrix therefore sets the jitter of the starting points: each coordinate moves by
//! a fraction of its previous posterior standard deviation.

use super::settings::{MassMatrix, SamplerSettings};
use nuts_rs::{
    Chain, CpuLogpFunc, CpuMath, CpuMathError, DiagAdaptExpSettings, EuclideanAdaptOptions, HasDims, LogpError,
    LowRankSettings, NutsSettings, SamplerStats as NutsStats, Settings,
};
use rand::{Rng, RngExt, SeedableRng};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

/// What the sampler needs of a model, as nuts-rs's `CpuLogpFunc`: the dimension, the log
/// density with its gradient in unconstrained coordinates, the map back to parameter values
/// (the draws recorded), and a central starting point.
pub trait Target: Send + Sync {
    /// Buffers one chain reuses between evaluations.
    type Scratch: Send;

    fn dim(&self) -> usize;

    fn scratch(&self) -> Self::Scratch;

    /// `log p(u)` up to a constant, with its gradient written to `grad`.
    fn logp_grad(&self, u: &[f64], grad: &mut [f64], scratch: &mut Self::Scratch) -> f64;

    /// Parameter values (`dim` of them) at an unconstrained point.
    fn constrain(&self, u: &[f64], theta: &mut [f64]);

    /// The unconstrained point chains start around.
    fn initial_point(&self) -> Vec<f64>;
}

/// One chain's kept draws (constrained parameter values) and per-draw sampler statistics.
#[derive(Debug, Clone, PartialEq)]
pub struct ChainTrace {
    /// `draws × dim`, row-major.
    pub values: Vec<f64>,
    pub diverging: Vec<bool>,
    pub tree_depth: Vec<u64>,
    pub max_treedepth_reached: Vec<bool>,
    pub energy: Vec<f64>,
    /// Step size after adaptation.
    pub step_size: f64,
}

/// Where a chain's tuning and draws left it: what a warm start of the same parameter space
/// begins from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ChainAdaptation {
    /// Step size after adaptation.
    pub step_size: f64,
    /// Diagonal of the adapted inverse mass matrix (posterior variances, unconstrained).
    pub inv_mass: Vec<f64>,
    /// The chain's last draw, unconstrained.
    pub position: Vec<f64>,
}

/// All chains of a fit.
#[derive(Debug, Clone, PartialEq)]
pub struct Trace {
    pub dim: usize,
    pub chains: Vec<ChainTrace>,
}

impl Trace {
    pub fn draws_per_chain(&self) -> usize {
        self.chains.first().map_or(0, |c| c.diverging.len())
    }

    /// Draws over all chains: the length of every per-draw derived quantity.
    pub fn num_draws(&self) -> usize {
        self.chains.len() * self.draws_per_chain()
    }

    /// Parameter `i` across chains: `chains × draws`.
    pub fn parameter(&self, i: usize) -> ndarray::Array2<f64> {
        let n = self.draws_per_chain();
        ndarray::Array2::from_shape_fn((self.chains.len(), n), |(c, d)| self.chains[c].values[d * self.dim + i])
    }

    /// Every draw of every chain, chain-major: the order all derived quantities use.
    pub fn draws(&self) -> impl Iterator<Item = &[f64]> {
        self.chains.iter().flat_map(|c| c.values.chunks_exact(self.dim))
    }

    pub fn divergences(&self) -> usize {
        self.chains.iter().map(|c| c.diverging.iter().filter(|&&d| d).count()).sum()
    }

    /// Sampler health over all chains.
    pub fn sampler_stats(&self) -> SamplerStats {
        SamplerStats {
            divergences: self.divergences(),
            max_treedepth_hits: self
                .chains
                .iter()
                .map(|c| c.max_treedepth_reached.iter().filter(|&&m| m).count())
                .sum(),
            bfmi: self.chains.iter().map(|c| super::diagnostics::bfmi(&c.energy)).collect(),
            step_sizes: self.chains.iter().map(|c| c.step_size).collect(),
            mean_tree_depth: self.chains.iter().flat_map(|c| &c.tree_depth).sum::<u64>() as f64
                / self.num_draws() as f64,
        }
    }
}

/// What the sampler reports about itself, beyond the draws.
#[derive(Debug, Clone, PartialEq)]
pub struct SamplerStats {
    pub divergences: usize,
    pub max_treedepth_hits: usize,
    /// E-BFMI per chain; below 0.3 the momentum resampling explores energy poorly.
    pub bfmi: Vec<f64>,
    /// Adapted step size per chain.
    pub step_sizes: Vec<f64>,
    pub mean_tree_depth: f64,
}

/// How far sampling has got, reported to the caller's thread.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Progress {
    /// Iterations (tuning and draws) done over all chains.
    pub done: u64,
    pub total: u64,
    /// Divergences among kept draws so far.
    pub divergences: u64,
}

/// What the progress callback asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Control {
    Continue,
    Cancel,
}

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum SampleError {
    #[error("sampling was cancelled")]
    Cancelled,
    #[error("chain {chain}: found no starting point with a finite log density in 100 tries")]
    NoInitialPoint { chain: usize },
    #[error("chain {chain}: {message}")]
    Sampler { chain: usize, message: String },
}

/// How far each chain's warm start moves from the previous chain's last draw, in previous
/// posterior standard deviations (uniform in ±this): enough that no refit starts on an old draw,
/// little enough that every start stays in the typical set the previous fit found.
pub const WARM_JITTER: f64 = 0.5;

/// Samples the posterior. `on_progress` runs on the calling thread about every 20 ms; it may
/// cancel, and chains stop within one draw.
pub fn sample<T: Target>(
    model: Arc<T>,
    settings: &SamplerSettings,
    on_progress: impl FnMut(Progress) -> Control,
) -> Result<Trace, SampleError> {
    sample_from(model, settings, &[], on_progress).map(|(trace, _)| trace)
}

/// [`sample`], warm-started from a previous fit's chains when `warm` is not empty: chain `c`
/// starts near the last draw of chain `c mod warm.len()` (jittered by [`WARM_JITTER`]) with its
/// adapted step size. Every `warm` entry must have the target's dimension. Returns the draws
/// and where each chain ended.
pub fn sample_from<T: Target>(
    model: Arc<T>,
    settings: &SamplerSettings,
    warm: &[ChainAdaptation],
    mut on_progress: impl FnMut(Progress) -> Control,
) -> Result<(Trace, Vec<ChainAdaptation>), SampleError> {
    let cancel = AtomicBool::new(false);
    let done = AtomicU64::new(0);
    let divergences = AtomicU64::new(0);
    let total = (settings.chains * (settings.tune + settings.draws)) as u64;
    let shared = Shared { cancel: &cancel, done: &done, divergences: &divergences };
    let results = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..settings.chains)
            .map(|chain| {
                let model = Arc::clone(&model);
                let warm = (!warm.is_empty()).then(|| &warm[chain % warm.len()]);
                scope.spawn(move || run_chain(model, settings, warm, chain, shared))
            })
            .collect();
        while !handles.iter().all(|h| h.is_finished()) {
            let progress = Progress {
                done: done.load(Ordering::Relaxed),
                total,
                divergences: divergences.load(Ordering::Relaxed),
            };
            if on_progress(progress) == Control::Cancel {
                cancel.store(true, Ordering::Relaxed);
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        handles.into_iter().map(|h| h.join().expect("sampler thread panicked")).collect::<Vec<_>>()
    });
    if cancel.load(Ordering::Relaxed) {
        return Err(SampleError::Cancelled);
    }
    let (chains, adaptation) = results.into_iter().collect::<Result<Vec<_>, _>>()?.into_iter().unzip();
    Ok((Trace { dim: model.dim(), chains }, adaptation))
}

/// Counters the chains update and the cancel flag they watch.
#[derive(Clone, Copy)]
struct Shared<'a> {
    cancel: &'a AtomicBool,
    done: &'a AtomicU64,
    divergences: &'a AtomicU64,
}

/// Chain `chain`'s random stream from the fit seed: what its draws depend on, whatever the
/// number of cores.
pub(crate) fn chain_rng(seed: u64, chain: usize) -> rand::rngs::StdRng {
    rand::rngs::StdRng::seed_from_u64(chain_seed(seed, chain))
}

/// A stream seed for `chain` from the fit seed (SplitMix64 finaliser, so neighbouring chains
/// get unrelated streams).
fn chain_seed(seed: u64, chain: usize) -> u64 {
    let mut z = seed ^ (chain as u64 + 1).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// What the loop over draws reads of nuts-rs's statistics, whose type depends on the mass matrix.
struct DrawStats {
    diverging: bool,
    depth: u64,
    maxdepth_reached: bool,
    energy: f64,
    step_size: f64,
    /// The transformation's standard deviations, on the draws where they changed.
    stds: Option<Vec<f64>>,
}

/// [`DrawStats`] from a nuts-rs statistics value whose transformation reports its standard
/// deviations in the field `$stds` (each mass matrix names it its own way).
macro_rules! draw_stats {
    ($stds:ident) => {
        |stats| DrawStats {
            diverging: stats.divergence.diverging,
            depth: stats.depth,
            maxdepth_reached: stats.maxdepth_reached,
            energy: stats.point.energy,
            step_size: stats.hamiltonian.step_size,
            stds: stats.hamiltonian.transformation.$stds.take(),
        }
    };
}

fn run_chain<T: Target>(
    model: Arc<T>,
    s: &SamplerSettings,
    warm: Option<&ChainAdaptation>,
    chain: usize,
    shared: Shared,
) -> Result<(ChainTrace, ChainAdaptation), SampleError> {
    match s.mass_matrix {
        MassMatrix::Diag => {
            let mut nuts = nuts_settings::<DiagAdaptExpSettings>(s, warm);
            // The adapted mass matrix in the draw statistics, for a later warm start; it does
            // not change the sampler's arithmetic.
            nuts.adapt_options.mass_matrix_options.store_mass_matrix = true;
            run_nuts(nuts, model, s, warm, chain, shared, draw_stats!(mass_matrix_inv))
        }
        MassMatrix::LowRank => {
            let mut nuts = nuts_settings::<LowRankSettings>(s, warm);
            nuts.adapt_options.mass_matrix_options.store_mass_matrix = true;
            run_nuts(nuts, model, s, warm, chain, shared, draw_stats!(mass_matrix_stds))
        }
    }
}

/// nuts-rs's defaults for mass matrix `A` with the fit's sampler settings (and a warm start's
/// adapted step size).
fn nuts_settings<A>(s: &SamplerSettings, warm: Option<&ChainAdaptation>) -> NutsSettings<EuclideanAdaptOptions<A>>
where
    A: std::fmt::Debug + Copy + Default + Serialize,
    NutsSettings<EuclideanAdaptOptions<A>>: Default,
{
    let mut nuts = NutsSettings::<EuclideanAdaptOptions<A>> {
        num_tune: s.tune as u64,
        num_draws: s.draws as u64,
        maxdepth: s.max_treedepth,
        num_chains: s.chains,
        ..Default::default()
    };
    nuts.adapt_options.step_size_settings.target_accept = s.target_accept;
    if let Some(w) = warm {
        nuts.adapt_options.step_size_settings.initial_step = w.step_size;
    }
    nuts
}

type Stats<S, T> = <<S as Settings>::Chain<CpuMath<Posterior<T>>> as NutsStats<CpuMath<Posterior<T>>>>::Stats;

fn run_nuts<S: Settings, T: Target>(
    nuts: S,
    model: Arc<T>,
    s: &SamplerSettings,
    warm: Option<&ChainAdaptation>,
    chain: usize,
    shared: Shared,
    draw_stats: impl Fn(&mut Stats<S, T>) -> DrawStats,
) -> Result<(ChainTrace, ChainAdaptation), SampleError> {
    let mut rng = chain_rng(s.seed.unwrap_or_default(), chain);
    let start = match warm {
        None => initial_position(model.as_ref(), &mut rng),
        Some(w) => {
            let scale: Vec<f64> = w.inv_mass.iter().map(|v| WARM_JITTER * v.sqrt()).collect();
            jittered(model.as_ref(), &w.position, &scale, &mut rng)
        }
    }
    .ok_or(SampleError::NoInitialPoint { chain })?;
    let fail = |e: anyhow::Error| SampleError::Sampler { chain, message: e.to_string() };
    let math = CpuMath::new(Posterior { scratch: model.scratch(), model: Arc::clone(&model) });
    let mut sampler = nuts.new_chain(chain as u64, math, &mut rng).map_err(fail)?;
    sampler.set_position(&start).map_err(fail)?;

    let dim = model.dim();
    let mut trace = ChainTrace {
        values: Vec::with_capacity(s.draws * dim),
        diverging: Vec::with_capacity(s.draws),
        tree_depth: Vec::with_capacity(s.draws),
        max_treedepth_reached: Vec::with_capacity(s.draws),
        energy: Vec::with_capacity(s.draws),
        step_size: f64::NAN,
    };
    let mut theta = vec![0.0; dim];
    let mut adaptation = ChainAdaptation { step_size: f64::NAN, inv_mass: vec![f64::NAN; dim], position: start };
    for iteration in 0..s.tune + s.draws {
        if shared.cancel.load(Ordering::Relaxed) {
            return Err(SampleError::Cancelled);
        }
        let (position, _, mut stats, _) = sampler.expanded_draw().map_err(fail)?;
        let stats = draw_stats(&mut stats);
        shared.done.fetch_add(1, Ordering::Relaxed);
        // nuts-rs reports its transformation's standard deviations (the diagonal's under the
        // name `mass_matrix_inv`) when they change; after tuning they stay fixed.
        if let Some(stds) = &stats.stds {
            adaptation.inv_mass = stds.iter().map(|s| s * s).collect();
        }
        adaptation.step_size = stats.step_size;
        adaptation.position.copy_from_slice(&position);
        if iteration < s.tune {
            continue;
        }
        model.constrain(&position, &mut theta);
        trace.values.extend_from_slice(&theta);
        trace.diverging.push(stats.diverging);
        trace.tree_depth.push(stats.depth);
        trace.max_treedepth_reached.push(stats.maxdepth_reached);
        trace.energy.push(stats.energy);
        trace.step_size = stats.step_size;
        if stats.diverging {
            shared.divergences.fetch_add(1, Ordering::Relaxed);
        }
    }
    Ok((trace, adaptation))
}

/// PyMC's `jitter+adapt_diag` start: the priors' central point plus uniform(-1, 1) noise in
/// unconstrained space.
fn initial_position<T: Target>(model: &T, rng: &mut impl Rng) -> Option<Vec<f64>> {
    jittered(model, &model.initial_point(), &vec![1.0; model.dim()], rng)
}

/// `center` with each coordinate moved by uniform(-1, 1) × its `scale`, retried until the log
/// density and gradient are finite.
fn jittered<T: Target>(model: &T, center: &[f64], scale: &[f64], rng: &mut impl Rng) -> Option<Vec<f64>> {
    let mut scratch = model.scratch();
    let mut grad = vec![0.0; model.dim()];
    (0..100).find_map(|_| {
        let u: Vec<f64> = center.iter().zip(scale).map(|(c, s)| c + s * rng.random_range(-1.0..1.0)).collect();
        let lp = model.logp_grad(&u, &mut grad, &mut scratch);
        (lp.is_finite() && grad.iter().all(|g| g.is_finite())).then_some(u)
    })
}

/// The target as nuts-rs sees it.
struct Posterior<T: Target> {
    model: Arc<T>,
    scratch: T::Scratch,
}

/// A point where the density is not finite: NUTS treats it as a divergence and carries on.
#[derive(Debug, thiserror::Error)]
#[error("log density is not finite")]
struct NonFinite;

impl LogpError for NonFinite {
    fn is_recoverable(&self) -> bool {
        true
    }
}

impl<T: Target> HasDims for Posterior<T> {
    fn dim_sizes(&self) -> HashMap<String, u64> {
        HashMap::from([("unconstrained_parameter".to_string(), self.model.dim() as u64)])
    }
}

impl<T: Target> CpuLogpFunc for Posterior<T> {
    type LogpError = NonFinite;
    type FlowParameters = ();
    type ExpandedVector = ();

    fn dim(&self) -> usize {
        self.model.dim()
    }

    fn logp(&mut self, position: &[f64], gradient: &mut [f64]) -> Result<f64, NonFinite> {
        let lp = self.model.logp_grad(position, gradient, &mut self.scratch);
        if lp.is_finite() && gradient.iter().all(|g| g.is_finite()) {
            Ok(lp)
        } else {
            Err(NonFinite)
        }
    }

    fn expand_vector<R: Rng + ?Sized>(&mut self, _rng: &mut R, _array: &[f64]) -> Result<(), CpuMathError> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A standard normal in `dim` coordinates.
    struct Normal(usize);

    impl Target for Normal {
        type Scratch = ();

        fn dim(&self) -> usize {
            self.0
        }

        fn scratch(&self) {}

        fn logp_grad(&self, u: &[f64], grad: &mut [f64], _: &mut ()) -> f64 {
            grad.iter_mut().zip(u).for_each(|(g, x)| *g = -x);
            -0.5 * u.iter().map(|x| x * x).sum::<f64>()
        }

        fn constrain(&self, u: &[f64], theta: &mut [f64]) {
            theta.copy_from_slice(u);
        }

        fn initial_point(&self) -> Vec<f64> {
            vec![0.0; self.0]
        }
    }

    #[test]
    fn warm_starts_stay_within_the_jitter_of_the_previous_end_and_differ() {
        let end = [3.0, -2.0, 0.5];
        let sd = [0.1, 2.0, 1e-3];
        let scale: Vec<f64> = sd.iter().map(|s| WARM_JITTER * s).collect();
        let mut rng = rand::rngs::StdRng::seed_from_u64(1);
        let starts: Vec<Vec<f64>> = (0..20).map(|_| jittered(&Normal(3), &end, &scale, &mut rng).unwrap()).collect();
        for s in &starts {
            for i in 0..3 {
                assert!((s[i] - end[i]).abs() <= WARM_JITTER * sd[i], "coordinate {i}: {} from {}", s[i], end[i]);
            }
        }
        assert!(starts.windows(2).all(|w| w[0] != w[1]), "every start is its own");
    }

    #[test]
    fn chains_report_where_they_ended() {
        let settings = SamplerSettings { chains: 2, tune: 200, draws: 50, seed: Some(3), ..Default::default() };
        let (trace, ends) = sample_from(Arc::new(Normal(3)), &settings, &[], |_| Control::Continue).unwrap();
        for (chain, end) in trace.chains.iter().zip(&ends) {
            assert_eq!(end.position, chain.values[chain.values.len() - 3..]);
            assert_eq!(end.step_size, chain.step_size);
            // A standard normal's variances, as well as 200 tuning draws estimate them.
            assert!(end.inv_mass.iter().all(|v| (0.3..3.0).contains(v)), "{:?}", end.inv_mass);
        }
    }
}

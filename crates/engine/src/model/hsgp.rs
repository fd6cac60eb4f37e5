//! PyMC-Marketing 1.3's time-varying intercept and media (docs/02-fitting.md, "Time-varying
//! intercept and media"): a latent process `N[t,g]` per geo, a Hilbert-space approximation of a
//! Gaussian process (Matérn 5/2) passed through a softplus and divided by its mean over the
//! training weeks, which multiplies a component of the mean: the intercept
//! (`intercept[g] · N[t,g]`) or every channel's contribution (one multiplier per geo shared by the
//! channels).
//!
//! ```text
//! x_t = X_t − X_mid,  X_t = days since the first training date / the training spacing
//! φ_j(x) = sin(√λ_j (x + L)) / √L,  √λ_j = π j / (2L),  j = 1..m
//! √S_j = √((16/3)·5^{5/2}·ℓ) · (5 + ℓ² λ_j)^{-3/2}          (Matérn 5/2 spectral density)
//! β[g,j] = η √S_j z[g,j],  f[t,g] = Σ_j φ_j(x_t) β[g,j],  s = softplus(f)
//! N[t,g] = s[t,g] / f_mean[g],  f_mean[g] = mean over the training weeks of s[·,g]
//! ```
//!
//! `η ~ Exponential(eta_lam)` and `ℓ ~ InverseGamma(mu = ls_mu, sigma = ls_sigma)` are shared by
//! the geos, `z ~ Normal(0, 1)` per geo (non-centred). For new weeks the basis is evaluated at
//! their time index with `X_mid`, `L` and `f_mean` (per draw, from the training weeks) frozen, as
//! 1.3's posterior predictive does.

use super::design::Design;
use super::mean::MeanComponent;
use super::space::ParameterSpace;
use super::spec::{check_range, SpecError};
use crate::calendar::Date;
use crate::numeric::{add_dots, dot, wide};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use std::any::Any;
use std::sync::Arc;

/// The name of the intercept's latent process, as 1.3 names it.
pub const INTERCEPT_PROCESS: &str = "intercept_latent_process";
/// The name of the media multiplier, as 1.3 names it.
pub const MEDIA_PROCESS: &str = "media_temporal_latent_multiplier";

/// The most basis functions a process may have.
pub const MAX_BASIS: usize = 1000;

/// The config's `"hsgp"`: `{"m": 200, "L": null, "eta_lam": 1, "ls_mu": 5, "ls_sigma": 10}`,
/// 1.3's `HSGPKwargs` defaults; both processes use it.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct HsgpSpec {
    /// The number of basis functions.
    pub m: usize,
    /// The boundary of the approximation in time-index units; `T − 1` when absent.
    #[serde(rename = "L")]
    pub l: Option<f64>,
    /// The rate of η's Exponential prior.
    pub eta_lam: f64,
    /// The mean and standard deviation of ℓ's InverseGamma prior, in weeks.
    pub ls_mu: f64,
    pub ls_sigma: f64,
}

impl Default for HsgpSpec {
    fn default() -> HsgpSpec {
        HsgpSpec { m: 200, l: None, eta_lam: 1.0, ls_mu: 5.0, ls_sigma: 10.0 }
    }
}

impl HsgpSpec {
    pub fn is_default(&self) -> bool {
        *self == HsgpSpec::default()
    }

    /// Checks the values serde cannot, naming the key.
    pub fn validate(&self) -> Result<(), SpecError> {
        check_range("hsgp.m", (1..=MAX_BASIS).contains(&self.m), self.m, &format!("1 to {MAX_BASIS}"))?;
        if let Some(l) = self.l {
            check_range("hsgp.L", l.is_finite() && l > 0.0, l, "null or a number > 0")?;
        }
        let positive = |v: f64| v.is_finite() && v > 0.0;
        check_range("hsgp.eta_lam", positive(self.eta_lam), self.eta_lam, "a number > 0")?;
        check_range("hsgp.ls_mu", positive(self.ls_mu), self.ls_mu, "a number > 0")?;
        check_range("hsgp.ls_sigma", positive(self.ls_sigma), self.ls_sigma, "a number > 0")
    }

    /// The blocks of process `name`, in declaration order: `(block, its dim besides geo, whether
    /// it is positive, its default prior)`. η and ℓ carry `"dims": []` (shared by the geos),
    /// the offsets have the geo dim in a panel.
    pub fn blocks(&self, name: &str) -> [(String, Option<String>, bool, Value); 3] {
        let eta = json!({"dist": "Exponential", "lam": self.eta_lam, "dims": []});
        let ls = json!({"dist": "InverseGamma", "mu": self.ls_mu, "sigma": self.ls_sigma, "dims": []});
        let z = json!({"dist": "Normal", "mu": 0, "sigma": 1});
        [
            (format!("{name}_raw_eta"), None, true, eta),
            (format!("{name}_raw_ls"), None, true, ls),
            (format!("{name}_raw_hsgp_coefs_offset"), Some(basis_dim(name)), false, z),
        ]
    }
}

/// The dim of process `name`'s basis functions (1.3's coordinate `{name}_raw_m`).
pub fn basis_dim(name: &str) -> String {
    format!("{name}_raw_m")
}

/// How many of `space`'s elements are the processes' basis coefficients `z`: as many as weeks
/// (m = 200 by default), but their prior keeps the process smooth, so they do not count against
/// the data as free parameters do.
pub fn basis_coefficients(space: &ParameterSpace) -> usize {
    space.blocks().filter(|b| b.name.ends_with("_raw_hsgp_coefs_offset")).map(|b| b.len()).sum()
}

/// `ln(1 + eˣ)` without overflow.
fn softplus(x: f64) -> f64 {
    x.max(0.0) + (-x.abs()).exp().ln_1p()
}

/// `1 / (1 + e⁻ˣ)`, the softplus' derivative.
fn sigmoid(x: f64) -> f64 {
    1.0 / (1.0 + (-x).exp())
}

/// `√((16/3)·5^{5/2})`, the constant of the Matérn 5/2 spectral density's square root in 1-D.
fn psd_constant() -> f64 {
    (16.0 / 3.0 * 5f64.powf(2.5)).sqrt()
}

/// One latent process over the training weeks: where its parameters sit, its frozen time frame
/// and its basis at the training weeks.
#[derive(Debug, Clone, PartialEq)]
pub struct Process {
    name: String,
    /// Per geo, the position of η and of ℓ (one shared element by default).
    eta: Vec<usize>,
    ls: Vec<usize>,
    /// Per geo and basis function (geo-major), the position of `z`.
    z: Vec<usize>,
    m: usize,
    /// The training dates: the first is `X = 0`; a design with other dates gets its own basis.
    dates: Vec<Date>,
    /// Days between the first two training dates: one unit of `X`.
    spacing: i32,
    x_mid: f64,
    l: f64,
    /// `√λ_j`.
    sqrt_lambda: Vec<f64>,
    /// `φ_j(x_t)` at the training weeks, week-major (`t·m + j`), shared by the model's
    /// processes (see [`Process::sibling`]).
    phi: Arc<[f64]>,
}

/// A process's values at one point, and the buffers its backward pass uses.
#[derive(Debug, Clone, Default)]
pub struct ProcessWork {
    /// Per geo (geo-major) `√S_j`, without η.
    sqrt_psd: Vec<f64>,
    /// `β[g,j]`.
    beta: Vec<f64>,
    /// `f` at the training weeks, per geo.
    f: Vec<f64>,
    /// `softplus(f)` at the training weeks, per geo: computed once, read three times.
    s: Vec<f64>,
    /// `f_mean[g]`.
    f_mean: Vec<f64>,
    /// `N[t,g]` at the design's weeks, geo after geo.
    pub values: Vec<f64>,
    /// The basis at a design's weeks other than the training's, and those dates.
    basis: Vec<f64>,
    basis_dates: Vec<Date>,
    /// `∂/∂f` at the training weeks of the geo in hand, and `∂/∂β` of it.
    df: Vec<f64>,
    dbeta: Vec<f64>,
}

impl Process {
    /// Process `name` over training `dates` (ascending, at least two), its η, ℓ and `z` read at
    /// the given positions (per geo; per geo and basis function).
    pub fn new(
        name: &str,
        spec: &HsgpSpec,
        dates: &[Date],
        (eta, ls, z): (Vec<usize>, Vec<usize>, Vec<usize>),
    ) -> Result<Process, SpecError> {
        if dates.len() < 2 {
            return Err(SpecError::Config(format!("{name}: a time-varying process needs at least 2 training dates")));
        }
        let spacing = dates[1].0 - dates[0].0;
        let index: Vec<f64> = dates.iter().map(|d| time_index(d.0 - dates[0].0, spacing)).collect();
        let x_mid = index.iter().sum::<f64>() / index.len() as f64;
        let l = spec.l.unwrap_or((dates.len() - 1) as f64);
        let sqrt_lambda = (1..=spec.m).map(|j| std::f64::consts::PI * j as f64 / (2.0 * l)).collect();
        let mut p = Process {
            name: name.into(),
            eta,
            ls,
            z,
            m: spec.m,
            dates: dates.to_vec(),
            spacing,
            x_mid,
            l,
            sqrt_lambda,
            phi: Arc::new([]),
        };
        p.phi = p.basis(dates).into();
        Ok(p)
    }

    /// Process `name` with its parameters at `at`, over this one's frame and basis. The basis
    /// is shared, not copied: the intercept's and the media's (m = 200 over 179 weeks, 286 kB
    /// each) would not both stay in a core's L2 cache, and every evaluation reads them twice.
    pub fn sibling(&self, name: &str, (eta, ls, z): (Vec<usize>, Vec<usize>, Vec<usize>)) -> Process {
        Process { name: name.into(), eta, ls, z, ..self.clone() }
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    /// `φ_j(x_t)` at `dates`, week-major.
    fn basis(&self, dates: &[Date]) -> Vec<f64> {
        let scale = 1.0 / self.l.sqrt();
        let origin = self.dates[0];
        dates
            .iter()
            .flat_map(|d| {
                let x = time_index(d.0 - origin.0, self.spacing) - self.x_mid + self.l;
                self.sqrt_lambda.iter().map(move |s| (s * x).sin() * scale)
            })
            .collect()
    }

    pub fn workspace(&self) -> ProcessWork {
        ProcessWork::default()
    }

    /// `N[t,g]` at `dates` (every geo's, geo after geo) into `work.values`, and at the training
    /// weeks what the backward pass reads.
    pub fn evaluate(&self, dates: &[Date], geos: usize, theta: &[f64], work: &mut ProcessWork) {
        let (m, weeks, geos) = (self.m, self.dates.len(), geos.max(1));
        let c = psd_constant();
        work.sqrt_psd.clear();
        work.beta.clear();
        for g in 0..geos {
            let (eta, ls) = (theta[self.eta[g]], theta[self.ls[g]]);
            let sqrt_ls = ls.sqrt();
            for (j, s) in self.sqrt_lambda.iter().enumerate() {
                let q = 5.0 + ls * ls * s * s;
                let psd = c * sqrt_ls / (q * q.sqrt());
                work.sqrt_psd.push(psd);
                work.beta.push(eta * psd * theta[self.z[g * m + j]]);
            }
        }
        work.f.clear();
        work.f.resize(geos * weeks, 0.0);
        work.s.resize(geos * weeks, 0.0);
        work.f_mean.clear();
        for ((beta, f), s) in work.beta.chunks(m).zip(work.f.chunks_mut(weeks)).zip(work.s.chunks_mut(weeks)) {
            // Four weeks' rows per pass: one running sum per row would wait on each add.
            add_dots(beta, |t| &self.phi[t * m..(t + 1) * m], f);
            s.iter_mut().zip(&*f).for_each(|(s, &f)| *s = softplus(f));
            work.f_mean.push(s.iter().sum::<f64>() / weeks as f64);
        }
        let design_weeks = dates.len();
        work.values.resize(geos * design_weeks, 0.0);
        if dates == self.dates {
            for ((values, s), mean) in work.values.chunks_mut(weeks).zip(work.s.chunks(weeks)).zip(&work.f_mean) {
                values.iter_mut().zip(s).for_each(|(n, &s)| *n = s / mean);
            }
            return;
        }
        if work.basis_dates != dates {
            work.basis = self.basis(dates);
            work.basis_dates = dates.to_vec();
        }
        for ((values, beta), mean) in work.values.chunks_mut(design_weeks).zip(work.beta.chunks(m)).zip(&work.f_mean) {
            values.iter_mut().zip(work.basis.chunks(m)).for_each(|(n, row)| *n = softplus(dot(row, beta)) / mean);
        }
    }

    /// Adds `Σ dvalues · dN/dθ` to `grad_theta` after [`Process::evaluate`] at the training
    /// weeks. `N = s / mean(s)` couples every week of a geo: `dN_t/ds_u = δ_tu/f̄ − s_t/(T f̄²)`.
    pub fn backward(&self, theta: &[f64], dvalues: &[f64], grad_theta: &mut [f64], work: &mut ProcessWork) {
        let (m, weeks) = (self.m, self.dates.len());
        debug_assert_eq!(work.values.len(), work.f.len(), "the backward pass runs at the training weeks");
        work.dbeta.resize(m, 0.0);
        let by_geo = dvalues.chunks(weeks).zip(work.f.chunks(weeks)).zip(work.s.chunks(weeks)).zip(&work.f_mean);
        for (g, (((a, f), s), &mean)) in by_geo.enumerate() {
            // Σ_t a_t s_t / (T f̄²), the part every week shares.
            let shared = a.iter().zip(s).map(|(a, s)| a * s).sum::<f64>() / (weeks as f64 * mean * mean);
            work.df.clear();
            work.df.extend(a.iter().zip(f).map(|(a, &f)| (a / mean - shared) * sigmoid(f)));
            work.dbeta.fill(0.0);
            let dbeta = &mut work.dbeta;
            // dβ = Φᵀ df, four weeks' rows per pass over dβ (added week after week, as one
            // row at a time would) so that dβ is loaded and stored a quarter as often. Inlined
            // into `wide`, so that it is compiled for AVX2.
            wide(
                #[inline(always)]
                || {
                    let (df4, df_tail) = work.df.as_chunks::<4>();
                    for (df, rows) in df4.iter().zip(self.phi.chunks_exact(4 * m)) {
                        let r: [&[f64]; 4] = std::array::from_fn(|k| &rows[k * m..(k + 1) * m]);
                        for (j, d) in dbeta.iter_mut().enumerate() {
                            *d = (((*d + df[0] * r[0][j]) + df[1] * r[1][j]) + df[2] * r[2][j]) + df[3] * r[3][j];
                        }
                    }
                    let rows = self.phi[4 * df4.len() * m..].chunks(m);
                    for (df, row) in df_tail.iter().zip(rows) {
                        dbeta.iter_mut().zip(row).for_each(|(d, p)| *d += df * p);
                    }
                },
            );
            let (eta, ls) = (theta[self.eta[g]], theta[self.ls[g]]);
            let sqrt_psd = &work.sqrt_psd[g * m..(g + 1) * m];
            let (mut d_eta, mut d_ls) = (0.0, 0.0);
            for (j, ((db, psd), s)) in work.dbeta.iter().zip(sqrt_psd).zip(&self.sqrt_lambda).enumerate() {
                let at = self.z[g * m + j];
                let z = theta[at];
                grad_theta[at] += eta * psd * db;
                d_eta += psd * z * db;
                // d√S/dℓ = √S · (1/(2ℓ) − 3ℓλ/(5 + ℓ²λ)).
                let lambda = s * s;
                d_ls += eta * z * db * psd * (0.5 / ls - 3.0 * ls * lambda / (5.0 + ls * ls * lambda));
            }
            grad_theta[self.eta[g]] += d_eta;
            grad_theta[self.ls[g]] += d_ls;
        }
    }
}

/// `X` of a date `days` after the first training date: whole training spacings, as 1.3's
/// `(date − first).days // time_resolution`.
fn time_index(days: i32, spacing: i32) -> f64 {
    f64::from(days.div_euclid(spacing.max(1)))
}

/// A mean component multiplied week by week by a latent process of its geo: the intercept
/// times `intercept_latent_process`, the channels times `media_temporal_latent_multiplier`.
/// It keeps the inner component's name and parts, so reports read it as that component.
#[derive(Debug, Clone)]
pub struct TimeVarying {
    pub inner: Arc<dyn MeanComponent>,
    pub process: Process,
}

/// The inner component's buffers, the process's, the inner contribution and the scaled
/// adjoint.
#[derive(Debug)]
struct TimeVaryingWork {
    inner: Box<dyn Any + Send>,
    process: ProcessWork,
    base: Vec<f64>,
    adjoint: Vec<f64>,
    dvalues: Vec<f64>,
}

impl TimeVarying {
    pub fn new(inner: Arc<dyn MeanComponent>, process: Process) -> TimeVarying {
        TimeVarying { inner, process }
    }

    fn work(work: &mut dyn Any) -> &mut TimeVaryingWork {
        work.downcast_mut().expect("a time-varying component's workspace")
    }
}

impl MeanComponent for TimeVarying {
    fn name(&self) -> &str {
        self.inner.name()
    }

    fn parts(&self) -> &[String] {
        self.inner.parts()
    }

    fn workspace(&self, weeks: usize) -> Box<dyn Any + Send> {
        Box::new(TimeVaryingWork {
            inner: self.inner.workspace(weeks),
            process: self.process.workspace(),
            base: vec![0.0; weeks],
            adjoint: vec![0.0; weeks],
            dvalues: vec![0.0; weeks],
        })
    }

    fn forward(&self, design: &Design, theta: &[f64], mu: &mut [f64], work: &mut dyn Any) {
        let w = TimeVarying::work(work);
        w.base.resize(mu.len(), 0.0);
        w.base.fill(0.0);
        self.inner.forward(design, theta, &mut w.base, w.inner.as_mut());
        self.process.evaluate(&design.dates, design.geos, theta, &mut w.process);
        mu.iter_mut().zip(&w.base).zip(&w.process.values).for_each(|((m, b), n)| *m += b * n);
    }

    fn backward(&self, design: &Design, theta: &[f64], dmu: &[f64], grad_theta: &mut [f64], work: &mut dyn Any) {
        let w = TimeVarying::work(work);
        w.adjoint.clear();
        w.adjoint.extend(dmu.iter().zip(&w.process.values).map(|(d, n)| d * n));
        w.dvalues.clear();
        w.dvalues.extend(dmu.iter().zip(&w.base).map(|(d, b)| d * b));
        self.inner.backward(design, theta, &w.adjoint, grad_theta, w.inner.as_mut());
        self.process.backward(theta, &w.dvalues, grad_theta, &mut w.process);
    }

    fn decompose(&self, design: &Design, theta: &[f64], scale: &[f64], out: &mut [Vec<f64>], work: &mut dyn Any) {
        let w = TimeVarying::work(work);
        self.inner.decompose(design, theta, scale, out, w.inner.as_mut());
        self.process.evaluate(&design.dates, design.geos, theta, &mut w.process);
        for series in out.iter_mut() {
            series.iter_mut().zip(&w.process.values).for_each(|(v, n)| *v *= n);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn weeks(n: i32) -> Vec<Date> {
        let start = Date::from_ymd(2024, 1, 1);
        (0..n).map(|i| start.plus_days(7 * i)).collect()
    }

    /// The process of 2 geos over `n` training weeks with `m = 5`: η at 0, ℓ at 1, z from 2.
    fn process(n: i32) -> Process {
        let spec = HsgpSpec { m: 5, ..HsgpSpec::default() };
        Process::new("p", &spec, &weeks(n), (vec![0, 0], vec![1, 1], (2..12).collect())).unwrap()
    }

    #[test]
    fn basis_and_spectral_density_are_pymcs() {
        let p = process(11);
        assert_eq!((p.x_mid, p.l), (5.0, 10.0));
        // φ_1 at X = 0: sin(π/20 · (0 − 5 + 10)) / √10.
        let expected = (std::f64::consts::PI / 20.0 * 5.0).sin() / 10f64.sqrt();
        assert!((p.phi[0] - expected).abs() < 1e-15);
        let theta: Vec<f64> = [1.5, 3.0].into_iter().chain((0..10).map(|i| 0.3 * i as f64 - 1.0)).collect();
        let mut w = p.workspace();
        p.evaluate(&weeks(11), 2, &theta, &mut w);
        // S(ω) = (16/3)·5^{5/2}·ℓ·(5 + ℓ²ω²)^{-3}.
        let omega = std::f64::consts::PI * 2.0 / 20.0;
        let psd = 16.0 / 3.0 * 5f64.powf(2.5) * 3.0 * (5.0 + 9.0 * omega * omega).powi(-3);
        assert!((w.sqrt_psd[1] - psd.sqrt()).abs() < 1e-12 * psd.sqrt());
        // The multiplier's mean over the training weeks is 1 in each geo.
        for values in w.values.chunks(11) {
            assert!((values.iter().sum::<f64>() / 11.0 - 1.0).abs() < 1e-12);
        }
    }

    #[test]
    fn new_dates_keep_the_training_frame_and_mean() {
        let p = process(11);
        let theta: Vec<f64> = [0.8, 2.0].into_iter().chain((0..10).map(|i| (i as f64).sin())).collect();
        let mut train = p.workspace();
        p.evaluate(&weeks(11), 2, &theta, &mut train);
        // The last 3 training weeks and 2 new ones: the overlap equals the training values.
        let later: Vec<Date> = weeks(13)[8..].to_vec();
        let mut ahead = p.workspace();
        p.evaluate(&later, 2, &theta, &mut ahead);
        for g in 0..2 {
            for k in 0..3 {
                assert!((ahead.values[g * 5 + k] - train.values[g * 11 + 8 + k]).abs() < 1e-12);
            }
        }
        let spec = HsgpSpec { m: 0, ..HsgpSpec::default() };
        assert!(spec.validate().unwrap_err().to_string().contains("hsgp.m"));
        assert!(Process::new("p", &HsgpSpec::default(), &weeks(1), (vec![0], vec![1], vec![2])).is_err());
    }
}

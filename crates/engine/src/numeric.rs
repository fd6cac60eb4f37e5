//! Small numeric kernels for the hot path of the log density.
//!
//! The density's linear algebra is a handful of columns per week: the control and Fourier
//! columns, the lags of an adstock kernel, a saturation's parameter derivatives. The kernels
//! below handle up to four columns per pass, so that the shared operand is read once and the
//! accumulators stay in registers.

use std::array::from_fn;
use std::f64::consts::LOG2_E;

/// `Σ a_i b_i` over the shorter slice.
pub fn dot(a: &[f64], b: &[f64]) -> f64 {
    dots_of(a, [b])[0]
}

/// `out_j += Σ_t a_t column(j)_t` for each `j < out.len()`, over the length of `a` (every
/// column must be at least as long).
pub fn add_dots<'a>(a: &[f64], column: impl Fn(usize) -> &'a [f64], out: &mut [f64]) {
    wide(
        #[inline(always)]
        || {
            for (g, out) in out.chunks_mut(4).enumerate() {
                let col = |j: usize| &column(4 * g + j)[..a.len()];
                let sums = match out.len() {
                    4 => dots_of::<4>(a, from_fn(col)),
                    3 => pad(dots_of::<3>(a, from_fn(col))),
                    2 => pad(dots_of::<2>(a, from_fn(col))),
                    _ => pad(dots_of::<1>(a, from_fn(col))),
                };
                out.iter_mut().zip(sums).for_each(|(o, s)| *o += s);
            }
        },
    )
}

fn pad<const N: usize>(v: [f64; N]) -> [f64; 4] {
    from_fn(|j| if j < N { v[j] } else { 0.0 })
}

/// `out_t += Σ_j coefs_j column(j)_t` over the length of `out` (every column must be at least
/// as long).
pub fn add_combination<'a>(out: &mut [f64], coefs: &[f64], column: impl Fn(usize) -> &'a [f64]) {
    wide(
        #[inline(always)]
        || {
            for (g, c) in coefs.chunks(4).enumerate() {
                let col = |j: usize| column(4 * g + j);
                match *c {
                    [a, b, c, d] => combine(out, [a, b, c, d], from_fn(col)),
                    [a, b, c] => combine(out, [a, b, c], from_fn(col)),
                    [a, b] => combine(out, [a, b], from_fn(col)),
                    [a] => combine(out, [a], from_fn(col)),
                    _ => unreachable!("chunks are 1 to 4 long"),
                }
            }
        },
    )
}

/// Runs `kernel` with AVX2 enabled where the CPU has it (detected once, then read from a
/// cached flag): the loops over weeks inlined into it then handle four weeks per instruction
/// instead of two. Both paths do the same operations in the same order (no fused
/// multiply-add), so they give the same bits.
#[inline(always)]
pub fn wide<R>(kernel: impl FnOnce() -> R) -> R {
    #[cfg(target_arch = "x86_64")]
    if std::arch::is_x86_feature_detected!("avx2") {
        #[target_feature(enable = "avx2")]
        fn avx2<R>(kernel: impl FnOnce() -> R) -> R {
            kernel()
        }
        // SAFETY: the CPU supports AVX2, as just checked.
        return unsafe { avx2(kernel) };
    }
    kernel()
}

/// `N` dot products sharing `a`, each with four partial sums: a single running sum is bound
/// by the latency of each floating-point add, four keep the pipeline full.
#[inline(always)]
fn dots_of<const N: usize>(a: &[f64], columns: [&[f64]; N]) -> [f64; N] {
    let n = columns.iter().fold(a.len(), |n, c| n.min(c.len()));
    let (a4, a_tail) = a[..n].as_chunks::<4>();
    let m = a4.len();
    // Cut to the same length as `a4`, so that the loop needs no bounds checks.
    let c4 = columns.map(|c| &c.as_chunks::<4>().0[..m]);
    let mut acc = [[0.0; 4]; N];
    for i in 0..m {
        for (acc, c4) in acc.iter_mut().zip(&c4) {
            for l in 0..4 {
                acc[l] += a4[i][l] * c4[i][l];
            }
        }
    }
    let mut sums = acc.map(|s| (s[0] + s[2]) + (s[1] + s[3]));
    for (sum, c) in sums.iter_mut().zip(columns) {
        *sum += a_tail.iter().zip(&c[4 * m..]).map(|(x, y)| x * y).sum::<f64>();
    }
    sums
}

#[inline(always)]
fn combine<const N: usize>(out: &mut [f64], coefs: [f64; N], columns: [&[f64]; N]) {
    let columns = columns.map(|c| &c[..out.len()]);
    for (t, o) in out.iter_mut().enumerate() {
        *o += (0..N).map(|j| coefs[j] * columns[j][t]).sum::<f64>();
    }
}

/// `e^v - 1` for `v <= 0`, within 2 ulp of `f64::exp_m1`, branch-free and inlined so that a
/// loop over it vectorises (libm's `expm1` and `exp` are opaque calls, and dominated the
/// logistic saturation). `v = n ln 2 + r` with `|r| <= ln 2 / 2`; then
/// `e^v - 1 = 2^n (e^r - 1) + (2^n - 1)`, exact for `n = 0` and so precise near 0.
#[inline(always)]
pub fn exp_m1_nonpositive(v: f64) -> f64 {
    // Below -40, e^v < 2^-57 and e^v - 1 rounds to -1; the bound keeps 2^n a normal number
    // (the comparison keeps NaN).
    let v = if v < -40.0 { -40.0 } else { v };
    // Adding 1.5 · 2^52 rounds to an integer, held in the low bits of the sum.
    const SHIFT: f64 = 6_755_399_441_055_744.0;
    let shifted = v * LOG2_E + SHIFT;
    let n = shifted - SHIFT;
    // ln 2 split so that `n · LN_2_HI` is exact for |n| < 2^11 (Cody and Waite).
    const LN_2_HI: f64 = 0.693_147_180_369_123_8;
    const LN_2_LO: f64 = 1.908_214_929_270_587_7e-10;
    let r = (v - n * LN_2_HI) - n * LN_2_LO;
    // e^r - 1 = Σ_{k=1..13} r^k / k! (the first omitted term is below 2^-56 |r|), summed as
    // r + r² (1/2 + r q(r)) so that the leading term is added last, with one rounding.
    const C: [f64; 14] = {
        let mut c = [1.0; 14];
        let mut k = 1;
        while k < 14 {
            c[k] = c[k - 1] / k as f64;
            k += 1;
        }
        c
    };
    // q by Estrin's scheme: a shallower chain of dependent operations than Horner's, so that
    // the weeks of a loop overlap in the pipeline.
    let (r2, pair) = (r * r, |k: usize| C[k] + C[k + 1] * r);
    let r4 = r2 * r2;
    let q = (pair(3) + pair(5) * r2) + (pair(7) + pair(9) * r2) * r4 + (pair(11) + C[13] * r2) * (r4 * r4);
    let p = r + r2 * (C[2] + r * q);
    let two_n = f64::from_bits(shifted.to_bits().wrapping_sub(SHIFT.to_bits()).wrapping_add(1023) << 52);
    two_n * p + (two_n - 1.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plain(a: &[f64], b: &[f64]) -> f64 {
        a.iter().zip(b).map(|(x, y)| x * y).sum()
    }

    #[test]
    fn dot_matches_the_plain_sum() {
        let a: Vec<f64> = (0..11).map(|i| i as f64 * 0.5).collect();
        let b: Vec<f64> = (0..13).map(|i| 1.0 - i as f64).collect();
        assert!((dot(&a, &b) - plain(&a, &b)).abs() < 1e-12);
    }

    #[test]
    fn grouped_kernels_match_one_column_at_a_time() {
        let a: Vec<f64> = (0..23).map(|i| (i as f64 * 0.7).sin()).collect();
        let columns: Vec<Vec<f64>> = (0..7).map(|j| (0..25).map(|i| ((i * j) as f64 * 0.3).cos()).collect()).collect();
        let coefs: Vec<f64> = (0..7).map(|j| j as f64 - 2.5).collect();
        let mut sums = vec![1.0; 7];
        add_dots(&a, |j| &columns[j], &mut sums);
        let mut combined = a.clone();
        add_combination(&mut combined, &coefs, |j| &columns[j]);
        for j in 0..7 {
            assert!((sums[j] - 1.0 - plain(&a, &columns[j])).abs() < 1e-12);
        }
        for (t, c) in combined.iter().enumerate() {
            let expected = a[t] + (0..7).map(|j| coefs[j] * columns[j][t]).sum::<f64>();
            assert!((c - expected).abs() < 1e-12);
        }
    }

    #[test]
    fn exp_m1_is_within_two_ulp_of_libm() {
        let mut v = -45.0;
        while v < 0.0 {
            for x in [v, v * 1e-9, v * 1e-17] {
                let (ours, libm) = (exp_m1_nonpositive(x), x.exp_m1());
                assert!((ours - libm).abs() <= 2.0 * f64::EPSILON * libm.abs(), "at {x}: {ours} vs {libm}");
            }
            v += 0.001_37;
        }
        assert_eq!(exp_m1_nonpositive(0.0), 0.0);
        assert_eq!(exp_m1_nonpositive(-800.0), -1.0);
        assert!(exp_m1_nonpositive(f64::NAN).is_nan());
    }
}

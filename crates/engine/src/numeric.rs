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
    // Below -40, e^v < 2^-57 and e^v - 1 rounds to -1 (the comparison keeps NaN).
    let (two_n, p) = exp_parts(if v < -40.0 { -40.0 } else { v });
    two_n * p + (two_n - 1.0)
}

/// `e^v` for `v <= 0`, within 2 ulp of `f64::exp`, branch-free like [`exp_m1_nonpositive`]
/// and with full relative precision where `e^v` is tiny (which `1 + expm1` loses).
#[inline(always)]
pub fn exp_nonpositive(v: f64) -> f64 {
    // Below -708 e^v is subnormal: the bound keeps 2^n a normal number; the result is then
    // 3e-308 instead of a smaller number or 0, which every caller adds to 1 or multiplies by
    // a finite parameter.
    let (two_n, p) = exp_parts(if v < -708.0 { -708.0 } else { v });
    two_n * p + two_n
}

/// `(2^n, e^r - 1)` with `v = n ln 2 + r`, `|r| <= ln 2 / 2`, for `-708 <= v <= 0`.
#[inline(always)]
fn exp_parts(v: f64) -> (f64, f64) {
    // Adding 1.5 · 2^52 rounds to an integer, held in the low bits of the sum.
    const SHIFT: f64 = 6_755_399_441_055_744.0;
    let shifted = v * LOG2_E + SHIFT;
    let n = shifted - SHIFT;
    // ln 2 split so that `n · LN_2_HI` is exact for |n| < 2^11 (Cody and Waite).
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
    (two_n, p)
}

const LN_2_HI: f64 = 0.693_147_180_369_123_8;
const LN_2_LO: f64 = 1.908_214_929_270_587_7e-10;

/// `ln x` for normal `x > 0`, within 2 ulp of `f64::ln`, branch-free and inlined so that a
/// loop over it vectorises (the hill saturation's `powf` and `ln` were opaque calls per week).
/// `x = 2^e m` with `m` in `[√½, √2)`; `ln m = 2 atanh(s)`, `s = (m - 1)/(m + 1)`, `|s| < 0.172`.
/// Zero, subnormal and non-finite `x` give finite garbage: callers select around `x = 0`.
#[inline(always)]
pub fn ln_positive(x: f64) -> f64 {
    const MANTISSA: u64 = (1 << 52) - 1;
    let bits = x.to_bits();
    let m = f64::from_bits((bits & MANTISSA) | 1.0f64.to_bits());
    // The biased exponent as the low bits of 2^52's mantissa, then subtracted: an integer to
    // float conversion without the 64-bit integer conversion AVX2 lacks.
    const TWO_52: f64 = 4_503_599_627_370_496.0;
    let e = f64::from_bits(TWO_52.to_bits() | ((bits >> 52) & 0x7ff)) - (TWO_52 + 1023.0);
    // Fold [√2, 2) onto [√½, 1): both stay exact.
    let high = m > std::f64::consts::SQRT_2;
    let (m, e) = if high { (0.5 * m, e + 1.0) } else { (m, e) };
    let s = (m - 1.0) / (m + 1.0);
    // 2 atanh(s) = 2s + 2s³/3 + 2s⁵/5 + ...: with s² < 0.0295, terms up to s²¹ leave under
    // 2^-56 of s. Summed as 2s + s (s² P(s²)), P by Estrin, the leading term added last.
    let z = s * s;
    let c = |k: i32| 2.0 / (2 * k + 1) as f64;
    let z2 = z * z;
    let z4 = z2 * z2;
    let p = (c(1) + c(2) * z)
        + (c(3) + c(4) * z) * z2
        + ((c(5) + c(6) * z) + (c(7) + c(8) * z) * z2) * z4
        + (c(9) + c(10) * z) * (z4 * z4);
    let ln_m = 2.0 * s + s * (z * p);
    e * LN_2_HI + (ln_m + e * LN_2_LO)
}

/// The logistic function `1 / (1 + e^{-z})` and its derivative `g (1 - g)`, from `e^{-|z|}`
/// so that neither side overflows or loses relative precision in the tails.
#[inline(always)]
pub fn logistic(z: f64) -> (f64, f64) {
    let e = exp_nonpositive(-z.abs());
    let d = 1.0 / (1.0 + e);
    let g = if z >= 0.0 { d } else { e * d };
    (g, e * d * d)
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

    #[test]
    fn exp_is_within_two_ulp_of_libm() {
        let mut v = -707.0;
        while v <= 0.0 {
            for x in [v, v * 1e-9, v * 1e-17] {
                let (ours, libm) = (exp_nonpositive(x), x.exp());
                assert!((ours - libm).abs() <= 2.0 * f64::EPSILON * libm, "at {x}: {ours} vs {libm}");
            }
            v += 0.0137;
        }
        assert_eq!(exp_nonpositive(0.0), 1.0);
        assert!(exp_nonpositive(-1e6) < 1e-307);
    }

    #[test]
    fn ln_is_within_two_ulp_of_libm() {
        let mut x: f64 = 1e-300;
        while x < 1e300 {
            for y in [x, x * 1.000_1, 1.0 + x * 1e-300, 1.0 - 1e-3 * x.min(1.0)] {
                let (ours, libm) = (ln_positive(y), y.ln());
                assert!(
                    (ours - libm).abs() <= 2.0 * f64::EPSILON * libm.abs().max(f64::MIN_POSITIVE),
                    "at {y}: {ours} vs {libm}"
                );
            }
            x *= 1.37;
        }
        assert_eq!(ln_positive(1.0), 0.0);
    }

    #[test]
    fn logistic_matches_its_definition() {
        for z in [-700.0, -40.0, -3.0, -1e-9, 0.0, 2.5, 37.0, 700.0, 800.0] {
            let (g, d) = logistic(z);
            let exact = 1.0 / (1.0 + (-z).exp());
            assert!((g - exact).abs() <= 2.0 * f64::EPSILON * exact, "at {z}");
            assert!((d - exact * (1.0 - exact)).abs() <= 4.0 * f64::EPSILON * exact, "at {z}");
        }
    }
}

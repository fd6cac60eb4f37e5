//! Small numeric kernels for the hot path of the log density.
//!
//! The density's linear algebra is a handful of columns per week: the control and Fourier
//! columns, the lags of an adstock kernel, a saturation's parameter derivatives. The kernels
//! below handle up to four columns per pass, so that the shared operand is read once and the
//! accumulators stay in registers.

use std::array::from_fn;

/// `Σ a_i b_i` over the shorter slice.
pub fn dot(a: &[f64], b: &[f64]) -> f64 {
    dots_of(a, [b])[0]
}

/// `out_j += Σ_t a_t column(j)_t` for each `j < out.len()`, over the length of `a` (every
/// column must be at least as long).
pub fn add_dots<'a>(a: &[f64], column: impl Fn(usize) -> &'a [f64], out: &mut [f64]) {
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
}

fn pad<const N: usize>(v: [f64; N]) -> [f64; 4] {
    from_fn(|j| if j < N { v[j] } else { 0.0 })
}

/// `out_t += Σ_j coefs_j column(j)_t` over the length of `out` (every column must be at least
/// as long).
pub fn add_combination<'a>(out: &mut [f64], coefs: &[f64], column: impl Fn(usize) -> &'a [f64]) {
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
}

/// `N` dot products sharing `a`, each with four partial sums: a single running sum is bound
/// by the latency of each floating-point add, four keep the pipeline full.
#[inline(always)]
fn dots_of<const N: usize>(a: &[f64], columns: [&[f64]; N]) -> [f64; N] {
    let n = columns.iter().fold(a.len(), |n, c| n.min(c.len()));
    let (a4, a_tail) = a[..n].as_chunks::<4>();
    let columns = columns.map(|c| c[..n].as_chunks::<4>());
    let mut acc = [[0.0; 4]; N];
    for (i, x) in a4.iter().enumerate() {
        for (acc, (c4, _)) in acc.iter_mut().zip(&columns) {
            for l in 0..4 {
                acc[l] += x[l] * c4[i][l];
            }
        }
    }
    from_fn(|j| {
        let tail: f64 = a_tail.iter().zip(columns[j].1).map(|(x, y)| x * y).sum();
        let acc = acc[j];
        (acc[0] + acc[2]) + (acc[1] + acc[3]) + tail
    })
}

#[inline(always)]
fn combine<const N: usize>(out: &mut [f64], coefs: [f64; N], columns: [&[f64]; N]) {
    let columns = columns.map(|c| &c[..out.len()]);
    for (t, o) in out.iter_mut().enumerate() {
        *o += (0..N).map(|j| coefs[j] * columns[j][t]).sum::<f64>();
    }
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
}

//! Small numeric kernels for the hot path of the log density.

/// `Σ a_i b_i` over the shorter slice, with four independent partial sums: a single running
/// sum is bound by the latency of each floating-point add, four keep the pipeline full.
pub fn dot(a: &[f64], b: &[f64]) -> f64 {
    let n = a.len().min(b.len());
    let (ca, ra) = a[..n].as_chunks::<4>();
    let (cb, rb) = b[..n].as_chunks::<4>();
    let mut acc = [0.0; 4];
    for (x, y) in ca.iter().zip(cb) {
        for j in 0..4 {
            acc[j] += x[j] * y[j];
        }
    }
    let tail: f64 = ra.iter().zip(rb).map(|(x, y)| x * y).sum();
    (acc[0] + acc[1]) + (acc[2] + acc[3]) + tail
}

#[cfg(test)]
mod tests {
    #[test]
    fn dot_matches_the_plain_sum() {
        let a: Vec<f64> = (0..11).map(|i| i as f64 * 0.5).collect();
        let b: Vec<f64> = (0..13).map(|i| 1.0 - i as f64).collect();
        let plain: f64 = a.iter().zip(&b).map(|(x, y)| x * y).sum();
        assert!((super::dot(&a, &b) - plain).abs() < 1e-12);
    }
}

//! Order statistics of a sample as numpy computes them, bit for bit, for the diagnostics
//! (ArviZ calls numpy) and the optimizer's quantile utilities (PyMC-Marketing calls numpy).

/// Where numpy's default (linear) quantile `p` of `n` sorted values falls: the index of the
/// lower order statistic, that of the upper one, and the upper one's weight.
pub fn quantile_position(n: usize, p: f64) -> (usize, usize, f64) {
    let h = (n - 1) as f64 * p;
    let lower = h.floor() as usize;
    (lower, (lower + 1).min(n - 1), h - h.floor())
}

/// numpy's interpolation from `a` to `b` at `t`: from the nearer end, which keeps exact ties
/// exact.
pub fn interpolate(a: f64, b: f64, t: f64) -> f64 {
    if t >= 0.5 {
        b - (b - a) * (1.0 - t)
    } else {
        a + (b - a) * t
    }
}

/// numpy's default (linear) quantile `p` of sorted data.
pub fn quantile_of_sorted(s: &[f64], p: f64) -> f64 {
    let (lower, upper, t) = quantile_position(s.len(), p);
    interpolate(s[lower], s[upper], t)
}

/// numpy's median of sorted data: the mean of the two middle values of an even-sized sample
/// (not the 0.5 quantile's interpolation, which rounds differently).
pub fn median_of_sorted(s: &[f64]) -> f64 {
    let n = s.len();
    if n % 2 == 1 {
        s[n / 2]
    } else {
        (s[n / 2 - 1] + s[n / 2]) / 2.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantiles_and_medians_match_numpy() {
        let s: Vec<f64> = (1..=20).map(f64::from).collect();
        // numpy.quantile(1..=20, [0, 0.05, 0.25, 0.75, 1]) and numpy.median.
        assert_eq!(quantile_of_sorted(&s, 0.0), 1.0);
        assert!((quantile_of_sorted(&s, 0.05) - 1.95).abs() < 1e-15);
        assert_eq!(quantile_of_sorted(&s, 0.25), 5.75);
        assert_eq!(quantile_of_sorted(&s, 0.75), 15.25);
        assert_eq!(quantile_of_sorted(&s, 1.0), 20.0);
        assert_eq!(median_of_sorted(&s), 10.5);
        assert_eq!(median_of_sorted(&s[..19]), 10.0);
        // Interpolating between equal values gives that value exactly, from either end.
        assert_eq!(interpolate(0.1, 0.1, 0.3), 0.1);
        assert_eq!(interpolate(0.1, 0.1, 0.7), 0.1);
        assert_eq!(quantile_position(20, 0.5), (9, 10, 0.5));
        assert_eq!(quantile_position(1, 0.5), (0, 0, 0.0));
    }
}

//! Data ranges, "nice" ticks and compact number labels, shared by every axis.

/// Smallest and largest finite value seen; NaN and ±inf are skipped so that bad draws never
/// blow up an axis.
#[derive(Clone, Copy)]
pub struct Extent {
    lo: f64,
    hi: f64,
}

impl Extent {
    pub fn new() -> Extent {
        Extent { lo: f64::INFINITY, hi: f64::NEG_INFINITY }
    }

    pub fn add(&mut self, v: f64) {
        if v.is_finite() {
            self.lo = self.lo.min(v);
            self.hi = self.hi.max(v);
        }
    }

    /// False until a finite value was added: the chart then has nothing to draw.
    pub fn has_data(&self) -> bool {
        self.lo <= self.hi
    }

    pub fn ticks(&self, target: usize) -> Ticks {
        if self.has_data() {
            nice_ticks(self.lo, self.hi, target)
        } else {
            nice_ticks(0.0, 1.0, target)
        }
    }
}

/// Tick values at multiples of 1, 2 or 5 × 10^k; the axis domain is widened to the outer ticks.
pub struct Ticks {
    pub lo: f64,
    pub hi: f64,
    pub step: f64,
    pub values: Vec<f64>,
}

/// About `target` ticks covering `lo..=hi`. A zero-width range (a single point, all zeros) is
/// padded so that the axis still has a direction and the point lands mid-axis.
pub fn nice_ticks(lo: f64, hi: f64, target: usize) -> Ticks {
    let (mut lo, mut hi) = if lo <= hi { (lo, hi) } else { (hi, lo) };
    if hi - lo <= lo.abs().max(hi.abs()) * 1e-9 {
        let pad = if lo == 0.0 { 1.0 } else { lo.abs() * 0.1 };
        lo -= pad;
        hi += pad;
    }
    let raw = (hi - lo) / target.max(1) as f64;
    let mag = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 5.0, 10.0].iter().map(|m| m * mag).find(|s| *s >= raw * (1.0 - 1e-9)).unwrap_or(10.0 * mag);
    let (k0, k1) = ((lo / step).floor() as i64, (hi / step).ceil() as i64);
    // `k * step` rather than repeated addition, so 0.1 + 0.2 drift never reaches the labels;
    // `+ 0.0` turns -0 into 0.
    let values: Vec<f64> = (k0..=k1).map(|k| k as f64 * step + 0.0).collect();
    Ticks { lo: k0 as f64 * step, hi: k1 as f64 * step, step, values }
}

/// Linear map from a data domain onto a pixel range (the y range runs upward, so r0 > r1 there).
#[derive(Clone, Copy)]
pub struct Scale {
    d0: f64,
    d1: f64,
    r0: f64,
    r1: f64,
}

impl Scale {
    pub fn new((d0, d1): (f64, f64), (r0, r1): (f64, f64)) -> Scale {
        Scale { d0, d1, r0, r1 }
    }

    pub fn of(ticks: &Ticks, range: (f64, f64)) -> Scale {
        Scale::new((ticks.lo, ticks.hi), range)
    }

    pub fn map(&self, v: f64) -> f64 {
        let span = self.d1 - self.d0;
        if span == 0.0 {
            return (self.r0 + self.r1) / 2.0;
        }
        self.r0 + (v - self.d0) / span * (self.r1 - self.r0)
    }
}

/// Compact label such as 1.2k, 3.4M, 5B, 0.25. `step` is the tick spacing: enough decimals are kept
/// that neighbouring ticks never print alike, and no more.
pub fn tick_label(v: f64, step: f64) -> String {
    let (unit, suffix) =
        [(1e12, "T"), (1e9, "B"), (1e6, "M"), (1e3, "k")].into_iter().find(|(u, _)| v.abs() >= *u).unwrap_or((1.0, ""));
    let rel = step.abs() / unit;
    let decimals = if rel > 0.0 && rel.is_finite() { (-rel.log10()).ceil().clamp(0.0, 9.0) as usize } else { 2 };
    let mut s = format!("{:.*}", decimals, v / unit);
    if s.contains('.') {
        s = s.trim_end_matches('0').trim_end_matches('.').to_string();
    }
    if s == "-0" {
        s = "0".into();
    }
    s + suffix
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ticks_use_1_2_5_steps_and_cover_the_data() {
        let t = nice_ticks(0.0, 97.0, 6);
        assert_eq!(t.step, 20.0);
        assert_eq!(t.values, vec![0.0, 20.0, 40.0, 60.0, 80.0, 100.0]);
        let t = nice_ticks(-3.2, 7.9, 5);
        assert_eq!(t.step, 5.0);
        assert_eq!((t.lo, t.hi), (-5.0, 10.0));
        let t = nice_ticks(0.0, 0.3, 6);
        assert_eq!(t.step, 0.05);
        assert!(t.values.iter().any(|v| (v - 0.1).abs() < 1e-12));
        let t = nice_ticks(0.0, 2.5e9, 5);
        assert_eq!(t.step, 5e8);
    }

    #[test]
    fn degenerate_ranges_get_a_direction() {
        let t = nice_ticks(0.0, 0.0, 5);
        assert!(t.lo < 0.0 && t.hi > 0.0);
        let t = nice_ticks(1e9, 1e9, 5);
        assert!(t.lo < 1e9 && t.hi > 1e9 && t.values.len() < 20);
        let t = nice_ticks(7.0, 3.0, 5);
        assert!(t.lo <= 3.0 && t.hi >= 7.0);
        assert!(!Extent::new().has_data());
        let mut e = Extent::new();
        e.add(f64::NAN);
        e.add(f64::INFINITY);
        assert!(!e.has_data());
        e.add(-2.0);
        assert!(e.has_data());
    }

    #[test]
    fn tick_labels_are_compact_and_distinct() {
        assert_eq!(tick_label(0.0, 500.0), "0");
        assert_eq!(tick_label(500.0, 500.0), "500");
        assert_eq!(tick_label(1500.0, 500.0), "1.5k");
        assert_eq!(tick_label(2000.0, 500.0), "2k");
        assert_eq!(tick_label(1.2e6, 2e5), "1.2M");
        assert_eq!(tick_label(-3.4e6, 2e5), "-3.4M");
        assert_eq!(tick_label(2e9, 5e8), "2B");
        assert_eq!(tick_label(0.15, 0.05), "0.15");
        assert_eq!(tick_label(0.3 - 0.2 - 0.1, 0.05), "0");
        assert_eq!(tick_label(1_000_020.0, 20.0), "1.00002M");
    }
}

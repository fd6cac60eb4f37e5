//! Weekly decomposition: every model component stacked over time against the observed target.

use super::axis::{numeric_ticks, x_axis, y_axis, Tick, LEGEND_X, PLOT};
use super::color;
use super::dates::month_ticks;
use super::legend::{self, Entry, Mark};
use super::scale::{Extent, Scale};
use super::svg::{fit, Svg};

const TITLE: &str = "Contributions over time";
const OBSERVED: &str = "#000";

/// Stacked areas, one per component in the given order (the first sits next to zero). Positive
/// values pile up from 0 and negative ones pile down from 0, so a component that changes sign
/// stays readable. Dates are taken as evenly spaced (weekly); a component or `observed` shorter
/// than `dates` is treated as missing past its end, and missing or non-finite values as 0 in
/// the stack and as a gap in the observed line.
pub fn contributions(
    dates: &[String],
    components: &[(String, Vec<f64>)],
    observed: &[f64],
    target_label: &str,
) -> String {
    let n = dates.len();
    let at = |v: &[f64], t: usize| v.get(t).copied().filter(|x| x.is_finite());
    let mut raw = Extent::new();
    for t in 0..n {
        components.iter().filter_map(|(_, v)| at(v, t)).chain(at(observed, t)).for_each(|x| raw.add(x));
    }
    if !raw.has_data() {
        return Svg::no_data(TITLE);
    }

    // Each component becomes two layers, (base, top) per week: its positive and its negative part.
    let (mut up, mut down) = (vec![0.0; n], vec![0.0; n]);
    let layers: Vec<[Vec<(f64, f64)>; 2]> = components
        .iter()
        .map(|(_, v)| {
            let (mut pos, mut neg) = (Vec::with_capacity(n), Vec::with_capacity(n));
            for t in 0..n {
                let x = at(v, t).unwrap_or(0.0);
                let (p, m) = (x.max(0.0), x.min(0.0));
                pos.push((up[t], up[t] + p));
                neg.push((down[t] + m, down[t]));
                up[t] += p;
                down[t] += m;
            }
            [pos, neg]
        })
        .collect();
    let mut ys = Extent::new();
    up.iter().chain(&down).chain(observed.iter().take(n)).for_each(|y| ys.add(*y));
    ys.add(0.0);
    let yt = ys.ticks(6);
    let sx = Scale::new((0.0, n.saturating_sub(1) as f64), PLOT.xs());
    let sy = Scale::of(&yt, PLOT.ys());

    let mut svg = Svg::new(TITLE);
    x_axis(&mut svg, PLOT, &date_ticks(dates, &sx), "date");
    y_axis(&mut svg, PLOT, &numeric_ticks(&yt, &sy), &format!("contribution ({target_label})"));
    for (i, layer) in layers.iter().enumerate() {
        for part in layer.iter().filter(|p| p.iter().any(|(lo, hi)| hi > lo)) {
            let band: Vec<(f64, f64, f64)> =
                part.iter().enumerate().map(|(t, (lo, hi))| (sx.map(t as f64), sy.map(*lo), sy.map(*hi))).collect();
            svg.band(&band, &format!(r#"fill="{}""#, color(i)));
        }
    }
    let line: Vec<(f64, f64)> =
        (0..n).map(|t| (sx.map(t as f64), at(observed, t).map_or(f64::NAN, |y| sy.map(y)))).collect();
    svg.polyline(&line, &format!(r#"stroke="{OBSERVED}" stroke-width="1.5" stroke-linejoin="round""#));

    let mut entries: Vec<Entry> =
        components.iter().enumerate().map(|(i, (name, _))| Entry::new(name, color(i), Mark::Fill)).collect();
    entries.push(Entry::new("observed", OBSERVED, Mark::Line));
    legend::column(&mut svg, LEGEND_X, PLOT.y, PLOT.h, &entries);
    svg.finish()
}

/// Month ticks, or the first and last date as written when the dates do not parse or span
/// no month start.
pub(super) fn date_ticks(dates: &[String], sx: &Scale) -> Vec<Tick> {
    let mut ticks = month_ticks(dates, 8);
    if ticks.is_empty() {
        ticks = [0, dates.len() - 1].iter().map(|&i| (i, fit(&dates[i], 10))).collect();
        ticks.dedup_by_key(|(i, _)| *i);
    }
    ticks.into_iter().map(|(i, label)| Tick { at: sx.map(i as f64), label, zero: false }).collect()
}

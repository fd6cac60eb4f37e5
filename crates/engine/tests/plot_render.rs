//! Renders each chart with headless Chromium and checks the pictures are real charts: the right
//! size, colourful, mostly not white, and showing the first channel's colour (an XML error page
//! or a blank document has none of these). Chromium is required, not optional: install it with
//! `apt-get install chromium` or point `PG_MMM_CHROMIUM` at a binary. SVGs and PNGs are kept in
//! `PLOT_OUT_DIR` (default: cargo's per-target temp dir) for people to look at.

use mmm_engine::plot::{self, AllocationBar, Band, Curve, PALETTE};
use std::fs::{self, File};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const CHANNELS: [&str; 3] = ["tv", "search", "social"];
const TIMEOUT: Duration = Duration::from_secs(90);

#[test]
fn response_curves_render() {
    let curves: Vec<Curve> = CHANNELS
        .iter()
        .enumerate()
        .map(|(c, name)| {
            let (beta, lam, current) =
                [(9000.0, 4000.0, 3500.0), (6000.0, 1500.0, 2000.0), (3500.0, 2500.0, 1200.0)][c];
            let spend: Vec<f64> = (0..=50).map(|i| i as f64 * 200.0).collect();
            let response = spend.iter().map(|s| band(beta * (1.0 - (-s / lam).exp()), 0.15)).collect();
            Curve { channel: name.to_string(), spend, response, current_spend: Some(current) }
        })
        .collect();
    check("response_curves", &plot::response_curves(&curves, "sales"), 0.1);
}

#[test]
fn contributions_render() {
    // Day 17 903 since 1970-01-01 is Monday 2019-01-07.
    let dates: Vec<String> = (0..150).map(|w| iso_date(17_903 + 7 * w)).collect();
    let wiggle = |t: usize, k: f64| (t as f64 * k).sin().abs();
    let mut components: Vec<(String, Vec<f64>)> = CHANNELS
        .iter()
        .enumerate()
        .map(|(c, name)| {
            (
                name.to_string(),
                (0..150).map(|t| 400.0 * (c as f64 + 1.0) * (0.3 + wiggle(t, 0.11 + 0.07 * c as f64))).collect(),
            )
        })
        .collect();
    components.push(("intercept".into(), vec![5000.0; 150]));
    components.push(("price".into(), (0..150).map(|t| -300.0 - 200.0 * wiggle(t, 0.05)).collect()));
    components.push((
        "seasonality".into(),
        (0..150).map(|t| 900.0 * (t as f64 * std::f64::consts::TAU / 52.0).sin()).collect(),
    ));
    let observed: Vec<f64> =
        (0..150).map(|t| components.iter().map(|(_, v)| v[t]).sum::<f64>() + 250.0 * (t as f64 * 1.7).sin()).collect();
    check("contributions", &plot::contributions(&dates, &components, &observed, "sales"), 0.3);
}

#[test]
fn allocation_renders() {
    let bars: Vec<AllocationBar> = CHANNELS
        .iter()
        .zip([(3500.0, 2600.0, 5200.0, 4800.0), (2000.0, 2900.0, 4400.0, 5100.0), (1200.0, 1200.0, 1300.0, 1300.0)])
        .map(|(name, (cs, os, cr, or))| AllocationBar {
            channel: name.to_string(),
            current_spend: cs,
            optimized_spend: os,
            current_response: band(cr, 0.2),
            optimized_response: band(or, 0.2),
        })
        .collect();
    check("allocation", &plot::allocation(&bars, "sales"), 0.1);
}

#[test]
fn posterior_renders() {
    let mut rows: Vec<(String, Band)> = Vec::new();
    for (param, base) in [("adstock_alpha", 0.4), ("saturation_lam", 1.8), ("saturation_beta", 0.9)] {
        for (c, name) in CHANNELS.iter().enumerate() {
            rows.push((format!("{param}[{name}]"), band(base * (1.0 + 0.3 * c as f64), 0.25)));
        }
    }
    rows.push(("gamma_control[price]".into(), band(-0.6, 0.3)));
    rows.push(("intercept".into(), band(1.1, 0.1)));
    rows.push(("likelihood_sigma".into(), band(0.2, 0.1)));
    check("posterior", &plot::posterior(&rows, 0.94), 0.1);
}

fn band(mean: f64, rel: f64) -> Band {
    Band { mean, lower: mean - mean.abs() * rel, upper: mean + mean.abs() * rel }
}

/// "YYYY-MM-DD" of a day count since 1970-01-01 (Howard Hinnant's civil_from_days).
fn iso_date(days: i64) -> String {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let (d, m) = (doy - (153 * mp + 2) / 5 + 1, if mp < 10 { mp + 3 } else { mp - 9 });
    format!("{:04}-{m:02}-{d:02}", yoe + era * 400 + i64::from(m <= 2))
}

/// Writes `svg`, screenshots it and asserts the picture is a chart, with at least `min_ink`
/// of its pixels not white.
fn check(name: &str, svg: &str, min_ink: f64) {
    let dir = out_dir();
    let (svg_path, png_path) = (dir.join(format!("{name}.svg")), dir.join(format!("{name}.png")));
    fs::write(&svg_path, svg).unwrap();
    let _ = fs::remove_file(&png_path);
    let took = screenshot(&svg_path, &png_path, &dir.join(format!("{name}.chromium.log")));

    let (width, height, pixels) = decode(&png_path);
    assert!(width >= 800 && height >= 500, "{name}: screenshot is {width}x{height}, expected at least 800x500");
    let white = pixels.iter().filter(|p| p.iter().all(|&c| c >= 250)).count();
    let ink = 1.0 - white as f64 / pixels.len() as f64;
    let mut distinct = pixels.clone();
    distinct.sort_unstable();
    distinct.dedup();
    let first = rgb(PALETTE[0]);
    let first_channel = pixels.iter().filter(|p| p.iter().zip(first).all(|(a, b)| a.abs_diff(b) <= 6)).count();
    eprintln!(
        "{name}: {width}x{height} in {took:?}, {:.1}% ink, {} colours, {first_channel} px of {}: {}",
        ink * 100.0,
        distinct.len(),
        PALETTE[0],
        png_path.display()
    );
    assert!(
        ink >= min_ink,
        "{name}: only {:.1}% of pixels are not white, expected {:.0}%",
        ink * 100.0,
        min_ink * 100.0
    );
    assert!(distinct.len() >= 16, "{name}: only {} distinct colours", distinct.len());
    assert!(first_channel >= 30, "{name}: only {first_channel} pixels of the first channel's colour {}", PALETTE[0]);
}

fn out_dir() -> PathBuf {
    let dir = std::env::var_os("PLOT_OUT_DIR")
        .map_or_else(|| Path::new(env!("CARGO_TARGET_TMPDIR")).join("plot_render"), PathBuf::from);
    fs::create_dir_all(&dir).unwrap();
    dir
}

/// Runs headless Chromium with a private profile (tests run in parallel) and a hard timeout.
fn screenshot(svg: &Path, png: &Path, log: &Path) -> Duration {
    let chromium =
        std::env::var_os("PG_MMM_CHROMIUM").map_or_else(|| PathBuf::from("/usr/bin/chromium"), PathBuf::from);
    assert!(
        chromium.exists(),
        "Chromium not found at {}: apt-get install -y chromium, or set PG_MMM_CHROMIUM",
        chromium.display()
    );
    let profile = std::env::temp_dir().join(format!(
        "plot_render_{}_{}",
        std::process::id(),
        png.file_stem().unwrap().to_string_lossy()
    ));
    let start = Instant::now();
    let mut child = Command::new(&chromium)
        .args(["--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--window-size=800,500"])
        .arg(format!("--user-data-dir={}", profile.display()))
        .arg(format!("--screenshot={}", png.display()))
        .arg(format!("file://{}", fs::canonicalize(svg).unwrap().display()))
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(File::create(log).unwrap())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start {}: {e}", chromium.display()));
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if start.elapsed() > TIMEOUT {
            let _ = child.kill();
            let _ = child.wait();
            panic!("Chromium did not finish within {TIMEOUT:?}; see {}", log.display());
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    let took = start.elapsed();
    let _ = fs::remove_dir_all(&profile);
    assert!(
        status.success() && png.exists(),
        "Chromium failed ({status}) to write {}; see {}",
        png.display(),
        log.display()
    );
    took
}

/// Width, height and RGB of every pixel.
fn decode(path: &Path) -> (u32, u32, Vec<[u8; 3]>) {
    let mut decoder = png::Decoder::new(File::open(path).unwrap());
    decoder.set_transformations(png::Transformations::EXPAND | png::Transformations::STRIP_16);
    let mut reader = decoder.read_info().unwrap();
    let mut buf = vec![0; reader.output_buffer_size()];
    let info = reader.next_frame(&mut buf).unwrap();
    let samples = info.color_type.samples();
    let pixels = buf[..info.buffer_size()]
        .chunks_exact(samples)
        .map(|p| if samples >= 3 { [p[0], p[1], p[2]] } else { [p[0]; 3] })
        .collect();
    (info.width, info.height, pixels)
}

fn rgb(hex: &str) -> [u8; 3] {
    let byte = |i: usize| u8::from_str_radix(&hex[i..i + 2], 16).unwrap();
    [byte(1), byte(3), byte(5)]
}

//! `mmm_*_adstock` and `mmm_*_saturation`: the transform library as SQL functions.

use super::error::{raise, OrRaise};
use mmm_engine::transforms::{adstock, saturation, AdstockKind, SaturationKind};
use pgrx::prelude::*;

/// Validates one channel's series and parameters, then convolves it with the kernel's weights.
fn adstock_sql(kind: AdstockKind, x: Vec<Option<f64>>, params: &[f64], l_max: i32, normalize: bool) -> Vec<f64> {
    super::limits::check_length("x", x.len(), super::limits::MAX_SERIES);
    let x: Vec<f64> = x
        .iter()
        .enumerate()
        .map(|(i, v)| {
            v.unwrap_or_else(|| {
                raise(
                    PgSqlErrorCode::ERRCODE_NULL_VALUE_NOT_ALLOWED,
                    format!("x[{}] is NULL", i + 1),
                    "Replace missing spend with 0, e.g. coalesce(spend, 0).",
                )
            })
        })
        .collect();
    adstock::check_series("x", &x).or_raise();
    let l_max = adstock::check_l_max(l_max.into()).or_raise();
    adstock::check_params(kind, params).or_raise();
    let mut out = vec![0.0; x.len()];
    adstock::weights(kind, params, l_max, normalize).convolve(&x, &mut out);
    out
}

/// Geometric adstock: weights `alpha^k`.
#[pg_extern(immutable, strict, parallel_safe)]
fn mmm_geometric_adstock(
    x: Vec<Option<f64>>,
    alpha: f64,
    l_max: default!(i32, 8),
    normalize: default!(bool, true),
) -> Vec<f64> {
    adstock_sql(AdstockKind::Geometric, x, &[alpha], l_max, normalize)
}

/// Delayed adstock: weights `alpha^((k - theta)^2)`, peaking `theta` weeks after the spend.
#[pg_extern(immutable, strict, parallel_safe)]
fn mmm_delayed_adstock(
    x: Vec<Option<f64>>,
    alpha: f64,
    theta: f64,
    l_max: default!(i32, 8),
    normalize: default!(bool, true),
) -> Vec<f64> {
    adstock_sql(AdstockKind::Delayed, x, &[alpha, theta], l_max, normalize)
}

/// Binomial adstock: weights `(1 - k/(l_max+1))^(1/alpha - 1)`.
#[pg_extern(immutable, strict, parallel_safe)]
fn mmm_binomial_adstock(
    x: Vec<Option<f64>>,
    alpha: f64,
    l_max: default!(i32, 8),
    normalize: default!(bool, true),
) -> Vec<f64> {
    adstock_sql(AdstockKind::Binomial, x, &[alpha], l_max, normalize)
}

/// Weibull adstock, `kind` 'pdf' (rescaled density) or 'cdf' (survival product).
#[pg_extern(immutable, strict, parallel_safe)]
fn mmm_weibull_adstock(
    x: Vec<Option<f64>>,
    lam: f64,
    k: f64,
    kind: default!(&str, "'pdf'"),
    l_max: default!(i32, 8),
    normalize: default!(bool, true),
) -> Vec<f64> {
    let kernel = match kind {
        "pdf" => AdstockKind::WeibullPdf,
        "cdf" => AdstockKind::WeibullCdf,
        other => raise(
            PgSqlErrorCode::ERRCODE_INVALID_PARAMETER_VALUE,
            format!("kind = '{other}' is not a Weibull adstock kind"),
            "kind accepts 'pdf' or 'cdf'.",
        ),
    };
    adstock_sql(kernel, x, &[lam, k], l_max, normalize)
}

fn saturation_sql(kind: SaturationKind, x: f64, params: &[f64]) -> f64 {
    saturation::check(kind, x, params).or_raise();
    saturation::evaluate(kind, x, params).value
}

/// Logistic saturation `beta (1 - e^(-lam x)) / (1 + e^(-lam x))`.
#[pg_extern(immutable, strict, parallel_safe)]
fn mmm_logistic_saturation(x: f64, lam: f64, beta: default!(f64, 1.0)) -> f64 {
    saturation_sql(SaturationKind::Logistic, x, &[lam, beta])
}

/// Hill saturation `beta x^slope / (kappa^slope + x^slope)`.
#[pg_extern(immutable, strict, parallel_safe)]
fn mmm_hill_saturation(x: f64, slope: f64, kappa: f64, beta: default!(f64, 1.0)) -> f64 {
    saturation_sql(SaturationKind::Hill, x, &[slope, kappa, beta])
}

/// Michaelis-Menten saturation `alpha x / (lam + x)`.
#[pg_extern(immutable, strict, parallel_safe)]
fn mmm_michaelis_menten_saturation(x: f64, alpha: f64, lam: f64) -> f64 {
    saturation_sql(SaturationKind::MichaelisMenten, x, &[alpha, lam])
}

/// Tanh saturation `b tanh(x / (b c))`.
#[pg_extern(immutable, strict, parallel_safe)]
fn mmm_tanh_saturation(x: f64, b: f64, c: f64) -> f64 {
    saturation_sql(SaturationKind::Tanh, x, &[b, c])
}

/// PyMC-Marketing's `HillSaturationSigmoid`:
/// `sigma / (1 + e^(-beta (x - lam))) - sigma / (1 + e^(beta lam))`, an S-curve through 0.
#[pg_extern(immutable, strict, parallel_safe)]
fn mmm_hill_sigmoid_saturation(x: f64, sigma: f64, beta: f64, lam: f64) -> f64 {
    saturation_sql(SaturationKind::HillSigmoid, x, &[sigma, beta, lam])
}

/// Root saturation `beta x^alpha`.
#[pg_extern(immutable, strict, parallel_safe)]
fn mmm_root_saturation(x: f64, alpha: f64, beta: default!(f64, 1.0)) -> f64 {
    saturation_sql(SaturationKind::Root, x, &[alpha, beta])
}

#[cfg(feature = "pg_test")]
#[pg_schema]
mod tests {
    use pgrx::prelude::*;

    #[pg_test]
    fn named_arguments_and_defaults() {
        let a = Spi::get_one::<Vec<f64>>(
            r#"SELECT mmm_geometric_adstock(x => ARRAY[1, 0, 0]::float8[], alpha => 0.5, l_max => 3, "normalize" => false)"#,
        )
            .unwrap()
            .unwrap();
        assert_eq!(a, vec![1.0, 0.5, 0.25]);
        let s = Spi::get_one::<f64>("SELECT mmm_logistic_saturation(1.0, lam => 2.0)").unwrap().unwrap();
        assert!((s - 1.0f64.tanh()).abs() < 1e-15);
    }

    #[pg_test(error = "alpha = 1 is out of range")]
    fn out_of_range_alpha_is_an_error() {
        Spi::run("SELECT mmm_geometric_adstock(ARRAY[1.0], 1.0)").unwrap();
    }

    #[pg_test(error = "x[2] is NULL")]
    fn null_element_is_an_error() {
        Spi::run("SELECT mmm_binomial_adstock(ARRAY[1.0, NULL], 0.5)").unwrap();
    }
}

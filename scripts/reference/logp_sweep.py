"""The log-density sweep: PyMC-Marketing 1.3.0's joint log density and its gradient, point by
point, for a matrix of model configurations that pg_mmm can also express (issue #22).

For every case, the script simulates a small data set (seeded), builds 1.3's `MMM` from the
same config written as 1.3 objects, and evaluates `model.compile_logp(jacobian=True)` and its
gradient in every value variable at a few random points of the unconstrained space (1.3's
initial point moved by seeded normal steps). Nothing is sampled.

The fixture gives each case's data, pg_mmm's config, one row per element of every value
variable (pg_mmm's parameter name and coordinate, 1.3's value variable), and per point the log
density and, in the rows' order, the unconstrained values `u` and `d logp / du`. crates/engine/tests/logp_sweep.rs evaluates pg_mmm's density at
the same points and asserts both equal to 1e-8 relative. The name map: 1.3's value variable
`{name}{_raw}{_log}{_offset}{transform suffix}` is pg_mmm's parameter `{name}` (`_raw` of an
`exp` transform, `_log` of a `LogNormalPrior`, `_offset` of a non-centred prior; hyper-priors
keep their own names), and 1.3's `intercept_contribution` is `intercept`.

    $(scripts/reference/venv r2) scripts/reference/logp_sweep.py [case ...]

writes crates/engine/tests/fixtures/logp_sweep.json (when cases are named, only those are
rebuilt and the others kept).
"""

import json
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pymc_marketing
import pytensor

# The models are small: evaluating them in Python costs less than compiling them to C.
pytensor.config.mode = "FAST_COMPILE"
from pymc_extras.prior import Prior
from pymc_marketing.mmm import (
    MMM,
    BinomialAdstock,
    DelayedAdstock,
    GeometricAdstock,
    HillSaturation,
    HillSaturationSigmoid,
    LogisticSaturation,
    MichaelisMentenSaturation,
    NoAdstock,
    NoSaturation,
    RootSaturation,
    TanhSaturation,
    WeibullCDFAdstock,
    WeibullPDFAdstock,
)
from pymc_marketing.mmm.additive_effect import LinearTrendEffect
from pymc_marketing.mmm.events import EventEffect, GaussianBasis
from pymc_marketing.mmm.linear_trend import LinearTrend
from pymc_marketing.mmm.scaling import DataDerivedScaling, Scaling
from pymc_marketing.special_priors import LogNormalPrior

OUT = Path("crates/engine/tests/fixtures/logp_sweep.json")
POINTS = 3
STEP = 0.3
START = "2023-01-01"

ADSTOCK = {
    "geometric": GeometricAdstock,
    "delayed": DelayedAdstock,
    "binomial": BinomialAdstock,
    "weibull_pdf": WeibullPDFAdstock,
    "weibull_cdf": WeibullCDFAdstock,
    "none": NoAdstock,
}
SATURATION = {
    "logistic": LogisticSaturation,
    "hill": HillSaturation,
    "hill_sigmoid": HillSaturationSigmoid,
    "michaelis_menten": MichaelisMentenSaturation,
    "tanh": TanhSaturation,
    "root": RootSaturation,
    "none": NoSaturation,
}
# PyMC's transform suffixes of value variables.
TRANSFORMS = ("_log__", "_logodds__", "_interval__", "_lowerbound__", "_upperbound__")
ENGINE_NAMES = {
    "intercept_contribution": "intercept",
    "intercept_baseline": "intercept",
    "y_nu": "likelihood_nu",
    "trend_delta": "trend_delta",
    "delta": "trend_delta",
    "k": "trend_k",
}

# PyMC Labs' parameter-recovery configuration for geo models (issue #22), in pg_mmm's keys.
LABS = {
    "adstock_alpha": {"dist": "Beta", "alpha": 1, "beta": 3, "dims": ["channel"]},
    "saturation_sigma": {
        "dist": "LogNormal",
        "dims": ["geo", "channel"],
        "centered": False,
        "mean": {"dist": "Gamma", "mu": 0.25, "sigma": 0.10, "dims": ["channel"]},
        "std": {"dist": "Exponential", "scale": 0.10, "dims": ["channel"]},
    },
    "saturation_beta": {"dist": "HalfNormal", "sigma": 1.5, "dims": ["channel"]},
    "saturation_lam": {"dist": "HalfNormal", "sigma": 1.5, "dims": ["channel"]},
}
# pg_mmm's pooling presets written out as priors (crates/engine/src/model/spec.rs, `pooled`).
PARTIAL_AMPLITUDE = {
    "dist": "Normal",
    "mu": {"dist": "Normal", "mu": -1.5, "sigma": 0.25, "dims": ["channel"]},
    "sigma": {"dist": "Exponential", "scale": 0.25, "dims": ["channel"]},
    "dims": ["geo", "channel"],
    "transform": "exp",
    "centered": False,
}
PARTIAL_FOURIER = {
    "dist": "Normal",
    "mu": 0,
    "sigma": {"dist": "HalfNormal", "sigma": 0.2},
    "dims": ["geo", "fourier_mode"],
    "centered": False,
}


def case(name, geos=0, channels=2, controls=0, weeks=40, **config):
    return {"name": name, "shape": [geos, channels, controls, weeks], "config": config}


def shared(*names):
    """The default priors of `names` (1.3's logistic saturation and geometric adstock, as pg_mmm
    has them) over their own dim only: shared by the geos."""
    return {n: dict(DEFAULTS[n], dims=[DIMS[n]] if DIMS[n] else []) for n in names}


DEFAULTS = {
    "intercept": {"dist": "Normal", "mu": 0, "sigma": 2},
    "adstock_alpha": {"dist": "Beta", "alpha": 1, "beta": 3},
    "saturation_lam": {"dist": "Gamma", "alpha": 3, "beta": 1},
    "saturation_beta": {"dist": "HalfNormal", "sigma": 2},
    "gamma_control": {"dist": "Normal", "mu": 0, "sigma": 2},
    "gamma_fourier": {"dist": "Laplace", "mu": 0, "b": 1},
    "y_sigma": {"dist": "HalfNormal", "sigma": 2},
}
DIMS = {
    "intercept": None,
    "adstock_alpha": "channel",
    "saturation_lam": "channel",
    "saturation_beta": "channel",
    "gamma_control": "control",
    "gamma_fourier": "fourier_mode",
    "y_sigma": None,
}
HYPER_BETA = {
    "saturation_beta": {
        "dist": "HalfNormal",
        "sigma": {"dist": "Gamma", "mu": 2, "sigma": 1, "dims": ["channel"]},
        "dims": ["geo", "channel"],
    }
}
PARTIAL_LOG_NORMAL = {
    "saturation_beta": {
        "dist": "LogNormal",
        "mean": {"dist": "Gamma", "mu": 0.5, "sigma": 0.25, "dims": ["channel"]},
        "std": {"dist": "Exponential", "scale": 0.2, "dims": ["channel"]},
        "dims": ["geo", "channel"],
    }
}

CASES = [
    # National: each saturation and adstock kind, the order of the transforms, the likelihoods.
    case("national_default", controls=1, yearly_seasonality=2),
    case("national_bare"),
    *[case(f"national_{k}", saturation=k) for k in ("hill", "hill_sigmoid", "michaelis_menten", "tanh", "root")],
    *[case(f"national_{k}", adstock=k) for k in ("delayed", "binomial", "weibull_pdf", "weibull_cdf")],
    case("national_no_saturation", saturation="none"),
    case("national_no_adstock", adstock="none"),
    case("national_saturation_first", adstock_first=False, saturation="hill"),
    case("national_l_max_4_not_normalized", l_max=4, normalize=False),
    case("national_student_t", likelihood="student_t", controls=2),
    case("national_truncated_normal", likelihood="truncated_normal", yearly_seasonality=1),
    # Prior forms.
    case("national_per_channel_prior", priors={"saturation_lam": {"x2": {"dist": "Gamma", "alpha": 9, "beta": 6}}}),
    case("national_hyper_prior", channels=3, priors={
        "saturation_beta": {"dist": "HalfNormal", "sigma": {"dist": "Gamma", "mu": 2, "sigma": 1}, "dims": ["channel"]}}),
    case("national_non_centred", controls=2, priors={"gamma_control": {
        "dist": "Normal", "mu": {"dist": "Normal", "mu": 0, "sigma": 1}, "sigma": {"dist": "HalfNormal", "sigma": 1},
        "dims": ["control"], "centered": False}}),
    case("national_exp_transform", priors={"saturation_beta": {"dist": "Normal", "mu": -1, "sigma": 0.5,
                                                               "dims": ["channel"], "transform": "exp"}}),
    case("national_log_normal_mean_std", priors={"saturation_beta": {"dist": "LogNormal", "mean": 0.5, "std": 0.3,
                                                                     "dims": ["channel"]}}),
    # Panels: 1, 3 and 8 geos, fewer, as many and more channels than geos.
    case("panel_one_geo", geos=1, controls=1, yearly_seasonality=1),
    case("panel_default", geos=2, controls=1, yearly_seasonality=2),
    case("panel_3_geos_2_channels", geos=3, channels=2),
    case("panel_3_geos_3_channels", geos=3, channels=3, controls=1),
    case("panel_3_geos_5_channels", geos=3, channels=5),
    case("panel_8_geos_3_channels", geos=8, channels=3, weeks=30),
    # Each parameter shared by the geos.
    case("panel_shared_adstock", geos=2, priors=shared("adstock_alpha")),
    case("panel_shared_adstock_3_geos", geos=3, channels=3, weeks=52, priors=shared("adstock_alpha")),
    case("panel_shared_saturation", geos=2, priors=shared("saturation_lam", "saturation_beta")),
    case("panel_shared_intercept_sigma", geos=3, priors=shared("intercept", "y_sigma")),
    case("panel_shared_controls_fourier", geos=3, controls=2, yearly_seasonality=2,
         priors=shared("gamma_control", "gamma_fourier")),
    case("panel_shared_everything", geos=3, controls=1, yearly_seasonality=1,
         priors=shared(*DEFAULTS)),
    # Pooling presets, hierarchies and scaling.
    case("panel_pooling_full", geos=3, controls=1, pooling="full"),
    case("panel_pooling_partial", geos=3, controls=1, yearly_seasonality=2, pooling="partial",
         scaling={"target": "per_geo", "channel": "per_geo"}),
    case("panel_hyper_prior", geos=3, priors=HYPER_BETA),
    case("panel_log_normal_centred", geos=3, priors=PARTIAL_LOG_NORMAL),
    case("panel_log_normal_non_centred", geos=3,
         priors={"saturation_beta": dict(PARTIAL_LOG_NORMAL["saturation_beta"], centered=False)}),
    case("panel_per_geo_scaling", geos=3, controls=1, scaling={"target": "per_geo", "channel": "per_geo"}),
    case("panel_per_geo_target_scaling", geos=3, scaling={"target": "per_geo"}),
    case("panel_student_t", geos=3, likelihood="student_t"),
    case("panel_truncated_normal", geos=3, likelihood="truncated_normal", yearly_seasonality=1),
    # PyMC Labs' geo configuration (issue #22), and the hill kinds with shared shapes.
    case("panel_labs", geos=3, channels=4, controls=2, yearly_seasonality=2, saturation="hill_sigmoid", priors=LABS),
    # Time-varying intercept and media (1.3's default HSGP, m = 200), and a trend.
    case("national_tvp_intercept", weeks=60, time_varying_intercept=True),
    case("panel_tvp_media", geos=2, weeks=60, time_varying_media=True),
    case("panel_tvp_both", geos=2, weeks=40, controls=1, time_varying_intercept=True, time_varying_media=True),
    case("national_trend", weeks=60, yearly_seasonality=1, trend={"changepoints": 5}),
    case("panel_trend", geos=3, weeks=60, trend={"changepoints": 4}),
    # Lift tests (1.3's default Gamma likelihood of the measured lift).
    case("national_lift_tests", controls=1, lift_tests=True),
    case("panel_lift_tests", geos=2, channels=3, lift_tests=True),
    # Cost-per-target calibration (`add_cost_per_target_calibration`).
    case("national_cost_per_target", controls=1, cost_calibration=True),
    case("panel_cost_per_target", geos=2, cost_calibration=True),
    case("panel_hill_shared_shape", geos=3, saturation="hill", priors={
        "saturation_slope": {"dist": "HalfNormal", "sigma": 1.5, "dims": ["channel"]},
        "saturation_kappa": {"dist": "HalfNormal", "sigma": 1.5, "dims": ["channel"]}}),
    # Events (`add_events` with the Gaussian basis), and the other likelihoods with per-geo scales.
    case("national_events", controls=1, events=True),
    case("panel_events", geos=3, yearly_seasonality=1, events=True),
    case("panel_student_t_per_geo_scaling", geos=3, likelihood="student_t",
         scaling={"target": "per_geo", "channel": "per_geo"}),
    case("panel_truncated_normal_per_geo_scaling", geos=2, likelihood="truncated_normal",
         scaling={"target": "per_geo", "channel": "per_geo"}),
]


def simulate(geos, channels, controls, weeks, seed):
    """Positive spends with a yearly swing, controls, and a target that responds to both."""
    rng = np.random.default_rng(seed)
    t = np.arange(weeks)
    series = []
    for _ in range(max(geos, 1)):
        level = rng.uniform(0.5, 2.0)
        spend = {
            f"x{c + 1}": np.round(
                level * rng.gamma(2.0, 50.0 * (c + 1), weeks) * (1 + 0.3 * np.sin(2 * np.pi * t / 52 + c)), 2
            )
            for c in range(channels)
        }
        control = {f"c{k + 1}": np.round(rng.normal(0, 1, weeks), 3) for k in range(controls)}
        y = 100 * level + sum(3 * np.sqrt(s) for s in spend.values()) + sum(5 * v for v in control.values())
        y = y + rng.normal(0, 5, weeks)
        series.append(
            {
                "y": np.round(y, 3).tolist(),
                "channels": {k: v.tolist() for k, v in spend.items()},
                "controls": {k: v.tolist() for k, v in control.items()},
            }
        )
    dates = pd.date_range(START, periods=weeks, freq="7D")
    return {
        "geos": [f"g{g + 1}" for g in range(geos)] if geos else None,
        "dates": [str(d.date()) for d in dates],
        "channels": [f"x{c + 1}" for c in range(channels)],
        "controls": [f"c{k + 1}" for k in range(controls)],
        "series": series,
    }


def frame(data):
    frames = []
    for g, s in enumerate(data["series"]):
        f = pd.DataFrame({"date": pd.to_datetime(data["dates"]), "y": s["y"]})
        if data["geos"]:
            f["geo"] = data["geos"][g]
        for group in ("channels", "controls"):
            for k, v in s[group].items():
                f[k] = v
        frames.append(f)
    f = pd.concat(frames, ignore_index=True)
    return f.drop(columns="y"), f["y"]


def from_dict(v):
    """1.3's `Prior.to_dict()` form as a pg_mmm prior object (parameters beside "dist")."""
    out = {k: x for k, x in v.items() if k not in ("kwargs", "transform", "centered") or x not in (None, True)}
    out.update(out.pop("kwargs", {}))
    return out


def media_prior(v, default, channels):
    """A media parameter's pg_mmm prior as 1.3's: a per-channel object {"x2": {...}} becomes one
    prior whose constants are arrays over the channels (each channel's own or `default`'s, in
    the same parametrisation)."""
    if "dist" in v:
        return prior(v)
    per = [v.get(c, from_dict(default.to_dict())) for c in channels]
    assert all(p.keys() == per[0].keys() for p in per), per
    params = {k: [p[k] for p in per] for k in per[0] if k != "dist"}
    return Prior(per[0]["dist"], **params, dims="channel")


def prior(v):
    """A pg_mmm prior object as 1.3's `Prior` (or `LogNormalPrior` for the mean/std form)."""
    v = dict(v)
    dist = v.pop("dist")
    dims = v.pop("dims", None)
    centered = v.pop("centered", True)
    transform = v.pop("transform", None)
    params = {k: prior(p) if isinstance(p, dict) else p for k, p in v.items()}
    kwargs = {}
    if dims is not None:
        kwargs["dims"] = (dims,) if isinstance(dims, str) else tuple(dims)
    if dist == "LogNormal" and ("mean" in params or "std" in params):
        return LogNormalPrior(centered=centered, **params, **kwargs)
    if not centered:
        kwargs["centered"] = False
    if transform:
        kwargs["transform"] = transform
    return Prior(dist, **params, **kwargs)


def lift_tests(data):
    """One test per (geo,) channel: spend near its mean, +20 %, a lift of a few percent of the
    target with a standard error of a third of it."""
    tests = []
    for g, s in enumerate(data["series"]):
        for c, channel in enumerate(data["channels"]):
            x = float(np.mean(s["channels"][channel]))
            test = {"channel": channel, "x": round(x, 1), "delta_x": round(0.2 * x, 1),
                    "delta_y": 3.0 + c + g, "sigma": 1.0 + 0.5 * c}
            if data["geos"]:
                test["geo"] = data["geos"][g]
            tests.append(test)
    return tests


def cost_calibration(data):
    """One row per (geo,) channel: a cost per unit of target near what the simulation implies
    (spend over about three times its square root per week), with a tenth of it as its error."""
    rows = []
    for g, s in enumerate(data["series"]):
        for channel in data["channels"]:
            value = round(float(np.sqrt(np.mean(s["channels"][channel]))) / 3, 3)
            row = {"channel": channel, "value": value, "sigma": round(value / 10, 4)}
            if data["geos"]:
                row["geo"] = data["geos"][g]
            rows.append(row)
    return rows


def events(data):
    """Three events: a one-week promotion, a four-week season and a launch just before the data
    begin (its Gaussian tail reaches into them)."""
    dates = pd.to_datetime(data["dates"])
    day = pd.Timedelta(days=1)

    def window(name, start, end):
        return {"name": name, "start_date": str(start.date()), "end_date": str(end.date())}

    return [
        window("promo", dates[5], dates[5] + 6 * day),
        window("season", dates[12], dates[15] + 6 * day),
        window("launch", dates[0] - 10 * day, dates[0] - 3 * day),
    ]


def build(data, config):
    """1.3's MMM of pg_mmm's `config` (only the keys the sweep uses), with the lift tests and
    cost calibration rows the data carry (`lift_tests`, `cost_calibration`)."""
    panel = data["geos"] is not None
    priors = dict(config.get("priors", {}))
    pooling = config.get("pooling", "none")
    saturation_kind = config.get("saturation", "logistic")
    adstock_kind = config.get("adstock", "geometric")
    sat, ads = SATURATION[saturation_kind](), ADSTOCK[adstock_kind](l_max=config.get("l_max", 8))
    channels = data["channels"]
    if pooling != "none":
        # pg_mmm's presets, written out: `full` shares every media parameter; `partial` shares
        # the saturation's (its amplitude pooled log-normally) and the control coefficients.
        media = {f"saturation_{p}": v for p, v in sat.default_priors.items()}
        if pooling == "full":
            media.update({f"adstock_{p}": v for p, v in ads.default_priors.items()})
        presets = {k: dict(v.to_dict(), dims=["channel"]) for k, v in media.items()}
        if pooling == "partial":
            assert saturation_kind == "logistic", "the sweep's partial preset is logistic's"
            presets["saturation_beta"] = PARTIAL_AMPLITUDE
            presets["gamma_control"] = dict(DEFAULTS["gamma_control"], dims=["control"])
            presets["gamma_fourier"] = PARTIAL_FOURIER
        priors = {**{k: from_dict(v) for k, v in presets.items()}, **priors}
    model_config = {}
    for key in ("intercept", "gamma_control", "gamma_fourier"):
        if key in priors:
            model_config[key] = prior(priors.pop(key))
    likelihood = config.get("likelihood", "normal")
    y_sigma = prior(priors.pop("y_sigma")) if "y_sigma" in priors else None
    if likelihood != "normal" or y_sigma is not None:
        sigma = y_sigma or Prior("HalfNormal", sigma=2, dims=("geo",) if panel else ())
        dims = ("date", "geo") if panel else ("date",)
        if likelihood == "normal":
            model_config["likelihood"] = Prior("Normal", sigma=sigma, dims=dims)
        elif likelihood == "student_t":
            nu = prior(priors.pop("likelihood_nu", {"dist": "Gamma", "alpha": 2, "beta": 0.1}))
            model_config["likelihood"] = Prior("StudentT", nu=nu, sigma=sigma, dims=dims)
        else:
            model_config["likelihood"] = Prior("TruncatedNormal", lower=0, sigma=sigma, dims=dims)
    media = {"adstock_": ads.default_priors, "saturation_": sat.default_priors}
    adstock_priors, saturation_priors = (
        {
            k[len(prefix):]: media_prior(v, media[prefix][k[len(prefix):]], channels)
            for k, v in priors.items()
            if k.startswith(prefix)
        }
        for prefix in ("adstock_", "saturation_")
    )
    assert len(adstock_priors) + len(saturation_priors) == len(priors), priors
    scaling = None
    if config.get("scaling"):
        over = {k: () if v == "per_geo" else ("geo",) for k, v in config["scaling"].items()}
        scaling = Scaling(
            target=DataDerivedScaling(method="max", dims=over.get("target", ("geo",))),
            channel=DataDerivedScaling(method="max", dims=over.get("channel", ("geo",))),
        )
    tvp = {k: config[k] for k in ("time_varying_intercept", "time_varying_media") if config.get(k)}
    config = {k: v for k, v in config.items() if k not in ("lift_tests", "cost_calibration")}
    mmm = MMM(
        **tvp,
        date_column="date",
        target_column="y",
        channel_columns=data["channels"],
        control_columns=data["controls"] or None,
        dims=("geo",) if panel else (),
        adstock=ADSTOCK[adstock_kind](
            l_max=config.get("l_max", 8), normalize=config.get("normalize", True), priors=adstock_priors or None
        ),
        saturation=SATURATION[saturation_kind](priors=saturation_priors or None),
        adstock_first=config.get("adstock_first", True),
        yearly_seasonality=config.get("yearly_seasonality") or None,
        scaling=scaling,
        model_config=model_config or None,
    )
    if "trend" in config:
        trend = LinearTrend(n_changepoints=config["trend"]["changepoints"], dims=("geo",) if panel else ())
        mmm.add_mu_effect(LinearTrendEffect(trend=trend, prefix="trend"))
    if "events" in data:
        size = Prior("Normal", mu=0, sigma=1, dims="event")
        effect = EventEffect(basis=GaussianBasis(), effect_size=size, dims=("event",))
        mmm.add_events(pd.DataFrame(data["events"]), prefix="event", effect=effect)
    x, y = frame(data)
    mmm.build_model(x, y)
    if "lift_tests" in data:
        mmm.add_lift_test_measurements(pd.DataFrame(data["lift_tests"]))
    if "cost_calibration" in data:
        rows = pd.DataFrame(data["cost_calibration"]).rename(columns={"value": "cost_per_target"})
        mmm.add_cost_per_target_calibration(x, rows)
    return mmm.model


def engine_name(value_name):
    n = value_name
    for suffix in TRANSFORMS:
        if n.endswith(suffix):
            n = n[: -len(suffix)]
            break
    if n.endswith("_hsgp_coefs_offset"):
        # An HSGP's basis coefficients keep 1.3's name: the offsets are the parameters.
        return n
    for suffix in ("_offset", "_log", "_raw"):
        if n.endswith(suffix):
            n = n[: -len(suffix)]
    return ENGINE_NAMES.get(n, n)


def label(v):
    v = v.item() if hasattr(v, "item") else v
    return str(v)


def evaluate(model, seed):
    values = model.value_vars
    logp = model.compile_logp(jacobian=True)
    grad = model.compile_fn(pytensor.grad(model.logp(jacobian=True), values), inputs=values)
    rng = np.random.default_rng(seed)
    start = model.initial_point()
    coordinates, points, skipped = [], [], []
    while len(points) < POINTS:
        k = len(points)
        point = {name: v + rng.normal(0, STEP, np.shape(v)) for name, v in start.items()}
        grads = grad(point)
        if not all(np.isfinite(g).all() for g in grads):
            # 1.3's gradient is NaN at some points of a few kernels (weibull_cdf's at lag 0):
            # such a point says nothing about pg_mmm's, so it is drawn again, and recorded.
            skipped.append([v.name for v, g in zip(values, grads) if not np.isfinite(g).all()])
            continue
        us, gs = [], []
        for value, g in zip(values, grads):
            rv = model.values_to_rvs[value]
            dims = model.named_vars_to_dims.get(rv.name, ())
            u = np.asarray(point[value.name], float)
            for index in np.ndindex(*u.shape):
                if k == 0:
                    coord = {d: label(model.coords[d][i]) for d, i in zip(dims, index)}
                    coordinates.append({"name": engine_name(value.name), "value_var": value.name, "coord": coord})
                us.append(float(u[index]))
                gs.append(float(np.asarray(g, float)[index]))
        points.append({"log_density": float(logp(point)), "u": us, "grad": gs})
    return coordinates, points, skipped


def run(spec, seed):
    geos, channels, controls, weeks = spec["shape"]
    data = simulate(geos, channels, controls, weeks, seed)
    config = dict(spec["config"])
    if config.pop("lift_tests", False):
        data["lift_tests"] = lift_tests(data)
    if config.pop("cost_calibration", False):
        data["cost_calibration"] = cost_calibration(data)
    if config.pop("events", False):
        data["events"] = events(data)
    model = build(data, config)
    coordinates, points, skipped = evaluate(model, seed)
    print(f"{spec['name']}: {len(coordinates)} coordinates, log densities "
          f"{[round(p['log_density'], 3) for p in points]}" + (f", skipped {skipped}" if skipped else ""))
    out = {"data": data, "config": config, "coordinates": coordinates, "points": points}
    if skipped:
        out["skipped_points"] = {"why": "1.3's gradient is not finite in these value variables", "value_vars": skipped}
    return out


def main():
    only = set(sys.argv[1:])
    unknown = only - {c["name"] for c in CASES}
    if unknown:
        sys.exit(f"unknown cases {sorted(unknown)}")
    old = json.loads(OUT.read_text())["cases"] if only and OUT.exists() else {}
    cases = {}
    for seed, spec in enumerate(CASES, start=100):
        name = spec["name"]
        if not only or name in only:
            cases[name] = run(spec, seed)
        elif name in old:
            cases[name] = old[name]
    out = {"pymc_marketing": pymc_marketing.__version__, "cases": cases}
    OUT.write_text(json.dumps(out, separators=(",", ":")) + "\n")
    print(f"wrote {OUT} ({OUT.stat().st_size / 1e3:.0f} kB)")


if __name__ == "__main__":
    main()

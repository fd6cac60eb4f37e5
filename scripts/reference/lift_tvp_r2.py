"""Reference fixture for pg_mmm's lift tests with time-varying media: PyMC-Marketing 1.3.0's `MMM`
with `time_varying_media=True` (default HSGPKwargs, m = 200) and dated lift tests added by
`add_lift_test_measurements` (docs/02-fitting.md, "Calibrating with experiments" and
"Time-varying intercept and media"), on tvp_r2.py's simulated data: the national data set
(`simulate_national`) and the 3-geo panel (`simulate_panel`). Nothing is sampled: the fixture
holds 1.3's log density (PyMC's `compile_logp`, Jacobians included) and each test's
`lift_measurements_model_estimated_lift` (scaled) and `..._original_scale` at a few points,
which crates/engine/tests/lift_tvp_acceptance.rs evaluates with the engine.

The points are 1.3's initial point moved by seeded normal steps (sd 0.3) in the unconstrained
coordinates; the fixture gives each point's constrained values as rows {"name", "pymc_name",
"coord", "value"} with pg_mmm's names (tvp_r2.py's `ENGINE_NAMES`). The lift tests: one per
(geo,) channel, each at its own training date, x near the channel's mean spend, Normal
likelihood.

    $(scripts/reference/venv r2) scripts/reference/lift_tvp_r2.py

writes crates/engine/tests/fixtures/lift_tvp_r2.json.
"""

import json
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pymc_marketing
from pymc_marketing.mmm import MMM, GeometricAdstock, LogisticSaturation

sys.path.insert(0, str(Path(__file__).resolve().parent))
from tvp_r2 import CHANNELS, ENGINE_NAMES, L_MAX, START, WEEKS, frame, label, simulate_national, simulate_panel  # noqa: E402

OUT = Path("crates/engine/tests/fixtures/lift_tvp_r2.json")
POINTS = 3
LIFT = "lift_measurements"


def lift_tests(data, dates):
    """One test per (geo,) channel at its own date: spend near the mean, +20 %, a lift of a few
    percent of the target and a standard error of a third of it."""
    tests = []
    for g, (geo, s) in enumerate(zip(data["geos"] or [None], data["series"])):
        for c, channel in enumerate(CHANNELS):
            x = float(np.mean(s["channels"][channel]))
            row = {"channel": channel, "date": str(dates[(23 * (2 * g + c) + 11) % WEEKS].date()),
                   "x": round(x, 1), "delta_x": round(0.2 * x, 1), "delta_y": 30.0 + 10 * c + 5 * g, "sigma": 12.0}
            if geo is not None:
                row["geo"] = geo
            tests.append(row)
    return tests


def constrained(model, point):
    """Rows of the constrained value of each free variable's elements at unconstrained `point`."""
    out = []
    for rv in model.free_RVs:
        value = model.rvs_to_values[rv].name
        v = np.asarray(point[value], float)
        # PyMC's default transforms of this model's priors: Beta -> logodds; Gamma, HalfNormal,
        # Exponential, InverseGamma -> log; Normal none.
        if value.endswith("_logodds__"):
            v = 1 / (1 + np.exp(-v))
        elif value.endswith("_log__"):
            v = np.exp(v)
        else:
            assert value == rv.name, value
        dims = model.named_vars_to_dims.get(rv.name, ())
        for index in np.ndindex(*v.shape):
            coord = {d: label(model.coords[d][i]) for d, i in zip(dims, index)}
            out.append({"name": ENGINE_NAMES.get(rv.name, rv.name), "pymc_name": rv.name, "coord": coord,
                        "value": float(v[index])})
    return out


def run(case, seed):
    data, _ = simulate_national() if case == "national" else simulate_panel()
    dates = pd.date_range(START, periods=WEEKS, freq="7D")
    data = {"geos": data["geos"], "dates": [str(d.date()) for d in dates], "channels": CHANNELS,
            "controls": [], "series": data["series"]}
    x, y = frame(data, dates)
    mmm = MMM(
        date_column="date",
        target_column="y",
        channel_columns=CHANNELS,
        dims=("geo",) if data["geos"] else (),
        adstock=GeometricAdstock(l_max=L_MAX),
        saturation=LogisticSaturation(),
        time_varying_media=True,
    )
    mmm.build_model(x, y)
    tests = lift_tests(data, dates)
    frame_tests = pd.DataFrame(tests)
    frame_tests["date"] = pd.to_datetime(frame_tests["date"])
    mmm.add_lift_test_measurements(frame_tests)
    model = mmm.model
    logp = model.compile_logp()
    # The lifts as functions of the value variables: compiled as they stand, they would draw
    # their free variables from the priors.
    outs = model.replace_rvs_by_values(
        [model[f"{LIFT}_model_estimated_lift"], model[f"{LIFT}_model_estimated_lift_original_scale"]])
    lifts = model.compile_fn(outs, inputs=model.value_vars, on_unused_input="ignore")
    rng = np.random.default_rng(seed)
    start = model.initial_point()
    points = []
    for _ in range(POINTS):
        point = {k: v + rng.normal(0, 0.3, np.shape(v)) for k, v in start.items()}
        scaled, original = lifts(point)
        points.append({"parameters": constrained(model, point), "log_density": float(logp(point)),
                       "lift": np.asarray(scaled, float).tolist(), "lift_original": np.asarray(original, float).tolist()})
    print(f"{case}: log densities {[round(p['log_density'], 3) for p in points]}")
    return {"data": data, "config": {"time_varying_media": True}, "lift_tests": tests, "points": points}


def main():
    out = {"pymc_marketing": pymc_marketing.__version__,
           "cases": {"national": run("national", 61), "panel": run("panel", 62)}}
    OUT.write_text(json.dumps(out, indent=1) + "\n")
    print(f"wrote {OUT} ({OUT.stat().st_size / 1e3:.0f} kB)")


if __name__ == "__main__":
    main()

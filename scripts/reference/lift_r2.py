"""Reference fixture for pg_mmm's lift tests: PyMC-Marketing 1.3.0's `MMM` on the example data
(data/pymc_mmm_example.csv) calibrated with one lift test per channel through
`add_lift_test_measurements` (issue #14 acceptance; docs/02-fitting.md, "Calibrating with
experiments"), fitted with nutpie.

The model is round 1's standard national fit: channels x1, x2, controls event_1, event_2, t,
GeometricAdstock(l_max=8), LogisticSaturation, yearly seasonality 2, 1.3's default priors
(intercept Normal(0, 2), adstock_alpha Beta(1, 3), saturation_lam Gamma(3, 1),
saturation_beta HalfNormal(2), gamma_control Normal(0, 2), gamma_fourier Laplace(0, 1),
y_sigma HalfNormal(2)), scales max y and max x per channel. The lift tests (`LIFT_TESTS`) are
steady-state experiments at a typical spend level, with lifts of the size the uncalibrated
posterior implies and standard errors of about a fifth of the lift: the Normal likelihood.

Sampled with nutpie, 4 chains x 1000 draws after 1000 tuning steps, seed 31. The fixture holds
the lift tests, the sampler settings, and the posterior mean and MCSE (ArviZ) of every
parameter by name and coordinate, plus the model's estimated lift in original units per test.
Writes crates/engine/tests/fixtures/lift_r2.json; rerun from the repo root with

    $(scripts/reference/venv r2) scripts/reference/lift_r2.py

(LIFT_R2_DRAWS=50 makes a quick trial run; the committed fixture is the full one.)
"""

import json
import os
import time
from pathlib import Path

import arviz as az
import numpy as np
import pandas as pd
import pymc_marketing
from pymc_marketing.mmm import MMM, GeometricAdstock, LogisticSaturation

DATA = Path("data/pymc_mmm_example.csv")
OUT = Path("crates/engine/tests/fixtures/lift_r2.json")
CHANNELS = ["x1", "x2"]
CONTROLS = ["event_1", "event_2", "t"]
LIFT_TESTS = [
    {"channel": "x1", "x": 0.4, "delta_x": 0.1, "delta_y": 250.0, "sigma": 50.0},
    {"channel": "x2", "x": 0.3, "delta_x": 0.1, "delta_y": 150.0, "sigma": 30.0},
]
SAMPLER = {"chains": 4, "tune": 1000, "draws": 1000, "seed": 31}
# 1.3's intercept variable is `intercept_contribution`; the engine's parameter is `intercept`.
ENGINE_NAMES = {"intercept_contribution": "intercept"}


def dataset(result):
    """An ArviZ result as an xarray Dataset of the posterior's variables."""
    node = getattr(result, "posterior", result)
    return node.to_dataset() if hasattr(node, "to_dataset") else node


def rows(idata, names, rename=None):
    """Mean and MCSE of each element of the named variables, by name and coordinate."""
    posterior = dataset(idata)
    means = posterior[names].mean(("chain", "draw"))
    mcse = dataset(az.mcse(idata, var_names=names, method="mean"))
    out = []
    for name in names:
        mean, err = means[name], mcse[name]
        for index in np.ndindex(*mean.shape):
            sel = dict(zip(mean.dims, index))
            coord = {d: str(mean[d].values[i]) for d, i in sel.items()}
            out.append(
                {
                    "name": (rename or {}).get(name, name),
                    "coord": coord,
                    "mean": float(mean.isel(sel)),
                    "mcse": float(err.isel(sel)),
                }
            )
    return out


def main():
    df = pd.read_csv(DATA, parse_dates=["date_week"])
    x, y = df[["date_week", *CHANNELS, *CONTROLS]], df["y"]
    mmm = MMM(
        date_column="date_week",
        target_column="y",
        channel_columns=CHANNELS,
        control_columns=CONTROLS,
        adstock=GeometricAdstock(l_max=8),
        saturation=LogisticSaturation(),
        yearly_seasonality=2,
    )
    mmm.build_model(x, y)
    mmm.add_lift_test_measurements(pd.DataFrame(LIFT_TESTS))
    draws = int(os.environ.get("LIFT_R2_DRAWS", SAMPLER["draws"]))
    started = time.perf_counter()
    idata = mmm.fit(
        x,
        y,
        nuts_sampler="nutpie",
        chains=SAMPLER["chains"],
        draws=draws,
        tune=int(os.environ.get("LIFT_R2_DRAWS", SAMPLER["tune"])),
        random_seed=SAMPLER["seed"],
        progressbar=False,
    )
    seconds = time.perf_counter() - started
    posterior = dataset(idata)
    parameters = [
        v
        for v in mmm.model.free_RVs
        if v.name in posterior
    ]
    names = [v.name for v in parameters]
    diverging = int(idata.sample_stats["diverging"].sum())
    rhat = float(dataset(az.rhat(idata, var_names=names)).to_dataarray().max())
    print(f"{seconds:.0f} s, {diverging} divergences, max r_hat {rhat:.3f}")
    lifts = rows(idata, ["lift_measurements_model_estimated_lift_original_scale"])
    out = {
        "pymc_marketing": pymc_marketing.__version__,
        "sampler": {**SAMPLER, "draws": draws, "name": "nutpie"},
        "seconds": seconds,
        "divergences": diverging,
        "lift_tests": LIFT_TESTS,
        "parameters": rows(idata, names, ENGINE_NAMES),
        "estimated_lift": [r["mean"] for r in lifts],
        "estimated_lift_mcse": [r["mcse"] for r in lifts],
    }
    OUT.write_text(json.dumps(out, indent=1) + "\n")


if __name__ == "__main__":
    main()

"""Reference fixture for pg_mmm's cost-per-target calibration: PyMC-Marketing 1.3.0's `MMM` on
the example data (data/pymc_mmm_example.csv) calibrated with one cost-per-target row per channel
through `add_cost_per_target_calibration` (issue #14 item 2; docs/02-fitting.md, "Calibrating
with cost per target or ROAS"), fitted with nutpie.

The model is the one of lift_r2.py (round 1's standard national fit with 1.3's default priors);
the spend is the channel columns themselves. The rows (`CPT`) measure spend per unit of y over
the whole window below what the data alone imply (set from spend per unit of historical
contribution in the README's optimizer example), with standard errors of a tenth of the
value, so that the term pulls against the likelihood.

Sampled with nutpie, 4 chains x 1000 draws after 1000 tuning steps, seed 31. The fixture holds
the rows, the sampler settings, the posterior mean and MCSE (ArviZ) of every parameter by name
and coordinate, and the model's cost per target per row (mean and MCSE). Writes
crates/engine/tests/fixtures/cpt_r2.json; rerun from the repo root with

    $(scripts/reference/venv r2) scripts/reference/cpt_r2.py

(CPT_R2_DRAWS=50 makes a quick trial run; the committed fixture is the full one.)
"""

import json
import os
import time
from pathlib import Path

import arviz as az
import numpy as np
import pandas as pd
import pymc_marketing
from lift_r2 import CHANNELS, CONTROLS, DATA, ENGINE_NAMES, SAMPLER, dataset, rows
from pymc_marketing.mmm import MMM, GeometricAdstock, LogisticSaturation

OUT = Path("crates/engine/tests/fixtures/cpt_r2.json")
CPT = [
    {"channel": "x1", "cost_per_target": 9.0e-5, "sigma": 9.0e-6},
    {"channel": "x2", "cost_per_target": 1.7e-4, "sigma": 1.7e-5},
]


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
    mmm.add_cost_per_target_calibration(x, pd.DataFrame(CPT))
    draws = int(os.environ.get("CPT_R2_DRAWS", SAMPLER["draws"]))
    started = time.perf_counter()
    idata = mmm.fit(
        x,
        y,
        nuts_sampler="nutpie",
        chains=SAMPLER["chains"],
        draws=draws,
        tune=int(os.environ.get("CPT_R2_DRAWS", SAMPLER["tune"])),
        random_seed=SAMPLER["seed"],
        progressbar=False,
    )
    seconds = time.perf_counter() - started
    posterior = dataset(idata)
    names = [v.name for v in mmm.model.free_RVs if v.name in posterior]
    diverging = int(idata.sample_stats["diverging"].sum())
    rhat = float(dataset(az.rhat(idata, var_names=names)).to_dataarray().max())
    print(f"{seconds:.0f} s, {diverging} divergences, max r_hat {rhat:.3f}")
    # Each row's ratio per draw: mean spend over the mean original-scale contribution.
    contribution = posterior["channel_contribution_original_scale"]
    estimates = []
    for row in CPT:
        spend = float(df[row["channel"]].mean())
        ratio = spend / contribution.sel(channel=row["channel"]).mean("date")
        mcse = float(np.asarray(az.mcse(ratio.values, method="mean")))
        estimates.append({"mean": float(ratio.mean()), "mcse": mcse})
    out = {
        "pymc_marketing": pymc_marketing.__version__,
        "sampler": {**SAMPLER, "draws": draws, "name": "nutpie"},
        "seconds": seconds,
        "divergences": diverging,
        "cost_calibration": CPT,
        "parameters": rows(idata, names, ENGINE_NAMES),
        "estimates": estimates,
    }
    OUT.write_text(json.dumps(out, indent=1) + "\n")


if __name__ == "__main__":
    main()

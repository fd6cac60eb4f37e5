"""Reference fixture for pg_mmm's linear trend: PyMC-Marketing 1.3.0's `MMM` on the example data
(data/pymc_mmm_example.csv) with `LinearTrendEffect(LinearTrend(n_changepoints=5))` added by
`add_mu_effect` (docs/02-fitting.md, "Trend and events"), fitted with nutpie.

The model is round 1's standard national fit (channels x1, x2, GeometricAdstock(l_max=8),
LogisticSaturation, yearly seasonality 2, 1.3's default priors) plus the trend, whose default
priors are delta ~ Laplace(0, 0.25) over the changepoints and no offset k
(include_intercept=False). One change: the controls are event_1 and event_2 only. The example's
control `t` is the week number 0..T-1, and the trend's first hinge (changepoint 0 at the first
date) is t / max(t): with both the model has an exact ridge between gamma_control[t] and
delta[0], which only the priors close, and which would compare two samplers' handling of a
non-identified direction rather than the trend.

Sampled with nutpie, 4 chains x 1000 draws after 1000 tuning steps, seed 51. The fixture holds
the engine's config for the same model ("config": yearly_seasonality, trend.changepoints and the
sampler settings), the controls, the trend's normalisation as 1.3 computed it (t_max in days and
the changepoints in normalised time), and the posterior mean, MCSE, r_hat and bulk ESS
(ArviZ) of every parameter by pg_mmm's name and coordinate (1.3's `intercept_contribution` is
`intercept`, its `delta` is `trend_delta`), as tvp_r2.py's rows, and 1.3's log density (PyMC's
`compile_logp`, Jacobians of the log/logodds transforms included) at that posterior mean and its
change when one delta moves ("log_density"): the two models are the same function, whatever
their samplers' Monte Carlo error (see trend_acceptance.rs). Writes
crates/engine/tests/fixtures/trend_r2.json, read by crates/engine/tests/trend_acceptance.rs;
rerun from the repo root with

    $(scripts/reference/venv r2) scripts/reference/trend_r2.py

(TREND_R2_DRAWS=50 makes a quick trial run; the committed fixture is the full one.
TREND_R2_SEED=n TREND_R2_OUT=path fits with another seed into another file: a second reference
run, to tell the reference's Monte Carlo error from a difference between the models.)
"""

import json
import os
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pymc_marketing
from pymc_marketing.mmm import MMM, GeometricAdstock, LogisticSaturation
from pymc_marketing.mmm.additive_effect import LinearTrendEffect
from pymc_marketing.mmm.linear_trend import LinearTrend

sys.path.insert(0, str(Path(__file__).resolve().parent))
from panel_r2 import dataset  # noqa: E402
from tvp_r2 import rows  # noqa: E402

DATA = Path("data/pymc_mmm_example.csv")
OUT = Path(os.environ.get("TREND_R2_OUT", "crates/engine/tests/fixtures/trend_r2.json"))
CHANNELS = ["x1", "x2"]
CONTROLS = ["event_1", "event_2"]
CHANGEPOINTS = 5
SAMPLER = {"chains": 4, "tune": 1000, "draws": 1000, "seed": 51}
ENGINE_NAMES = {"intercept_contribution": "intercept", "delta": "trend_delta", "k": "trend_k"}


# (changepoint, step) pairs of the log-density check.
DELTA_STEPS = [(0, 0.01), (1, 0.02), (2, 0.01), (3, -0.01), (4, 0.05)]


def log_density(mmm, parameters):
    """1.3's log density at the posterior means of `parameters` (rows by 1.3 name), on the
    sampler's unconstrained coordinates, and its change for each step of DELTA_STEPS."""
    model = mmm.model
    means = {}
    for r in parameters:
        means.setdefault(r["pymc_name"], []).append(r["mean"])
    point = {}
    for rv in model.free_RVs:
        value = model.rvs_to_values[rv].name
        v = np.reshape(means[rv.name], model.initial_point()[value].shape)
        # PyMC's default transforms of this model's priors: Beta -> logodds, Gamma and
        # HalfNormal -> log; Normal and Laplace none.
        if value.endswith("_logodds__"):
            v = np.log(v / (1 - v))
        elif value.endswith("_log__"):
            v = np.log(v)
        else:
            assert value == rv.name, value
        point[value] = v
    logp = model.compile_logp()
    at_mean = float(logp(point))
    steps = []
    for j, h in DELTA_STEPS:
        delta = point["delta"].copy()
        delta[j] += h
        steps.append({"changepoint": j, "step": h, "change": float(logp({**point, "delta": delta})) - at_mean})
    return {"at_mean": at_mean, "delta_steps": steps}


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
    trend = LinearTrend(n_changepoints=CHANGEPOINTS)
    mmm.add_mu_effect(LinearTrendEffect(trend=trend, prefix="trend"))
    sampler = {
        **SAMPLER,
        "seed": int(os.environ.get("TREND_R2_SEED", SAMPLER["seed"])),
        "draws": int(os.environ.get("TREND_R2_DRAWS", SAMPLER["draws"])),
        "tune": int(os.environ.get("TREND_R2_DRAWS", SAMPLER["tune"])),
    }
    started = time.perf_counter()
    idata = mmm.fit(
        x,
        y,
        nuts_sampler="nutpie",
        chains=sampler["chains"],
        draws=sampler["draws"],
        tune=sampler["tune"],
        random_seed=sampler["seed"],
        progressbar=False,
    )
    seconds = time.perf_counter() - started
    posterior = dataset(idata)
    free = [v.name for v in mmm.model.free_RVs if v.name in posterior]
    parameters = rows(idata, free, ENGINE_NAMES)
    diverging = int(idata.sample_stats["diverging"].sum())
    max_rhat = max(r["r_hat"] for r in parameters)
    print(f"{seconds:.0f} s, {diverging} divergences, max r_hat {max_rhat:.3f}")
    # 1.3's normalisation on the training dates (what pg_mmm freezes).
    t = np.asarray(mmm.model["trend_t"].get_value(), float)
    out = {
        "pymc_marketing": pymc_marketing.__version__,
        "sampler": {"name": "nutpie", **sampler},
        "config": {"yearly_seasonality": 2, "trend": {"changepoints": CHANGEPOINTS},
                   **{k: sampler[k] for k in ("chains", "tune", "draws", "seed")}},
        "channels": CHANNELS,
        "controls": CONTROLS,
        "priors": {ENGINE_NAMES.get(k, k): p.to_dict() for k, p in trend.priors.items()},
        "trend": {"t_max_days": float(t.max()), "changepoints": np.linspace(0, 1, CHANGEPOINTS).tolist()},
        "seconds": round(seconds, 1),
        "divergences": diverging,
        "max_r_hat": max_rhat,
        "min_ess_bulk": min(r["ess_bulk"] for r in parameters),
        "parameters": parameters,
        "log_density": log_density(mmm, parameters),
    }
    OUT.write_text(json.dumps(out, indent=1) + "\n")


if __name__ == "__main__":
    main()

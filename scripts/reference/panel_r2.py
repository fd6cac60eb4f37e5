"""Reference fixture for pg_mmm's geo panels: PyMC-Marketing 1.3.0's `MMM(dims=("geo",))`
fitted with nutpie on the panel of crates/engine/tests/fixtures/panel_r2_data.json (issue #11
acceptance; docs/01-model.md, "Panels against PyMC-Marketing 1.3").

The data (4 geos x 104 weeks, channels tv, search, radio, control demand) are the engine's
simulator's, written by `cargo test -p mmm_engine --test panel_acceptance -- --ignored`, with the
two configs the test fits:

* "default": 1.3's defaults for a geo model (model_config None: every parameter per geo and
  independent; scales over all geos), geometric adstock l_max 8, logistic saturation, yearly
  seasonality 2;
* "partial": pg_mmm's `"pooling": "partial"` preset written out as 1.3 `Prior` objects (PyMC
  Labs' log-normal partial pooling of saturation_beta over geos, non-centred; lam and the
  control coefficient shared; adstock, intercept and sigma per geo; Fourier coefficients per
  geo with one non-centred scale), with per-geo scales.

Each is fitted with nutpie (4 chains x 1000 draws after 1000 tuning steps, fixed seed). The
fixture records, per config, the priors 1.3 built the model with (`Prior.to_dict()`, by
pg_mmm's parameter name), the scales, and the posterior mean and MCSE (ArviZ) of every
parameter by name and coordinate. Writes crates/engine/tests/fixtures/panel_r2.json; rerun from
the repo root with

    $(scripts/reference/venv r2) scripts/reference/panel_r2.py

(PANEL_R2_DRAWS=50 makes a quick trial run; the committed fixture is the full one.)
"""

import json
import os
import time
from pathlib import Path

import arviz as az
import numpy as np
import pandas as pd
import pymc_marketing
from pymc_extras.prior import Prior
from pymc_marketing.mmm import MMM, GeometricAdstock, LogisticSaturation
from pymc_marketing.mmm.scaling import DataDerivedScaling, Scaling

DATA = Path("crates/engine/tests/fixtures/panel_r2_data.json")
OUT = Path("crates/engine/tests/fixtures/panel_r2.json")

# The engine's "pooling": "partial" preset (crates/engine/src/model/spec.rs, `pooled`).
PARTIAL = {
    "saturation_beta": Prior(
        "Normal",
        mu=Prior("Normal", mu=-1.5, sigma=0.25, dims="channel"),
        sigma=Prior("Exponential", scale=0.25, dims="channel"),
        dims=("geo", "channel"),
        transform="exp",
        centered=False,
    ),
    "saturation_lam": Prior("Gamma", alpha=3, beta=1, dims="channel"),
    "adstock_alpha": Prior("Beta", alpha=1, beta=3, dims=("geo", "channel")),
    "intercept": Prior("Normal", mu=0, sigma=2, dims="geo"),
    "gamma_control": Prior("Normal", mu=0, sigma=2, dims="control"),
    "gamma_fourier": Prior(
        "Normal",
        mu=0,
        sigma=Prior("HalfNormal", sigma=0.2),
        dims=("geo", "fourier_mode"),
        centered=False,
    ),
    "likelihood": Prior(
        "Normal", sigma=Prior("HalfNormal", sigma=2, dims="geo"), dims=("date", "geo")
    ),
}
PER_GEO = Scaling(
    target=DataDerivedScaling(method="max", dims=()),
    channel=DataDerivedScaling(method="max", dims=()),
)
# Posterior variables that are not parameters: per-week series and 1.3's intermediate
# Deterministics of non-centred and transformed priors (the engine samples the same model
# without naming them).
SKIP_SUFFIXES = ("_offset", "_raw")
# 1.3's intercept variable is `intercept_contribution`; the engine's parameter is `intercept`.
ENGINE_NAMES = {"intercept_contribution": "intercept"}


def long_frame(data):
    frames = []
    for geo, s in zip(data["geos"], data["series"]):
        frame = pd.DataFrame(
            {"date": pd.to_datetime(data["dates"]), "geo": geo, "y": s["y"]}
        )
        for group in ("channels", "controls"):
            for name in data[group]:
                frame[name] = s[group][name]
        frames.append(frame)
    return pd.concat(frames, ignore_index=True)


def build(data, name):
    config = data["configs"][name]
    mmm = MMM(
        date_column="date",
        target_column="y",
        channel_columns=data["channels"],
        control_columns=data["controls"],
        dims=("geo",),
        adstock=GeometricAdstock(l_max=8),
        saturation=LogisticSaturation(),
        yearly_seasonality=config["yearly_seasonality"],
        scaling=PER_GEO if "scaling" in config else None,
        model_config=PARTIAL if config.get("pooling") == "partial" else None,
    )
    assert config.get("scaling", {}) in (
        {},
        {"target": "per_geo", "channel": "per_geo"},
    ), config
    return mmm


def priors(mmm):
    """The priors the built model used, keyed by pg_mmm's parameter names."""
    out = {
        key: mmm.model_config[key].to_dict()
        for key in ("intercept", "gamma_control", "gamma_fourier")
    }
    out["y_sigma"] = mmm.model_config["likelihood"].parameters["sigma"].to_dict()
    for prefix, transform in (
        ("adstock", mmm.adstock),
        ("saturation", mmm.saturation),
    ):
        for param, prior in transform.function_priors.items():
            out[f"{prefix}_{param}"] = prior.to_dict()
    return out


def scales(mmm):
    """Target scale per geo and channel scale per (geo, channel), one row when shared."""
    target = np.atleast_1d(np.asarray(mmm.model["target_scale"].get_value(), float))
    channel = np.asarray(mmm.model["channel_scale"].get_value(), float)
    return {"target": target.tolist(), "channel": np.atleast_2d(channel).tolist()}


def dataset(result):
    """An ArviZ result as an xarray Dataset of the posterior's variables."""
    node = getattr(result, "posterior", result)
    return node.to_dataset() if hasattr(node, "to_dataset") else node


def parameter_names(idata, model):
    """The posterior variables that are pg_mmm's parameters (hyper-parameters included)."""
    posterior = dataset(idata)
    return [
        v
        for v in model.named_vars
        if v in posterior
        and "date" not in posterior[v].dims
        and not v.endswith(SKIP_SUFFIXES)
        and (v in ENGINE_NAMES or "contribution" not in v)
    ]


def summary(idata, model):
    posterior = dataset(idata)
    names = parameter_names(idata, model)
    means = posterior[names].mean(("chain", "draw"))
    mcse = dataset(az.mcse(idata, var_names=names, method="mean"))
    rows = []
    for name in names:
        mean, err = means[name], mcse[name]
        dims = [d for d in mean.dims]
        for index in np.ndindex(*mean.shape):
            coord = {d: str(mean[d].values[i]) for d, i in zip(dims, index)}
            sel = dict(zip(dims, index))
            rows.append(
                {
                    "name": ENGINE_NAMES.get(name, name),
                    "coord": coord,
                    "mean": float(mean.isel(sel)),
                    "mcse": float(err.isel(sel)),
                }
            )
    return rows


def main():
    data = json.loads(DATA.read_text())
    frame = long_frame(data)
    x, y = frame.drop(columns="y"), frame["y"]
    out = {
        "pymc_marketing": pymc_marketing.__version__,
        "sampler": "nutpie, 4 chains x 1000 draws, 1000 tuning steps",
    }
    for name, config in data["configs"].items():
        mmm = build(data, name)
        started = time.perf_counter()
        idata = mmm.fit(
            x,
            y,
            nuts_sampler="nutpie",
            chains=config["chains"],
            draws=int(os.environ.get("PANEL_R2_DRAWS", config["draws"])),
            tune=int(os.environ.get("PANEL_R2_DRAWS", config["tune"])),
            random_seed=config["seed"],
            progressbar=False,
        )
        seconds = time.perf_counter() - started
        diverging = int(idata.sample_stats["diverging"].sum())
        rhat = float(dataset(az.rhat(idata)).to_dataarray().max())
        print(f"{name}: {seconds:.0f} s, {diverging} divergences, max r_hat {rhat:.3f}")
        out[name] = {
            "priors": priors(mmm),
            "scales": scales(mmm),
            "seconds": round(seconds, 1),
            "divergences": diverging,
            "parameters": summary(idata, mmm.model),
        }
    OUT.write_text(json.dumps(out, indent=1) + "\n")


if __name__ == "__main__":
    main()

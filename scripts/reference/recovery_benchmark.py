"""PyMC-Marketing 1.3.0 with PyMC Labs' geo configuration on the recovery benchmark's panels
(issue #22; `scripts/bench recovery`): fits each panel written by `cargo bench --bench recovery
-- --write DIR` with nutpie at the panel's sampler settings and leaves beside it
`<panel>.pymc.json`: per (geo, channel, week) the posterior mean of the channel's contribution in
units of `y` and its 90% highest-density interval, the wall time of sampling (nutpie's compile
included), the smallest bulk ESS and largest r_hat over the free parameters, and the
divergences. The benchmark scores them against the truth beside pg_mmm's candidates.

The model is logp_sweep.py's `build` of the panel's `config`, whose log density equals
pg_mmm's point by point (crates/engine/tests/fixtures/logp_sweep.json, case panel_labs).

    $(scripts/reference/venv r2) scripts/reference/recovery_benchmark.py DIR/<panel>.json ...
"""

import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import arviz as az  # noqa: E402
import numpy as np  # noqa: E402
import pymc as pm  # noqa: E402
import pytensor  # noqa: E402
import xarray as xr  # noqa: E402
from logp_sweep import build  # noqa: E402
from panel_r2 import dataset, parameter_names  # noqa: E402

INTERVAL = 0.90


def answer(path):
    data = json.loads(Path(path).read_text())
    sampler = data["sampler"]
    model = build(data, {**data["config"], "yearly_seasonality": 2})
    started = time.perf_counter()
    with model:
        idata = pm.sample(
            draws=sampler["draws"],
            tune=sampler["tune"],
            chains=sampler["chains"],
            random_seed=int(Path(path).stem.rsplit("_", 1)[1]),
            nuts_sampler="nutpie",
            progressbar=False,
        )
    seconds = time.perf_counter() - started
    posterior = dataset(idata)[parameter_names(idata, model)]
    scale = model["target_scale"].eval()
    scale = xr.DataArray(scale, dims=model.named_vars_to_dims.get("target_scale") or ())
    contribution = (dataset(idata)["channel_contribution"] * scale).transpose("chain", "draw", "geo", "channel", "date")
    mean = contribution.mean(("chain", "draw")).values
    hdi = az.hdi(contribution, prob=INTERVAL)
    chains = sampler["chains"]
    out = {
        "mean": mean.tolist(),
        "lower": hdi.sel(ci_bound="lower").transpose("geo", "channel", "date").values.tolist(),
        "upper": hdi.sel(ci_bound="upper").transpose("geo", "channel", "date").values.tolist(),
        "seconds": round(seconds, 2),
        "min_ess": float(dataset(az.ess(posterior, method="bulk")).to_dataarray().min()),
        "max_rhat": float(dataset(az.rhat(posterior)).to_dataarray().max()) if chains > 1 else None,
        "divergences": int(idata.sample_stats["diverging"].sum()),
    }
    assert np.isfinite(out["mean"]).all()
    Path(path).with_suffix(".pymc.json").write_text(json.dumps(out) + "\n")
    print(f"{Path(path).stem}: {seconds:.1f} s, {out['divergences']} divergences, min ess {out['min_ess']:.0f}")


def main():
    # Sampling compiles with numba through nutpie; the rest needs no C compilation.
    pytensor.config.mode = "FAST_RUN"
    for path in sys.argv[1:]:
        answer(path)


if __name__ == "__main__":
    main()

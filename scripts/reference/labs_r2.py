"""Reference fixture for PyMC Labs' geo configuration (issue #22): PyMC-Marketing 1.3.0's
`MMM(dims=("geo",))` with `HillSaturationSigmoid` (sigma a non-centred `LogNormalPrior` per
(geo, channel) with a Gamma mean and Exponential std per channel; beta and lam HalfNormal(1.5)
per channel) and `GeometricAdstock(l_max=8)` with alpha Beta(1, 3) per channel, 1.3's defaults
otherwise (scales over all geos), fitted with nutpie (4 chains x 1000 draws after 1000 tuning
steps) on the panel of crates/engine/tests/fixtures/labs_r2_data.json (`scripts/bench`'s panel,
8 geos x 156 weeks x 8 channels + 4 controls, written by
`cargo test -p mmm_engine --test labs_acceptance -- --ignored`).

The 1.3 model is built from the data fixture's pg_mmm config by logp_sweep.py's `build`, whose
log density equals pg_mmm's point by point (fixtures/logp_sweep.json, case panel_labs). Writes
crates/engine/tests/fixtures/labs_r2.json: the posterior mean and MCSE (ArviZ) of every
parameter by pg_mmm's name and coordinate.

    $(scripts/reference/venv r2) scripts/reference/labs_r2.py
"""

import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import arviz as az  # noqa: E402
import pymc as pm  # noqa: E402
import pymc_marketing  # noqa: E402
import pytensor  # noqa: E402
from logp_sweep import build  # noqa: E402
from panel_r2 import dataset, summary  # noqa: E402

DATA = Path("crates/engine/tests/fixtures/labs_r2_data.json")
OUT = Path("crates/engine/tests/fixtures/labs_r2.json")


def main():
    # logp_sweep evaluates small models in Python; sampling compiles with numba through nutpie.
    pytensor.config.mode = "FAST_RUN"
    data = json.loads(DATA.read_text())
    config = data["config"]
    model_keys = {k: v for k, v in config.items() if k not in ("chains", "tune", "draws", "seed")}
    model = build(data, model_keys)
    started = time.perf_counter()
    with model:
        idata = pm.sample(
            draws=config["draws"],
            tune=config["tune"],
            chains=config["chains"],
            random_seed=config["seed"],
            nuts_sampler="nutpie",
            progressbar=False,
        )
    seconds = time.perf_counter() - started
    diverging = int(idata.sample_stats["diverging"].sum())
    rhat = float(dataset(az.rhat(idata)).to_dataarray().max())
    print(f"{seconds:.0f} s, {diverging} divergences, max r_hat {rhat:.3f}")
    out = {
        "pymc_marketing": pymc_marketing.__version__,
        "sampler": "nutpie, 4 chains x 1000 draws, 1000 tuning steps",
        "seconds": round(seconds, 1),
        "divergences": diverging,
        "max_r_hat": round(rhat, 4),
        "parameters": summary(idata, model),
    }
    OUT.write_text(json.dumps(out, indent=1) + "\n")
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()

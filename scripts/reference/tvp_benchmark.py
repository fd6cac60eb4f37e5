"""Reference benchmark of time-varying effects and lift tests: PyMC-Marketing 1.3's `MMM` with nutpie
on the example data.

The Python side of `scripts/bench tvp`. The model is the standard one of the example data
(channels x1, x2, controls event_1, event_2, t, GeometricAdstock(l_max=8), LogisticSaturation,
yearly seasonality 2, 1.3's default priors, nutpie at 1.3's default target_accept 0.8) and

* `--model tvp`: `time_varying_intercept=True, time_varying_media=True` with the default
  `HSGPKwargs` (m = 200 each, L = T - 1, eta Exponential(1), ls InverseGamma(mu=5, sigma=10));
  pg_mmm's side is `mmm_fit` with `{"time_varying_intercept": true, "time_varying_media": true}`;
* `--model lift`: no time-varying effects, calibrated with lift_r2.py's `LIFT_TESTS` (one per
  channel, Normal likelihood) through `add_lift_test_measurements`; pg_mmm's side is
  `mmm_fit(..., lift_tests => ...)` with the same rows.

    $(scripts/reference/venv r2) scripts/reference/tvp_benchmark.py --model tvp --seed 1 --out nutpie-tvp-1.json

Wall time is end to end: the model build (`build_model`, plus `add_lift_test_measurements`
for `lift`), nutpie's compile of the log density (PyTensor to numba), sampling (4 chains × 1000
tune + 1000 draws by default) and 1.3's post-processing inside `fit` (the deterministics over
the draws, the HSGP multipliers included). Not included: importing the libraries and reading
the CSV. Min bulk ESS is ArviZ's `ess_bulk`, the smallest over every element of every free
variable of the model (the HSGP's eta, ls and its 2 × 200 non-centred coefficients included:
the coordinates NUTS moves in, as pg_mmm's `mmm_summary` lists its parameters); the per-date
multipliers are deterministics and not counted. Peak memory (the process tree's peak PSS) and
CPU time as panel_benchmark.py measures them. Prints one line to stderr and writes JSON:
{"system": "tvp: pymc-marketing 1.3+nutpie", "versions", "tvp": [{"model", "seed",
"settings", "wall_s", "build_s", "compile_s", "sampling_s", "cpu_s", "peak_tree_pss_mb",
"peak_rss_mb", ..., "min_ess_bulk", "min_ess_per_s", "max_r_hat", "divergences",
"parameters"}]}.
"""

import argparse
import json
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import pymc_benchmark as bench  # noqa: E402  (sets the PyTensor compile dir first)
from lift_r2 import LIFT_TESTS  # noqa: E402
from panel_benchmark import cpu_seconds  # noqa: E402
from panel_r2 import dataset  # noqa: E402

import arviz as az  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from pymc_marketing.mmm import GeometricAdstock, LogisticSaturation  # noqa: E402
from pymc_marketing.mmm.multidimensional import MMM  # noqa: E402

SYSTEM = "tvp: pymc-marketing 1.3+nutpie"
TARGET_ACCEPT = 0.8  # 1.3's and pg_mmm's default


def build(model, x, y):
    """The model built (and calibrated), as `fit` will sample it."""
    mmm = MMM(
        date_column="date_week",
        target_column="y",
        channel_columns=bench.CHANNELS,
        control_columns=bench.CONTROLS,
        adstock=GeometricAdstock(l_max=bench.L_MAX),
        saturation=LogisticSaturation(),
        yearly_seasonality=2,
        time_varying_intercept=model == "tvp",
        time_varying_media=model == "tvp",
    )
    mmm.build_model(x, y)
    if model == "lift":
        mmm.add_lift_test_measurements(pd.DataFrame(LIFT_TESTS))
    return mmm


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--model", choices=["tvp", "lift"], required=True)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--chains", type=int, default=4)
    ap.add_argument("--tune", type=int, default=1000)
    ap.add_argument("--draws", type=int, default=1000)
    ap.add_argument("--out", type=Path, required=True)
    args = ap.parse_args()

    bench.install_compile_timers("nutpie")
    x, y = bench.load_data()
    reset_ok = bench.reset_peak_rss()
    cpu0 = cpu_seconds()
    with bench.TreePssPeak() as pss:
        t0 = time.perf_counter()
        mmm = build(args.model, x, y)
        t1 = time.perf_counter()
        idata = mmm.fit(
            x,
            y,
            nuts_sampler="nutpie",
            chains=args.chains,
            tune=args.tune,
            draws=args.draws,
            target_accept=TARGET_ACCEPT,
            random_seed=args.seed,
            progressbar=False,
        )
        wall = time.perf_counter() - t0
        cpu = cpu_seconds() - cpu0
    posterior = dataset(idata)
    names = [v.name for v in mmm.model.free_RVs if v.name in posterior]
    ess = dataset(az.ess(idata, var_names=names, method="bulk"))
    rhat = dataset(az.rhat(idata, var_names=names))
    min_ess, max_rhat = float(ess.to_dataarray().min()), float(rhat.to_dataarray().max())
    sampling = idata.posterior.attrs.get("sampling_time")
    run = {
        "model": args.model,
        "seed": args.seed,
        "settings": {"chains": args.chains, "tune": args.tune, "draws": args.draws, "target_accept": TARGET_ACCEPT},
        "wall_s": wall,
        "build_s": t1 - t0,
        "compile_s": sum(bench._compile_s) or None,
        "sampling_s": None if sampling is None else float(sampling),
        "cpu_s": cpu,
        **bench.rss_report(reset_ok),
        "peak_tree_pss_mb": pss.peak_mb,
        "min_ess_bulk": min_ess,
        "min_ess_per_s": min_ess / wall,
        "max_r_hat": max_rhat,
        "divergences": int(idata.sample_stats["diverging"].sum()),
        "parameters": int(sum(np.prod(posterior[v].shape[2:], dtype=int) for v in names)),
    }
    args.out.write_text(json.dumps({"system": SYSTEM, "versions": bench.versions(), "tvp": [run]}, indent=1) + "\n")
    print(
        f"{args.model} seed {args.seed}: wall {wall:.0f} s (build {run['build_s']:.1f} s, compile "
        f"{run['compile_s'] or 0:.0f} s, sampling {run['sampling_s'] or 0:.0f} s), CPU {cpu:.0f} s, "
        f"min ess_bulk {min_ess:.0f} ({min_ess / wall:.2f}/s) over {run['parameters']} parameters, max r_hat "
        f"{max_rhat:.3f}, {run['divergences']} divergences, peak PSS {run['peak_tree_pss_mb'] or 0:.0f} MB",
        file=sys.stderr,
    )


if __name__ == "__main__":
    main()

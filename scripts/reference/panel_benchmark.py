"""Reference benchmark of a geo panel: PyMC-Marketing 1.3's `MMM(dims=("geo",))` with nutpie.

The Python side of `scripts/bench panel`. Fits the panel of a long-format CSV (columns geo,
date, y, the channels, the controls; written by the bench from `mmm_simulate_panel`, the same
rows pg_mmm fits) with pg_mmm's `"pooling": "partial"` preset written out as 1.3 `Prior`
objects and per-geo scales (`PARTIAL` and `PER_GEO` of panel_r2.py, whose fixture shows the
two systems sample the same posterior under them), geometric adstock l_max 8, logistic
saturation, yearly seasonality 2, nutpie with 1.3's default target_accept (0.8, pg_mmm's too).

    $(scripts/reference/venv r2) scripts/reference/panel_benchmark.py --csv panel.csv \
        --channels tv,social --controls demand --seed 1 --out nutpie-panel-1.json

Wall time is end to end: the model build (`build_model`), nutpie's compile of the log density
(PyTensor to numba), sampling, and 1.3's post-processing inside `fit`. Min bulk ESS is ArviZ's
`ess_bulk`, the smallest over the parameters pg_mmm reports (panel_r2.py's `parameter_names`:
hyper-parameters included, non-centred offsets and per-date deterministics not), as pg_mmm's
is the smallest over its `mmm_summary`. Peak memory as pymc_benchmark.py measures
it (its `rss_report` and `TreePssPeak`): the report shows the process tree's peak PSS. CPU
time (`cpu_s`, user + system of every thread and waited-for child over the same span) is
the load-independent figure on a shared machine.
"""

import argparse
import json
import resource
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import pymc_benchmark as bench  # noqa: E402  (sets the PyTensor compile dir first)
from panel_r2 import PARTIAL, PER_GEO, dataset, parameter_names  # noqa: E402

import arviz as az  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from pymc_marketing.mmm import GeometricAdstock, LogisticSaturation  # noqa: E402
from pymc_marketing.mmm.multidimensional import MMM  # noqa: E402


def cpu_seconds():
    """User + system CPU time of this process (every thread: nutpie's chains) and its waited-for
    children (PyTensor's compiler subprocesses)."""
    usage = [resource.getrusage(who) for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)]
    return sum(u.ru_utime + u.ru_stime for u in usage)


def diagnostics(idata, names):
    ess = dataset(az.ess(idata, var_names=names, method="bulk"))
    rhat = dataset(az.rhat(idata, var_names=names))
    return float(ess.to_dataarray().min()), float(rhat.to_dataarray().max())


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--csv", type=Path, required=True)
    ap.add_argument("--channels", required=True)
    ap.add_argument("--controls", default="")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--chains", type=int, default=4)
    ap.add_argument("--tune", type=int, default=1000)
    ap.add_argument("--draws", type=int, default=1000)
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--idata", type=Path, help="also save the InferenceData (netCDF) here")
    args = ap.parse_args()
    channels = args.channels.split(",")
    controls = [c for c in args.controls.split(",") if c]

    bench.install_compile_timers("nutpie")
    frame = pd.read_csv(args.csv, parse_dates=["date"])
    x, y = frame.drop(columns="y"), frame["y"]
    reset_ok = bench.reset_peak_rss()
    mmm = MMM(
        date_column="date",
        target_column="y",
        channel_columns=channels,
        control_columns=controls or None,
        dims=("geo",),
        adstock=GeometricAdstock(l_max=8),
        saturation=LogisticSaturation(),
        yearly_seasonality=2,
        scaling=PER_GEO,
        model_config=PARTIAL,
    )
    cpu0 = cpu_seconds()
    with bench.TreePssPeak() as pss:
        t0 = time.perf_counter()
        mmm.build_model(x, y)
        t1 = time.perf_counter()
        idata = mmm.fit(
            x,
            y,
            nuts_sampler="nutpie",
            chains=args.chains,
            tune=args.tune,
            draws=args.draws,
            random_seed=args.seed,
            progressbar=False,
        )
        wall = time.perf_counter() - t0
        cpu = cpu_seconds() - cpu0
    names = parameter_names(idata, mmm.model)
    if args.idata:
        idata.to_netcdf(str(args.idata))
    min_ess, max_rhat = diagnostics(idata, names)
    sampling = idata.posterior.attrs.get("sampling_time")
    run = {
        "seed": args.seed,
        "wall_s": wall,
        "build_s": t1 - t0,
        "cpu_s": cpu,
        "compile_s": sum(bench._compile_s) or None,
        "sampling_s": None if sampling is None else float(sampling),
        **bench.rss_report(reset_ok),
        "peak_tree_pss_mb": pss.peak_mb,
        "min_ess_bulk": min_ess,
        "min_ess_per_s": min_ess / wall,
        "max_r_hat": max_rhat,
        "divergences": int(idata.sample_stats["diverging"].sum()),
        "parameters": int(sum(np.prod(dataset(idata)[v].shape[2:], dtype=int) for v in names)),
    }
    geos = int(frame["geo"].nunique())
    weeks = int(frame["date"].nunique())
    out = {
        "system": "panel: pymc-marketing 1.3+nutpie",
        "versions": bench.versions(),
        "panel": [{"shape": {"geos": geos, "weeks": weeks, "channels": len(channels), "controls": len(controls)},
                   "settings": {"chains": args.chains, "tune": args.tune, "draws": args.draws,
                                "target_accept": 0.8, "pooling": "partial", "scaling": "per_geo"},
                   **run}],
    }
    args.out.write_text(json.dumps(out, indent=1) + "\n")
    print(
        f"panel {geos}x{weeks}x{len(channels)} seed {args.seed}: wall {wall:.0f} s (compile "
        f"{run['compile_s'] or 0:.0f} s, sampling {run['sampling_s'] or 0:.0f} s), min ess_bulk "
        f"{min_ess:.0f}, max r_hat {max_rhat:.3f}, {run['divergences']} divergences, "
        f"peak PSS {run['peak_tree_pss_mb'] or 0:.0f} MB",
        file=sys.stderr,
    )


if __name__ == "__main__":
    main()

"""Reference benchmark: PyMC-Marketing's MMM fitted and budget-optimized on the example data.

The Python side of the pg_mmm benchmark. Fits the README's standard model with PyMC-Marketing
(NUTS from nutpie or from PyMC), times each fit, summarises the posterior with ArviZ, and times
PyMC-Marketing's own budget optimizer once. Run from anywhere with

    $(scripts/reference/venv) scripts/reference/pymc_benchmark.py --runs 3 --sampler nutpie --out nutpie.json
    $(scripts/reference/venv) scripts/reference/pymc_benchmark.py --runs 3 --sampler pymc --out pymc.json
    $(scripts/reference/venv) scripts/reference/pymc_benchmark.py --runs 1 --sampler nutpie --out t.json --tiny

Run i (1..N) uses random_seed=seed+i-1 (--seed, default 1) and a fresh model object; --tiny samples 1 chain of 50 tune + 50
draws (a smoke test). Timings include every compile: PyTensor caches compiled C modules in
PYTENSOR_FLAGS' compiledir (default here ~/.cache/pg_mmm/pytensor; `pytensor_cache_warm` in the
output says whether it held anything before this process started) and later runs in one
process reuse in-memory caches, so run 1 is the cold(er) one.

The model (must stay identical to pg_mmm's standard model)
-----------------------------------------------------------
`pymc_marketing.mmm.multidimensional.MMM`, the current class: `pymc_marketing.mmm.MMM`
(mmm.py) also imports in 0.19.2 but is deprecated (FutureWarning: removed in 0.20) and does
NOT scale channels by their maximum: `BaseMMM._compute_scale_for_data` clamps every scale to
at least 1 (`np.maximum(scale, 1.0)`), so on this data (channel maxima 0.99666 and 0.99437) its
channel scale is 1.0. The multidimensional class scales by the plain maximum over dates
(`xarray .max`, no clamp): channel_scale = [0.99665813, 0.99437431], target_scale =
8312.4075 = max y, i.e. pg_mmm's y / max y and x / max x. Controls are not scaled.
Priors (defaults, identical in both classes): intercept Normal(0, 2) (the free variable is
named `intercept_contribution` in this class, reported here as `intercept`), adstock_alpha
Beta(1, 3), saturation_lam Gamma(3, 1), saturation_beta HalfNormal(2), gamma_control
Normal(0, 2), gamma_fourier Laplace(0, 1), y_sigma HalfNormal(2); GeometricAdstock(l_max=8,
normalize=True, mode After), adstock before saturation. The fourier_mode coordinate is
[sin_1, sin_2, cos_1, cos_2] (all sines, then all cosines; YearlyFourier.nodes), with
period 365.25 days on the date's day of year, as in pg_mmm.

Budget optimizer (PyMC-Marketing 0.19.2)
-----------------------------------------
API: `MultiDimensionalBudgetOptimizerWrapper(model=mmm, start_date, end_date)`
(pymc_marketing.mmm.multidimensional) and its `.optimize_budget(budget=...)`, which builds a
`pymc_marketing.mmm.budget_optimizer.BudgetOptimizer` (graph rewrite + PyTensor compile of the
objective and gradient, in its __init__) and calls its `allocate_budget` (scipy.optimize.minimize
SLSQP, ftol 1e-9, maxiter 1000, start at the equal split, jac=True). The number of periods is
not an argument: it is the number of dates from start_date to end_date (inclusive, the data's
weekly frequency), so 8 periods are the 8 weeks after the training data. This script builds
the wrapper and then the BudgetOptimizer exactly as optimize_budget does, to time the two
steps apart: `compile_s` = wrapper + BudgetOptimizer construction, `solve_s` = allocate_budget.
Semantics, from the source:
  * `budget` is the total per period over all channels: the decision variable is one amount
    per channel, the default (equality) constraint is sum over channels == budget, and every
    one of the num_periods weeks gets the same per-channel amounts (original units: the model
    divides them by channel_scale itself; the wrapper's `_channel_scales` is 1.0).
  * default bounds: (0, budget) for every channel (a UserWarning says so).
  * the weeks fed to the model are the num_periods budget weeks followed by l_max weeks of zero
    spend (`repeated_budgets_with_carry_over`, and create_zero_dataset(include_carryover=True)),
    controls are zero; adstock is computed within this window only (no history carried in).
  * response maximised: `total_media_contribution_original_scale` =
    (channel_contribution.sum("date") * target_scale).sum() over channels, i.e. the media
    contribution summed over all num_periods + l_max weeks (carry-over counted), in original
    units of y; utility `average_response` = its mean over all posterior draws (chains x draws
    stacked). The objective minimised is minus that mean, so `response_mean` below is
    -objective(x_opt).

Peak memory, per run:
  * peak_rss_mb = peak_rss_self_mb + peak_rss_children_mb: Linux ru_maxrss of this process
    (RUSAGE_SELF; nutpie samples in threads of this process) plus that of its waited-for
    children (RUSAGE_CHILDREN: the largest single child, not a sum). The process peak is reset
    before each run by writing 5 to /proc/self/clear_refs (then read as VmHWM) where the kernel
    allows it; the children's peak cannot be reset and is cumulative over the runs. Caveat: a
    forked child's maxrss includes the pages it shares with this process at fork time, so the
    sum over-counts: with nutpie the "child" is a compiler subprocess forked by PyTensor/numba
    (its maxrss is about this process's RSS at fork), with PyMC it is a chain worker forked
    (Linux default "fork" context) from this process.
  * peak_tree_pss_mb: the maximum over the run of the summed PSS of this process and all its
    descendants, sampled every 0.1 s -- the better figure for the memory the fit really takes.
"""

import argparse
import json
import math
import os
import platform
import resource
import sys
import threading
import time
import warnings
from pathlib import Path

CACHE = Path(os.environ.get("PG_MMM_CACHE", Path.home() / ".cache" / "pg_mmm"))
COMPILEDIR = CACHE / "pytensor"
if "compiledir" not in os.environ.get("PYTENSOR_FLAGS", ""):
    flags = os.environ.get("PYTENSOR_FLAGS", "")
    os.environ["PYTENSOR_FLAGS"] = ",".join(filter(None, [flags, f"compiledir={COMPILEDIR}"]))
PYTENSOR_CACHE_WARM = COMPILEDIR.is_dir() and any(COMPILEDIR.iterdir())

warnings.filterwarnings("ignore")  # deprecation, xtensor "experimental", default-bounds notices

import arviz as az  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pymc as pm  # noqa: E402
import pymc.sampling.mcmc as pm_mcmc  # noqa: E402
import pymc_marketing  # noqa: E402
import pytensor  # noqa: E402
import scipy  # noqa: E402
from pymc_marketing.mmm import GeometricAdstock, LogisticSaturation  # noqa: E402
from pymc_marketing.mmm.budget_optimizer import BudgetOptimizer  # noqa: E402
from pymc_marketing.mmm.multidimensional import (  # noqa: E402
    MMM,
    MultiDimensionalBudgetOptimizerWrapper,
)
from pymc_marketing.mmm.utility import average_response  # noqa: E402

import logging  # noqa: E402

logging.disable(logging.WARNING)  # PyMC's divergence/ESS notices, ArviZ's shape checks (--tiny)

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "data" / "pymc_mmm_example.csv"
CHANNELS = ["x1", "x2"]
CONTROLS = ["event_1", "event_2", "t"]
L_MAX = 8
NUM_PERIODS = 8
TARGET_ACCEPT = 0.9
# PyMC-Marketing variable name -> pg_mmm parameter name.
PARAMS = {
    "intercept_contribution": "intercept",
    "adstock_alpha": "adstock_alpha",
    "saturation_lam": "saturation_lam",
    "saturation_beta": "saturation_beta",
    "gamma_control": "gamma_control",
    "gamma_fourier": "gamma_fourier",
    "y_sigma": "y_sigma",
}
SUMMARY = ["mean", "sd", "mcse_mean", "ess_bulk", "r_hat"]


# ---- timing hooks: steps inside mmm.fit -------------------------------------------------------
_compile_s: list[float] = []
_deterministics_s: list[float] = []


def _timed(fn, into):
    def wrapper(*args, **kwargs):
        t = time.perf_counter()
        try:
            return fn(*args, **kwargs)
        finally:
            into.append(time.perf_counter() - t)

    return wrapper


def install_compile_timers(sampler):
    """nutpie: nutpie.compile_pymc_model (looked up on the module at call time by PyMC).
    pymc: pymc.sampling.mcmc.init_nuts (compiles logp+gradient, builds the NUTS step and draws
    the jittered initial points; a few ms besides the compile)."""
    if sampler == "nutpie":
        import nutpie

        nutpie.compile_pymc_model = _timed(nutpie.compile_pymc_model, _compile_s)
    else:
        pm_mcmc.init_nuts = _timed(pm_mcmc.init_nuts, _compile_s)
    # After sampling, fit() computes the deterministics (its own compile + a pass over draws).
    pm.compute_deterministics = _timed(pm.compute_deterministics, _deterministics_s)


# ---- memory -----------------------------------------------------------------------------------
def reset_peak_rss():
    try:
        Path("/proc/self/clear_refs").write_text("5")
        return True
    except OSError:
        return False


def vm_hwm_mb():
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return None


class TreePssPeak:
    """Samples, every `interval` s in a thread, the summed PSS (proportional set size: shared
    pages split among their sharers) of this process and all its descendants, and keeps the
    maximum. Unlike ru_maxrss self + children, this does not count twice the pages that forked
    children (PyMC's chain workers, compiler subprocesses) share with this process."""

    def __init__(self, interval=0.1):
        self.interval = interval
        self.peak_kb = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    @staticmethod
    def _tree(pid):
        pids, todo = [], [pid]
        while todo:
            p = todo.pop()
            pids.append(p)
            for task in Path(f"/proc/{p}/task").glob("*/children"):
                try:
                    todo.extend(int(c) for c in task.read_text().split())
                except OSError:
                    pass
        return pids

    @staticmethod
    def _pss_kb(pid):
        try:
            for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
                if line.startswith("Pss:"):
                    return int(line.split()[1])
        except (OSError, ValueError):
            pass
        return 0

    def _run(self):
        while not self._stop.is_set():
            self.peak_kb = max(self.peak_kb, sum(self._pss_kb(p) for p in self._tree(os.getpid())))
            self._stop.wait(self.interval)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()

    @property
    def peak_mb(self):
        return self.peak_kb / 1024 if self.peak_kb else None


def rss_report(reset_ok):
    self_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    children_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    hwm = vm_hwm_mb() if reset_ok else None
    process_mb = hwm if hwm is not None else self_mb
    return {
        "peak_rss_mb": process_mb + children_mb,
        "peak_rss_self_mb": process_mb,
        "peak_rss_self_lifetime_mb": self_mb,
        "peak_rss_children_mb": children_mb,
    }


# ---- model ------------------------------------------------------------------------------------
def load_data():
    df = pd.read_csv(DATA, parse_dates=["date_week"])
    return df[["date_week", *CHANNELS, *CONTROLS]], df["y"]


def new_model():
    return MMM(
        date_column="date_week",
        target_column="y",
        channel_columns=CHANNELS,
        control_columns=CONTROLS,
        adstock=GeometricAdstock(l_max=L_MAX),
        saturation=LogisticSaturation(),
        yearly_seasonality=2,
    )


def finite(v):
    v = float(v)
    return v if math.isfinite(v) else None


def summarize(idata):
    post = idata.posterior
    rows = []
    for var, name in PARAMS.items():
        da = post[var]
        dims = [d for d in da.dims if d not in ("chain", "draw")]
        coords = [None] if not dims else list(da.coords[dims[0]].values)
        for c in coords:
            x = da if c is None else da.sel({dims[0]: c})
            s = az.summary({name: x.values}, kind="all", round_to="none").iloc[0]
            rows.append({
                "parameter": name,
                "coordinate": None if c is None else str(c),
                **{k: finite(s[k]) for k in SUMMARY},
            })
    return rows


def fit_once(X, y, seed, sampler, chains, tune, draws):
    reset_ok = reset_peak_rss()
    _compile_s.clear()
    _deterministics_s.clear()
    mmm = new_model()
    with TreePssPeak() as pss:
        t0 = time.perf_counter()
        mmm.build_model(X, y)  # what fit() would do first; timed as part of the fit
        t1 = time.perf_counter()
        idata = mmm.fit(
            X, y, chains=chains, tune=tune, draws=draws, target_accept=TARGET_ACCEPT,
            random_seed=seed, nuts_sampler=sampler, progressbar=False,
        )
        wall = time.perf_counter() - t0
    params = summarize(idata)
    ess = [p["ess_bulk"] for p in params if p["ess_bulk"] is not None]
    min_ess = min(ess) if ess else None
    sampling = idata.posterior.attrs.get("sampling_time")
    run = {
        "seed": seed,
        "wall_s": wall,
        "build_s": t1 - t0,
        "compile_s": sum(_compile_s) if _compile_s else None,  # inside pm.sample
        "sampling_s": None if sampling is None else float(sampling),
        "deterministics_s": sum(_deterministics_s) if _deterministics_s else None,
        **rss_report(reset_ok),
        "peak_tree_pss_mb": pss.peak_mb,
        "min_ess_bulk": min_ess,
        "min_ess_per_s": None if min_ess is None else min_ess / wall,
        "divergences": int(idata.sample_stats["diverging"].sum()),
        "chains": int(idata.posterior.sizes["chain"]),
        "draws": int(idata.posterior.sizes["draw"]),
        "params": params,
    }
    return mmm, run


# ---- budget optimizer -------------------------------------------------------------------------
def optimize(mmm, X):
    budget = float((X["x1"] + X["x2"]).mean())  # historical mean weekly total spend
    last = pd.Timestamp(X["date_week"].max())
    start = last + pd.Timedelta(weeks=1)
    end = start + pd.Timedelta(weeks=NUM_PERIODS - 1)
    t0 = time.perf_counter()
    wrapper = MultiDimensionalBudgetOptimizerWrapper(
        model=mmm, start_date=str(start.date()), end_date=str(end.date())
    )
    assert wrapper.num_periods == NUM_PERIODS, wrapper.num_periods
    # Exactly what wrapper.optimize_budget(budget=budget) constructs (0.19.2 defaults).
    optimizer = BudgetOptimizer(
        num_periods=wrapper.num_periods,
        utility_function=average_response,
        response_variable="total_media_contribution_original_scale",
        custom_constraints=(),
        default_constraints=True,
        budgets_to_optimize=None,
        budget_distribution_over_period=None,
        cost_per_unit=None,
        model=wrapper,
        compile_kwargs=wrapper.compile_kwargs,
    )
    t1 = time.perf_counter()
    allocation, result = optimizer.allocate_budget(total_budget=budget, budget_bounds=None)
    t2 = time.perf_counter()
    objective = optimizer._compiled_functions[average_response]["objective_and_grad"]
    x_opt = np.asarray(result.x, dtype="float64")
    x_equal = np.full_like(x_opt, budget / x_opt.size)
    return {
        "budget": budget,
        "num_periods": NUM_PERIODS,
        "start_date": str(start.date()),
        "end_date": str(end.date()),
        "response_weeks": NUM_PERIODS + L_MAX,
        "compile_s": t1 - t0,
        "solve_s": t2 - t1,
        "allocation": {str(c): float(allocation.sel(channel=c)) for c in allocation.channel.values},
        "response_mean": float(-objective(x_opt)[0]),
        "response_mean_equal_split": float(-objective(x_equal)[0]),
        "posterior_samples": int(mmm.idata.posterior.sizes["chain"] * mmm.idata.posterior.sizes["draw"]),
        "scipy": {
            "success": bool(result.success),
            "message": str(result.message),
            "nit": int(result.nit),
            "nfev": int(result.nfev),
        },
    }


def versions():
    import nutpie

    return {
        "pymc_marketing": pymc_marketing.__version__,
        "pymc": pm.__version__,
        "pytensor": pytensor.__version__,
        "nutpie": nutpie.__version__,
        "arviz": az.__version__,
        "numpy": np.__version__,
        "scipy": scipy.__version__,
        "python": platform.python_version(),
    }


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--runs", type=int, default=1)
    ap.add_argument("--seed", type=int, default=1, help="seed of the first run; run i uses seed + i - 1")
    ap.add_argument("--sampler", choices=["nutpie", "pymc"], default="nutpie")
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--tiny", action="store_true", help="1 chain, 50 tune + 50 draws")
    ap.add_argument("--no-optimizer", action="store_true", help="skip the budget optimizer")
    args = ap.parse_args()
    chains, tune, draws = (1, 50, 50) if args.tiny else (4, 1000, 1000)

    install_compile_timers(args.sampler)
    X, y = load_data()
    out = {
        "system": f"pymc-marketing+{args.sampler}",
        "versions": versions(),
        "model_class": "pymc_marketing.mmm.multidimensional.MMM",
        "settings": {
            "chains": chains, "tune": tune, "draws": draws, "target_accept": TARGET_ACCEPT,
            "l_max": L_MAX, "yearly_seasonality": 2, "channels": CHANNELS, "controls": CONTROLS,
            "tiny": args.tiny,
        },
        "machine": {"cpus": os.cpu_count(), "platform": platform.platform()},
        "pytensor_compiledir": str(pytensor.config.compiledir),
        "pytensor_cache_warm": PYTENSOR_CACHE_WARM,
        "runs": [],
        "optimizer": None,
    }
    for seed in range(args.seed, args.seed + args.runs):
        mmm, run = fit_once(X, y, seed, args.sampler, chains, tune, draws)
        out["runs"].append(run)
        print(
            f"run {seed}: wall {run['wall_s']:.1f} s (compile {run['compile_s'] or 0:.1f} s, "
            f"sampling {run['sampling_s'] or 0:.1f} s), min ess_bulk {run['min_ess_bulk']:.0f}, "
            f"{run['divergences']} divergences, peak RSS {run['peak_rss_mb']:.0f} MB",
            file=sys.stderr,
        )
        if seed == args.seed and not args.no_optimizer:
            out["optimizer"] = optimize(mmm, X)
            o = out["optimizer"]
            print(
                f"optimizer: compile {o['compile_s']:.2f} s, solve {o['solve_s']:.3f} s, "
                f"allocation {o['allocation']}, response {o['response_mean']:.1f}",
                file=sys.stderr,
            )
        del mmm
        args.out.write_text(json.dumps(out, indent=1) + "\n")  # partial results survive a kill
    print(f"wrote {args.out}", file=sys.stderr)


if __name__ == "__main__":
    main()

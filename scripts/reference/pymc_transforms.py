"""Reference fixture for pg_mmm's adstock and saturation transforms, computed by PyMC-Marketing.

Evaluates PyMC-Marketing's own transform functions (pymc_marketing.mmm.transformers, float64,
default causal convolution ConvMode.After, one 1-D channel series) over a grid of parameters and
inputs, and writes crates/engine/tests/fixtures/pymc_transforms.json for the Rust tests. Rerun from the repo
root with

    $(scripts/reference/venv) scripts/reference/pymc_transforms.py

The output is deterministic: rerunning rewrites an identical file.

Cases whose PyMC-Marketing output is non-finite are dropped: 72 with 0.19.2, all NaN from 0/0.
  - weibull_pdf, 54: at l_max = 1 the min-max rescaling (w - min) / (max - min) is 0/0
    (9 parameter pairs x normalize on/off x 3 series);
  - delayed, 18: alpha = 0 with normalize on and no lag 0..l_max-1 equal to theta, so every
    weight 0**((lag - theta)**2) is 0 and the normalising sum is 0: theta = 1.5 at every l_max,
    theta = 4 at l_max 1 and 2 (6 combinations x 3 series).
"""

import csv
import json
import sys
import warnings
from collections import Counter
from pathlib import Path

import numpy as np
import pytensor

pytensor.config.floatX = "float64"

import pymc_marketing  # noqa: E402
from pymc_marketing.mmm import transformers as tr  # noqa: E402
from pytensor.xtensor import as_xtensor  # noqa: E402

warnings.filterwarnings("ignore")  # xtensor is "experimental"; 0/0 in dropped cases

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "crates" / "engine" / "tests" / "fixtures" / "pymc_transforms.json"
DIM = "date"

ALPHAS = [0.0, 0.01, 0.2, 0.5, 0.9, 0.999]
WEIBULL = [{"lam": lam, "k": k} for lam in (0.5, 2.0, 10.0) for k in (0.5, 1.0, 3.0)]
ADSTOCK_PARAMS = {
    "geometric": [{"alpha": a} for a in ALPHAS],
    "delayed": [{"alpha": a, "theta": t} for a in ALPHAS for t in (0.0, 1.5, 4.0)],
    "binomial": [{"alpha": a} for a in ALPHAS[1:] + [1.0]],  # alpha = 0 skipped
    "weibull_pdf": WEIBULL,
    "weibull_cdf": WEIBULL,
}
L_MAX = (1, 2, 8, 20)
# The long 520-value series is used only with these (params, l_max, normalize) per kind.
LONG = {
    "geometric": [({"alpha": 0.5}, 8, True), ({"alpha": 0.999}, 20, False)],
    "delayed": [({"alpha": 0.5, "theta": 1.5}, 8, True), ({"alpha": 0.9, "theta": 4.0}, 20, False)],
    "binomial": [({"alpha": 0.2}, 8, True), ({"alpha": 0.9}, 20, False)],
    "weibull_pdf": [({"lam": 2.0, "k": 3.0}, 8, True), ({"lam": 10.0, "k": 0.5}, 20, False)],
    "weibull_cdf": [({"lam": 2.0, "k": 3.0}, 8, True), ({"lam": 10.0, "k": 0.5}, 20, False)],
}

SAT_X = [0.0, 1e-12, 1e-6, 0.01, 0.1, 0.5, 1.0, 2.0, 5.0, 10.0, 100.0]
SATURATION_PARAMS = {
    "logistic": [{"lam": lam, "beta": b} for lam in (0.01, 0.5, 4.0, 50.0) for b in (0.5, 2.0)],
    "hill": [
        {"slope": s, "kappa": k, "beta": b}
        for s in (0.5, 1.0, 3.0)
        for k in (0.1, 1.0, 5.0)
        for b in (0.5, 2.0)
    ],
    "michaelis_menten": [
        {"alpha": a, "lam": lam} for a in (0.5, 2.0, 100.0) for lam in (0.01, 1.0, 50.0)
    ],
    "tanh": [{"b": b, "c": c} for b in (0.5, 2.0, 50.0) for c in (0.1, 1.0, 10.0)],
    "root": [{"alpha": a, "beta": b} for a in (0.0, 0.1, 0.5, 1.0, 2.0) for b in (0.5, 3.0)],
}


def series():
    """Named input series: the two example channels, zeros, a spike and a long random series."""
    path = ROOT / "data" / "pymc_mmm_example.csv"
    if not path.exists():
        path = Path("/work/shared/data/pymc_mmm_example.csv")
    with path.open(newline="") as f:
        rows = list(csv.DictReader(f))
    spike = [0.0] * 20
    spike[3] = 1.0
    long = np.random.default_rng(20240601).uniform(0.0, 5.0, 520).tolist()
    return {
        "x1": [float(r["x1"]) for r in rows],
        "x2": [float(r["x2"]) for r in rows],
        "zeros": [0.0] * 20,
        "spike": spike,
        "long": long,
    }


def xt(x):
    return as_xtensor(np.asarray(x, dtype=np.float64), dims=(DIM,))


def f64(params):
    # Parameters go in as float64 arrays: PyTensor turns a Python float that float32 represents
    # exactly (0.5, 3.0, ...) into a float32 constant, and kappa ** slope of two such constants
    # would then be computed in float32.
    return {k: np.float64(v) for k, v in params.items()}


def adstock(kind, x, params, l_max, normalize):
    p = f64(params)
    kw = {"l_max": l_max, "normalize": normalize, "dim": DIM}
    if kind == "geometric":
        y = tr.geometric_adstock(xt(x), p["alpha"], **kw)
    elif kind == "delayed":
        y = tr.delayed_adstock(xt(x), p["alpha"], p["theta"], **kw)
    elif kind == "binomial":
        y = tr.binomial_adstock(xt(x), p["alpha"], **kw)
    else:
        weibull_type = {"weibull_pdf": tr.WeibullType.PDF, "weibull_cdf": tr.WeibullType.CDF}[kind]
        y = tr.weibull_adstock(xt(x), p["lam"], p["k"], type=weibull_type, **kw)
    return y.eval()


def saturation(kind, x, params):
    p = f64(params)
    if kind == "logistic":
        return p["beta"] * tr.logistic_saturation(xt(x), p["lam"]).eval()
    if kind == "hill":
        return p["beta"] * tr.hill_function(xt(x), p["slope"], p["kappa"]).eval()
    if kind == "michaelis_menten":
        return tr.michaelis_menten(xt(x), p["alpha"], p["lam"]).eval()
    if kind == "tanh":
        return tr.tanh_saturation(xt(x), p["b"], p["c"]).eval()
    if kind == "root":
        return p["beta"] * tr.root_saturation(xt(x), p["alpha"]).eval()
    raise ValueError(kind)


def adstock_cases(data, dropped):
    """Every grid point on spike and zeros, and on x1 (normalize on) or x2 (off); a few on long."""
    for kind, grid in ADSTOCK_PARAMS.items():
        runs = [
            (params, l_max, normalize, name)
            for params in grid
            for l_max in L_MAX
            for normalize in (True, False)
            for name in ("spike", "zeros", "x1" if normalize else "x2")
        ]
        runs += [(params, l_max, normalize, "long") for params, l_max, normalize in LONG[kind]]
        for params, l_max, normalize, name in runs:
            y = adstock(kind, data[name], params, l_max, normalize)
            if not np.all(np.isfinite(y)):
                dropped[kind] += 1
                continue
            yield {"kind": kind, "params": params, "l_max": l_max, "normalize": normalize,
                   "x": data[name], "y": y.tolist()}


def saturation_cases(dropped):
    for kind, grid in SATURATION_PARAMS.items():
        for params in grid:
            y = saturation(kind, SAT_X, params)
            if not np.all(np.isfinite(y)):
                dropped[kind] += 1
                continue
            yield {"kind": kind, "params": params, "x": SAT_X, "y": y.tolist()}


def write(path, source, groups):
    """JSON with one case per line, so that diffs of the fixture stay readable."""
    parts = ["{", f'  "source": {json.dumps(source)},']
    for i, (key, cases) in enumerate(groups.items()):
        lines = ("    " + json.dumps(c, separators=(",", ":"), allow_nan=False) for c in cases)
        body = ",\n".join(lines)
        parts += [f'  "{key}": [', body, "  ]" + ("," if i < len(groups) - 1 else "")]
    parts.append("}")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(parts) + "\n")


def main():
    dropped = Counter()
    groups = {
        "adstock": list(adstock_cases(series(), dropped)),
        "saturation": list(saturation_cases(dropped)),
    }
    source = (f"pymc-marketing {pymc_marketing.__version__}, pytensor {pytensor.__version__} "
              "(generated by scripts/reference/pymc_transforms.py)")
    write(OUT, source, groups)
    counts = ", ".join(f"{k} {len(v)}" for k, v in groups.items())
    print(f"wrote {OUT.relative_to(ROOT)}: {counts} cases, {OUT.stat().st_size} bytes; "
          f"dropped non-finite: {dict(sorted(dropped.items()))}", file=sys.stderr)


if __name__ == "__main__":
    main()

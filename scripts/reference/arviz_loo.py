"""Reference fixture for pg_mmm's model comparison, computed by ArviZ 1.x (arviz_stats).

Draws posteriors of Normal models (mu, sigma: chain x draw) and data y with a seeded numpy
RNG, and builds their pointwise log-likelihood arrays (chain, draw, observation): Normal data,
data with outliers (Pareto k above 0.7), a single chain, a short run (the tail of 20% of the
samples), and groups of models of the same data, one whose stacking weights are all positive.
The fixture keeps the posteriors and y, not the arrays (a hundredth of the size): the test
rebuilds the log-likelihood with the same expression, `log_lik` below, which reproduces
numpy's up to an ulp of the logarithm.
Records what arviz_stats computes from them: the relative efficiency r_eff it derives from
the posterior, `loo` (elpd, se, p, pointwise elpd and Pareto k), and `compare` (rank,
elpd_diff, dse, stacking weight) in crates/engine/tests/fixtures/arviz_loo.json. ArviZ 1.x
has no WAIC: it is recorded from ArviZ 0.23's `az.waic` formula (log predictive density minus
the population variance of the log-likelihood per observation; se from the population
variance). Stacking weights are also recorded at the optimum proper (`stacking_exact`: SLSQP
run to 1e-15 from ArviZ's answer), since ArviZ stops at SLSQP's default tolerance. Rerun
from the repo root with

    $(scripts/reference/venv r2) scripts/reference/arviz_loo.py

The output is deterministic.
"""

import json
import warnings
from pathlib import Path

import arviz_base as azb
import arviz_stats as azs
import numpy as np
from arviz_stats.loo.loo_helper import _get_r_eff
from scipy.optimize import Bounds, LinearConstraint, minimize
from scipy.special import logsumexp

OUT = Path(__file__).resolve().parents[2] / "crates" / "engine" / "tests" / "fixtures" / "arviz_loo.json"


def ar1(rng, chains, draws, phi, sd):
    """Autocorrelated draws with stationary sd `sd`, so that r_eff is below 1."""
    x = np.zeros((chains, draws))
    x[:, 0] = rng.normal(size=chains)
    noise = rng.normal(size=(chains, draws)) * np.sqrt(1 - phi**2)
    for t in range(1, draws):
        x[:, t] = phi * x[:, t - 1] + noise[:, t]
    return x * sd


def log_lik(posterior, y):
    """ln Normal(y_i | mu_s, sigma_s): (chain, draw, observation)."""
    mu, sigma = posterior["mu"][..., None], posterior["sigma"][..., None]
    return -0.5 * np.log(2 * np.pi) - np.log(sigma) - 0.5 * ((y - mu) / sigma) ** 2


def normal_model(rng, y, chains, draws, center=None, scale=1.0):
    """Posterior draws of (mu, sigma) around (center, scale), by default the sample mean and 1,
    spread as a posterior of len(y) observations; and their log-likelihood."""
    n = len(y)
    center = y.mean() if center is None else center
    mu = center + ar1(rng, chains, draws, 0.6, scale / np.sqrt(n))
    sigma = scale * np.exp(ar1(rng, chains, draws, 0.3, 1 / np.sqrt(2 * n)))
    posterior = {"mu": mu, "sigma": sigma}
    return posterior, log_lik(posterior, y)


def tree(posterior, log_lik, y):
    return azb.from_dict({"posterior": posterior, "log_likelihood": {"y": log_lik}, "observed_data": {"y": y}})


def waic(log_lik):
    """ArviZ 0.23's az.waic on the log scale, for a (chain, draw, observation) array."""
    ll = log_lik.reshape(-1, log_lik.shape[-1])
    lppd_i = logsumexp(ll, axis=0) - np.log(ll.shape[0])
    var_i = ll.var(axis=0)
    waic_i = lppd_i - var_i
    return {"elpd": float(waic_i.sum()), "se": float(np.sqrt(len(waic_i) * np.var(waic_i))), "p": float(var_i.sum())}


def loo_case(name, posterior, ll, y):
    dt = tree(posterior, ll, y)
    result = azs.loo(dt, pointwise=True)
    return {
        "name": name,
        "posterior": {k: v.tolist() for k, v in posterior.items()},
        "y": y.tolist(),
        "r_eff": float(_get_r_eff(dt, ll.shape[0] * ll.shape[1])),
        "loo": {
            "elpd": float(result.elpd), "se": float(result.se), "p": float(result.p),
            "elpd_i": result.elpd_i.values.tolist(), "pareto_k": result.pareto_k.values.tolist(),
        },
        "waic": waic(ll),
    }


def exact_stacking(elpd_i, start):
    """The stacking optimum to SLSQP's limit of precision, from ArviZ's weights."""
    e = np.exp(elpd_i)
    result = minimize(
        lambda w: -np.sum(np.log(e @ w)), x0=start, jac=lambda w: -np.sum(e / (e @ w)[:, None], axis=0),
        bounds=Bounds(np.zeros(len(start)), np.ones(len(start))),
        constraints=LinearConstraint(np.ones(len(start)), 1.0, 1.0), options={"ftol": 1e-15, "maxiter": 1000},
    )
    return result.x


def compare_case(name, models, y):
    """models: {model name: (posterior, log_lik)}; the fixture keeps the models in this order."""
    trees = {m: tree(p, ll, y) for m, (p, ll) in models.items()}
    table = azs.compare(trees, round_to="none")
    loos = {m: loo_case(m, p, ll, y) for m, (p, ll) in models.items()}
    ranked = list(table.index)
    elpd_i = np.column_stack([loos[m]["loo"]["elpd_i"] for m in ranked])
    exact = dict(zip(ranked, exact_stacking(elpd_i, table["weight"].to_numpy())))
    return {
        "name": name,
        "models": [
            {**loos[m], "rank": int(table.loc[m, "rank"]), "elpd_diff": float(table.loc[m, "elpd_diff"]),
             "dse": float(table.loc[m, "dse"]), "weight": float(table.loc[m, "weight"]),
             "stacking_exact": float(exact[m])}
            for m in models
        ],
    }


def main():
    warnings.simplefilter("ignore")
    rng = np.random.default_rng(20261129)
    y = rng.normal(size=30)
    outliers = np.concatenate([rng.normal(size=27), [4.5, 6.0, 8.0]])
    loo_cases = [
        loo_case("normal_4x100", *normal_model(rng, y, 4, 100), y),
        loo_case("outliers_4x100", *normal_model(rng, outliers, 4, 100), outliers),
        loo_case("one_chain_1x300", *normal_model(rng, y, 1, 300), y),
        loo_case("short_2x60", *normal_model(rng, y, 2, 60), y),
    ]
    y40 = rng.normal(size=40)
    # Two clusters of weeks and three far ones: each narrow model predicts one cluster well,
    # only the wide model the far weeks, so the optimal mixture weighs all three.
    clusters = np.concatenate([rng.normal(-1.0, 0.5, size=20), rng.normal(1.5, 0.5, size=20), [4.0, 4.5, -3.5]])
    compare_cases = [
        compare_case("dominated", {
            "shifted": normal_model(rng, y40, 4, 100, center=y40.mean() + 0.6),
            "right": normal_model(rng, y40, 4, 100),
            "wide": normal_model(rng, y40, 4, 100, scale=2.0),
        }, y40),
        compare_case("complementary", {
            "low": normal_model(rng, clusters, 2, 100, center=-1.0, scale=0.7),
            "high": normal_model(rng, clusters, 2, 100, center=1.5, scale=0.7),
            "wide": normal_model(rng, clusters, 2, 100, scale=1.4),
        }, clusters),
    ]
    out = {
        "source": f"arviz_stats {azs.__version__}, arviz_base {azb.__version__}, numpy {np.__version__}",
        "loo": loo_cases,
        "compare": compare_cases,
    }
    OUT.write_text(json.dumps(out) + "\n")
    bad_k = [sum(k > 0.7 for k in c["loo"]["pareto_k"]) for c in loo_cases]
    weights = {c["name"]: [(m["name"], m["weight"], m["stacking_exact"]) for m in c["models"]] for c in compare_cases}
    print(f"wrote {len(loo_cases)} loo and {len(compare_cases)} compare cases to {OUT}")
    print(f"Pareto k > 0.7 per loo case: {bad_k}; r_eff: {[round(c['r_eff'], 3) for c in loo_cases]}")
    print(f"stacking weights (ArviZ, exact): {weights}")


if __name__ == "__main__":
    main()

"""Reference fixture for pg_mmm's budget optimizer: SciPy's SLSQP (the local solver
PyMC-Marketing's BudgetOptimizer runs) from the equal split, on known allocation problems.

Each problem gives every draw a saturation curve and horizon slopes p_j, so a channel's response
to budget b is target_scale * sum_j sat(p_j * b), exactly what pg_mmm's
`ChannelResponse::from_terms` evaluates. Utilities follow pymc_marketing.mmm.utility. Writes
crates/engine/tests/fixtures/slsqp_allocation.json; rerun from the repo root with

    $(scripts/reference/venv) scripts/reference/slsqp_allocation.py

The output is deterministic (fixed seeds).
"""

import json
from pathlib import Path

import numpy as np
from scipy.optimize import minimize


def saturation(kind, x, p):
    if kind == "logistic":
        lam, beta = p[:, 0:1], p[:, 1:2]
        return beta * (1 - np.exp(-lam * x)) / (1 + np.exp(-lam * x))
    if kind == "hill":
        slope, kappa, beta = p[:, 0:1], p[:, 1:2], p[:, 2:3]
        u = (x / kappa) ** slope
        return beta * u / (1 + u)
    raise ValueError(kind)


def quantile(r, q):
    return float(np.quantile(r, q))


def utility(name, params, r, budgets):
    mean = r.mean()
    if name == "mean":
        return mean
    if name == "value_at_risk":
        return quantile(r, 1 - params.get("confidence_level", 0.95))
    if name == "conditional_value_at_risk":
        var = quantile(r, 1 - params.get("confidence_level", 0.95))
        return r[r <= var].mean()
    if name == "sharpe_ratio":
        return (mean - params.get("risk_free_rate", 0.0)) / r.std(ddof=1)
    p = params.get("confidence_level", 0.75)
    tail = abs(quantile(r, p) - mean) + abs(mean - quantile(r, 1 - p))
    if name == "tail_distance":
        return tail
    if name == "mean_tightness":
        return 1 - params.get("alpha", 0.5) * tail / mean
    if name == "raroc":
        return (mean - params.get("risk_free_rate", 0.0)) / budgets.sum()
    raise ValueError(name)


def problem(rng, kind, channels, draws, terms, budget):
    chans = []
    for m in range(channels):
        if kind == "logistic":
            params = np.column_stack([rng.gamma(20, (1 + m) / 20, draws), rng.gamma(30, (0.3 + 0.1 * m) / 30, draws), np.zeros(draws)])
        else:
            params = np.column_stack([rng.gamma(40, (1.5 + 0.5 * m) / 40, draws), rng.gamma(30, (0.4 + 0.2 * m) / 30, draws), rng.gamma(30, (0.3 + 0.1 * m) / 30, draws)])
        # Horizon slopes W_t / s_m of a geometric kernel: a ramp up, a plateau and a tail.
        alpha = rng.beta(20, 40, draws)[:, None]
        ramp = 1 - alpha ** (np.arange(1, terms + 1)[None, :])
        slopes = np.minimum(ramp, ramp[:, ::-1]) / (1000.0 * (1 + m))
        chans.append({"params": params, "slopes": slopes})
    return {"kind": kind, "channels": chans, "target_scale": 5000.0, "budget": budget}


def responses(prob, b):
    out = []
    for c, bm in zip(prob["channels"], b):
        out.append(prob["target_scale"] * saturation(prob["kind"], c["slopes"] * bm, c["params"]).sum(axis=1))
    return np.array(out)


def main():
    rng = np.random.default_rng(20251123)
    problems = [
        problem(rng, "logistic", 3, 200, 10, 3000.0),
        problem(rng, "hill", 2, 200, 10, 2000.0),
    ]
    utilities = [
        ("mean", {}),
        ("value_at_risk", {"confidence_level": 0.9}),
        ("conditional_value_at_risk", {"confidence_level": 0.9}),
        ("sharpe_ratio", {}),
        ("mean_tightness", {"alpha": 0.5}),
        ("raroc", {}),
    ]
    cases = []
    for index, prob in enumerate(problems):
        m = len(prob["channels"])
        budget = prob["budget"]
        x0 = np.full(m, budget / m)
        for name, params in utilities:
            def objective(b):
                return -utility(name, params, responses(prob, b).sum(axis=0), b)

            res = minimize(objective, x0, method="SLSQP", bounds=[(0, budget)] * m,
                           constraints=[{"type": "eq", "fun": lambda b: b.sum() - budget}],
                           options={"maxiter": 1000, "ftol": 1e-12})
            b = np.clip(res.x, 0, budget)
            b = b * budget / b.sum()
            cases.append({
                "problem": index,
                "utility": name,
                "utility_params": params,
                "slsqp_budgets": b.tolist(),
                "slsqp_utility": float(-objective(b)),
            })
    out = Path("crates/engine/tests/fixtures/slsqp_allocation.json")
    stored = [{
        "kind": prob["kind"],
        "target_scale": prob["target_scale"],
        "budget": prob["budget"],
        "channels": [{"params": c["params"].tolist(), "slopes": c["slopes"].ravel().tolist()} for c in prob["channels"]],
    } for prob in problems]
    out.write_text(json.dumps({"problems": stored, "cases": cases}, separators=(",", ":")) + "\n")
    print(f"wrote {len(cases)} cases to {out}")


if __name__ == "__main__":
    main()

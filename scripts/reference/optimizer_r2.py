"""Reference fixture for pg_mmm's budget optimizer: PyMC-Marketing 1.3.0's `budget_optimizer`
on pg_mmm's own posterior draws (docs/05-optimization.md).

Reads crates/engine/tests/fixtures/optimizer_r2_draws.json (a fixed-seed engine fit of the
example data, written by `cargo test -p mmm_engine --test optimizer_r2 -- --ignored`), builds
1.3's MMM on the same data and model (geometric adstock l_max 8, logistic saturation, controls,
yearly seasonality 2) with those draws as its posterior, and for a few budgets and horizons
starting the week after the training data records:

* with carry-in (`mmm.budget_optimizer(start, end)`: up to l_max observed weeks before the
  window are carried in and counted) and cold (the deprecated `BudgetOptimizerWrapper`, the
  only cold start 1.3 keeps);
* the allocation of 1.3's default solve (SLSQP, ftol 1e-9 on the rescaled objective) and of a
  tight solve (ftol 1e-13 on the objective itself), with the expected response
  (`total_media_contribution_original_scale`, the mean over all draws) of each;
* the expected response at a few more allocations, so that the response itself is compared.

Writes crates/engine/tests/fixtures/optimizer_r2.json; rerun from the repo root with

    $(scripts/reference/venv r2) scripts/reference/optimizer_r2.py

The output is deterministic (no sampling).
"""

import json
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pymc_marketing
import xarray as xr
from pymc_marketing.mmm import MMM, GeometricAdstock, LogisticSaturation
from pymc_marketing.mmm.budget_optimizer import BudgetOptimizer
from pymc_marketing.mmm.mmm import BudgetOptimizerWrapper
from pymc_marketing.mmm.utility import average_response

DRAWS = Path("crates/engine/tests/fixtures/optimizer_r2_draws.json")
OUT = Path("crates/engine/tests/fixtures/optimizer_r2.json")
TIGHT = {"options": {"ftol": 1e-13, "maxiter": 10_000}}


def model_with_draws(fixture):
    df = pd.read_csv(fixture["data"], parse_dates=[fixture["date_column"]])
    config = fixture["config"]
    mmm = MMM(
        date_column=fixture["date_column"],
        target_column=fixture["target"],
        channel_columns=fixture["channels"],
        control_columns=fixture["controls"],
        adstock=GeometricAdstock(l_max=8),
        saturation=LogisticSaturation(),
        yearly_seasonality=config["yearly_seasonality"],
    )
    x = df[[fixture["date_column"], *fixture["channels"], *fixture["controls"]]]
    mmm.build_model(x, df[fixture["target"]])
    posterior = xr.Dataset(
        {
            p["name"]: xr.DataArray(
                np.asarray(p["values"], dtype=float).reshape(
                    len(p["values"]), len(p["values"][0]), *(len(c) for c in p["coords"])
                ),
                dims=("chain", "draw", *p["dims"]),
                coords={d: c for d, c in zip(p["dims"], p["coords"])},
            )
            for p in fixture["posterior"]
        }
    )
    mmm.idata = xr.DataTree.from_dict({"/posterior": posterior})
    # 1.3 scales inside the graph by the training maxima: they must be pg_mmm's.
    target_scale = float(np.asarray(mmm.model["target_scale"].get_value()))
    channel_scale = np.asarray(mmm.model["channel_scale"].get_value(), dtype=float).ravel()
    assert abs(target_scale - fixture["scales"]["target"]) <= 1e-12 * target_scale, target_scale
    assert np.allclose(channel_scale, fixture["scales"]["channels"], rtol=1e-12, atol=0), channel_scale
    return mmm, df


def optimizer(mmm, start, end, carry_in):
    if carry_in:
        return mmm.budget_optimizer(start, end)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        wrapper = BudgetOptimizerWrapper(mmm, start, end)
    # As BudgetOptimizerWrapper.optimize_budget builds it, kept to evaluate responses too.
    return BudgetOptimizer(
        num_periods=wrapper.num_periods,
        utility_function=average_response,
        response_variable="total_media_contribution_original_scale",
        model=wrapper,
    )


def expected_response(opt, budgets):
    objective, _ = opt._objective_and_grad(np.asarray(budgets, dtype=float))
    return -float(objective)


def solve(opt, budget, minimize_kwargs=None):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # default bounds (0, budget) per channel
        result = opt.allocate_budget(total_budget=budget, minimize_kwargs=minimize_kwargs, return_if_fail=True)
    budgets = [float(v) for v in np.asarray(result.budgets.values).ravel()]
    res = result.scipy_result
    return {
        "budgets": budgets,
        "response": expected_response(opt, budgets),
        "success": bool(res.success),
        "message": str(res.message),
        "iterations": int(res.nit),
    }


def main():
    fixture = json.loads(DRAWS.read_text())
    mmm, df = model_with_draws(fixture)
    dates = pd.DatetimeIndex(df[fixture["date_column"]])
    start = dates.max() + pd.Timedelta(weeks=1)
    weekly = float((df[fixture["channels"]].sum(axis=1)).mean())
    cases = []
    for num_periods, factor, carry_in in [
        (8, 1.0, True),
        (8, 1.0, False),
        (4, 0.6, True),
        (12, 1.8, True),
        (12, 1.8, False),
        (1, 1.0, True),
    ]:
        budget = factor * weekly
        end = start + pd.Timedelta(weeks=num_periods - 1)
        opt = optimizer(mmm, start, end, carry_in)
        assert opt.num_periods == num_periods, opt.num_periods
        assert opt.carry_in_periods == (8 if carry_in else 0), opt.carry_in_periods
        default = solve(opt, budget)
        tight = solve(opt, budget, TIGHT)
        points = [default["budgets"], tight["budgets"], [budget / 2, budget / 2], [0.3 * budget, 0.7 * budget], [budget, 0.0]]
        cases.append({
            "num_periods": num_periods,
            "budget": budget,
            "carry_in": carry_in,
            "start_date": str(start.date()),
            "end_date": str(end.date()),
            "default": default,
            "tight": tight,
            "evaluations": [{"budgets": p, "response": expected_response(opt, p)} for p in points],
        })
        print(f"{num_periods:2d} weeks x {budget:.4f} carry_in={carry_in}: default {default['budgets']} "
              f"{default['response']:.6f}, tight {tight['budgets']} {tight['response']:.6f} ({tight['message']})")
    OUT.write_text(json.dumps({
        "pymc_marketing": pymc_marketing.__version__,
        "draws": str(DRAWS),
        "cases": cases,
    }, indent=1) + "\n")
    print(f"wrote {len(cases)} cases to {OUT}")


if __name__ == "__main__":
    main()

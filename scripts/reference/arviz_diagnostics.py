"""Reference fixture for pg_mmm's MCMC diagnostics, computed by ArviZ.

Draws a few (chains x draws) arrays with a seeded numpy RNG (independent, autocorrelated,
shifted, heavy-tailed, skewed, tiny, odd-length) and records ArviZ's rank-normalised split
R-hat, bulk and tail ESS, MCSE of mean and sd, the 94% HDI, mean, sd and E-BFMI, in
crates/engine/tests/fixtures/arviz_diagnostics.json. Rerun from the repo root with

    $(scripts/reference/venv) scripts/reference/arviz_diagnostics.py

The output is deterministic.
"""

import json
from pathlib import Path

import arviz as az
import numpy as np

# Fixture key -> column of az.summary.
COLUMNS = {
    "mean": "mean", "sd": "sd", "hdi_lower": "hdi_3%", "hdi_upper": "hdi_97%",
    "mcse_mean": "mcse_mean", "mcse_sd": "mcse_sd", "ess_bulk": "ess_bulk",
    "ess_tail": "ess_tail", "r_hat": "r_hat",
}
OUT = Path(__file__).resolve().parents[2] / "crates" / "engine" / "tests" / "fixtures" / "arviz_diagnostics.json"


def ar1(rng, chains, draws, phi):
    x = np.zeros((chains, draws))
    noise = rng.normal(size=(chains, draws))
    for t in range(1, draws):
        x[:, t] = phi * x[:, t - 1] + noise[:, t]
    return x


def cases(rng):
    yield "iid_normal", rng.normal(size=(4, 200))
    yield "ar1_phi_0.9", ar1(rng, 4, 200, 0.9)
    yield "shifted_chain", rng.normal(size=(4, 200)) + np.array([[1.5], [0], [0], [0]])
    yield "student_t_df3", rng.standard_t(3, size=(4, 200))
    yield "lognormal", rng.lognormal(0.0, 1.0, size=(4, 200))
    yield "tiny", rng.normal(size=(2, 7))
    yield "odd_draws", ar1(rng, 3, 151, 0.5)
    yield "ties", np.round(rng.normal(size=(4, 100)), 1)


def main():
    rng = np.random.default_rng(20261123)
    out = {"source": f"arviz {az.__version__}, numpy {np.__version__}", "cases": []}
    for name, x in cases(rng):
        row = az.summary({"v": x}, hdi_prob=0.94, round_to="none").loc["v"]
        out["cases"].append({
            "name": name,
            "draws": x.tolist(),
            **{key: float(row[column]) for key, column in COLUMNS.items()},
            "bfmi": float(az.bfmi(x[:1])[0]),
        })
    OUT.write_text(json.dumps(out, indent=1) + "\n")
    print(f"wrote {len(out['cases'])} cases to {OUT}")


if __name__ == "__main__":
    main()

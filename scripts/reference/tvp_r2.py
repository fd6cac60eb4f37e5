"""Reference fixtures for pg_mmm's time-varying intercept and media: PyMC-Marketing 1.3.0's `MMM`
with `time_varying_intercept=True` / `time_varying_media=True` (default `HSGPKwargs`: m = 200,
L = None, eta_lam 1, ls_mu 5, ls_sigma 10; docs/02-fitting.md, "Time-varying intercept and
media") fitted with nutpie on data simulated here (issue #14 acceptance).

Two fits, each written to its own fixture:

* `intercept`: a national data set whose baseline drifts (`simulate_national`), 104 weeks,
  channels tv (flighted) and search (always on), no controls, no seasonality, fitted with
  `time_varying_intercept=True` -> crates/engine/tests/fixtures/tvp_intercept_r2.json;
* `media`: a 3-geo panel (long format, `dims=("geo",)`, 1.3's defaults: every parameter per geo
  and independent, one channel scale per channel and one target scale over all geos) whose
  media effectiveness drifts differently in each geo (`simulate_panel`), 104 weeks, channels
  tv and search, fitted with `time_varying_media=True` -> tvp_media_r2.json.

Both: GeometricAdstock(l_max=8) (normalised), LogisticSaturation, 1.3's default priors (the
engine's defaults: intercept Normal(0, 2), adstock_alpha Beta(1, 3), saturation_lam Gamma(3, 1),
saturation_beta HalfNormal(2), y_sigma HalfNormal(2); HSGP eta Exponential(1), ls
InverseGamma(mu=5, sigma=10)), nutpie 4 chains x 1000 draws after 1000 tuning steps at
target_accept 0.95, fixed seeds.
Rerun from the repo root with

    $(scripts/reference/venv r2) scripts/reference/tvp_r2.py [intercept|media]

(TVP_R2_DRAWS=50 makes a quick trial run; the committed fixtures are the full ones.)

JSON layout of each fixture
---------------------------
{
 "pymc_marketing": "1.3.0",
 "case": "intercept" | "media",
 "sampler": {"name": "nutpie", "chains", "tune", "draws", "target_accept", "seed"},
 "config": the engine's FitConfig JSON for the same model and sampler settings, e.g.
           {"time_varying_intercept": true, "hsgp": {...}, "chains": 4, "tune": 1000,
            "draws": 1000, "target_accept": 0.95, "seed": 41} (yearly_seasonality, adstock, saturation, l_max are the
           engine's defaults: 0, geometric, logistic, 8);
 "hsgp": 1.3's HSGPKwargs as used: {"m": 200, "L": null, "eta_lam", "ls_mu", "ls_sigma",
         "cov_func": null}, plus "X_mid" and "L_effective" (the time index is 0..T-1 in weeks:
         X_mid = (T-1)/2, L = 2 X_mid = T-1);
 "priors": {name: Prior.to_dict()} of every prior 1.3 built the model with (pg_mmm names, plus
           "<latent>_raw_eta" / "<latent>_raw_ls");
 "scales": {"target": [one per geo, or one shared], "channel": [[per channel], one row per geo
           or one shared]} (both shared under 1.3's defaults);
 "data": the data 1.3 fitted, laid out as panel_r2_data.json:
         {"geos": null (national) | ["geo_a", "geo_b", "geo_c"], "dates": ["YYYY-MM-DD", ...],
          "channels": [...], "controls": [], "series": [{"y": [...], "channels": {name: [...]},
          "controls": {}}, one per geo (one for national)]};
 "truth": the simulation's parameters and its true latent process per geo and week
          (information only: the acceptance compares with 1.3, not with the truth);
 "seconds", "divergences", "max_r_hat", "min_ess_bulk" (over the free parameters);
 "parameters": one row per element of every free variable of 1.3's model:
          {"name", "pymc_name", "coord": {dim: label}, "mean", "mcse", "r_hat", "ess_bulk"}
          where "name" is pg_mmm's name ("intercept" for 1.3's `intercept_baseline` /
          `intercept_contribution`, 1.3's own name otherwise: adstock_alpha, saturation_lam,
          saturation_beta, y_sigma, <latent>_raw_eta, <latent>_raw_ls and the non-centred
          <latent>_raw_hsgp_coefs_offset with coordinate <latent>_raw_m "0".."199" (and geo));
 "deterministics": rows of the same shape for <latent> (the multiplier, by "date" [and "geo"])
          and <latent>_f_mean (its training mean before normalisation, [by geo]),
}
with <latent> = intercept_latent_process (case intercept) or media_temporal_latent_multiplier
(case media). Coordinates are strings: dates "YYYY-MM-DD", geos their labels, channels their
names. "mcse" is ArviZ's mcse(method="mean"), "ess_bulk" ArviZ's bulk ESS, "r_hat" ArviZ's rank
r_hat. No draws are saved.
"""

import json
import os
import sys
import time
from pathlib import Path

import arviz as az
import numpy as np
import pandas as pd
import pymc_marketing
from pymc_marketing.mmm import MMM, GeometricAdstock, LogisticSaturation

sys.path.insert(0, str(Path(__file__).resolve().parent))
from panel_r2 import dataset  # noqa: E402

FIXTURES = Path("crates/engine/tests/fixtures")
WEEKS = 104
START = "2022-01-03"
CHANNELS = ["tv", "search"]
L_MAX = 8
# target_accept 0.95 rather than 0.8: at 0.8 the intercept fit had 210 divergences in 4000 draws
# and a bulk ESS down to 39 (the HSGP's eta/ls geometry), too few for a sharp reference.
SAMPLER = {"chains": 4, "tune": 1000, "draws": 1000, "target_accept": 0.95}
SEEDS = {"intercept": 41, "media": 42}
LATENT = {"intercept": "intercept_latent_process", "media": "media_temporal_latent_multiplier"}
# 1.3's intercept variable -> the engine's parameter.
ENGINE_NAMES = {"intercept_baseline": "intercept", "intercept_contribution": "intercept"}


# ---- simulation -------------------------------------------------------------------------------
def geometric_adstock(x, alpha):
    """1.3's GeometricAdstock(l_max=8, normalize=True) along axis 0."""
    w = alpha ** np.arange(L_MAX)
    w /= w.sum()
    return np.stack([np.convolve(col, w)[: len(col)] for col in x.T], axis=1)


def logistic(x, lam):
    return (1 - np.exp(-lam * x)) / (1 + np.exp(-lam * x))


def spends(rng, size):
    """tv in flights (on about 45% of weeks, gamma-sized bursts), search always on but varying
    widely (gamma, shape 2): spend over most of the saturation curve identifies its lam apart
    from beta (with search within +-30% of a level, the lam-beta ridge left 1.3's bulk ESS at 29)."""
    tv = np.where(rng.random(WEEKS) < 0.45, rng.gamma(4.0, 250.0, WEEKS), 0.0) * size
    search = rng.gamma(2.0, 300.0, WEEKS) * size
    return np.stack([tv, search], axis=1)


# True media parameters: alpha, lam (on spend / max spend of the channel), beta (original units).
MEDIA = {"adstock_alpha": [0.5, 0.2], "saturation_lam": [2.5, 3.0], "saturation_beta": [400.0, 250.0]}


def media_contribution(x, scale, size):
    """Per week and channel, in original units: beta * logistic(adstock(x / scale))."""
    alpha, lam, beta = (np.asarray(MEDIA[k]) for k in ("adstock_alpha", "saturation_lam", "saturation_beta"))
    out = np.empty_like(x)
    for c in range(x.shape[1]):
        out[:, c] = beta[c] * size * logistic(geometric_adstock(x[:, [c]] / scale[c], alpha[c])[:, 0], lam[c])
    return out


def simulate_national():
    """A baseline that drifts: level 1200 times a slow rise plus a 70-week swing."""
    rng = np.random.default_rng(14)
    t = np.arange(WEEKS)
    x = spends(rng, 1.0)
    process = 1 + 0.2 * (t / (WEEKS - 1) - 0.5) + 0.25 * np.sin(2 * np.pi * t / 70 + 0.5)
    level = 1200.0 * process.mean()
    process /= process.mean()
    y = level * process + media_contribution(x, x.max(axis=0), 1.0).sum(axis=1) + rng.normal(0, 40.0, WEEKS)
    data = {"geos": None, "series": [series(y, x)]}
    truth = {"intercept": [level], "intercept_latent_process": [process.tolist()], "noise_sd": 40.0, **MEDIA}
    return data, truth


def simulate_panel():
    """Three geos of different sizes, constant baselines, media effectiveness scaled per geo by
    1 + 0.35 sin(2 pi t / 80 + phase) (normalised to mean 1)."""
    rng = np.random.default_rng(15)
    t = np.arange(WEEKS)
    geos, sizes, phases = ["geo_a", "geo_b", "geo_c"], [1.0, 0.7, 1.3], [0.0, 2.0, 4.0]
    xs = [spends(rng, s) for s in sizes]
    scale = np.max([x.max(axis=0) for x in xs], axis=0)  # 1.3's default: one scale per channel
    out, processes = [], []
    for x, size, phase in zip(xs, sizes, phases):
        process = 1 + 0.35 * np.sin(2 * np.pi * t / 80 + phase)
        process /= process.mean()
        media = media_contribution(x, scale, size).sum(axis=1)
        y = 800.0 * size + process * media + rng.normal(0, 30.0, WEEKS)
        out.append(series(y, x))
        processes.append(process.tolist())
    data = {"geos": geos, "series": out}
    truth = {"intercept": [800.0 * s for s in sizes], "media_temporal_latent_multiplier": processes,
             "noise_sd": 30.0, "geo_sizes": sizes, **MEDIA}
    return data, truth


def series(y, x):
    return {"y": y.tolist(), "channels": {c: x[:, i].tolist() for i, c in enumerate(CHANNELS)}, "controls": {}}


def frame(data, dates):
    """The data as 1.3's long-format X (date[, geo], channels) and y."""
    frames = []
    for geo, s in zip(data["geos"] or [None], data["series"]):
        f = pd.DataFrame({"date": dates, **s["channels"], "y": s["y"]})
        if geo is not None:
            f.insert(1, "geo", geo)
        frames.append(f)
    f = pd.concat(frames, ignore_index=True)
    return f.drop(columns="y"), f["y"]


# ---- summaries --------------------------------------------------------------------------------
def label(value):
    """A coordinate value as the fixture's string: dates as YYYY-MM-DD."""
    if isinstance(value, np.datetime64):
        return str(pd.Timestamp(value).date())
    return str(value)


def rows(idata, names, rename=None):
    """Mean, MCSE, r_hat and bulk ESS of each element of the named posterior variables, by name
    and coordinate."""
    posterior = dataset(idata)
    means = posterior[names].mean(("chain", "draw"))
    stats = {
        "mcse": dataset(az.mcse(idata, var_names=names, method="mean")),
        "r_hat": dataset(az.rhat(idata, var_names=names)),
        "ess_bulk": dataset(az.ess(idata, var_names=names, method="bulk")),
    }
    out = []
    for name in names:
        mean = means[name]
        for index in np.ndindex(*mean.shape):
            sel = dict(zip(mean.dims, index))
            row = {
                "name": (rename or {}).get(name, name),
                "pymc_name": name,
                "coord": {d: label(mean[d].values[i]) for d, i in sel.items()},
                "mean": float(mean.isel(sel)),
            }
            row.update({k: float(s[name].isel(sel)) for k, s in stats.items()})
            out.append(row)
    return out


def priors(mmm, case):
    """The priors 1.3 built the model with, by pg_mmm's parameter name (and the HSGP's)."""
    config = mmm.model_config
    out = {"intercept": config["intercept"].to_dict()}
    out["y_sigma"] = config["likelihood"].parameters["sigma"].to_dict()
    for prefix, transform in (("adstock", mmm.adstock), ("saturation", mmm.saturation)):
        for param, prior in transform.function_priors.items():
            out[f"{prefix}_{param}"] = prior.to_dict()
    hsgp, latent = config[f"{case}_tvp_config"], LATENT[case]
    out[f"{latent}_raw_eta"] = {"dist": "Exponential", "kwargs": {"lam": float(hsgp.eta_lam)}}
    out[f"{latent}_raw_ls"] = {"dist": "InverseGamma", "kwargs": {"mu": float(hsgp.ls_mu), "sigma": float(hsgp.ls_sigma)}}
    return out


def scales(mmm):
    """Target scale per geo and channel scale per (geo, channel), one row when shared."""
    target = np.atleast_1d(np.asarray(mmm.model["target_scale"].get_value(), float))
    channel = np.asarray(mmm.model["channel_scale"].get_value(), float)
    return {"target": target.tolist(), "channel": np.atleast_2d(channel).tolist()}


# ---- the fits ---------------------------------------------------------------------------------
def run(case):
    data, truth = simulate_national() if case == "intercept" else simulate_panel()
    dates = pd.date_range(START, periods=WEEKS, freq="7D")
    data = {"geos": data["geos"], "dates": [str(d.date()) for d in dates], "channels": CHANNELS,
            "controls": [], "series": data["series"]}
    x, y = frame(data, dates)
    latent = LATENT[case]
    mmm = MMM(
        date_column="date",
        target_column="y",
        channel_columns=CHANNELS,
        dims=("geo",) if data["geos"] else (),
        adstock=GeometricAdstock(l_max=L_MAX),
        saturation=LogisticSaturation(),
        time_varying_intercept=case == "intercept",
        time_varying_media=case == "media",
    )
    draws = int(os.environ.get("TVP_R2_DRAWS", SAMPLER["draws"]))
    sampler = {"name": "nutpie", **SAMPLER, "draws": draws,
               "tune": int(os.environ.get("TVP_R2_DRAWS", SAMPLER["tune"])), "seed": SEEDS[case]}
    started = time.perf_counter()
    idata = mmm.fit(
        x,
        y,
        nuts_sampler="nutpie",
        chains=sampler["chains"],
        draws=sampler["draws"],
        tune=sampler["tune"],
        target_accept=sampler["target_accept"],
        random_seed=sampler["seed"],
        progressbar=False,
    )
    seconds = time.perf_counter() - started
    posterior = dataset(idata)
    free = [v.name for v in mmm.model.free_RVs if v.name in posterior]
    parameters = rows(idata, free, ENGINE_NAMES)
    diverging = int(idata.sample_stats["diverging"].sum())
    max_rhat = max(r["r_hat"] for r in parameters)
    min_ess = min(r["ess_bulk"] for r in parameters)
    print(f"{case}: {seconds:.0f} s, {diverging} divergences, max r_hat {max_rhat:.3f}, min ess_bulk {min_ess:.0f}")
    hsgp = mmm.model_config[f"{case}_tvp_config"]
    x_mid = (WEEKS - 1) / 2
    engine_hsgp = {"m": hsgp.m, "L": hsgp.L, "eta_lam": hsgp.eta_lam, "ls_mu": hsgp.ls_mu, "ls_sigma": hsgp.ls_sigma}
    out = {
        "pymc_marketing": pymc_marketing.__version__,
        "case": case,
        "sampler": sampler,
        "config": {f"time_varying_{case}": True, "hsgp": engine_hsgp,
                   **{k: sampler[k] for k in ("chains", "tune", "draws", "target_accept", "seed")}},
        "hsgp": {**hsgp.model_dump(mode="json"), "X_mid": x_mid, "L_effective": hsgp.L or 2 * x_mid},
        "priors": priors(mmm, case),
        "scales": scales(mmm),
        "data": data,
        "truth": truth,
        "seconds": round(seconds, 1),
        "divergences": diverging,
        "max_r_hat": max_rhat,
        "min_ess_bulk": min_ess,
        "parameters": parameters,
        "deterministics": rows(idata, [latent, f"{latent}_f_mean"]),
    }
    path = FIXTURES / f"tvp_{case}_r2.json"
    path.write_text(json.dumps(out, indent=1) + "\n")
    print(f"wrote {path} ({path.stat().st_size / 1e3:.0f} kB)")


def main():
    for case in sys.argv[1:] or list(LATENT):
        run(case)


if __name__ == "__main__":
    main()

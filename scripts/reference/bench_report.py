"""Markdown report of scripts/bench, from every JSON file in its results directory.

    $(scripts/reference/venv) scripts/reference/bench_report.py target/bench/results

Each file holds one system's results: {"system", "runs": [...], "optimizer", "aggregate",
"scale", "versions", "settings"}, any of them absent. The runs have the fields that
pymc_benchmark.py writes (seed, wall_s, min_ess_bulk, min_ess_per_s, divergences, params with
mean and mcse_mean, peak memory), whichever system produced them; a file named `<x>-<n>.json`
holds run n. The machine and the versions not recorded in the files are read here, so run this
on the machine that ran the benchmark.
"""

import datetime
import json
import math
import os
import re
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SQL, ENGINE, NUTPIE, PYMC = "pg_mmm SQL", "pg_mmm engine", "pymc-marketing+nutpie", "pymc-marketing+pymc"
# The geo-panel section's PyMC-Marketing (1.3, another venv than the standard section's).
PANEL_NUTPIE = "panel: pymc-marketing 1.3+nutpie"
# The time-varying section's (tvp_benchmark.py).
TVP_NUTPIE = "tvp: pymc-marketing 1.3+nutpie"
SYSTEMS = {  # system -> (label in the tables, short name in the flags)
    SQL: ("pg_mmm, `SELECT mmm_fit(...)`", "SQL"),
    ENGINE: ("pg_mmm engine (Rust, no PostgreSQL)", "engine"),
    NUTPIE: ("PyMC-Marketing + nutpie", "nutpie"),
    PYMC: ("PyMC-Marketing + PyMC NUTS", "pymc"),
}


def run_index(path):
    m = re.search(r"-(\d+)\.json$", path.name)
    return (path.name[: m.start()], int(m.group(1))) if m else (path.stem, 0)


def load(results):
    systems = {}
    for path in sorted(results.glob("*.json"), key=run_index):
        d = json.loads(path.read_text())
        s = systems.setdefault(d["system"], {"runs": [], "aggregate": [], "scale": [], "panel": [], "tvp": [],
                                             "optimizer": None, "versions": {}})
        s["runs"] += d.get("runs", [])
        s["panel"] += d.get("panel", [])
        s["tvp"] += d.get("tvp", [])
        s["aggregate"] += d.get("aggregate", [])
        s["scale"] += d.get("scale", [])
        s["versions"].update(d.get("versions", {}))
        s["optimizer"] = d.get("optimizer") or s["optimizer"]
        s["settings"] = s.get("settings") or d.get("settings")
    return systems


def median(values):
    values = [v for v in values if v is not None and math.isfinite(v)]
    return statistics.median(values) if values else None


def fmt(v, spec=".3g"):
    return "–" if v is None or not math.isfinite(v) else format(v, spec)


def command(*args):
    try:
        return subprocess.run(args, cwd=ROOT, capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "?"


def proc_field(path, key):
    for line in Path(path).read_text().splitlines():
        if line.startswith(key):
            return line.split(":", 1)[1].strip()
    return "?"


def header(systems):
    pymc_versions = next((s["versions"] for k, s in systems.items() if k.startswith("pymc-marketing")), {})
    postgres = systems.get(SQL, {}).get("versions", {}).get("postgresql", "?")
    memory_gib = int(proc_field("/proc/meminfo", "MemTotal").split()[0]) / 2**20
    commit = command("git", "rev-parse", "--short", "HEAD")
    if command("git", "status", "--porcelain", "--untracked-files=no"):
        commit += " with uncommitted changes"
    settings = next((s.get("settings") for k, s in systems.items() if k.startswith("pymc-marketing")), None) or {}
    print("# pg_mmm benchmark\n")
    print(f"- date: {datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M} UTC")
    print(f"- machine: {len(os.sched_getaffinity(0))} cores, {proc_field('/proc/cpuinfo', 'model name')}, "
          f"{memory_gib:.0f} GiB memory")
    print(f"- pg_mmm {commit}, {command('rustc', '--version')}, PostgreSQL {postgres}")
    if pymc_versions:
        print("- " + ", ".join(f"{k.replace('_', '-')} {pymc_versions[k]}"
                              for k in ("pymc_marketing", "pymc", "nutpie", "arviz", "python") if k in pymc_versions))
    if settings:
        print(f"- sampling: {settings['chains']} chains × ({settings['tune']} tune + {settings['draws']} draws), "
              f"target_accept {settings['target_accept']}")
    print()


def fit_table(systems):
    if not any(systems.get(key, {}).get("runs") for key in SYSTEMS):
        return
    base = median(r["wall_s"] for r in systems.get(SQL, {}).get("runs", []))
    print("## Standard model on the example data\n")
    print("Geometric adstock (l_max 8) then logistic saturation, controls event_1, event_2, t, "
          "yearly seasonality with 2 modes, default priors. Medians over runs.\n")
    print("| system | runs (seeds) | wall s | of which | min bulk ESS per s | peak memory MB | wall ÷ pg_mmm SQL | divergences per run |")
    print("|---|---|---|---|---|---|---|---|")
    for key, (label, _) in SYSTEMS.items():
        runs = systems.get(key, {}).get("runs", [])
        if not runs:
            continue
        wall = median(r["wall_s"] for r in runs)
        if key == SQL:
            part = f"engine fit {fmt(median(r['fit_seconds'] for r in runs))} s"
        elif key == ENGINE:
            part = ""
        else:
            part = (f"compile {fmt(median(r['compile_s'] for r in runs))} s, "
                    f"sampling {fmt(median(r['sampling_s'] for r in runs))} s")
        peak = median(r.get("peak_tree_pss_mb") or r.get("peak_rss_mb") for r in runs)
        ratio = fmt(wall / base, ".2f") if base and wall else "–"
        seeds = ", ".join(str(r["seed"]) for r in runs)
        divergences = ", ".join(str(r["divergences"]) for r in runs)
        print(f"| {label} | {len(runs)} ({seeds}) | {fmt(wall)} | {part} | {fmt(median(r['min_ess_per_s'] for r in runs), '.0f')} "
              f"| {fmt(peak, '.1f')} | {ratio} | {divergences} |")
    print()
    print("Wall time: pg_mmm SQL is `SELECT mmm_fit(...)` in a fresh session (loading the extension, "
          "reading the rows, sampling, storing the draws); the engine is `inference::fit` alone; "
          "PyMC-Marketing is `build_model` + `fit` (PyTensor compile included; its compile cache "
          "is warm after the first run). Peak memory: pg_mmm is the peak resident set (VmHWM) of "
          "the backend or of the bench process; PyMC-Marketing is the peak summed PSS of its "
          "process and children, sampled every 0.1 s. Min bulk ESS is the smallest over the "
          "parameters.\n")


def posterior_table(systems):
    firsts = {key: systems[key]["runs"][0] for key in SYSTEMS if systems.get(key, {}).get("runs")}
    if not firsts:
        return
    rows = {key: {(p["parameter"], p["coordinate"]): p for p in run["params"]} for key, run in firsts.items()}
    names = list(next(iter(rows.values())))
    print("## Posterior means (first run of each system; ± MCSE of the mean; model units)\n")
    print("| parameter | " + " | ".join(SYSTEMS[k][1] + f" (seed {firsts[k]['seed']})" for k in firsts) + " | differ by > 3 MCSE |")
    print("|---|" + "---|" * (len(firsts) + 1))
    flagged = 0
    for name in names:
        cells = [rows[k].get(name) for k in firsts]
        flags = []
        keys = list(firsts)
        for i in range(len(keys)):
            for j in range(i + 1, len(keys)):
                a, b = cells[i], cells[j]
                if not a or not b or None in (a["mean"], b["mean"], a["mcse_mean"], b["mcse_mean"]):
                    continue
                if abs(a["mean"] - b["mean"]) > 3 * math.hypot(a["mcse_mean"], b["mcse_mean"]):
                    flags.append(f"{SYSTEMS[keys[i]][1]}–{SYSTEMS[keys[j]][1]}")
        flagged += bool(flags)
        label = name[0] if name[1] is None else f"{name[0]}[{name[1]}]"
        text = [f"{fmt(c['mean'], '.4g')} ± {fmt(c['mcse_mean'], '.2g')}" if c else "–" for c in cells]
        print(f"| {label} | " + " | ".join(text) + f" | {', '.join(flags) or ''} |")
    print(f"\n{flagged} of {len(names)} parameters have a pair of means further apart than "
          "3·sqrt(mcse_a² + mcse_b²).\n")


def optimizer_table(systems):
    rows = []
    sql = systems.get(SQL, {}).get("optimizer")
    if sql:
        rows.append(("pg_mmm, `mmm_optimize_budget`, first call of a session", f"{fmt(sql['first_call_s'])} s", sql))
        rows.append(("pg_mmm, `mmm_optimize_budget`, model cached (median of 11)", f"{fmt(sql['solve_s'])} s", sql))
    engine = systems.get(ENGINE, {}).get("optimizer")
    if engine:
        rows.append(("pg_mmm engine, responses + solve (median of 11)", f"{fmt(engine['solve_s'])} s", engine))
    for key in (NUTPIE, PYMC):
        o = systems.get(key, {}).get("optimizer")
        if o:
            rows.append((f"{SYSTEMS[key][0]}, BudgetOptimizer (SLSQP)",
                         f"compile {fmt(o['compile_s'])} s + solve {fmt(o['solve_s'])} s", o))
    if not rows:
        return
    channels = sorted({c for _, _, o in rows for c in o["allocation"]})
    print("## Budget optimization\n")
    print("The historical mean weekly budget (mean of x1 + x2) per week for 8 weeks, on each "
          "system's seed-1 fit; expected response = mean over draws of the media contribution "
          "over the 8 weeks and l_max weeks of carry-over, in units of y.\n")
    print("| what | time | budget per week | " + " | ".join(channels) + " | expected response |")
    print("|---|---|---|" + "---|" * len(channels) + "---|")
    for label, time, o in rows:
        shares = " | ".join(fmt(o["allocation"].get(c), ".4f") for c in channels)
        print(f"| {label} | {time} | {fmt(o['budget'], '.4f')} | {shares} | {fmt(o['response_mean'], '.1f')} |")
    print()


def scale_tables(systems):
    aggregate = systems.get(SQL, {}).get("aggregate", [])
    scale = systems.get(ENGINE, {}).get("scale", [])
    if aggregate or scale:
        print("## Scale\n")
    if aggregate:
        print("`mmm_fit_agg` over simulated groups (104 weeks × 4 channels each, default config, "
              "seed 1), one backend:\n")
        print("| groups | wall s | s per group |")
        print("|---|---|---|")
        for a in sorted(aggregate, key=lambda a: a["groups"]):
            print(f"| {a['groups']} | {fmt(a['wall_s'])} | {fmt(a['wall_s'] / a['fitted'])} |")
        print()
    if scale:
        weeks = sorted({c["weeks"] for c in scale})
        channels = sorted({c["channels"] for c in scale})
        cell = {(c["weeks"], c["channels"]): fmt(c["wall_s"]) if "wall_s" in c else "too few weeks" for c in scale}
        print("Engine fit wall time in seconds, simulated data (default config, seed 1); "
              "\"too few weeks\": the model has more parameters than the rows allow:\n")
        print("| weeks \\ channels | " + " | ".join(map(str, channels)) + " |")
        print("|---|" + "---|" * len(channels))
        for w in weeks:
            print(f"| {w} | " + " | ".join(cell.get((w, c), "–") for c in channels) + " |")
        print()


def shape_label(shape):
    return (f"{shape['geos']} geos × {shape['weeks']} weeks × {shape['channels']} channels "
            f"+ {shape['controls']} controls")


def panel_tables(systems, results):
    sql = systems.get(SQL, {}).get("panel", [])
    nutpie = systems.get(PANEL_NUTPIE, {}).get("panel", [])
    if not sql:
        return
    # The shape both systems fitted (else the one pg_mmm fitted most often).
    medium = nutpie[0]["shape"] if nutpie else max(sql, key=lambda r: sum(q["shape"] == r["shape"] for q in sql))["shape"]
    medium_sql = [r for r in sql if r["shape"] == medium]
    medium_runs = {SQL: medium_sql, PANEL_NUTPIE: [r for r in nutpie if r["shape"] == medium]}
    settings = medium_sql[0]["settings"]
    load = {when: (results / f"panel-load-{when}.txt") for when in ("start", "end")}
    load = {when: re.sub(r".*load average: ", "", p.read_text().strip()) if p.exists() else "?" for when, p in load.items()}
    versions = systems.get(PANEL_NUTPIE, {}).get("versions", {})
    print("## Geo panels\n")
    print(f"Simulated panels (`mmm_simulate_panel`, the bench's spec), `\"pooling\": \"partial\"` with per-geo "
          f"scales, geometric adstock (l_max 8), logistic saturation, yearly seasonality 2; "
          f"{settings['chains']} chains × ({settings['tune']} tune + {settings['draws']} draws), target_accept "
          f"{settings['target_accept']} (both systems' default). Load average (1, 5, 15 min) at the start: "
          f"{load['start']}; at the end: {load['end']}.\n")
    if versions:
        print("PyMC-Marketing side: " + ", ".join(f"{k.replace('_', '-')} {versions[k]}"
                                                   for k in ("pymc_marketing", "pymc", "nutpie", "arviz", "python")
                                                   if k in versions) + ".\n")
    print(f"### {shape_label(medium)}, both systems\n")
    print("| system | runs (seeds) | wall s | of which | CPU s | min bulk ESS | min bulk ESS per s | max r_hat "
          "| divergences per run | peak memory MB | wall ÷ pg_mmm SQL | CPU ÷ pg_mmm SQL |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|")
    base = median(r["wall_s"] for r in medium_sql)
    base_cpu = median(r.get("cpu_s") for r in medium_sql)
    labels = {SQL: SYSTEMS[SQL][0], PANEL_NUTPIE: "PyMC-Marketing 1.3 + nutpie"}
    for key, runs in medium_runs.items():
        if not runs:
            continue
        wall = median(r["wall_s"] for r in runs)
        if key == SQL:
            part = f"engine fit {fmt(median(r['fit_seconds'] for r in runs))} s"
        else:
            part = (f"build {fmt(median(r['build_s'] for r in runs))} s, compile "
                    f"{fmt(median(r['compile_s'] for r in runs))} s, sampling {fmt(median(r['sampling_s'] for r in runs))} s")
        peak = median(r.get("peak_tree_pss_mb") or r.get("peak_rss_mb") for r in runs)
        cpu = median(r.get("cpu_s") for r in runs)
        print(f"| {labels[key]} | {len(runs)} ({', '.join(str(r['seed']) for r in runs)}) | {fmt(wall)} | {part} "
              f"| {fmt(cpu)} "
              f"| {fmt(median(r['min_ess_bulk'] for r in runs), '.0f')} | {fmt(median(r['min_ess_per_s'] for r in runs))} "
              f"| {fmt(max(r['max_r_hat'] for r in runs), '.3f')} | {', '.join(str(r['divergences']) for r in runs)} "
              f"| {fmt(peak, '.0f')} | {fmt(wall / base, '.1f') if base else '–'} "
              f"| {fmt(cpu / base_cpu, '.1f') if cpu and base_cpu else '–'} |")
    ours, theirs = (median(r["min_ess_per_s"] for r in medium_runs[k]) for k in (SQL, PANEL_NUTPIE))
    if ours and theirs:
        print(f"\nMedians over runs, except max r_hat (the largest of any run); pg_mmm's min bulk ESS per second is {ours / theirs:.1f} times PyMC-Marketing's.")
    print("\nWall time: pg_mmm is `SELECT mmm_fit(...)` in a fresh session (loading the extension, reading "
          "the rows, sampling, storing the draws); PyMC-Marketing is `build_model` + `fit` (PyTensor graph, "
          "nutpie's numba compile, sampling, 1.3's post-processing). Min bulk ESS: the smallest over the "
          "parameters pg_mmm's `mmm_summary` reports (per geo, hyper-parameters included), by pg_mmm's "
          "estimator (ArviZ's rank-normalised split bulk ESS, checked against ArviZ in "
          "crates/engine/tests) and by ArviZ on the same parameters. Peak memory: pg_mmm is the backend's "
          "VmHWM at the end of the statement; PyMC-Marketing the peak summed PSS of its process tree. "
          "CPU: user + system time of the backend (every chain's thread) or of the Python process and "
          "its children over the same span; unlike wall time it does not depend on the machine's load.\n")
    print("### pg_mmm alone: time, convergence and memory against the panel's size\n")
    print("| panel | geos × weeks × channels | parameters | wall s | CPU s | min bulk ESS | max r_hat | divergences "
          "| peak memory MB |")
    print("|---|---|---|---|---|---|---|---|---|")
    def cells(shape):
        return shape["geos"] * shape["weeks"] * shape["channels"]

    shapes = sorted(map(json.loads, {json.dumps(r["shape"], sort_keys=True) for r in sql}), key=cells)
    points = []
    for shape in shapes:
        first = min((r for r in sql if r["shape"] == shape), key=lambda r: r["seed"])  # seed 1's run of each
        points.append((cells(shape), first["peak_rss_mb"]))
        print(f"| {shape_label(shape)} | {cells(shape):,} | {first['parameters']} | {fmt(first['wall_s'])} "
              f"| {fmt(first.get('cpu_s'))} "
              f"| {fmt(first['min_ess_bulk'], '.0f')} | {fmt(first['max_r_hat'], '.3f')} | {first['divergences']} "
              f"| {fmt(first['peak_rss_mb'], '.0f')} |")
    if len(points) >= 2:
        (x0, y0), (x1, y1) = points[0], points[-1]
        slope = (y1 - y0) / (x1 - x0)
        print(f"\nPeak memory through the smallest and largest panels: {fmt(y0 - slope * x0, '.1f')} MB + "
              f"{fmt(slope * 1000, '.3f')} MB per 1,000 geo-week-channel cells"
              + "".join(f"; the line predicts {fmt(y0 + slope * (x - x0), '.1f')} MB at {x:,} cells, measured "
                        f"{fmt(y, '.1f')} MB" for x, y in points[1:-1]) + ".\n")


def tvp_tables(systems, results):
    sql = systems.get(SQL, {}).get("tvp", [])
    nutpie = systems.get(TVP_NUTPIE, {}).get("tvp", [])
    if not sql and not nutpie:
        return
    load = {when: (results / f"tvp-load-{when}.txt") for when in ("start", "end")}
    load = {when: re.sub(r".*load average: ", "", p.read_text().strip()) if p.exists() else "?" for when, p in load.items()}
    settings = (sql or nutpie)[0]["settings"]
    versions = systems.get(TVP_NUTPIE, {}).get("versions", {})
    print("## Time-varying effects and lift tests\n")
    print("The example data's standard model (controls event_1, event_2, t; geometric adstock l_max 8, logistic "
          "saturation, yearly seasonality 2, default priors), **tvp**: with a time-varying intercept and media "
          "(`{\"time_varying_intercept\": true, \"time_varying_media\": true}`, HSGP with m = 200 each), "
          "**lift**: without them, calibrated with one lift test per channel (scripts/reference/lift_r2.py's). "
          f"{settings['chains']} chains × ({settings['tune']} tune + {settings['draws']} draws), target_accept "
          f"{settings['target_accept']} (both systems' default). Load average (1, 5, 15 min) at the start: "
          f"{load['start']}; at the end: {load['end']}.\n")
    if versions:
        print("PyMC-Marketing side: " + ", ".join(f"{k.replace('_', '-')} {versions[k]}"
                                                   for k in ("pymc_marketing", "pymc", "nutpie", "arviz", "python")
                                                   if k in versions) + ".\n")
    print("| model | system | runs (seeds) | wall s | of which | CPU s | min bulk ESS | min bulk ESS per s | max r_hat "
          "| divergences per run | peak memory MB |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    labels = {SQL: SYSTEMS[SQL][0], TVP_NUTPIE: "PyMC-Marketing 1.3 + nutpie"}
    ratios = []
    for model in ("tvp", "lift"):
        runs = {SQL: [r for r in sql if r["model"] == model], TVP_NUTPIE: [r for r in nutpie if r["model"] == model]}
        for key, rs in runs.items():
            if not rs:
                continue
            if key == SQL:
                part = f"engine fit {fmt(median(r['fit_seconds'] for r in rs))} s"
            else:
                part = (f"build {fmt(median(r['build_s'] for r in rs))} s, compile "
                        f"{fmt(median(r['compile_s'] for r in rs))} s, sampling {fmt(median(r['sampling_s'] for r in rs))} s")
            peak = median(r.get("peak_tree_pss_mb") or r.get("peak_rss_mb") for r in rs)
            print(f"| {model} | {labels[key]} | {len(rs)} ({', '.join(str(r['seed']) for r in rs)}) "
                  f"| {fmt(median(r['wall_s'] for r in rs))} | {part} | {fmt(median(r.get('cpu_s') for r in rs))} "
                  f"| {fmt(median(r['min_ess_bulk'] for r in rs), '.0f')} | {fmt(median(r['min_ess_per_s'] for r in rs))} "
                  f"| {fmt(max(r['max_r_hat'] for r in rs), '.3f')} | {', '.join(str(r['divergences']) for r in rs)} "
                  f"| {fmt(peak, '.0f')} |")
        walls = [median(r["wall_s"] for r in runs[k]) for k in (SQL, TVP_NUTPIE)]
        ess = [median(r["min_ess_per_s"] for r in runs[k]) for k in (SQL, TVP_NUTPIE)]
        if all(walls) and all(ess):
            ratios.append(f"{model}: pg_mmm is {walls[1] / walls[0]:.1f} times faster end to end, with "
                          f"{ess[0] / ess[1]:.1f} times PyMC-Marketing's min bulk ESS per second")
    if ratios:
        print("\nMedians over runs, except max r_hat (the largest of any run); " + "; ".join(ratios) + ".")
    print("\nWall time: pg_mmm is `SELECT mmm_fit(...)` in a fresh session (loading the extension, reading "
          "the rows, sampling, storing the draws); PyMC-Marketing is `build_model` (+ `add_lift_test_measurements`) "
          "+ `fit` (PyTensor graph, nutpie's numba compile, sampling, 1.3's post-processing), not the imports. "
          "Min bulk ESS: the smallest over the parameters, by pg_mmm's estimator over `mmm_summary`'s rows and by "
          "ArviZ over every element of 1.3's free variables (the HSGP's non-centred coefficients included). Peak "
          "memory and CPU time as in the geo-panel section.\n")


def main():
    results = Path(sys.argv[1])
    systems = load(results)
    header(systems)
    fit_table(systems)
    panel_tables(systems, results)
    tvp_tables(systems, results)
    posterior_table(systems)
    optimizer_table(systems)
    scale_tables(systems)


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""The bad-input suite: a generated set of bad calls over every SQL function and argument of
pg_mmm (wrong types, NULLs, empty and huge sizes, non-finite numbers, unknown names, quotes and
injection attempts in identifiers and names, HTML in labels, wrong owners). Each call runs in a
session of its own (psql, against PGHOST/PGPORT, database $1) as a role that is not a superuser;
each must end in a clean ERROR (an SQLSTATE other than class XX, internal errors, which is what
a Rust panic becomes) whose message, detail or hint names the argument (or the bad value), the
backend must survive it (the session answers afterwards), and no mmm.* table's row count may
change. Prints the counts; exits non-zero when any call fails one of these.

Each case mutates one argument of a call that works into a bad value: `case(function, call,
names)`, where `names` are the words an ERROR that names the argument contains (any one)."""

import json
import os
import subprocess
import sys

DB = sys.argv[1]


def psql(script, role="bi_user"):
    """Runs `script` as `role` in a session of its own; returns psql's output."""
    prelude = f"\\set VERBOSITY verbose\nSET ROLE {role};\n"
    run = subprocess.run(
        ["psql", "-X", "-q", "-At", "-F", "|", "-d", DB],
        input=prelude + script,
        capture_output=True,
        text=True,
    )
    return run.stdout + run.stderr


def setup():
    out = subprocess.run(
        ["psql", "-X", "-q", "-At", "-v", "ON_ERROR_STOP=1", "-d", DB],
        input=SETUP,
        capture_output=True,
        text=True,
    )
    if out.returncode != 0:
        sys.exit(f"bad_inputs: set-up failed:\n{out.stdout}{out.stderr}")
    return psql("SELECT id FROM mmm.models WHERE name = 'bi';").strip().splitlines()[-1]


SETUP = r"""
CREATE EXTENSION pg_mmm;
CREATE ROLE bi_user;
CREATE ROLE bi_other;
GRANT CREATE ON SCHEMA public TO bi_user, bi_other;
-- Row counts of every mmm.* table, whatever the caller may see (owned by the superuser).
CREATE FUNCTION bi_rows() RETURNS text LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog AS $$
DECLARE
    r record;
    n bigint;
    counts text := '';
BEGIN
    FOR r IN SELECT c.oid::regclass AS rel FROM pg_class c JOIN pg_namespace s ON s.oid = c.relnamespace
             WHERE s.nspname = 'mmm' AND c.relkind = 'r' ORDER BY c.relname LOOP
        EXECUTE format('SELECT count(*) FROM %s', r.rel) INTO n;
        counts := counts || r.rel || '=' || n || ' ';
    END LOOP;
    RETURN counts;
END
$$;
GRANT EXECUTE ON FUNCTION bi_rows() TO PUBLIC;
SET ROLE bi_user;
CREATE TABLE bi_weeks AS
SELECT date AS week, y AS sales, (spend ->> 'x1')::float8 AS x1, (spend ->> 'x2')::float8 AS x2,
       sin(extract(doy FROM date)::float8) AS c1, 'north'::text AS region
FROM mmm_simulate('example', seed => 2);
CREATE TABLE bi_empty AS TABLE bi_weeks WITH NO DATA;
CREATE TABLE bi_text (week text, sales text, x1 text, x2 text);
INSERT INTO bi_text VALUES ('2020-01-06', '1', '2', '3');
CREATE TABLE bi_future AS
SELECT (SELECT max(week) FROM bi_weeks) + 7 * i AS week, 100.0::float8 AS x1, 50.0::float8 AS x2, 0.0::float8 AS c1
FROM generate_series(1, 4) i;
CREATE TABLE bi_events_bad (name text, start_date date, end_date date);
INSERT INTO bi_events_bad VALUES ('launch', '2020-03-01', '2020-02-01');
CREATE TABLE bi_lifts_bad (channel text, x float8, delta_x float8, delta_y float8, sigma float8);
INSERT INTO bi_lifts_bad VALUES ('x1', 1, 0.5, 0.2, 0);
CREATE TABLE bi_costs_bad (date date, channel text, cost_per_unit float8);
INSERT INTO bi_costs_bad VALUES ('2020-01-06', 'x1', -1);
CREATE TABLE bi_calib_bad (channel text, cost float8);
SELECT mmm_fit('bi_weeks', 'week', 'sales', ARRAY['x1', 'x2'], ARRAY['c1'], name => 'bi',
               config => '{"chains": 1, "tune": 50, "draws": 20, "seed": 1, "progress": false}') > 0;
RESET ROLE;
"""

# Bad values by kind: (SQL literal, extra words an ERROR naming it may contain instead of the
# argument's name).
NOT_FINITE = [("'NaN'::float8", []), ("'Infinity'::float8", []), ("'-Infinity'::float8", [])]
PROB = [("0", []), ("1", []), ("-0.5", []), ("2", [])] + NOT_FINITE
MODEL_ID = [("-1", ["-1"]), ("0", ["model 0"]), ("9223372036854775807", ["9223372036854775807"])]
MODEL_NAME = [
    ("''", ['""']),
    ("'no_such_model'", ["no_such_model"]),
    ("'x''); DROP TABLE mmm.models; --'", ["DROP TABLE"]),
    ("'<script>alert(1)</script>'", ["<script>"]),
    ("repeat('m', 5000)", ["mmmmmmmm"]),
    ("'bi\"; DROP TABLE bi_weeks; --'", ["DROP TABLE"]),
]
PERIODS = [("0", []), ("-1", []), ("521", []), ("2147483647", [])]
BOUNDS = [
    ("'[]'", []),
    ("'{\"nope\": [0, 1]}'", ["nope"]),
    ("'{\"x1\": [2, 1]}'", ["x1"]),
    ("'{\"x1\": \"a\"}'", ["x1"]),
    ("'{\"x1\": [0, \"Infinity\"]}'", ["x1"]),
]
REGCLASS = [
    ("'no_such_table'", ["no_such_table"]),
    ("'bi_text'", ["bi_text", "type text"]),
    ("'bi_empty'", ["bi_empty", "no rows"]),
    ("'pg_catalog.pg_authid'", ["pg_authid"]),
    # PostgreSQL's own input of regclass refuses it before pg_mmm sees it.
    ("'bi_weeks; DROP TABLE bi_weeks'", ["bi_weeks; DROP TABLE bi_weeks", "invalid name syntax"]),
]

cases = []


def case(function, call, names, role="bi_user"):
    cases.append({"function": function, "call": call, "names": [n.lower() for n in names], "role": role})


def mutate(function, args, arg, values, names=None, role="bi_user"):
    """A case per bad value of argument `arg` of `function(args)` (named notation)."""
    for value, extra in values:
        call_args = dict(args)
        call_args[arg] = value
        # The WHERE reads the value, so that the planner cannot leave the call out.
        call = f"SELECT count(*) FROM (SELECT {function}({', '.join(f'{k} => {v}' for k, v in call_args.items())}) AS v) r " \
            "WHERE v::text IS NOT NULL"
        case(function, call, (names or [arg]) + extra, role)


def srf(function, args, arg, values, names=None, role="bi_user"):
    """As `mutate`, for a set-returning function read in FROM."""
    for value, extra in values:
        call_args = dict(args)
        call_args[arg] = value
        call = f"SELECT count(*) FROM {function}({', '.join(f'{k} => {v}' for k, v in call_args.items())}) r"
        case(function, call, (names or [arg]) + extra, role)


def generate(bi_id):
    tiny = "'{\"chains\": 1, \"tune\": 50, \"draws\": 20, \"seed\": 1, \"progress\": false}'"
    # Reads of a model, by id and by name: the model, then each argument.
    reads = {
        "mmm_summary": {},
        "mmm_fit_metrics": {},
        "mmm_roas": {"hdi_prob": "0.94"},
        "mmm_contributions": {"hdi_prob": "0.94"},
        "mmm_lift_tests": {"hdi_prob": "0.94"},
        "mmm_cost_calibration": {"hdi_prob": "0.94"},
        "mmm_prior_check": {"hdi_prob": "0.94"},
        "mmm_time_varying": {"hdi_prob": "0.94"},
        "mmm_contribution_grid": {"start": "0", "stop": "1.5", "num": "4", "hdi_prob": "0.94"},
        "mmm_response_curves": {"channel": "'x1'", "max_spend_multiplier": "1.5", "points": "5", "hdi_prob": "0.94"},
        "mmm_optimize_budget": {"budget": "100", "num_periods": "4", "utility": "'mean'", "hdi_prob": "0.94"},
        "mmm_min_budget_for_target": {"target_response": "1", "num_periods": "4", "hdi_prob": "0.94"},
        "mmm_budget_scenarios": {"budgets": "ARRAY[50, 100]::float8[]", "num_periods": "4", "hdi_prob": "0.94"},
        "mmm_sample_response": {"allocation": "'{\"x1\": 10, \"x2\": 10}'", "num_periods": "4", "noise_level": "0.01"},
        "mmm_predict": {"future": "'bi_future'", "hdi_prob": "0.94"},
    }
    for function, args in reads.items():
        for model_values, ref in ((MODEL_ID, bi_id), (MODEL_NAME, "'bi'")):
            srf(function, {"model": ref, **args}, "model", model_values)
        # Wrong owner: another role reads the model by id and by name.
        srf(function, {"model": bi_id, **args}, "model", [(bi_id, [f"model {bi_id}"])], role="bi_other")
        srf(function, {"model": "'bi'", **args}, "model", [("'bi'", ['"bi"'])], role="bi_other")
        base = {"model": "'bi'", **args}
        if "hdi_prob" in args:
            srf(function, base, "hdi_prob", PROB)
        if "num_periods" in args:
            srf(function, base, "num_periods", PERIODS)
    srf("mmm_contribution_grid", {"model": "'bi'"}, "num", [("0", []), ("-1", []), ("1001", [])])
    srf("mmm_contribution_grid", {"model": "'bi'"}, "start", [("-1", []), ("2", ["stop"])] + NOT_FINITE)
    srf("mmm_contribution_grid", {"model": "'bi'"}, "stop", [("-1", [])] + NOT_FINITE)
    curves = {"model": "'bi'"}
    srf("mmm_response_curves", curves, "channel",
        [("'nope'", ["nope"]), ("''", []), ("'x1\"; DROP TABLE bi_weeks; --'", ["DROP"]), ("'<b>x1</b>'", ["<b>"])])
    srf("mmm_response_curves", curves, "max_spend_multiplier", [("0", []), ("-1", [])] + NOT_FINITE)
    srf("mmm_response_curves", curves, "points", [("0", []), ("1", []), ("10001", []), ("-5", [])])
    opt = {"model": "'bi'", "budget": "100"}
    srf("mmm_optimize_budget", opt, "budget", [("-1", []), ("1e-320", []), ("0", [])] + NOT_FINITE)
    srf("mmm_optimize_budget", opt, "bounds", BOUNDS)
    srf("mmm_optimize_budget", opt, "utility", [("'nope'", ["nope"]), ("''", []), ("'<b>mean</b>'", ["<b>"])])
    srf("mmm_optimize_budget", opt, "utility_params", [("'[]'", []), ("'{\"nope\": 1}'", ["nope"])])
    srf("mmm_optimize_budget", opt, "geo_budgets", [("'{\"north\": 50}'", ["geo"]), ("'[]'", ["geo"])])
    srf("mmm_optimize_budget", opt, "carry_in", [("NULL::boolean", [])])
    tgt = {"model": "'bi'", "target_response": "1"}
    srf("mmm_min_budget_for_target", tgt, "target_response", [("-1", ["target"]), ("1e300", ["target"])] + NOT_FINITE,
        names=["target_response", "target"])
    srf("mmm_min_budget_for_target", tgt, "bounds", BOUNDS)
    sc = {"model": "'bi'", "budgets": "ARRAY[50, 100]::float8[]"}
    srf("mmm_budget_scenarios", sc, "budgets",
        [("ARRAY['NaN']::float8[]", ["budget"]), ("ARRAY[-1]::float8[]", ["budget"]),
         ("array_fill(1::float8, ARRAY[1001])", []), ("ARRAY[1, NULL]::float8[]", [])])
    srf("mmm_budget_scenarios", sc, "bounds", BOUNDS)
    sr = {"model": "'bi'", "allocation": "'{\"x1\": 10, \"x2\": 10}'"}
    srf("mmm_sample_response", sr, "allocation",
        [("'[]'", []), ("'{\"nope\": 1}'", ["nope"]), ("'{\"x1\": -1}'", ["x1"]), ("'{\"x1\": \"a\"}'", ["x1"]),
         ])
    srf("mmm_sample_response", sr, "noise_level", [("-1", ["noise"])] + NOT_FINITE, names=["noise_level", "noise"])
    srf("mmm_predict", {"model": "'bi'"}, "future", [v for v in REGCLASS if v[0] != "'bi_empty'"], names=["future"])
    srf("mmm_compare", {}, "models",
        [("'{}'::bigint[]", []), (f"ARRAY[{bi_id}]", []), ("ARRAY[-1, -2]", ["-1"]),
         (f"array_fill({bi_id}::bigint, ARRAY[101])", []), (f"ARRAY[{bi_id}, NULL]", [])])
    srf("mmm_compare", {}, "models", [(f"ARRAY[{bi_id}, {bi_id}]", [f"model {bi_id}"])], role="bi_other")

    # Plots and the report.
    plot = {"model": "'bi'", "kind": "'contributions'"}
    mutate("mmm_plot", {"model": bi_id, "kind": "'contributions'"}, "model", MODEL_ID)
    mutate("mmm_plot", plot, "model", MODEL_NAME)
    mutate("mmm_plot", plot, "model", [("'bi'", ['"bi"'])], role="bi_other")
    mutate("mmm_plot", plot, "kind", [("'nope'", ["nope"]), ("''", []), ("'<svg onload=alert(1)>'", ["<svg"])])
    mutate("mmm_plot", {"model": "'bi'", "kind": "'allocation'", "budget": "100"}, "budget",
           [("-1", []), ("0", [])] + NOT_FINITE)
    mutate("mmm_plot", {"model": "'bi'", "kind": "'allocation'"}, "num_periods", PERIODS)
    mutate("mmm_plot", plot, "hdi_prob", PROB)
    mutate("mmm_plot", plot, "geo", [("'north'", []), ("'<i>x</i>'", [])])
    mutate("mmm_report", {"model": bi_id}, "model", MODEL_ID)
    mutate("mmm_report", {"model": "'bi'"}, "model", MODEL_NAME)
    mutate("mmm_report", {"model": "'bi'"}, "model", [("'bi'", ['"bi"'])], role="bi_other")
    mutate("mmm_plot_backtest", {"backtest_id": "1"}, "backtest_id",
           [("-1", ["backtest"]), ("0", ["backtest"]), ("9223372036854775807", ["backtest"])], names=["backtest"])

    # Fits.
    fit = {"source": "'bi_weeks'", "date_column": "'week'", "target_column": "'sales'",
           "channel_columns": "ARRAY['x1', 'x2']", "config": tiny}
    mutate("mmm_fit", fit, "source", REGCLASS, names=["source"])
    mutate("mmm_fit", fit, "source", [("'bi_weeks'", ["bi_weeks"])], role="bi_other")
    mutate("mmm_fit", fit, "source", [("NULL::regclass", [])])
    for column in ("date_column", "target_column"):
        mutate("mmm_fit", fit, column,
               [("''", ['""']), ("'nope'", ["nope"]), ("'week\"; DROP TABLE bi_weeks; --'", ["DROP"]),
                ("'<b>sales</b>'", ["<b>"]), ("repeat('c', 5000)", ["cccc"]), ("NULL::text", [])])
    mutate("mmm_fit", fit, "date_column", [("'sales'", ["sales"]), ("'region'", ["region"])])
    mutate("mmm_fit", fit, "target_column", [("'x1'", ["x1"]), ("'week'", ["week"]), ("'region'", ["region"])])
    columns = [
        ("'{}'::text[]", []), ("ARRAY['nope']", ["nope"]), ("ARRAY['x1', 'x1']", ["x1"]),
        ("ARRAY['week']", ["week"]), ("ARRAY[NULL]::text[]", []), ("ARRAY['sales']", ["sales"]),
        ("(SELECT array_agg('x' || i) FROM generate_series(1, 201) i)", []),
        ("ARRAY['x1\"; DROP TABLE bi_weeks; --']", ["DROP"]), ("ARRAY['<script>x</script>']", ["<script>"]),
        ("NULL::text[]", []),
    ]
    mutate("mmm_fit", fit, "channel_columns", columns)
    mutate("mmm_fit", fit, "control_columns", [v for v in columns if v[0] not in ("'{}'::text[]",)]
           + [("ARRAY['x1']", ["x1"])])
    configs = [
        ("'[]'", []), ("'\"x\"'", []), ("'{\"nope\": 1}'", ["nope"]), ("'{\"chains\": 0}'", ["chains"]),
        ("'{\"chains\": \"two\"}'", ["chains"]), ("'{\"draws\": -1}'", ["draws"]),
        ("'{\"tune\": 100001}'", ["tune"]), ("'{\"l_max\": 0}'", ["l_max"]), ("'{\"l_max\": 521}'", ["l_max"]),
        ("'{\"adstock\": \"nope\"}'", ["adstock"]), ("'{\"saturation\": \"<b>x</b>\"}'", ["saturation"]),
        ("'{\"priors\": 1}'", ["priors"]), ("'{\"channel_names\": [\"a\"]}'", ["channel_names"]),
        ("'{\"yearly_seasonality\": -1}'", ["yearly_seasonality"]), ("'{\"seed\": \"x\"}'", ["seed"]),
        ("'{\"draws\": 1.5}'", ["draws"]), ("'{\"chains\": 65}'", ["chains"]),
        ("'{\"chains\": 20, \"draws\": 60000}'", ["draws"]), ("'{\"trend\": {\"changepoints\": 201}}'", ["changepoints"]),
        ("'{\"priors\": {\"nope\": {\"dist\": \"Normal\"}}}'", ["nope"]),
        ("'{\"priors\": {\"intercept\": {\"dist\": \"Normal\", \"sigma\": -1}}}'", ["sigma"]),
        ("'{\"hsgp\": {\"m\": 1001}}'", ["m"]), ("'{\"target_accept\": 2}'", ["target_accept"]),
        ("NULL::jsonb", []),
    ]
    mutate("mmm_fit", fit, "config", configs)
    huge = [("'{\"draws\": 1e400}'", ["draws"]),
            ("'{\"priors\": {\"intercept\": {\"dist\": \"Normal\", \"sigma\": 1e400}}}'", ["sigma"])]
    mutate("mmm_fit", fit, "config", huge)
    mutate("mmm_fit", fit, "geo_column", [("'nope'", ["nope"]), ("'x1'", ["x1"]), ("'week'", ["week"]),
                                          ("'region\"; DROP TABLE bi_weeks; --'", ["DROP"])])
    mutate("mmm_fit", fit, "events", [("'no_such_table'", ["no_such_table"]), ("'bi_events_bad'", ["events"]),
                                      ("'bi_text'", ["events"])])
    mutate("mmm_fit", fit, "lift_tests", [("'no_such_table'", ["no_such_table"]), ("'bi_lifts_bad'", ["lift_tests"]),
                                          ("'bi_text'", ["lift_tests"])])
    mutate("mmm_fit", fit, "cost_calibration", [("'no_such_table'", ["no_such_table"]),
                                                ("'bi_calib_bad'", ["cost_calibration"])])
    mutate("mmm_fit", fit, "cost_per_unit", [("'no_such_table'", ["no_such_table"]), ("'bi_costs_bad'", ["cost"]),
                                             ("'bi_text'", ["cost_per_unit"])])

    agg = "SELECT count(*) FROM (SELECT mmm_fit_agg({key}, week, {target}, {channels}, {controls}, {config}) FROM bi_weeks) r"
    good = {"key": "'g'::text", "target": "sales", "channels": "ARRAY[x1, x2]", "controls": "ARRAY[]::float8[]",
            "config": tiny}
    for arg, values, names in (
        ("key", [("NULL::text", []), ("CASE WHEN x1 > 0 THEN NULL ELSE 'g' END", [])], ["group"]),
        ("channels", [("ARRAY[]::float8[]", []), ("array_fill(x1, ARRAY[201])", []), ("ARRAY[x1, NULL]", []),
                      ("ARRAY['NaN'::float8, x2]", [])], ["channel"]),
        ("target", [("'NaN'::float8", []), ("NULL::float8", [])], ["target"]),
        ("controls", [("ARRAY[NULL]::float8[]", []), ("array_fill(x1, ARRAY[201])", [])], ["control"]),
        ("config", [c for c in configs if c[0] not in ("NULL::jsonb",)] + huge, ["config"]),
    ):
        for value, extra in values:
            case("mmm_fit_agg", agg.format(**{**good, arg: value}), names + extra)

    refit = {"name": "'bi'"}
    mutate("mmm_refit", refit, "name", MODEL_NAME, names=["model", "name"])
    mutate("mmm_refit", refit, "name", [("'bi'", ['"bi"'])], role="bi_other")
    mutate("mmm_refit", refit, "through", [("'1900-01-01'::date", []), ("'-infinity'::date", [])])
    mutate("mmm_refit", refit, "config", [("'[]'", []), ("'{\"nope\": 1}'", ["nope"]), ("'{\"tune\": -1}'", ["tune"]),
                                          ("'{\"priors\": 1}'", ["priors"]), ("'{\"chains\": 65}'", ["chains"])] + huge)

    bt = {"source": "'bi_weeks'", "date_column": "'week'", "target_column": "'sales'",
          "channel_columns": "ARRAY['x1']", "config": tiny, "horizon": "'13 weeks'"}
    mutate("mmm_backtest", bt, "source", REGCLASS[:4], names=["source"])
    mutate("mmm_backtest", bt, "date_column", [("'nope'", ["nope"]), ("'sales'", ["sales"])])
    mutate("mmm_backtest", bt, "channel_columns", [("'{}'::text[]", []), ("ARRAY['x1', 'x1']", ["x1"])])
    mutate("mmm_backtest", bt, "start", [("'infinity'::date", []), ("'1900-01-01'::date", []), ("'2100-01-01'::date", [])])
    mutate("mmm_backtest", bt, "refit_every", [("'-1 week'", []), ("'0'", []), ("'1 day'", [])])
    mutate("mmm_backtest", bt, "horizon", [("'1 hour'", []), ("'-1 week'", []), ("'1000 years'", [])])
    mutate("mmm_backtest", bt, "config", [("'{\"nope\": 1}'", ["nope"]), ("'{\"keep_models\": \"x\"}'", ["keep_models"])]
           + huge)
    mutate("mmm_backtest", bt, "geo_column", [("'nope'", ["nope"])])
    for arg, null in (("source", "NULL::regclass"), ("date_column", "NULL::text"), ("target_column", "NULL::text"),
                      ("channel_columns", "NULL::text[]"), ("control_columns", "NULL::text[]"),
                      ("config", "NULL::jsonb"), ("refit_every", "NULL::interval"), ("horizon", "NULL::interval")):
        mutate("mmm_backtest", bt, arg, [(null, [])])
    mutate("mmm_backtest", bt, "channel_columns", [("ARRAY['x1', NULL]", ["channel_columns[2]"])])

    mon = {"model": "'bi'", "source": "'bi_weeks'"}
    mutate("mmm_monitor", mon, "model", MODEL_NAME)
    mutate("mmm_monitor", {"model": bi_id}, "model", MODEL_ID)
    mutate("mmm_monitor", mon, "model", [("'bi'", ['"bi"'])], role="bi_other")
    mutate("mmm_monitor", mon, "source", REGCLASS, names=["source"])

    # A NULL in every argument without a default of NULL of the functions that are not STRICT
    # (a STRICT function answers NULL to a NULL, as SQL's own do).
    nulls = {
        "mmm_optimize_budget": ({"model": "'bi'", "budget": "100"},
                                {"model": "text", "num_periods": "int", "utility": "text", "utility_params": "jsonb",
                                 "carry_in": "boolean", "hdi_prob": "float8"}),
        "mmm_min_budget_for_target": ({"model": "'bi'", "target_response": "1"},
                                      {"model": "text", "target_response": "float8", "num_periods": "int",
                                       "hdi_prob": "float8", "carry_in": "boolean"}),
        "mmm_budget_scenarios": ({"model": "'bi'", "budgets": "ARRAY[50, 100]::float8[]"},
                                 {"model": "text", "budgets": "float8[]", "num_periods": "int", "hdi_prob": "float8",
                                  "carry_in": "boolean"}),
        "mmm_response_curves": ({"model": "'bi'"}, {"model": "text", "max_spend_multiplier": "float8", "points": "int",
                                                    "hdi_prob": "float8"}),
    }
    for function, (base, arguments) in nulls.items():
        for arg, sql_type in arguments.items():
            srf(function, base, arg, [(f"NULL::{sql_type}", [])])
    for arg, sql_type in (("model", "text"), ("kind", "text"), ("num_periods", "int"), ("hdi_prob", "float8")):
        mutate("mmm_plot", {"model": "'bi'", "kind": "'contributions'"}, arg, [(f"NULL::{sql_type}", [])])
    mutate("mmm_plot_backtest", {"backtest_id": "1"}, "backtest_id", [("NULL::bigint", ["backtest"])],
           names=["backtest"])
    mutate("mmm_monitor", {"model": "'bi'"}, "model", [("NULL::text", [])])
    mutate("mmm_refit", {"name": "'bi'"}, "name", [("NULL::text", [])])
    mutate("mmm_refit", {"name": "'bi'"}, "config", [("NULL::jsonb", [])])

    # Versions, policies, schedules.
    pol = {"name": "'bi'", "policy": "'{}'"}
    mutate("mmm_set_policy", pol, "policy",
           [("'[]'", []), ("'{\"nope\": 1}'", ["nope"]), ("'{\"max_r_hat\": 0.5}'", ["max_r_hat"]),
            ("'{\"keep_versions\": 0}'", ["keep_versions"]), ("'{\"monitor\": {\"mape\": -1}}'", ["mape"]),
            ("'{\"max_divergences\": 1.5}'", ["max_divergences"]), ("'{\"min_ess_bulk\": \"x\"}'", ["min_ess_bulk"]),
            ("'{\"monitor\": {\"<b>\": 1}}'", ["<b>"])])
    mutate("mmm_promote", {"model": bi_id}, "model", MODEL_ID)
    mutate("mmm_promote", {"model": bi_id}, "model", [(bi_id, [f"model {bi_id}"])], role="bi_other")
    mutate("mmm_rollback", {"name": "'bi'"}, "name", MODEL_NAME, names=["model", "name"])
    mutate("mmm_drop_model", {"model": bi_id}, "model", MODEL_ID)
    mutate("mmm_drop_model", {"model": "'bi'"}, "model", MODEL_NAME)
    mutate("mmm_drop_model", {"model": bi_id}, "model", [(bi_id, [f"model {bi_id}"])], role="bi_other")
    mutate("mmm_drop_model", {"model": "'bi'"}, "model", [("'bi'", ['"bi"'])], role="bi_other")
    mutate("mmm_schedule_refit", {"name": "'bi'"}, "schedule",
           [("'every monday'", []), ("'61 * * * *'", []), ("''", []), ("'* * * * * *'", []), ("'@nope'", []),
            ("'0 3 * * 1; DROP TABLE bi_weeks'", [])])

    # Simulations and transforms.
    mutate("mmm_simulate", {"preset": "'example'"}, "preset",
           [("'nope'", ["nope"]), ("''", []), ("'<script>x</script>'", ["<script>"]), ("NULL::text", [])])
    mutate("mmm_simulate", {"preset": "'example'"}, "seed", [("NULL::bigint", [])])
    mutate("mmm_simulate_panel", {"preset": "'geo_panel'", "geos": "2", "weeks": "10"}, "preset", [("NULL::text", [])])
    mutate("mmm_simulate_panel", {"preset": "'geo_panel'", "geos": "2", "weeks": "10"}, "seed", [("NULL::bigint", [])])
    mutate("mmm_simulate", {"preset": "'example'"}, "spec",
           [("'[]'", []), ("'{\"weeks\": 0}'", ["weeks"]), ("'{\"weeks\": 100000}'", ["weeks"]),
            ("'{\"nope\": 1}'", ["nope"])])
    sim = {"preset": "'geo_panel'", "geos": "2", "weeks": "10"}
    mutate("mmm_simulate_panel", sim, "preset", [("'nope'", ["nope"]), ("'example'", [])])
    mutate("mmm_simulate_panel", sim, "geos", [("0", []), ("-1", []), ("1001", []), ("100000", [])])
    mutate("mmm_simulate_panel", sim, "weeks", [("0", []), ("-1", []), ("5201", [])])
    mutate("mmm_simulate_panel", sim, "spec", [("'[]'", []), ("'{\"nope\": 1}'", ["nope"])])
    x = "ARRAY[1, 0, 0]::float8[]"
    xs = [("ARRAY['NaN']::float8[]", []), ("array_fill(0::float8, ARRAY[1000001])", []),
          ("ARRAY[1, NULL]::float8[]", [])]
    for function, args in (
        ("mmm_geometric_adstock", {"x": x, "alpha": "0.5"}),
        ("mmm_binomial_adstock", {"x": x, "alpha": "0.5"}),
        ("mmm_delayed_adstock", {"x": x, "alpha": "0.5", "theta": "1"}),
        ("mmm_weibull_adstock", {"x": x, "lam": "1", "k": "2"}),
    ):
        mutate(function, args, "x", xs)
        mutate(function, args, "l_max", [("0", []), ("-1", []), ("521", [])])
        for arg in args:
            if arg != "x":
                mutate(function, args, arg, [("-1", [])] + NOT_FINITE)
    mutate("mmm_weibull_adstock", {"x": x, "lam": "1", "k": "2"}, "kind", [("'nope'", ["nope"]), ("'<b>'", ["<b>"])])
    for function, args in (
        ("mmm_logistic_saturation", {"x": "1", "lam": "2"}),
        ("mmm_hill_saturation", {"x": "1", "slope": "1", "kappa": "1"}),
        ("mmm_hill_sigmoid_saturation", {"x": "1", "sigma": "1", "beta": "1", "lam": "1"}),
        ("mmm_michaelis_menten_saturation", {"x": "1", "alpha": "2", "lam": "1"}),
        ("mmm_root_saturation", {"x": "1", "alpha": "0.5"}),
        ("mmm_tanh_saturation", {"x": "1", "b": "1", "c": "1"}),
    ):
        for arg in args:
            mutate(function, args, arg, NOT_FINITE[:2] + ([] if arg == "x" else [("-1", [])]))


def run(case):
    script = f"SELECT bi_rows() AS rows_before \\gset\n{case['call']};\nSELECT 'alive', bi_rows() = :'rows_before';\n"
    out = psql(script, case["role"])
    alive = "alive|t" in out or "alive|f" in out
    unchanged = "alive|t" in out
    errors = [line for line in out.splitlines() if line.startswith("ERROR:")]
    sqlstate = errors[0].split()[1].rstrip(":") if errors else None
    text = "\n".join(line for line in out.splitlines() if line.split(":")[0] in ("ERROR", "DETAIL", "HINT")).lower()
    clean = bool(errors) and not sqlstate.startswith("XX") and "panicked" not in text
    named = clean and any(n in text for n in case["names"])
    return {**case, "alive": alive, "unchanged": unchanged, "sqlstate": sqlstate, "clean": clean, "named": named,
            "output": out.strip()}


def main():
    bi_id = setup()
    generate(bi_id)
    results = [run(c) for c in cases]
    crashes = [r for r in results if not r["alive"]]
    changed = [r for r in results if r["alive"] and not r["unchanged"]]
    unclean = [r for r in results if r["alive"] and not r["clean"]]
    unnamed = [r for r in results if r["clean"] and not r["named"]]
    functions = sorted({r["function"] for r in results})
    with open(os.environ.get("BAD_INPUTS_LOG", "/dev/null"), "w") as log:
        for r in results:
            log.write(json.dumps(r) + "\n")
    for title, rows in (("crashed", crashes), ("changed rows", changed), ("no clean ERROR", unclean),
                        ("ERROR not naming the argument", unnamed)):
        for r in rows:
            print(f"bad_inputs: {title}: {r['call']} [{r['role']}]\n    {r['output'][-600:]}", file=sys.stderr)
    print(f"bad_inputs: {len(results)} cases over {len(functions)} functions: {sum(r['clean'] for r in results)} clean "
          f"ERRORs ({sum(r['named'] for r in results)} naming the argument or its value, {len(unnamed)} not), "
          f"{len(unclean)} without a clean ERROR, {len(crashes)} crashes, {len(changed)} with rows changed")
    return 1 if crashes or changed or unclean or unnamed else 0


if __name__ == "__main__":
    sys.exit(main())

-- Reads are reads: every function that only answers (the set-returning functions, the plots,
-- the report, the simulations) assigns no transaction id, so that it runs on a read replica and
-- inside a parallel plan; the functions that write are PARALLEL UNSAFE. Its own models, so
-- that it depends on no other test.
CREATE EXTENSION IF NOT EXISTS pg_mmm;
SET extra_float_digits = 0;

CREATE TABLE par_weeks AS
SELECT date AS week, y AS sales, (spend ->> 'x1')::float8 AS x1, (spend ->> 'x2')::float8 AS x2
FROM mmm_simulate('example', seed => 11);
CREATE TABLE par_future AS SELECT (SELECT max(week) FROM par_weeks) + 7 * i AS week, 100.0 AS x1, 50.0 AS x2
FROM generate_series(1, 4) i;
\set short '{"chains": 1, "tune": 100, "draws": 40, "seed": 4, "progress": false}'
SELECT mmm_fit('par_weeks', 'week', 'sales', ARRAY['x1', 'x2'], config => :'short', name => 'par') AS par \gset
SELECT mmm_fit('par_weeks', 'week', 'sales', ARRAY['x1'], config => :'short', name => 'par_x1') AS par_x1 \gset
SELECT mmm_fit('par_weeks', 'week', 'sales', ARRAY['x1'], name => 'par_tv',
               config => '{"time_varying_intercept": true, "hsgp": {"m": 5}, "chains": 1, "tune": 60, "draws": 20, "seed": 4, "progress": false}') > 0 AS tv_fitted;
SELECT mmm_fit('par_weeks', 'week', 'sales', ARRAY['x1', 'x2'], name => 'par_prior',
               config => '{"prior_only": true, "chains": 1, "draws": 40, "seed": 4, "progress": false}') > 0 AS prior_fitted;
CREATE TABLE par_bt AS
SELECT * FROM mmm_backtest('par_weeks', 'week', 'sales', ARRAY['x1'], name => 'par_bt', horizon => '13 weeks',
                           config => '{"chains": 1, "tune": 60, "draws": 30, "seed": 4, "progress": false, "keep_models": false}');

-- Every read, as a query over its rows.
CREATE TABLE par_reads (call text PRIMARY KEY);
INSERT INTO par_reads VALUES
    ('mmm_summary(''par'')'), (format('mmm_summary(%s)', :par)), ('mmm_fit_metrics(''par'')'),
    ('mmm_roas(''par'')'), ('mmm_contributions(''par'')'), ('mmm_response_curves(''par'', points => 5)'),
    ('mmm_contribution_grid(''par'', num => 3)'), ('mmm_optimize_budget(''par'', 100)'),
    ('mmm_min_budget_for_target(''par'', 1)'), ('mmm_budget_scenarios(''par'', ARRAY[50, 100])'),
    ('mmm_sample_response(''par'', ''{"x1": 10, "x2": 10}'')'), ('mmm_predict(''par'', ''par_future'')'),
    ('mmm_lift_tests(''par'')'), ('mmm_cost_calibration(''par'')'), ('mmm_prior_check(''par_prior'')'),
    ('mmm_plot(''par'', ''contributions'')'), ('mmm_plot(''par'', ''allocation'')'),
    ('mmm_plot(''par'', ''response_curves'')'), ('mmm_plot(''par'', ''posterior'')'), ('mmm_report(''par'')'),
    (format('mmm_compare(ARRAY[%s, %s])', :par, :par_x1)),
    ('mmm_plot_backtest((SELECT min(backtest_id) FROM par_bt))'),
    ('mmm_simulate(''example'', seed => 1)'), ('mmm_simulate_panel(''geo_panel'', seed => 1, geos => 2, weeks => 10)'),
    ('mmm_geometric_adstock(ARRAY[1, 0, 0]::float8[], 0.5)'), ('mmm_logistic_saturation(1, 2)'),
    ('mmm_binomial_adstock(ARRAY[1, 0, 0]::float8[], 0.5)'), ('mmm_delayed_adstock(ARRAY[1, 0, 0]::float8[], 0.5, 1)'),
    ('mmm_weibull_adstock(ARRAY[1, 0, 0]::float8[], 1, 2)'), ('mmm_hill_saturation(1, 1, 1, 1)'),
    ('mmm_hill_sigmoid_saturation(1, 1, 1, 1)'), ('mmm_michaelis_menten_saturation(1, 2, 1)'),
    ('mmm_root_saturation(1, 0.5)'), ('mmm_tanh_saturation(1, 1, 1)'), ('mmm_time_varying(''par_tv'')'),
    (format('mmm_time_varying(%s)', (SELECT id FROM mmm.models WHERE name = 'par_tv'))),
    ('mmm_plot(''par_tv'', ''time_varying'')'), (format('mmm_roas(%s)', :par));

-- Complete: every PARALLEL SAFE function of the extension is among the reads, but the
-- aggregate's transition (run by mmm_fit_agg, which writes) and mmm_refit_jobs (it needs
-- pg_cron; pg_test/cron_refit.sh reads it).
SELECT DISTINCT p.proname AS parallel_safe_not_read
FROM pg_proc p JOIN pg_depend d ON d.objid = p.oid AND d.classid = 'pg_proc'::regclass AND d.deptype = 'e'
JOIN pg_extension e ON e.oid = d.refobjid AND e.extname = 'pg_mmm'
WHERE p.proparallel = 's' AND p.proname NOT IN ('mmm_fit_agg_step', 'mmm_refit_jobs')
  AND NOT EXISTS (SELECT 1 FROM par_reads r WHERE r.call LIKE p.proname || '(%')
ORDER BY 1;

-- Each read in a transaction of its own: none is left with a transaction id.
CREATE PROCEDURE par_check_reads(INOUT assigned_xid text[] DEFAULT '{}') LANGUAGE plpgsql AS $$
DECLARE
    c record;
    n bigint;
BEGIN
    COMMIT;
    FOR c IN SELECT call FROM par_reads ORDER BY call LOOP
        EXECUTE format('SELECT count(*) FROM %s AS r', c.call) INTO n;
        IF txid_current_if_assigned() IS NOT NULL THEN
            assigned_xid := assigned_xid || c.call;
        END IF;
        COMMIT;
    END LOOP;
END
$$;
CALL par_check_reads();

-- Each read alone in a forced parallel plan: the whole query runs in a worker, which cannot
-- assign a transaction id; one "t" per read (the calls are not echoed: some hold model ids).
SET force_parallel_mode = on;
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
\set ECHO none
\pset tuples_only on
\pset format unaligned
SELECT format('SELECT count(*) >= 0 AS ran_in_a_worker FROM %s AS r', call) FROM par_reads ORDER BY call \gexec
\pset format aligned
\pset tuples_only off
\set ECHO all
RESET force_parallel_mode;
RESET parallel_setup_cost;
RESET parallel_tuple_cost;

-- Inside a parallel plan: each read joined to a UNION ALL, run by a worker.
SET force_parallel_mode = on;
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
EXPLAIN (COSTS OFF)
SELECT count(*) FROM mmm_roas('par') r JOIN (SELECT 'x1'::text AS channel UNION ALL SELECT 'x2') u USING (channel);
SELECT count(*) AS roas FROM mmm_roas('par') r JOIN (SELECT 'x1'::text AS channel UNION ALL SELECT 'x2') u USING (channel);
SELECT count(*) AS summary FROM mmm_summary('par') s JOIN (SELECT 'x1'::text AS c UNION ALL SELECT 'x2') u ON s.coordinate = u.c;
SELECT count(*) AS contributions FROM mmm_contributions('par') c JOIN (SELECT 'x1'::text AS k UNION ALL SELECT 'x2') u ON c.component = u.k;
SELECT count(*) AS optimize FROM mmm_optimize_budget('par', 100) o JOIN (SELECT 'x1'::text AS channel UNION ALL SELECT 'x2') u USING (channel);
SELECT count(*) AS curves FROM mmm_response_curves('par', points => 5) c JOIN (SELECT 'x1'::text AS channel UNION ALL SELECT 'x2') u USING (channel);
SELECT count(*) AS grid FROM mmm_contribution_grid('par', num => 3) g JOIN (SELECT 'x1'::text AS channel UNION ALL SELECT 'x2') u USING (channel);
SELECT count(*) AS min_budget FROM mmm_min_budget_for_target('par', 1) m JOIN (SELECT 'x1'::text AS channel UNION ALL SELECT 'x2') u USING (channel);
SELECT count(*) AS scenarios FROM mmm_budget_scenarios('par', ARRAY[50, 100]) s JOIN (SELECT 'x1'::text AS channel UNION ALL SELECT 'x2') u USING (channel);
SELECT count(*) AS sampled FROM mmm_sample_response('par', '{"x1": 10, "x2": 10}') s JOIN (SELECT 'x1'::text AS channel UNION ALL SELECT 'x2') u ON s.channel = u.channel;
SELECT count(*) AS predicted FROM mmm_predict('par', 'par_future') p JOIN (SELECT 1 AS k UNION ALL SELECT 2) u ON true;
SELECT count(*) AS metrics FROM mmm_fit_metrics('par') m JOIN (SELECT 1 AS k UNION ALL SELECT 2) u ON true;
SELECT count(*) AS prior_check FROM mmm_prior_check('par_prior') p JOIN (SELECT 1 AS k UNION ALL SELECT 2) u ON true;
SELECT count(*) AS compared FROM mmm_compare(ARRAY[:par, :par_x1]) c JOIN (SELECT 1 AS k UNION ALL SELECT 2) u ON true;
SELECT count(*) AS plots FROM (SELECT 'contributions' AS kind UNION ALL SELECT 'allocation') k, mmm_plot('par', kind) svg
WHERE svg LIKE '<svg%';
SELECT count(*) AS reports FROM (SELECT 'par' AS name UNION ALL SELECT 'par') n, mmm_report(name) html WHERE length(html) > 0;
SELECT count(*) AS simulated FROM mmm_simulate('example', seed => 1) s JOIN (SELECT 1 AS k UNION ALL SELECT 2) u ON true;
-- And with the whole plan in one worker (force_parallel_mode's Gather over a plan without one):
-- the functions themselves run there.
EXPLAIN (COSTS OFF) SELECT count(*) FROM mmm_roas('par');
SELECT count(*) AS roas FROM mmm_roas('par');
SELECT count(*) AS summary FROM mmm_summary('par');
SELECT count(*) AS optimize FROM mmm_optimize_budget('par', 100);
SELECT count(*) AS predicted FROM mmm_predict('par', 'par_future');
SELECT count(*) AS compared FROM mmm_compare(ARRAY[:par, :par_x1]);
SELECT count(*) AS plots FROM mmm_plot('par', 'allocation') svg WHERE svg LIKE '<svg%';
SELECT count(*) AS reports FROM mmm_report('par') html WHERE length(html) > 0;
SELECT count(*) AS backtest_plots FROM mmm_plot_backtest((SELECT min(backtest_id) FROM par_bt)) svg WHERE svg LIKE '<svg%';
RESET force_parallel_mode;
RESET parallel_setup_cost;
RESET parallel_tuple_cost;
RESET min_parallel_table_scan_size;
RESET max_parallel_workers_per_gather;

-- The labels: a function that writes (the fits, refits, backtests, monitor runs, promotions,
-- policies, schedules, drops) is VOLATILE and PARALLEL UNSAFE; none that is VOLATILE is
-- PARALLEL SAFE; and these are the PARALLEL SAFE ones.
SELECT p.proname, p.proparallel, p.provolatile
FROM pg_proc p JOIN pg_depend d ON d.objid = p.oid AND d.classid = 'pg_proc'::regclass AND d.deptype = 'e'
JOIN pg_extension e ON e.oid = d.refobjid AND e.extname = 'pg_mmm'
WHERE p.proname IN ('mmm_fit', 'mmm_fit_agg', 'mmm_fit_agg_final', 'mmm_refit', 'mmm_backtest', 'mmm_monitor',
                    'mmm_promote', 'mmm_rollback', 'mmm_set_policy', 'mmm_drop_model', 'mmm_schedule_refit',
                    'mmm_unschedule_refit')
  AND (p.proparallel <> 'u' OR p.provolatile <> 'v');
SELECT count(*) AS volatile_and_parallel_safe
FROM pg_proc p JOIN pg_depend d ON d.objid = p.oid AND d.classid = 'pg_proc'::regclass AND d.deptype = 'e'
JOIN pg_extension e ON e.oid = d.refobjid AND e.extname = 'pg_mmm'
WHERE p.provolatile = 'v' AND p.proparallel = 's';
SELECT DISTINCT p.proname AS parallel_safe
FROM pg_proc p JOIN pg_depend d ON d.objid = p.oid AND d.classid = 'pg_proc'::regclass AND d.deptype = 'e'
JOIN pg_extension e ON e.oid = d.refobjid AND e.extname = 'pg_mmm'
WHERE p.proparallel = 's' ORDER BY 1;

DROP PROCEDURE par_check_reads;
DROP TABLE par_reads, par_bt, par_future;
SELECT bool_and(mmm_drop_model(id)) AS dropped FROM mmm.models WHERE name IN ('par', 'par_x1', 'par_prior', 'par_tv');
DELETE FROM mmm.backtests WHERE name = 'par_bt';
DROP TABLE par_weeks;

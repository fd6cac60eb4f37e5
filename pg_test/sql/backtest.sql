-- mmm_backtest on the example data: two origins a year apart, each planning its next six
-- months with a short fit; the rows read back from the catalog, the plot, keep_models, bad
-- arguments, and a statement_timeout that leaves nothing behind; then a geo panel's backtest,
-- whose origins have a total row and one row per geo.
CREATE EXTENSION IF NOT EXISTS pg_mmm;
SET extra_float_digits = 0;

CREATE TABLE weekly_bt AS
SELECT date AS week, y AS sales, (spend ->> 'x1')::float8 AS x1, (spend ->> 'x2')::float8 AS x2
FROM mmm_simulate('example', seed => 5);
SELECT count(*) AS models_before FROM mmm.models \gset
-- Backtest ids from 1001 on (and 2001 for the panel's below), so that the messages that name a
-- run name the same id whatever ran before.
SELECT setval('mmm.backtests_id_seq', 1000) AS ids_from;

CREATE TABLE bt AS
SELECT * FROM mmm_backtest('weekly_bt', 'week', 'sales', ARRAY['x1', 'x2'],
                           config => '{"chains": 2, "tune": 150, "draws": 100, "seed": 3, "progress": false}',
                           start => '2019-04-01', refit_every => '1 year', horizon => '6 months');
-- One row per origin, dated by the first week on or after it: the first leaves 52 training weeks,
-- the second a year more; each horizon is the weeks before origin + 6 months. The budget is the
-- horizon's actual mean weekly spend, which every plan spends.
SELECT date, bt.train_weeks, f.horizon_weeks, round(bt.budget::numeric, 4) AS budget,
       round((SELECT sum(x1 + x2) / count(*) FROM weekly_bt w WHERE w.week >= date AND w.week < date + 7 * f.horizon_weeks)::numeric, 4) AS actual_spend,
       round((SELECT sum(value::float8) FROM jsonb_each_text(bt.allocation))::numeric, 4) AS planned,
       (SELECT array_agg(k ORDER BY k) FROM jsonb_object_keys(bt.allocation) k) AS channels
FROM bt JOIN mmm.backtest_folds f USING (backtest_id, date) ORDER BY date;
-- Under the fold's own model the plan cannot lose to the equal split or to the actual spend
-- (up to the optimizer's tolerance); the gains are the ratios of the columns; the forecast of
-- the horizon is checked against the actual sales; the final model gives its own values.
SELECT date,
       mmm_alloc >= equal_alloc * (1 - 1e-9) AS beats_equal,
       mmm_alloc >= actual_alloc * (1 - 1e-9) AS beats_actual,
       abs(percentage_gain - (mmm_alloc / equal_alloc - 1)) < 1e-12 AS gain,
       abs(percentage_gain_vs_actual - (mmm_alloc / actual_alloc - 1)) < 1e-12 AS gain_vs_actual,
       holdout_mape > 0 AND holdout_mape < 0.3 AS mape,
       holdout_coverage BETWEEN 0 AND 1 AS coverage,
       mmm_alloc_final > 0 AND equal_alloc_final > 0 AS final_values
FROM bt ORDER BY date;
-- The run and its rows are stored and read back as returned; fold and final models are
-- versions of 'weekly_bt/backtest', and the production name is untouched.
SELECT count(*) AS same_rows FROM bt JOIN mmm.backtest_folds f USING (backtest_id, date)
WHERE (f.train_weeks, f.budget, f.equal_alloc, f.mmm_alloc, f.actual_alloc, f.percentage_gain,
       f.percentage_gain_vs_actual, f.holdout_mape, f.holdout_coverage, f.mmm_alloc_final,
       f.equal_alloc_final, f.model_id, f.allocation)
    = (bt.train_weeks, bt.budget, bt.equal_alloc, bt.mmm_alloc, bt.actual_alloc, bt.percentage_gain,
       bt.percentage_gain_vs_actual, bt.holdout_mape, bt.holdout_coverage, bt.mmm_alloc_final,
       bt.equal_alloc_final, bt.model_id, bt.allocation)
  AND f.mmm_alloc_lower <= f.mmm_alloc AND f.mmm_alloc <= f.mmm_alloc_upper;
SELECT b.name, b.spec ->> 'refit_every' AS refit_every, b.spec ->> 'start' AS start,
       m.name AS final_name, m.n_rows AS final_rows,
       (SELECT array_agg(f.n_rows ORDER BY f.n_rows) FROM bt JOIN mmm.models f ON f.id = bt.model_id) AS fold_rows,
       (SELECT count(*) FROM mmm.models WHERE name = 'weekly_bt') AS production_models
FROM mmm.backtests b JOIN mmm.models m ON m.id = b.final_model_id
WHERE b.id = (SELECT min(backtest_id) FROM bt);
-- The plot reads the stored rows: a gain panel and an error panel, titled with the name.
SELECT left(svg, 4) = '<svg' AS svg, svg LIKE '%Gain of the plan%' AS gain_panel,
       svg LIKE '%Holdout forecast error%' AS error_panel, svg LIKE '%weekly_bt%' AS named
FROM mmm_plot_backtest((SELECT min(backtest_id) FROM bt)) svg;
SELECT mmm_plot_backtest(-1);

-- keep_models false: the rows, without fold or final models.
SELECT count(*) AS models_now FROM mmm.models \gset
SELECT count(*) AS origins, bool_and(model_id IS NULL) AS no_model_ids, bool_and(geo IS NULL) AS national
FROM mmm_backtest('weekly_bt', 'week', 'sales', ARRAY['x1'], name => 'lean',
                  config => '{"chains": 1, "tune": 100, "draws": 50, "seed": 3, "progress": false, "keep_models": false}',
                  start => '2020-04-01', horizon => '13 weeks');
SELECT count(*) = :models_now AS no_new_models, (SELECT final_model_id IS NULL FROM mmm.backtests WHERE name = 'lean') AS no_final
FROM mmm.models;

-- Bad arguments.
SELECT * FROM mmm_backtest('weekly_bt', 'week', 'sales', ARRAY['x1'], horizon => '0 days');
SELECT * FROM mmm_backtest('weekly_bt', 'week', 'sales', ARRAY['x1'], refit_every => '-1 month');
SELECT * FROM mmm_backtest('weekly_bt', 'week', 'sales', ARRAY['x1'], refit_every => '1 day',
                           config => '{"chains": 1, "tune": 50, "draws": 20, "seed": 3, "progress": false}');
SELECT * FROM mmm_backtest('weekly_bt', 'week', 'sales', ARRAY['x1', 'x1'],
                           config => '{"chains": 1, "tune": 50, "draws": 20, "seed": 3, "progress": false}');
SELECT * FROM mmm_backtest('weekly_bt', 'week', 'sales', ARRAY['x1'], start => '2018-04-02');
SELECT * FROM mmm_backtest('weekly_bt', 'week', 'sales', ARRAY['x1'], start => '2021-06-01');
SELECT * FROM mmm_backtest('weekly_bt', 'week', 'sales', ARRAY['nope']);
SELECT * FROM mmm_backtest('weekly_bt', 'week', 'sales', ARRAY['x1'], config => '{"keep_models": 1}');

-- A backtest past statement_timeout is cancelled and writes nothing: no run, no rows, no model.
SELECT count(*) AS models_now FROM mmm.models \gset
SELECT count(*) AS backtests_now FROM mmm.backtests \gset
-- The work is sized so that no machine finishes it within the timeout: the most warm-up the
-- limits allow (100000 iterations per chain) at each of some 30 monthly origins, i.e. millions
-- of gradient evaluations, where a fast machine does a few hundred thousand a second.
SET statement_timeout = '2s';
SELECT count(*) FROM mmm_backtest('weekly_bt', 'week', 'sales', ARRAY['x1', 'x2'], name => 'late',
                                  config => '{"chains": 2, "tune": 100000, "draws": 100, "seed": 3, "progress": false}',
                                  refit_every => '1 month', horizon => '4 weeks');
RESET statement_timeout;
SELECT count(*) = :models_now AS no_models, (SELECT count(*) = :backtests_now FROM mmm.backtests) AS no_runs,
       (SELECT count(*) FROM mmm.backtest_folds f JOIN mmm.backtests b ON b.id = f.backtest_id WHERE b.name = 'late') AS late_rows,
       (SELECT count(*) FROM mmm.models WHERE name = 'late/backtest') AS late_models
FROM mmm.models;

-- A geo panel: one plan over its (geo, channel) cells at each origin. Each origin's total row
-- (geo NULL) is valued over every geo; the allocation holds each geo's channels and spends the
-- horizon's budget.
CREATE TABLE regions_bt AS
SELECT geo AS region, date AS week, y AS sales, (spend ->> 'tv')::float8 AS tv, (spend ->> 'radio')::float8 AS radio
FROM mmm_simulate_panel('geo_panel', seed => 7, geos => 2, weeks => 104);
SELECT setval('mmm.backtests_id_seq', 2000) AS ids_from;
CREATE TABLE rbt AS
SELECT * FROM mmm_backtest('regions_bt', 'week', 'sales', ARRAY['tv', 'radio'], geo_column => 'region',
                           config => '{"chains": 1, "tune": 100, "draws": 60, "seed": 3, "progress": false, "keep_models": false}',
                           refit_every => '3 months', horizon => '3 months');
SELECT date, train_weeks, mmm_alloc >= equal_alloc * (1 - 1e-9) AS beats_equal,
       (SELECT array_agg(g ORDER BY g) FROM jsonb_object_keys(allocation) g) AS geos,
       abs((SELECT sum(v::float8) FROM jsonb_each(allocation) g, jsonb_each_text(g.value) c(k, v)) - budget) < 1e-6 * budget AS spends_budget,
       holdout_mape < 0.3 AS mape
FROM rbt WHERE geo IS NULL ORDER BY date;
-- Then one row per geo, last column geo: the geo's actual mean weekly spend over the horizon as
-- its budget, the responses of the plan's, the equal split's and the actual spend's cells in
-- that geo, their gains, the holdout forecast of that geo's sales, and the plan's allocation
-- restricted to the geo.
SELECT date, geo, r.train_weeks,
       abs(r.budget - (SELECT sum(tv + radio) / count(*) FROM regions_bt w
                       WHERE w.region = geo AND w.week >= date AND w.week < date + 7 * f.horizon_weeks)) < 1e-9 * r.budget AS actual_budget,
       abs(r.percentage_gain - (r.mmm_alloc / r.equal_alloc - 1)) < 1e-12 AS gain,
       abs(r.percentage_gain_vs_actual - (r.mmm_alloc / r.actual_alloc - 1)) < 1e-12 AS gain_vs_actual,
       r.holdout_mape > 0 AND r.holdout_mape < 0.5 AS mape,
       r.holdout_coverage BETWEEN 0 AND 1 AS coverage,
       (SELECT array_agg(k) FROM jsonb_object_keys(r.allocation) k) AS allocation_geos
FROM rbt r JOIN mmm.backtest_folds f USING (backtest_id, date, geo) ORDER BY date, geo;
-- The geos' rows add up to the total's (the same plans, valued draw by draw), their MAPEs
-- average to the total's (each geo has the horizon's weeks), and their allocations make up the
-- total's.
WITH parts AS (
    SELECT date, count(*) AS geos, sum(budget) AS budget, sum(equal_alloc) AS equal_alloc,
           sum(mmm_alloc) AS mmm_alloc, sum(actual_alloc) AS actual_alloc, sum(mmm_alloc_final) AS mmm_alloc_final,
           sum(equal_alloc_final) AS equal_alloc_final, avg(holdout_mape) AS holdout_mape,
           (SELECT jsonb_object_agg(k, v) FROM rbt g, jsonb_each(g.allocation) e(k, v)
            WHERE g.date = p.date AND g.geo IS NOT NULL) AS allocation
    FROM rbt p WHERE geo IS NOT NULL GROUP BY date
)
SELECT date, p.geos,
       abs(p.budget - t.budget) <= 1e-9 * abs(t.budget) AS budget,
       abs(p.equal_alloc - t.equal_alloc) <= 1e-9 * abs(t.equal_alloc) AS equal_alloc,
       abs(p.mmm_alloc - t.mmm_alloc) <= 1e-9 * abs(t.mmm_alloc) AS mmm_alloc,
       abs(p.actual_alloc - t.actual_alloc) <= 1e-9 * abs(t.actual_alloc) AS actual_alloc,
       abs(p.mmm_alloc_final - t.mmm_alloc_final) <= 1e-9 * abs(t.mmm_alloc_final) AS mmm_alloc_final,
       abs(p.equal_alloc_final - t.equal_alloc_final) <= 1e-9 * abs(t.equal_alloc_final) AS equal_alloc_final,
       abs(p.holdout_mape - t.holdout_mape) <= 1e-9 * t.holdout_mape AS holdout_mape,
       p.allocation = t.allocation AS allocation
FROM rbt t JOIN parts p USING (date) WHERE t.geo IS NULL ORDER BY date;
-- Every row, totals and geos, is stored and read back as returned.
SELECT count(*) AS same_rows, count(f.geo) AS geo_rows FROM rbt
JOIN mmm.backtest_folds f ON f.backtest_id = rbt.backtest_id AND f.date = rbt.date AND f.geo IS NOT DISTINCT FROM rbt.geo
WHERE (f.train_weeks, f.budget, f.equal_alloc, f.mmm_alloc, f.actual_alloc, f.percentage_gain,
       f.percentage_gain_vs_actual, f.holdout_mape, f.holdout_coverage, f.mmm_alloc_final,
       f.equal_alloc_final, f.model_id, f.allocation)
    IS NOT DISTINCT FROM
      (rbt.train_weeks, rbt.budget, rbt.equal_alloc, rbt.mmm_alloc, rbt.actual_alloc, rbt.percentage_gain,
       rbt.percentage_gain_vs_actual, rbt.holdout_mape, rbt.holdout_coverage, rbt.mmm_alloc_final,
       rbt.equal_alloc_final, rbt.model_id, rbt.allocation)
  AND f.mmm_alloc_lower <= f.mmm_alloc AND f.mmm_alloc <= f.mmm_alloc_upper;
SELECT count(*) AS rows_stored FROM mmm.backtest_folds WHERE backtest_id = (SELECT min(backtest_id) FROM rbt);
-- The plot draws the totals by default and one geo when asked, titled with it; a geo that the
-- run does not have, or any geo of a national run, is an ERROR.
SELECT left(g1, 4) = '<svg' AS svg, g1 LIKE '%Gain of the plan%' AS gain_panel,
       g1 LIKE '%regions_bt, geo_01%' AS titled, total LIKE '%regions_bt, all geos%' AS total_titled,
       g1 <> total AND g1 <> g2 AS own_rows
FROM (SELECT min(backtest_id) AS id FROM rbt) b, mmm_plot_backtest(id, 'geo_01') g1,
     mmm_plot_backtest(id, 'geo_02') g2, mmm_plot_backtest(id) total;
SELECT mmm_plot_backtest((SELECT min(backtest_id) FROM rbt), 'geo_09');
SELECT mmm_plot_backtest((SELECT min(backtest_id) FROM bt), 'geo_01');

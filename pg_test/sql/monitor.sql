-- Forecasts against the weeks that came: the predictive band of mmm_predict, mmm_monitor's
-- weekly and total rows and its verdict, the runs it records, mmm_model_health, the policy's
-- thresholds, and every bad input.
CREATE EXTENSION IF NOT EXISTS pg_mmm;
CREATE TABLE shop_all AS
SELECT date AS week, y AS sales, (spend ->> 'tv')::float8 AS tv, (spend ->> 'social')::float8 AS social,
       (spend ->> 'search')::float8 AS search, (controls ->> 'demand')::float8 AS demand
FROM mmm_simulate('tv_social_search', seed => 3);
-- Two years of weeks to train on; the eight weeks after them arrive later.
CREATE TABLE shop AS SELECT * FROM shop_all ORDER BY week LIMIT 104;
SELECT mmm_fit('shop', 'week', 'sales', ARRAY['tv', 'social', 'search'], ARRAY['demand'],
               '{"chains": 2, "tune": 300, "draws": 250, "seed": 3, "progress": false}') AS model_id \gset

-- The predictive band holds the band of the mean and the weeks' actual sales; the band of the
-- mean, without the noise, misses more of them.
CREATE TABLE shop_next AS
SELECT week, tv, social, search, demand FROM shop_all ORDER BY week OFFSET 104 LIMIT 8;
CREATE TABLE predicted AS
SELECT p.*, a.sales FROM mmm_predict('shop', 'shop_next') p JOIN shop_all a ON a.week = p.date;
SELECT count(*) AS weeks,
       bool_and(pred_lower < hdi_lower AND hdi_lower <= mean AND mean <= hdi_upper AND hdi_upper < pred_upper) AS nested,
       count(*) FILTER (WHERE sales BETWEEN pred_lower AND pred_upper) >= 7 AS predictive_covers,
       count(*) FILTER (WHERE sales BETWEEN hdi_lower AND hdi_upper)
         < count(*) FILTER (WHERE sales BETWEEN pred_lower AND pred_upper) AS mean_band_misses_more
FROM predicted;
-- The same draws of noise at every call, and a wider band for a higher probability.
SELECT bool_and(p.pred_lower = q.pred_lower AND p.pred_upper = q.pred_upper) AS reproducible,
       bool_and(w.pred_lower <= p.pred_lower AND p.pred_upper <= w.pred_upper) AS nested_probabilities
FROM predicted p JOIN mmm_predict('shop', 'shop_next') q USING (date)
JOIN mmm_predict('shop', 'shop_next', hdi_prob => 0.99) w USING (date);

-- Before new weeks arrive there is nothing to monitor.
SELECT * FROM mmm_monitor('shop');
INSERT INTO shop SELECT * FROM shop_all ORDER BY week OFFSET 104 LIMIT 8;

-- The stored source now has the eight weeks: one row per week and a total row.
CREATE TABLE run AS SELECT * FROM mmm_monitor('shop');
SELECT count(*) FILTER (WHERE date IS NOT NULL) AS week_rows, count(*) FILTER (WHERE date IS NULL) AS total_rows,
       bool_and(weeks = 1) FILTER (WHERE date IS NOT NULL) AS one_week_each,
       bool_and(coverage IN (0, 1) AND verdict IS NULL) FILTER (WHERE date IS NOT NULL) AS weekly
FROM run;
-- The weekly rows are mmm_predict's, and the total row sums and averages them.
SELECT bool_and(abs(r.predicted - p.mean) < 1e-9 AND r.pred_lower = p.pred_lower AND r.pred_upper = p.pred_upper
                AND r.actual = p.sales) AS as_predicted
FROM run r JOIN predicted p ON p.date = r.date;
SELECT t.weeks, abs(t.actual - w.actual) < 1e-6 AS total_actual, abs(t.predicted - w.predicted) < 1e-6 AS total_predicted,
       t.pred_lower < t.predicted AND t.predicted < t.pred_upper AS banded,
       abs(t.mape - w.mape) < 1e-12 AS mean_ape, t.coverage = w.coverage AS share_inside,
       t.verdict, t.reason
FROM (SELECT * FROM run WHERE date IS NULL) t,
     (SELECT sum(actual) AS actual, sum(predicted) AS predicted, avg(mape) AS mape, avg(coverage) AS coverage
      FROM run WHERE date IS NOT NULL) w;
SELECT model_id = :model_id AS this_model, source, first_date, last_date, weeks, verdict, reason, thresholds
FROM mmm.monitor_runs;

-- Sales 30% above what the model explains: drift, with the thresholds crossed.
CREATE TABLE shifted AS SELECT week, 1.3 * sales AS sales, tv, social, search, demand FROM shop;
SELECT weeks, round(coverage::numeric, 3) AS coverage, verdict, reason ~ '^MAPE 0\.2[0-9]* is above 0\.2; ' AS reason_names_mape
FROM mmm_monitor('shop', 'shifted') WHERE date IS NULL;
SELECT name, version, source, weeks, verdict FROM mmm_model_health WHERE name = 'shop';

-- Thresholds from the name's policy (mmm_set_policy's "monitor" key): a lax one calls the same
-- weeks ok; a malformed one written past mmm_set_policy is an ERROR naming the key.
SELECT mmm_set_policy('shop', '{"monitor": {"mape": 0.5, "coverage": 0}}');
SELECT verdict FROM mmm_monitor('shop', 'shifted') WHERE date IS NULL;
SELECT verdict, thresholds FROM mmm.monitor_runs ORDER BY id DESC LIMIT 1;
UPDATE mmm.policies SET policy = '{"monitor": {"coverage": 2}}' WHERE name = 'shop';
SELECT * FROM mmm_monitor('shop');
UPDATE mmm.policies SET policy = '{"monitor": {"mape": "high"}}' WHERE name = 'shop';
SELECT * FROM mmm_monitor('shop');
DELETE FROM mmm.policies WHERE name = 'shop';

-- Bad input: an ERROR naming the column or argument, and no run recorded.
SELECT count(*) AS runs_before FROM mmm.monitor_runs \gset
CREATE TABLE no_demand AS SELECT week, sales, tv, social, search FROM shop;
SELECT * FROM mmm_monitor('shop', 'no_demand');
CREATE TABLE no_sales AS SELECT week, tv, social, search, demand FROM shop;
SELECT * FROM mmm_monitor(:model_id, 'no_sales');
CREATE TABLE old_weeks AS SELECT * FROM shop_all ORDER BY week LIMIT 50;
SELECT * FROM mmm_monitor('shop', 'old_weeks');
CREATE TABLE shop_gap AS SELECT * FROM shop_all ORDER BY week OFFSET 110;
SELECT * FROM mmm_monitor('shop', 'shop_gap');
CREATE TABLE missing_sales AS SELECT * FROM shop_all;
UPDATE missing_sales SET sales = NULL WHERE week = (SELECT max(week) FROM missing_sales);
SELECT * FROM mmm_monitor('shop', 'missing_sales');
SELECT * FROM mmm_monitor('no_such_model');
SELECT * FROM mmm_monitor(NULL::bigint);
-- The stored source is gone: pass another.
CREATE TABLE gone AS SELECT * FROM shop;
SELECT mmm_fit('gone', 'week', 'sales', ARRAY['tv'], config => '{"chains": 1, "tune": 50, "draws": 20, "seed": 1, "progress": false}') > 0 AS fitted;
DROP TABLE gone;
SELECT * FROM mmm_monitor('gone');
-- A model of mmm_fit_agg saw one group's rows: its source must be given.
SELECT mmm_fit_agg('shop_group'::text, week, sales, ARRAY[tv], ARRAY[]::float8[],
                   '{"channel_names": ["tv"], "chains": 1, "tune": 50, "draws": 20, "seed": 1, "progress": false}') > 0 AS fitted
FROM shop_all WHERE week <= (SELECT max(week) FROM shop) - 56;
SELECT * FROM mmm_monitor('shop_group');
SELECT weeks, verdict IS NOT NULL AS judged FROM mmm_monitor('shop_group', 'shop') WHERE date IS NULL;
SELECT count(*) = :runs_before + 1 AS one_run_more FROM mmm.monitor_runs;

-- Another role sees neither the models nor their runs.
CREATE ROLE mmm_monitor_other;
SET ROLE mmm_monitor_other;
SELECT count(*) AS visible_runs FROM mmm.monitor_runs;
SELECT count(*) AS visible_health FROM mmm_model_health;
SELECT * FROM mmm_monitor('shop');
RESET ROLE;
DROP ROLE mmm_monitor_other;

-- Runs go with their model.
SELECT mmm_drop_model(:model_id);
SELECT count(*) AS runs_left FROM mmm.monitor_runs WHERE model_id = :model_id;

-- Smaller defects of issue #23, each with the behaviour it now has (docs/12-limits.md).
CREATE EXTENSION IF NOT EXISTS pg_mmm;
\set tiny '{"chains": 1, "tune": 50, "draws": 20, "seed": 1, "progress": false}'

-- Numeric geo labels that SQL holds equal are one geo: 1.0 and 1.00 (alternate weeks) are geo
-- 1, 2.000 is geo 2.
CREATE TABLE num_geos AS
SELECT CASE WHEN geo = 'geo_01' THEN (CASE WHEN extract(week FROM date)::int % 2 = 0 THEN 1.0 ELSE 1.00 END)
            ELSE 2.000 END::numeric AS region,
       date AS week, y AS sales, (spend ->> 'tv')::float8 AS tv
FROM mmm_simulate_panel('geo_panel', seed => 3, geos => 2, weeks => 30);
SELECT count(DISTINCT region::text) AS labels, count(DISTINCT region) AS geos FROM num_geos;
SELECT mmm_fit('num_geos', 'week', 'sales', ARRAY['tv'], config => :'tiny',
               name => 'num_geos', geo_column => 'region') AS num_geos \gset
SELECT geos, n_rows FROM mmm_models WHERE id = :num_geos;

-- Foreign keys bypass row-level security: a role may not store a backtest run or fold that
-- points at a model it cannot see.
CREATE ROLE mmm_outsider;
GRANT SELECT ON num_geos TO mmm_outsider;
SET ROLE mmm_outsider;
SELECT count(*) AS models_seen FROM mmm.models;
INSERT INTO mmm.backtests (name, spec, final_model_id) VALUES ('theirs', '{}', :num_geos);
INSERT INTO mmm.backtests (name, spec) VALUES ('mine', '{}') RETURNING name;
INSERT INTO mmm.backtest_folds (backtest_id, date, model_id)
SELECT id, '2024-01-01', :num_geos FROM mmm.backtests WHERE name = 'mine';
INSERT INTO mmm.backtest_folds (backtest_id, date)
SELECT id, '2024-01-01' FROM mmm.backtests WHERE name = 'mine' RETURNING date;
DELETE FROM mmm.backtests WHERE name = 'mine';
RESET ROLE;
SELECT count(*) AS backtests_pointing_at_it FROM mmm.backtests WHERE final_model_id = :num_geos;
REVOKE ALL ON num_geos FROM mmm_outsider;
DROP ROLE mmm_outsider;

SELECT mmm_drop_model(:num_geos);
DROP TABLE num_geos;

-- A schedule pg_cron would refuse is an ERROR naming it, with the forms it takes; checked before
-- pg_cron itself (not loaded on this cluster).
SELECT mmm_schedule_refit('weekly', 'every monday');
SELECT mmm_schedule_refit('weekly', '61 3 * * 1');
SELECT mmm_schedule_refit('weekly', '0 3 * * mon-fri/2');
SELECT mmm_schedule_refit('weekly', '@fortnightly');

-- Messages that say what is wrong, before anything is sampled or written.
SELECT count(*) AS models_before FROM mmm.models \gset
CREATE TABLE msg_weeks AS
SELECT date AS week, y AS sales, (spend ->> 'x1')::float8 AS x1, (spend ->> 'x2')::float8 AS x2
FROM mmm_simulate('example', seed => 2);
-- A source without rows says so (not that a channel is zero in every row).
CREATE TABLE msg_empty AS TABLE msg_weeks WITH NO DATA;
SELECT mmm_fit('msg_empty', 'week', 'sales', ARRAY['x1'], config => :'tiny');
-- An events table whose dates are text or numbers names the column and the type it needs.
CREATE TABLE msg_events_text (name text, start_date text, end_date text);
INSERT INTO msg_events_text VALUES ('launch', '2019-03-04', '2019-03-18');
SELECT mmm_fit('msg_weeks', 'week', 'sales', ARRAY['x1'], config => :'tiny', events => 'msg_events_text');
CREATE TABLE msg_events_int (name int, start_date int, end_date int);
SELECT mmm_fit('msg_weeks', 'week', 'sales', ARRAY['x1'], config => :'tiny', events => 'msg_events_int');
-- A lift test whose standard error pins the lift to a point names its row.
CREATE TABLE msg_lifts (channel text, x float8, delta_x float8, delta_y float8, sigma float8);
INSERT INTO msg_lifts VALUES ('x1', 1, 0.5, 0.2, 0.02), ('x1', 1, 0.5, 0.2, 1e-300);
SELECT mmm_fit('msg_weeks', 'week', 'sales', ARRAY['x1'], config => :'tiny', lift_tests => 'msg_lifts');
-- A number beyond float8 in the config (valid jsonb) names its key.
SELECT mmm_fit('msg_weeks', 'week', 'sales', ARRAY['x1'], config => '{"chains": 1, "draws": 1e400}');
SELECT mmm_fit('msg_weeks', 'week', 'sales', ARRAY['x1'],
               config => '{"priors": {"intercept": {"dist": "Normal", "mu": 0, "sigma": 1e400}}}');
-- So does one in the other jsonb arguments: bounds, a policy, a simulation's spec.
SELECT * FROM mmm_optimize_budget('msg_no_model', 100, bounds => '{"x1": [0, 1e400]}');
SELECT mmm_set_policy('msg_policy', '{"max_r_hat": 1e400}');
SELECT count(*) FROM mmm_simulate(spec => '{"weeks": 1e400}');
-- A backtest horizon shorter than the data's week.
SELECT count(*) FROM mmm_backtest('msg_weeks', 'week', 'sales', ARRAY['x1'], config => :'tiny', horizon => '1 hour');
-- A backtest whose first fold trains on weeks where a channel has no spend names the fold.
CREATE TABLE msg_late_channel AS
SELECT week, sales, x1, CASE WHEN week < (SELECT min(week) + 60 * 7 FROM msg_weeks) THEN 0 ELSE x2 END AS x2
FROM msg_weeks;
SELECT count(*) FROM mmm_backtest('msg_late_channel', 'week', 'sales', ARRAY['x1', 'x2'], config => :'tiny',
                                  start => (SELECT min(week) + 52 * 7 FROM msg_weeks), refit_every => '3 months',
                                  horizon => '3 months');
SELECT count(*) = :models_before AS nothing_written FROM mmm.models;
DROP TABLE msg_weeks, msg_empty, msg_events_text, msg_events_int, msg_lifts, msg_late_channel;

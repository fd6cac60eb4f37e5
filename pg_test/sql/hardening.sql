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

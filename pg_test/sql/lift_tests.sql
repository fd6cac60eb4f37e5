-- Lift tests (mmm_fit(..., lift_tests)): the catalog rows, mmm_lift_tests beside the measured
-- lifts, calibration narrowing the model's lift, a refit that keeps the rows, a panel's tests
-- by geo, and each bad row's ERROR with nothing written.
CREATE EXTENSION IF NOT EXISTS pg_mmm;
CREATE TABLE lift_shop AS
SELECT date AS week, y AS sales, (spend ->> 'tv')::float8 AS tv, (spend ->> 'social')::float8 AS social,
       (contributions ->> 'tv')::float8 AS tv_effect, (contributions ->> 'social')::float8 AS social_effect
FROM mmm_simulate('tv_social_search', seed => 5);
-- One experiment per channel: half as much again as its mean spend, measuring a quarter of its
-- mean weekly effect with a 10% standard error.
CREATE TABLE experiments (channel text, x float8, delta_x float8, delta_y float8, sigma float8);
INSERT INTO experiments
SELECT 'tv', avg(tv), avg(tv) / 2, avg(tv_effect) / 4, avg(tv_effect) / 40 FROM lift_shop
UNION ALL SELECT 'social', avg(social), avg(social) / 2, avg(social_effect) / 4, avg(social_effect) / 40 FROM lift_shop;
-- The same experiments a hundred times less precise: the data alone speak.
CREATE TABLE vague_experiments AS SELECT channel, x, delta_x, delta_y, sigma * 100 AS sigma FROM experiments;
\set config '{"chains": 2, "tune": 200, "draws": 100, "seed": 4, "progress": false}'

SELECT mmm_fit('lift_shop', 'week', 'sales', ARRAY['tv', 'social'], config => :'config',
               name => 'lift_shop', lift_tests => 'experiments') AS model_id \gset
SELECT mmm_fit('lift_shop', 'week', 'sales', ARRAY['tv', 'social'], config => :'config',
               name => 'lift_shop_vague', lift_tests => 'vague_experiments') AS vague_id \gset
-- Stored in the fit's order (by channel), by name, as measured.
SELECT l.row_number, l.channel, l.geo, l.x = e.x AND l.delta_x = e.delta_x AND l.delta_y = e.delta_y
       AND l.sigma = e.sigma AS as_measured
FROM mmm.lift_tests l JOIN experiments e USING (channel) WHERE l.model_id = :model_id ORDER BY l.row_number;
SELECT spec ? 'lift_tests' AS rows_in_spec FROM mmm.models WHERE id = :model_id;

-- Each test beside the model's lift: calibrated, the estimate agrees with the measurement and
-- its band is narrower than with the vague tests; a narrower probability, a narrower band.
SELECT c.channel, c.geo, c.delta_y = e.delta_y AND c.sigma = e.sigma AS measured,
       c.estimated_lift_lower < c.estimated_lift AND c.estimated_lift < c.estimated_lift_upper AS banded,
       abs(c.estimated_lift - c.delta_y) < 3 * c.sigma AS agrees,
       c.estimated_lift_upper - c.estimated_lift_lower < (v.estimated_lift_upper - v.estimated_lift_lower) / 2 AS narrowed,
       n.estimated_lift_upper - n.estimated_lift_lower < c.estimated_lift_upper - c.estimated_lift_lower AS narrower_at_half
FROM mmm_lift_tests(:model_id) c
JOIN mmm_lift_tests(:vague_id) v USING (channel)
JOIN mmm_lift_tests(:model_id, hdi_prob => 0.5) n USING (channel)
JOIN experiments e USING (channel)
ORDER BY c.channel;
SELECT count(*) AS by_name FROM mmm_lift_tests('lift_shop') WHERE estimated_lift > 0;

-- A model fitted without lift tests has none.
SELECT mmm_fit('lift_shop', 'week', 'sales', ARRAY['tv', 'social'],
               config => '{"chains": 1, "tune": 50, "draws": 20, "seed": 1, "progress": false}',
               name => 'lift_shop_plain') AS plain_id \gset
SELECT count(*) AS no_tests FROM mmm_lift_tests(:plain_id);

-- A refit fits the stored experiments again, whatever the table holds now, here with the
-- gamma likelihood.
DELETE FROM experiments;
SELECT mmm_refit('lift_shop', config => '{"lift_likelihood": "gamma", "draws": 60, "progress": false}') AS refit_id \gset
SELECT spec ->> 'lift_likelihood' AS likelihood, (SELECT count(*) FROM mmm.lift_tests WHERE model_id = :refit_id) AS tests
FROM mmm.models WHERE id = :refit_id;
SELECT channel, abs(estimated_lift - delta_y) < 3 * sigma AS agrees FROM mmm_lift_tests(:refit_id) ORDER BY channel;

-- A panel: one experiment per geo, named in the model's geo column.
CREATE TABLE lift_panel AS
SELECT geo AS region, date AS week, y, (spend ->> 'tv')::float8 AS tv, (contributions ->> 'tv')::float8 AS tv_effect
FROM mmm_simulate_panel('geo_panel', seed => 2, geos => 2, weeks => 60);
CREATE TABLE geo_experiments AS
SELECT region, 'tv' AS channel, avg(tv) AS x, avg(tv) / 2 AS delta_x, avg(tv_effect) / 4 AS delta_y,
       avg(tv_effect) / 40 AS sigma
FROM lift_panel GROUP BY region;
SELECT mmm_fit('lift_panel', 'week', 'y', ARRAY['tv'], config => :'config', geo_column => 'region',
               lift_tests => 'geo_experiments') AS panel_id \gset
SELECT channel, geo, estimated_lift_lower < estimated_lift AND estimated_lift < estimated_lift_upper AS banded,
       abs(estimated_lift - delta_y) < 3 * sigma AS agrees
FROM mmm_lift_tests(:panel_id) ORDER BY geo;

-- Bad rows: an ERROR naming the row, nothing written.
SELECT (SELECT count(*) FROM mmm.models) AS models_before, (SELECT count(*) FROM mmm.lift_tests) AS tests_before \gset
CREATE TABLE bad_experiments (channel text, x float8, delta_x float8, delta_y float8, sigma float8);
INSERT INTO bad_experiments VALUES ('social', 100, 50, 20, 5), ('radio', 100, 50, 20, 5);
SELECT mmm_fit('lift_shop', 'week', 'sales', ARRAY['tv', 'social'], config => :'config', lift_tests => 'bad_experiments');
UPDATE bad_experiments SET channel = NULL WHERE channel = 'radio';
SELECT mmm_fit('lift_shop', 'week', 'sales', ARRAY['tv', 'social'], config => :'config', lift_tests => 'bad_experiments');
UPDATE bad_experiments SET channel = 'tv', sigma = NULL WHERE channel IS NULL;
SELECT mmm_fit('lift_shop', 'week', 'sales', ARRAY['tv', 'social'], config => :'config', lift_tests => 'bad_experiments');
UPDATE bad_experiments SET sigma = 0 WHERE channel = 'tv';
SELECT mmm_fit('lift_shop', 'week', 'sales', ARRAY['tv', 'social'], config => :'config', lift_tests => 'bad_experiments');
UPDATE bad_experiments SET sigma = 5, delta_y = 'NaN' WHERE channel = 'tv';
SELECT mmm_fit('lift_shop', 'week', 'sales', ARRAY['tv', 'social'], config => :'config', lift_tests => 'bad_experiments');
UPDATE bad_experiments SET delta_y = -20 WHERE channel = 'tv';
SELECT mmm_fit('lift_shop', 'week', 'sales', ARRAY['tv', 'social'], lift_tests => 'bad_experiments',
               config => '{"lift_likelihood": "gamma", "progress": false}');
SELECT mmm_fit('lift_shop', 'week', 'sales', ARRAY['tv', 'social'], lift_tests => 'bad_experiments',
               config => '{"lift_likelihood": "student_t", "progress": false}');
CREATE TABLE experiments_without_sigma (channel text, x float8, delta_x float8, delta_y float8);
SELECT mmm_fit('lift_shop', 'week', 'sales', ARRAY['tv', 'social'], config => :'config', lift_tests => 'experiments_without_sigma');
-- A panel's tests need the geo column, a geo of the model in it, and no NULL.
SELECT mmm_fit('lift_panel', 'week', 'y', ARRAY['tv'], config => :'config', geo_column => 'region',
               lift_tests => 'vague_experiments');
INSERT INTO geo_experiments VALUES ('geo_09', 'tv', 100, 50, 20, 5);
SELECT mmm_fit('lift_panel', 'week', 'y', ARRAY['tv'], config => :'config', geo_column => 'region',
               lift_tests => 'geo_experiments');
UPDATE geo_experiments SET region = NULL WHERE region = 'geo_09';
SELECT mmm_fit('lift_panel', 'week', 'y', ARRAY['tv'], config => :'config', geo_column => 'region',
               lift_tests => 'geo_experiments');
SELECT count(*) = :models_before AND (SELECT count(*) FROM mmm.lift_tests) = :tests_before AS nothing_written
FROM mmm.models;

-- Time-varying media: each test names the training week it ran in (column date), whose media
-- multiplier scales the model's lift. The date is stored with the model, returned by
-- mmm_lift_tests and kept by a refit.
CREATE TABLE dated_experiments AS
SELECT channel, x, delta_x, delta_y, sigma / 100 AS sigma,
       (SELECT min(week) FROM lift_shop) + CASE channel WHEN 'tv' THEN 140 ELSE 280 END AS date
FROM vague_experiments;
\set tvm_config '{"time_varying_media": true, "hsgp": {"m": 10}, "chains": 2, "tune": 150, "draws": 60, "seed": 3, "progress": false}'
SELECT mmm_fit('lift_shop', 'week', 'sales', ARRAY['tv', 'social'], config => :'tvm_config',
               name => 'lift_tvm', lift_tests => 'dated_experiments') AS tvm_id \gset
SELECT l.row_number, l.channel, l.date = d.date AS stored_date
FROM mmm.lift_tests l JOIN dated_experiments d USING (channel) WHERE l.model_id = :tvm_id ORDER BY l.row_number;
SELECT c.channel, c.date = d.date AS returned_date,
       c.estimated_lift_lower < c.estimated_lift AND c.estimated_lift < c.estimated_lift_upper AS banded,
       abs(c.estimated_lift - c.delta_y) < 3 * c.sigma AS agrees
FROM mmm_lift_tests(:tvm_id) c JOIN dated_experiments d USING (channel) ORDER BY c.channel;
SELECT mmm_refit('lift_tvm', config => '{"draws": 40, "progress": false}') AS tvm_refit_id \gset
SELECT count(*) FILTER (WHERE l.date = d.date) AS refit_dates
FROM mmm.lift_tests l JOIN dated_experiments d USING (channel) WHERE l.model_id = :tvm_refit_id;

-- Without time-varying media a date column is read and stored, and changes nothing: even a date
-- outside the training weeks.
CREATE TABLE off_grid_experiments AS SELECT channel, x, delta_x, delta_y, sigma, date + 3 AS date FROM dated_experiments;
SELECT mmm_fit('lift_shop', 'week', 'sales', ARRAY['tv', 'social'], lift_tests => 'off_grid_experiments',
               config => '{"chains": 1, "tune": 50, "draws": 20, "seed": 1, "progress": false}') AS off_grid_id \gset
SELECT count(*) FILTER (WHERE c.date = d.date) AS dates_returned
FROM mmm_lift_tests(:off_grid_id) c JOIN off_grid_experiments d USING (channel);

-- With time-varying media a missing (no column, or NULL) or unknown date is an ERROR naming the
-- row, nothing written.
SELECT (SELECT count(*) FROM mmm.models) AS models_before, (SELECT count(*) FROM mmm.lift_tests) AS tests_before \gset
SELECT mmm_fit('lift_shop', 'week', 'sales', ARRAY['tv', 'social'], config => :'tvm_config', lift_tests => 'vague_experiments');
UPDATE dated_experiments SET date = NULL WHERE channel = 'tv';
SELECT mmm_fit('lift_shop', 'week', 'sales', ARRAY['tv', 'social'], config => :'tvm_config', lift_tests => 'dated_experiments');
SELECT mmm_fit('lift_shop', 'week', 'sales', ARRAY['tv', 'social'], config => :'tvm_config', lift_tests => 'off_grid_experiments');
-- A date or number column of a type that does not hold dates or numbers is an ERROR naming it.
CREATE TABLE text_experiments AS SELECT channel, x, delta_x, delta_y, sigma, date::text AS date FROM off_grid_experiments;
SELECT mmm_fit('lift_shop', 'week', 'sales', ARRAY['tv', 'social'], config => :'tvm_config', lift_tests => 'text_experiments');
ALTER TABLE text_experiments ALTER COLUMN date TYPE date USING date::date, ALTER COLUMN sigma TYPE text;
SELECT mmm_fit('lift_shop', 'week', 'sales', ARRAY['tv', 'social'], lift_tests => 'text_experiments');
SELECT count(*) = :models_before AND (SELECT count(*) FROM mmm.lift_tests) = :tests_before AS nothing_written
FROM mmm.models;

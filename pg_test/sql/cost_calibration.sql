-- Cost-per-target / ROAS calibration (mmm_fit(..., cost_calibration)): the catalog rows,
-- mmm_cost_calibration beside the measured ratios, calibration narrowing the model's ratio, ROAS
-- as the target, a refit that keeps the rows, a panel's rows by geo, and each bad row's ERROR
-- with nothing written.
CREATE EXTENSION IF NOT EXISTS pg_mmm;
CREATE TABLE cpt_shop AS
SELECT date AS week, y AS sales, (spend ->> 'tv')::float8 AS tv, (spend ->> 'social')::float8 AS social,
       (contributions ->> 'tv')::float8 AS tv_effect, (contributions ->> 'social')::float8 AS social_effect
FROM mmm_simulate('tv_social_search', seed => 5);
-- One row per channel: the true cost per unit of sales over the whole window (mean spend over
-- mean effect), with a 10% standard error.
CREATE TABLE cpt (channel text, value float8, sigma float8);
INSERT INTO cpt
SELECT 'tv', avg(tv) / avg(tv_effect), avg(tv) / avg(tv_effect) / 10 FROM cpt_shop
UNION ALL SELECT 'social', avg(social) / avg(social_effect), avg(social) / avg(social_effect) / 10 FROM cpt_shop;
-- The same a hundred times less precise: the data alone speak.
CREATE TABLE vague_cpt AS SELECT channel, value, sigma * 100 AS sigma FROM cpt;
\set config '{"chains": 2, "tune": 200, "draws": 100, "seed": 4, "progress": false}'

SELECT mmm_fit('cpt_shop', 'week', 'sales', ARRAY['tv', 'social'], config => :'config',
               name => 'cpt_shop', cost_calibration => 'cpt') AS model_id \gset
SELECT mmm_fit('cpt_shop', 'week', 'sales', ARRAY['tv', 'social'], config => :'config',
               name => 'cpt_shop_vague', cost_calibration => 'vague_cpt') AS vague_id \gset
-- Stored in the fit's order (by channel), by name, as measured; the default target is not
-- written into the spec.
SELECT k.row_number, k.channel, k.geo, k.value = c.value AND k.sigma = c.sigma AS as_measured
FROM mmm.cost_calibrations k JOIN cpt c USING (channel) WHERE k.model_id = :model_id ORDER BY k.row_number;
SELECT spec ? 'calibration_target' AS target_in_spec FROM mmm.models WHERE id = :model_id;

-- Each row beside the model's cost per target: calibrated, the estimate agrees with the
-- measurement and its band is narrower than with the vague rows.
SELECT c.channel, c.target, c.geo, c.value = m.value AND c.sigma = m.sigma AS measured,
       c.estimate_lower < c.estimate AND c.estimate < c.estimate_upper AS banded,
       abs(c.estimate - c.value) < 3 * c.sigma AS agrees,
       c.estimate_upper - c.estimate_lower < (v.estimate_upper - v.estimate_lower) / 2 AS narrowed
FROM mmm_cost_calibration(:model_id) c
JOIN mmm_cost_calibration(:vague_id) v USING (channel)
JOIN cpt m USING (channel)
ORDER BY c.channel;
SELECT count(*) AS by_name FROM mmm_cost_calibration('cpt_shop', hdi_prob => 0.5) WHERE estimate > 0;

-- ROAS: the same rows inverted, measured as sales per unit of spend.
CREATE TABLE roas AS SELECT channel, 1 / value AS value, sigma / value ^ 2 AS sigma FROM cpt;
SELECT mmm_fit('cpt_shop', 'week', 'sales', ARRAY['tv', 'social'], name => 'roas_shop', cost_calibration => 'roas',
               config => '{"chains": 2, "tune": 200, "draws": 100, "seed": 4, "progress": false,
                           "calibration_target": "roas"}') AS roas_id \gset
SELECT spec ->> 'calibration_target' AS target FROM mmm.models WHERE id = :roas_id;
-- Over the training window the model's ROAS is mmm_roas's: total contribution over total spend.
SELECT c.channel, c.target, abs(c.estimate - c.value) < 3 * c.sigma AS agrees,
       abs(c.estimate - r.roas) < 1e-9 * r.roas AND abs(c.estimate_lower - r.roas_lower) < 1e-9 * r.roas AS as_mmm_roas
FROM mmm_cost_calibration(:roas_id) c JOIN mmm_roas(:roas_id) r USING (channel) ORDER BY c.channel;

-- A model fitted without rows has none.
SELECT mmm_fit('cpt_shop', 'week', 'sales', ARRAY['tv', 'social'],
               config => '{"chains": 1, "tune": 50, "draws": 20, "seed": 1, "progress": false}',
               name => 'cpt_shop_plain') AS plain_id \gset
SELECT count(*) AS no_rows FROM mmm_cost_calibration(:plain_id);

-- A refit fits the stored rows again, whatever the table holds now.
DELETE FROM cpt;
SELECT mmm_refit('cpt_shop', config => '{"draws": 60, "progress": false}') AS refit_id \gset
SELECT count(*) AS rows FROM mmm.cost_calibrations WHERE model_id = :refit_id;
SELECT channel, abs(estimate - value) < 3 * sigma AS agrees FROM mmm_cost_calibration(:refit_id) ORDER BY channel;

-- A panel: one row per geo, named in the model's geo column.
CREATE TABLE cpt_panel AS
SELECT geo AS region, date AS week, y, (spend ->> 'tv')::float8 AS tv, (contributions ->> 'tv')::float8 AS tv_effect
FROM mmm_simulate_panel('geo_panel', seed => 2, geos => 2, weeks => 60);
CREATE TABLE geo_cpt AS
SELECT region, 'tv' AS channel, avg(tv) / avg(tv_effect) AS value, avg(tv) / avg(tv_effect) / 10 AS sigma
FROM cpt_panel GROUP BY region;
SELECT mmm_fit('cpt_panel', 'week', 'y', ARRAY['tv'], config => :'config', geo_column => 'region',
               cost_calibration => 'geo_cpt') AS panel_id \gset
SELECT channel, geo, estimate_lower < estimate AND estimate < estimate_upper AS banded,
       abs(estimate - value) < 3 * sigma AS agrees
FROM mmm_cost_calibration(:panel_id) ORDER BY geo;

-- Time-varying media: the ratio's contribution includes the media multiplier, as the
-- decomposition's does. With ROAS as the target the posterior mean of the ratio is the total
-- channel contribution over total spend (both over the training window): mmm_roas's, and the
-- channel's contributions summed from mmm_contributions over its spend.
SELECT mmm_fit('cpt_shop', 'week', 'sales', ARRAY['tv', 'social'], name => 'roas_tvm', cost_calibration => 'roas',
               config => '{"chains": 2, "tune": 150, "draws": 60, "seed": 3, "progress": false,
                           "calibration_target": "roas", "time_varying_media": true, "hsgp": {"m": 10}}') AS tvm_id \gset
SELECT c.channel, abs(c.estimate - c.value) < 3 * c.sigma AS agrees,
       abs(c.estimate - r.roas) < 1e-9 * r.roas AS as_mmm_roas,
       abs(c.estimate - (SELECT sum(k.mean) FROM mmm_contributions(:tvm_id) k WHERE k.component = c.channel)
                        / (SELECT sum(CASE c.channel WHEN 'tv' THEN s.tv ELSE s.social END) FROM cpt_shop s))
         < 1e-9 * c.estimate AS as_contributions
FROM mmm_cost_calibration(:tvm_id) c JOIN mmm_roas(:tvm_id) r USING (channel) ORDER BY c.channel;

-- Cost per unit: tv is measured in units costing 4 each, so its spend in money (what the
-- calibration rows measure) is 4 times its column; social costs 1 per unit.
CREATE TABLE roas_money AS SELECT channel, CASE channel WHEN 'tv' THEN value / 4 ELSE value END AS value,
       CASE channel WHEN 'tv' THEN sigma / 4 ELSE sigma END AS sigma FROM roas;
SELECT mmm_fit('cpt_shop', 'week', 'sales', ARRAY['tv', 'social'], name => 'roas_priced', cost_calibration => 'roas_money',
               config => '{"chains": 2, "tune": 200, "draws": 100, "seed": 4, "progress": false,
                           "calibration_target": "roas", "cost_per_unit": {"tv": 4}}') AS priced_id \gset
SELECT c.channel, abs(c.estimate - c.value) < 3 * c.sigma AS agrees,
       abs(c.estimate - r.roas) < 1e-9 * r.roas AS as_mmm_roas,
       abs(c.estimate - (SELECT sum(k.mean) FROM mmm_contributions(:priced_id) k WHERE k.component = c.channel)
                        / (SELECT sum(CASE c.channel WHEN 'tv' THEN 4 * s.tv ELSE s.social END) FROM cpt_shop s))
         < 1e-9 * c.estimate AS money
FROM mmm_cost_calibration(:priced_id) c JOIN mmm_roas(:priced_id) r USING (channel) ORDER BY c.channel;

-- Bad rows: an ERROR naming the row, nothing written.
SELECT (SELECT count(*) FROM mmm.models) AS models_before, (SELECT count(*) FROM mmm.cost_calibrations) AS rows_before \gset
CREATE TABLE bad_cpt (channel text, value float8, sigma float8);
INSERT INTO bad_cpt VALUES ('social', 20, 2), ('radio', 20, 2);
SELECT mmm_fit('cpt_shop', 'week', 'sales', ARRAY['tv', 'social'], config => :'config', cost_calibration => 'bad_cpt');
UPDATE bad_cpt SET channel = NULL WHERE channel = 'radio';
SELECT mmm_fit('cpt_shop', 'week', 'sales', ARRAY['tv', 'social'], config => :'config', cost_calibration => 'bad_cpt');
UPDATE bad_cpt SET channel = 'tv', value = NULL WHERE channel IS NULL;
SELECT mmm_fit('cpt_shop', 'week', 'sales', ARRAY['tv', 'social'], config => :'config', cost_calibration => 'bad_cpt');
UPDATE bad_cpt SET value = 20, sigma = 0 WHERE channel = 'tv';
SELECT mmm_fit('cpt_shop', 'week', 'sales', ARRAY['tv', 'social'], config => :'config', cost_calibration => 'bad_cpt');
UPDATE bad_cpt SET sigma = 'Infinity' WHERE channel = 'tv';
SELECT mmm_fit('cpt_shop', 'week', 'sales', ARRAY['tv', 'social'], config => :'config', cost_calibration => 'bad_cpt');
UPDATE bad_cpt SET sigma = 2, value = -20 WHERE channel = 'tv';
SELECT mmm_fit('cpt_shop', 'week', 'sales', ARRAY['tv', 'social'], config => :'config', cost_calibration => 'bad_cpt');
UPDATE bad_cpt SET channel = 'social', value = 25 WHERE channel = 'tv';
SELECT mmm_fit('cpt_shop', 'week', 'sales', ARRAY['tv', 'social'], config => :'config', cost_calibration => 'bad_cpt');
SELECT mmm_fit('cpt_shop', 'week', 'sales', ARRAY['tv', 'social'], cost_calibration => 'vague_cpt',
               config => '{"calibration_target": "cpa", "progress": false}');
CREATE TABLE cpt_without_sigma (channel text, value float8);
SELECT mmm_fit('cpt_shop', 'week', 'sales', ARRAY['tv', 'social'], config => :'config', cost_calibration => 'cpt_without_sigma');
-- A panel's rows need the geo column, a geo of the model in it, and no NULL.
SELECT mmm_fit('cpt_panel', 'week', 'y', ARRAY['tv'], config => :'config', geo_column => 'region',
               cost_calibration => 'vague_cpt');
INSERT INTO geo_cpt VALUES ('geo_09', 'tv', 20, 2);
SELECT mmm_fit('cpt_panel', 'week', 'y', ARRAY['tv'], config => :'config', geo_column => 'region',
               cost_calibration => 'geo_cpt');
UPDATE geo_cpt SET region = NULL WHERE region = 'geo_09';
SELECT mmm_fit('cpt_panel', 'week', 'y', ARRAY['tv'], config => :'config', geo_column => 'region',
               cost_calibration => 'geo_cpt');
SELECT count(*) = :models_before AND (SELECT count(*) FROM mmm.cost_calibrations) = :rows_before AS nothing_written
FROM mmm.models;

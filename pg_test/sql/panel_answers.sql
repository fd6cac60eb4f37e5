-- The last answers per geo: mmm_sample_response per (geo, channel) cell, mmm_plot's allocation
-- per geo and summed over geos, mmm_monitor per (geo, week) and per geo, and mmm_compare of
-- panels over their (date, geo) rows.
CREATE EXTENSION IF NOT EXISTS pg_mmm;
SELECT setval('mmm.models_id_seq', 2000) AS ids_from;

CREATE TABLE stores AS
SELECT geo AS region, date AS week, y AS sales, (spend ->> 'tv')::float8 AS tv, (spend ->> 'radio')::float8 AS radio
FROM mmm_simulate_panel('geo_panel', seed => 6, geos => 2, weeks => 60);
-- Training on the first 52 weeks; the last 8 come later.
CREATE VIEW stores_trained AS SELECT * FROM stores WHERE week < (SELECT min(week) + 52 * 7 FROM stores);
\set config '{"chains": 2, "tune": 150, "draws": 60, "seed": 5, "progress": false}'
SELECT mmm_fit('stores_trained', 'week', 'sales', ARRAY['tv', 'radio'], config => :'config',
               name => 'stores', geo_column => 'region') AS model_id \gset

-- mmm_sample_response: one series per (geo, channel) cell, each geo's total and the total over
-- geos (geo NULL); a channel's spend applies in every geo, a geo's own object overrides it.
SELECT geo, channel, count(*) AS weeks, max(spend) AS spend, bool_and(response_lower <= response AND response <= response_upper) AS in_band,
       bool_and(response >= 0) AS non_negative
FROM mmm_sample_response(:model_id, '{"tv": 100, "radio": 50, "geo_02": {"tv": 0}}', num_periods => 4)
GROUP BY geo, channel ORDER BY geo NULLS LAST, channel;
-- Totals add up: each geo's total is its cells' sum, the overall total the geos' (means).
SELECT t.geo, bool_and(abs(t.response - c.cells) <= 1e-9 * greatest(t.response, 1)) AS total_is_sum
FROM mmm_sample_response(:model_id, '{"tv": 100, "radio": 50}') t
JOIN (SELECT week, geo, sum(response) AS cells FROM mmm_sample_response(:model_id, '{"tv": 100, "radio": 50}')
      WHERE channel <> 'total' GROUP BY week, geo) c ON c.week = t.week AND c.geo IS NOT DISTINCT FROM t.geo
WHERE t.channel = 'total' GROUP BY t.geo ORDER BY t.geo;
SELECT bool_and(abs(o.response - g.geos) <= 1e-9 * greatest(o.response, 1)) AS overall_is_sum_of_geos
FROM mmm_sample_response(:model_id, '{"tv": 100}') o
JOIN (SELECT week, sum(response) AS geos FROM mmm_sample_response(:model_id, '{"tv": 100}')
      WHERE channel = 'total' AND geo IS NOT NULL GROUP BY week) g USING (week)
WHERE o.channel = 'total' AND o.geo IS NULL;
-- No spend, no response: geo_02 spends nothing on tv.
SELECT bool_and(response = 0) AS silent FROM mmm_sample_response(:model_id, '{"tv": 100, "geo_02": {"tv": 0}}')
WHERE geo = 'geo_02' AND channel = 'tv';
SELECT * FROM mmm_sample_response(:model_id, '{"geo_09": {"tv": 1}}');
SELECT * FROM mmm_sample_response(:model_id, '{"geo_01": {"tv": -1}}');
SELECT * FROM mmm_sample_response(:model_id, '{"geo_01": {"print": 1}}');

-- mmm_plot allocation: a geo's cells of the panel's optimal allocation, or each channel summed
-- over geos (the default), titled with the geo or "all geos".
SELECT g, left(svg, 4) AS opens, length(svg) > 2000 AS drawn, svg LIKE '%' || coalesce(g, 'all geos') || '</text>%' AS titled,
       svg LIKE '%>tv</text>%' AND svg LIKE '%>radio</text>%' AS both_channels
FROM unnest(ARRAY[NULL, 'geo_01', 'geo_02']) AS g, LATERAL mmm_plot(:model_id, 'allocation', geo => g) AS svg
ORDER BY g NULLS FIRST;
SELECT mmm_plot(:model_id, 'allocation', geo => 'geo_03');

-- mmm_monitor: the 8 weeks after training per geo, a total row per geo (date NULL) with its own
-- verdict, and the overall row (date and geo NULL) that mmm.monitor_runs records.
SELECT geo, date IS NULL AS total, count(*) AS rows, sum(weeks) AS weeks,
       bool_and(pred_lower <= predicted AND predicted <= pred_upper) AS in_band,
       bool_and(mape >= 0 AND coverage BETWEEN 0 AND 1) AS sane, count(verdict) AS verdicts
FROM mmm_monitor(:model_id, 'stores') GROUP BY geo, date IS NULL ORDER BY geo NULLS LAST, total;
-- The overall row is over every (geo, week): its actual is the sum, its MAPE the mean of the cells'.
SELECT abs(o.actual - w.actual) < 1e-9 * o.actual AS actual_is_sum, abs(o.mape - w.mape) < 1e-12 AS mape_over_cells,
       abs(o.coverage - w.coverage) < 1e-12 AS coverage_over_cells
FROM (SELECT * FROM mmm_monitor(:model_id, 'stores') WHERE date IS NULL AND geo IS NULL) o,
     (SELECT sum(actual) AS actual, avg(mape) AS mape, avg(coverage) AS coverage
      FROM mmm_monitor(:model_id, 'stores') WHERE date IS NOT NULL) w;
SELECT weeks, first_date < last_date AS dated, verdict IN ('ok', 'drift') AS judged FROM mmm.monitor_runs
WHERE model_id = :model_id ORDER BY id LIMIT 1;
SELECT name, weeks, verdict IN ('ok', 'drift') AS judged FROM mmm_model_health WHERE name = 'stores';
-- A geo that goes wrong drifts the model, and the reason names it.
CREATE TABLE stores_off AS SELECT * FROM stores;
UPDATE stores_off SET sales = 3 * sales WHERE region = 'geo_02' AND week >= (SELECT min(week) + 52 * 7 FROM stores);
SELECT geo, verdict, reason LIKE '%geo "geo_02": MAPE%' AS names_geo FROM mmm_monitor(:model_id, 'stores_off')
WHERE date IS NULL ORDER BY geo NULLS LAST;
-- The source must hold the model's geos, and only them.
CREATE VIEW stores_one AS SELECT * FROM stores WHERE region = 'geo_01';
SELECT * FROM mmm_monitor(:model_id, 'stores_one');
CREATE VIEW stores_more AS SELECT * FROM stores UNION ALL SELECT 'geo_07', week, sales, tv, radio FROM stores WHERE region = 'geo_01';
SELECT * FROM mmm_monitor(:model_id, 'stores_more');

-- mmm_compare of two panels over the same (date, geo) rows; a national model of other rows
-- cannot be compared with them.
SELECT mmm_fit('stores_trained', 'week', 'sales', ARRAY['tv', 'radio'], name => 'stores_shared_sigma', geo_column => 'region',
               config => '{"chains": 2, "tune": 150, "draws": 60, "seed": 5, "progress": false, "priors": {"y_sigma": {"dist": "HalfNormal", "sigma": 2, "dims": []}}}') AS shared \gset
SELECT name, rank, pareto_k_bad >= 0 AS counted, se > 0 AND waic_se > 0 AS errors, p_loo > 0 AS effective,
       abs(elpd_loo - elpd_waic) < 2 * se AS waic_near_loo, r2 > 0.5 AS fits
FROM mmm_compare(ARRAY[:model_id, :shared]) ORDER BY name;
SELECT round(sum(weight)::numeric, 9) AS weights, count(*) FILTER (WHERE elpd_diff = 0) AS best
FROM mmm_compare(ARRAY[:model_id, :shared]);
CREATE VIEW stores_national AS SELECT week, sum(sales) AS sales, sum(tv) AS tv, sum(radio) AS radio FROM stores_trained GROUP BY week;
SELECT mmm_fit('stores_national', 'week', 'sales', ARRAY['tv', 'radio'], name => 'stores_national',
               config => '{"chains": 1, "tune": 50, "draws": 30, "seed": 1, "progress": false}') AS national \gset
SELECT * FROM mmm_compare(ARRAY[:model_id, :national]);
CREATE VIEW stores_first_geo AS SELECT * FROM stores_trained WHERE region = 'geo_01';
SELECT mmm_fit('stores_first_geo', 'week', 'sales', ARRAY['tv', 'radio'], geo_column => 'region',
               config => '{"chains": 1, "tune": 50, "draws": 30, "seed": 1, "progress": false}') AS one_geo \gset
SELECT * FROM mmm_compare(ARRAY[:model_id, :one_geo]);

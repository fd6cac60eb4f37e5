-- Time-varying intercept and media (HSGP, docs/02-fitting.md): a small national fit with both
-- processes and a 2-geo panel with time-varying media, mmm_time_varying's multipliers (mean 1
-- over the training weeks per geo), the decomposition, prediction and the plot with them, and
-- each bad config value's ERROR naming the key with nothing written.
CREATE EXTENSION IF NOT EXISTS pg_mmm;
CREATE TABLE tvp_shop AS
SELECT date AS week, y AS sales, (spend ->> 'tv')::float8 AS tv, (spend ->> 'social')::float8 AS social
FROM mmm_simulate('tv_social_search', seed => 7);
CREATE TABLE tvp_training AS SELECT * FROM tvp_shop WHERE week < (SELECT max(week) - 42 FROM tvp_shop);
CREATE TABLE tvp_next AS SELECT week, tv, social FROM tvp_shop WHERE week >= (SELECT max(week) - 42 FROM tvp_shop);
\set config '{"time_varying_intercept": true, "time_varying_media": true, "hsgp": {"m": 20}, "chains": 2, "tune": 150, "draws": 60, "seed": 3, "progress": false}'

SELECT mmm_fit('tvp_training', 'week', 'sales', ARRAY['tv', 'social'], config => :'config',
               name => 'tvp_shop') AS model_id \gset
SELECT spec -> 'time_varying_intercept' AS intercept, spec -> 'time_varying_media' AS media, spec -> 'hsgp' AS hsgp
FROM mmm.models WHERE id = :model_id;
SELECT parameter, count(*) AS elements
FROM mmm_summary(:model_id) WHERE parameter ~ '(latent_process|latent_multiplier)' GROUP BY parameter ORDER BY parameter;

-- One row per training week and process; each multiplier averages 1 over the training weeks.
SELECT process, count(*) AS weeks, count(geo) AS with_geo, bool_and(lower <= mean AND mean <= upper) AS banded,
       bool_and(mean > 0) AS positive, abs(avg(mean) - 1) < 1e-9 AS training_mean_is_1
FROM mmm_time_varying('tvp_shop') GROUP BY process ORDER BY process;
-- The 50% band is nowhere wider than the 94% one (an HDI of few draws need not lie inside).
SELECT count(*) = 0 AS narrower_band_no_wider
FROM mmm_time_varying(:model_id, 0.5) n JOIN mmm_time_varying(:model_id) w USING (date, process)
WHERE n.upper - n.lower > w.upper - w.lower + 1e-9;

-- The decomposition: the intercept varies over the weeks; the components add up to the target.
SELECT count(DISTINCT round(mean::numeric, 6)) > 1 AS intercept_varies
FROM mmm_contributions(:model_id) WHERE component = 'intercept';
SELECT avg(abs(c.fitted - s.sales) / s.sales) < 0.1 AS fitted_close_to_target
FROM (SELECT date, sum(mean) AS fitted FROM mmm_contributions(:model_id) GROUP BY date) c
JOIN tvp_training s ON s.week = c.date;

-- Prediction extends both processes past the training weeks.
SELECT count(*) AS weeks, bool_and(hdi_lower <= mean AND mean <= hdi_upper) AS banded,
       avg(abs(p.mean - s.sales) / s.sales) < 0.2 AS close_to_actual
FROM mmm_predict(:model_id, 'tvp_next') p JOIN tvp_shop s ON s.week = p.date;

-- The plot: both processes and the reference line.
SELECT svg LIKE '<svg%</svg>' AS svg, svg LIKE '%Time-varying multipliers%' AS titled,
       svg LIKE '%intercept%' AND svg LIKE '%media%' AS both_processes
FROM mmm_plot('tvp_shop', 'time_varying') svg;

-- A panel with time-varying media: one multiplier per geo, each of mean 1.
CREATE TABLE tvp_regions AS
SELECT geo AS region, date AS week, y AS sales, (spend ->> 'tv')::float8 AS tv, (spend ->> 'radio')::float8 AS radio
FROM mmm_simulate_panel('geo_panel', seed => 3, geos => 2, weeks => 50);
SELECT mmm_fit('tvp_regions', 'week', 'sales', ARRAY['tv', 'radio'], geo_column => 'region', name => 'tvp_regions',
               config => '{"time_varying_media": true, "hsgp": {"m": 15}, "chains": 2, "tune": 150, "draws": 60, "seed": 4, "progress": false}')
       AS panel_id \gset
SELECT geo, process, count(*) AS weeks, abs(avg(mean) - 1) < 1e-9 AS training_mean_is_1
FROM mmm_time_varying(:panel_id) GROUP BY geo, process ORDER BY geo, process;
SELECT svg LIKE '%geo_01%' AS first_geo_by_default FROM mmm_plot(:panel_id, 'time_varying') svg;
SELECT svg LIKE '%geo_02%' AS named_geo FROM mmm_plot(:panel_id, 'time_varying', geo => 'geo_02') svg;
-- A model without time-varying effects has no multipliers.
SELECT mmm_fit('tvp_training', 'week', 'sales', ARRAY['tv', 'social'], name => 'tvp_plain',
               config => '{"chains": 1, "tune": 50, "draws": 20, "seed": 1, "progress": false}') AS plain_id \gset
SELECT count(*) AS rows FROM mmm_time_varying(:plain_id);

-- Bad config values: an ERROR naming the key, nothing written.
SELECT count(*) AS models_before FROM mmm.models \gset
SELECT mmm_fit('tvp_training', 'week', 'sales', ARRAY['tv', 'social'], config => '{"time_varying_intercept": "yes"}');
SELECT mmm_fit('tvp_training', 'week', 'sales', ARRAY['tv', 'social'], config => '{"time_varying_media": 1}');
SELECT mmm_fit('tvp_training', 'week', 'sales', ARRAY['tv', 'social'], config => '{"hsgp": {"m": 0}}');
SELECT mmm_fit('tvp_training', 'week', 'sales', ARRAY['tv', 'social'], config => '{"hsgp": {"L": -3}}');
SELECT mmm_fit('tvp_training', 'week', 'sales', ARRAY['tv', 'social'], config => '{"hsgp": {"eta_lam": 0}}');
SELECT mmm_fit('tvp_training', 'week', 'sales', ARRAY['tv', 'social'], config => '{"hsgp": {"ls_mu": "long"}}');
SELECT mmm_fit('tvp_training', 'week', 'sales', ARRAY['tv', 'social'], config => '{"hsgp": {"ls_sigma": -1}}');
SELECT mmm_fit('tvp_training', 'week', 'sales', ARRAY['tv', 'social'], config => '{"hsgp": {"drop_first": true}}');
SELECT count(*) = :models_before AS nothing_written FROM mmm.models;

-- Geo panels: mmm_fit(..., geo_column) on a small simulated panel in long format, the catalog
-- it writes, every read function per geo, and each bad input's ERROR with nothing written.
CREATE EXTENSION IF NOT EXISTS pg_mmm;

CREATE TABLE regions AS
SELECT geo AS region, date AS week, y AS sales, (spend ->> 'tv')::float8 AS tv,
       (spend ->> 'radio')::float8 AS radio, contributions
FROM mmm_simulate_panel('geo_panel', seed => 3, geos => 3, weeks => 60);
SELECT region, count(*) AS weeks, min(week), max(week) FROM regions GROUP BY region ORDER BY region;
\set short '{"chains": 2, "tune": 150, "draws": 60, "seed": 5, "progress": false, "scaling": {"target": "per_geo", "channel": "per_geo"}}'

SELECT mmm_fit('regions', 'week', 'sales', ARRAY['tv', 'radio'], config => :'short',
               name => 'regions', geo_column => 'region') AS model_id \gset
SELECT name, geo_column, geos, n_rows, first_date, last_date, scales ? 'geo_target' AS per_geo_target,
       jsonb_object_keys(scales -> 'geo_channels') AS scaled_geo
FROM mmm.models WHERE id = :model_id ORDER BY scaled_geo;
SELECT name, geo_column, geos FROM mmm_models WHERE id = :model_id;
SELECT geo, count(*) AS rows FROM mmm.model_data WHERE model_id = :model_id GROUP BY geo ORDER BY geo;

-- Parameters per geo carry it (coordinate keeps the other labels), shared ones have geo NULL.
SELECT parameter, count(*) AS elements, count(geo) AS with_geo, count(DISTINCT geo) AS geos,
       string_agg(DISTINCT coordinate, ',') AS coordinates
FROM mmm_summary(:model_id) GROUP BY parameter ORDER BY parameter;
SELECT count(*) = (SELECT count(*) / 2 FROM mmm.posterior_draws WHERE model_id = :model_id) AS one_row_per_scalar
FROM mmm_summary(:model_id);

-- Contributions per (geo, date): every geo has every week of every component, and a geo's
-- components add up close to its target (the fitted mean).
SELECT geo, count(DISTINCT component) AS components, count(DISTINCT date) AS weeks
FROM mmm_contributions(:model_id) GROUP BY geo ORDER BY geo;
SELECT c.geo, avg(abs(c.fitted - r.sales) / r.sales) < 0.1 AS fitted_close_to_target
FROM (SELECT geo, date, sum(mean) AS fitted FROM mmm_contributions(:model_id) GROUP BY geo, date) c
JOIN regions r ON r.region = c.geo AND r.week = c.date
GROUP BY c.geo ORDER BY c.geo;

-- ROAS per (geo, channel) and a total row per channel (geo NULL): spend and contribution of
-- the total are the sums over geos, and each geo's contribution is its weekly contributions'.
SELECT channel, geo, abs(spend - (SELECT sum(CASE channel WHEN 'tv' THEN tv ELSE radio END) FROM regions r
                                  WHERE r.region = coalesce(o.geo, r.region))) < 1e-9 * spend AS spend_matches,
       contribution_lower <= contribution AND contribution <= contribution_upper AS in_band
FROM mmm_roas(:model_id) o ORDER BY channel, geo NULLS LAST;
SELECT o.channel, abs(o.contribution - sum(g.contribution)) < 1e-6 * o.contribution AS total_is_sum_of_geos
FROM mmm_roas(:model_id) o JOIN mmm_roas(:model_id) g ON g.channel = o.channel AND g.geo IS NOT NULL
WHERE o.geo IS NULL GROUP BY o.channel, o.contribution ORDER BY o.channel;
SELECT o.geo, o.channel, abs(o.contribution - c.total) < 1e-6 * o.contribution AS geo_is_sum_of_weeks
FROM mmm_roas(:model_id) o
JOIN (SELECT geo, component, sum(mean) AS total FROM mmm_contributions(:model_id) GROUP BY geo, component) c
  ON c.geo = o.geo AND c.component = o.channel
ORDER BY o.geo, o.channel;

-- Fit metrics over all rows (geo NULL) and per geo.
SELECT geo, r2 > 0 AS explains, mape < 0.1 AS close FROM mmm_fit_metrics(:model_id) ORDER BY geo NULLS FIRST;

-- Predictions carry the geo; every geo must be there, and no other.
CREATE TABLE panel_next AS
SELECT region, week + 7 * 60 AS week, tv, radio FROM regions WHERE week < (SELECT min(week) + 28 FROM regions);
SELECT geo, count(*) AS weeks, bool_and(hdi_lower <= mean AND mean <= hdi_upper) AS in_band,
       bool_and(pred_lower <= hdi_lower AND hdi_upper <= pred_upper) AS predictive_wider
FROM mmm_predict(:model_id, 'panel_next') GROUP BY geo ORDER BY geo;
CREATE VIEW panel_next_two AS SELECT * FROM panel_next WHERE region <> 'geo_02';
SELECT * FROM mmm_predict(:model_id, 'panel_next_two');
CREATE VIEW panel_next_other AS SELECT * FROM panel_next UNION ALL SELECT 'geo_99', week, tv, radio FROM panel_next WHERE region = 'geo_01';
SELECT * FROM mmm_predict(:model_id, 'panel_next_other');

-- Response curves per geo, each in its own units: zero at zero spend, increasing, up to 1.5
-- times the geo's own largest week of the channel; the geos' curves differ.
SELECT geo, channel, count(*) AS points, bool_and(response = 0) FILTER (WHERE spend = 0) AS zero_at_zero,
       bool_and(response > prev) FILTER (WHERE prev IS NOT NULL) AS increasing,
       abs(max(spend) - 1.5 * max(largest)) < 1e-9 * max(spend) AS up_to_own_largest_week
FROM (SELECT c.*, lag(response) OVER (PARTITION BY geo, channel ORDER BY spend) AS prev,
             (SELECT max(CASE c.channel WHEN 'tv' THEN tv ELSE radio END) FROM regions WHERE region = c.geo) AS largest
      FROM mmm_response_curves(:model_id, points => 10) c) s
GROUP BY geo, channel ORDER BY geo, channel;
SELECT channel, count(DISTINCT round(top::numeric, 6)) AS distinct_geo_curves
FROM (SELECT geo, channel, max(response) AS top FROM mmm_response_curves(:model_id) GROUP BY geo, channel) t
GROUP BY channel ORDER BY channel;
SELECT geo, count(*) AS points FROM mmm_response_curves(:model_id, channel => 'tv', points => 5) GROUP BY geo ORDER BY geo;

-- The contribution grid per geo: at delta 1 each geo's in-sample contribution and spend as
-- mmm_roas reports them, zero at delta 0.
SELECT g.geo, g.channel, abs(g.contribution - r.contribution) < 1e-6 * r.contribution AS grid_is_contribution,
       abs(g.spend - r.spend) < 1e-9 * r.spend AS same_spend
FROM mmm_contribution_grid(:model_id, start => 1, stop => 1, num => 1) g JOIN mmm_roas(:model_id) r USING (geo, channel)
ORDER BY g.geo, g.channel;
SELECT geo, count(*) AS rows, bool_and(contribution = 0) FILTER (WHERE delta = 0) AS zero_at_zero
FROM mmm_contribution_grid(:model_id, num => 4) GROUP BY geo ORDER BY geo;

-- Pictures of one geo or of all geos together (the default), named in the title; a geo's
-- pictures show no other geo.
SELECT k, g, left(svg, 4) AS opens, right(svg, 6) AS closes, length(svg) > 2000 AS drawn,
       svg LIKE '%' || coalesce(g, 'all geos') || '</text>%' AS titled,
       g IS NULL OR svg NOT LIKE '%geo_01%' AS only_that_geo
FROM unnest(ARRAY['response_curves', 'contributions', 'posterior']) AS k, unnest(ARRAY[NULL, 'geo_02']) AS g,
     LATERAL mmm_plot(:model_id, k, geo => g) AS svg ORDER BY k, g NULLS FIRST;
SELECT mmm_plot(:model_id, 'contributions', geo => 'geo_99');

-- A refit rereads the source with the stored geo column.
SELECT mmm_refit('regions', config => '{"progress": false}') > :model_id AS refitted;
SELECT version, geo_column, geos, n_rows, refit_of = :model_id AS refit_of_first FROM mmm.models
WHERE name = 'regions' ORDER BY version;

-- Numeric geo labels sort as numbers, as PyMC-Marketing sorts them.
CREATE TABLE numbered AS
SELECT CASE region WHEN 'geo_01' THEN 10 WHEN 'geo_02' THEN 9 ELSE 100 END AS store, week, sales, tv, radio
FROM regions;
SELECT mmm_fit('numbered', 'week', 'sales', ARRAY['tv', 'radio'], geo_column => 'store',
               config => '{"chains": 1, "tune": 30, "draws": 10, "seed": 1, "progress": false}') AS numbered_id \gset
SELECT geos FROM mmm.models WHERE id = :numbered_id;
SELECT DISTINCT geo FROM mmm_fit_metrics(:numbered_id) WHERE geo IS NOT NULL;

-- Bad input: an ERROR naming the geo (or key), and nothing written.
SELECT count(*) AS models_before FROM mmm.models \gset
\set tiny '{"chains": 1, "tune": 30, "draws": 10, "seed": 1, "progress": false}'
CREATE TABLE panel_bad AS SELECT region, week, sales, tv, radio FROM regions;
UPDATE panel_bad SET tv = NULL WHERE region = 'geo_02' AND week = (SELECT min(week) + 14 FROM panel_bad);
SELECT mmm_fit('panel_bad', 'week', 'sales', ARRAY['tv', 'radio'], config => :'tiny', geo_column => 'region');
UPDATE panel_bad SET tv = -1 WHERE tv IS NULL;
SELECT mmm_fit('panel_bad', 'week', 'sales', ARRAY['tv', 'radio'], config => :'tiny', geo_column => 'region');
UPDATE panel_bad SET tv = 'NaN' WHERE tv = -1;
SELECT mmm_fit('panel_bad', 'week', 'sales', ARRAY['tv', 'radio'], config => :'tiny', geo_column => 'region');
UPDATE panel_bad SET tv = 1, region = NULL WHERE tv = 'NaN';
SELECT mmm_fit('panel_bad', 'week', 'sales', ARRAY['tv', 'radio'], config => :'tiny', geo_column => 'region');
CREATE VIEW panel_duplicated AS
SELECT * FROM regions UNION ALL SELECT * FROM regions WHERE region = 'geo_03' AND week = (SELECT max(week) FROM regions);
SELECT mmm_fit('panel_duplicated', 'week', 'sales', ARRAY['tv', 'radio'], config => :'tiny', geo_column => 'region');
CREATE VIEW panel_gappy AS
SELECT * FROM regions WHERE NOT (region = 'geo_02' AND week IN ((SELECT min(week) + 21 FROM regions), (SELECT min(week) + 28 FROM regions)));
SELECT mmm_fit('panel_gappy', 'week', 'sales', ARRAY['tv', 'radio'], config => :'tiny', geo_column => 'region');
SELECT mmm_fit('regions', 'week', 'sales', ARRAY['tv'], config => :'tiny', geo_column => 'county');
SELECT mmm_fit('regions', 'week', 'sales', ARRAY['tv', 'radio', 'tv'], config => :'tiny', geo_column => 'region');
SELECT mmm_fit('numbered', 'week', 'sales', ARRAY['tv', 'store'], config => :'tiny', geo_column => 'store');
SELECT mmm_fit('regions', 'week', 'sales', ARRAY['tv'], config => '{"pooling": "partial"}');
SELECT mmm_fit('regions', 'week', 'sales', ARRAY['tv'], config => '{"scaling": {"target": "per_country"}}', geo_column => 'region');
SELECT mmm_fit('regions', 'week', 'sales', ARRAY['tv'], geo_column => 'region',
               config => '{"priors": {"saturation_beta": {"dist": "HalfNormal", "sigma": 2, "dims": ["geo", "control"]}}}');
SELECT count(*) = :models_before AS nothing_written FROM mmm.models;

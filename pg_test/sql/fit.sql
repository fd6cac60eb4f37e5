-- mmm_fit over a table, the catalog it writes, and every read function, on simulated data
-- with the example process (short chains keep the suite fast; seeds make it reproducible).
CREATE EXTENSION IF NOT EXISTS pg_mmm;
SET extra_float_digits = 0;

CREATE TABLE weekly AS
SELECT date AS week, y AS sales,
       (spend ->> 'x1')::float8 AS x1, (spend ->> 'x2')::float8 AS x2,
       (controls ->> 'event_1')::float8 AS event_1, (controls ->> 'event_2')::float8 AS event_2
FROM mmm_simulate('example', seed => 3);
SELECT count(*) AS weeks, min(week), max(week) FROM weekly;

SELECT mmm_fit('weekly', 'week', 'sales', ARRAY['x1', 'x2'], ARRAY['event_1', 'event_2'],
               '{"yearly_seasonality": 2, "chains": 2, "tune": 300, "draws": 200, "seed": 1, "progress": false}',
               name => 'brand_a') AS model_id \gset
SELECT name, version, status IN ('ok', 'check_diagnostics') AS has_status, owner = current_user AS mine,
       source, n_rows, first_date, last_date, divergences IS NOT NULL AS has_diagnostics
FROM mmm_models WHERE id = :model_id;
-- One array of draws per parameter, coordinate and chain: 14 parameters x 2 chains, 200 draws
-- each; the view mmm.posterior shows one row per scalar parameter per draw.
SELECT count(*) AS arrays, min(cardinality(draws)) AS shortest, max(cardinality(draws)) AS longest
FROM mmm.posterior_draws WHERE model_id = :model_id;
SELECT count(*), count(DISTINCT (parameter, coordinate)), max(draw) AS last_draw FROM mmm.posterior WHERE model_id = :model_id;
SELECT p.value = d.draws[p.draw + 1] AS same_value
FROM mmm.posterior p JOIN mmm.posterior_draws d USING (model_id, parameter, chain)
WHERE p.model_id = :model_id AND p.parameter = 'y_sigma' AND p.chain = 1 AND p.draw = 57;
SELECT count(*) FROM mmm.model_data WHERE model_id = :model_id;
SELECT spec ->> 'adstock' AS adstock, spec ->> 'l_max' AS l_max, spec ->> 'seed' AS seed,
       priors -> 'saturation_beta' -> 0 AS beta_prior, spec_version,
       engine_version = (SELECT extversion FROM pg_extension WHERE extname = 'pg_mmm') AS this_release,
       group_key, arguments
FROM mmm.models WHERE id = :model_id;

-- The summary names parameters as PyMC-Marketing does; the fit recovers the example process.
SELECT parameter, coordinate, r_hat < 1.1 AS converged FROM mmm_summary(:model_id);
SELECT s.parameter, s.coordinate, s.mean BETWEEN lo AND hi AS near_truth
FROM mmm_summary('brand_a') s
JOIN (VALUES ('adstock_alpha', 'x1', 0.25, 0.55), ('adstock_alpha', 'x2', 0.0, 0.45),
             ('y_sigma', NULL, 0.01, 0.06)) AS truth(parameter, coordinate, lo, hi)
  ON s.parameter = truth.parameter AND s.coordinate IS NOT DISTINCT FROM truth.coordinate
ORDER BY 1, 2;

-- The decomposition adds up to the fitted mean, which tracks the target.
SELECT component, count(*) FROM mmm_contributions(:model_id) GROUP BY component ORDER BY component;
SELECT corr(fitted, sales) > 0.9 AS tracks_target
FROM (SELECT date, sum(mean) AS fitted FROM mmm_contributions(:model_id) GROUP BY date) c
JOIN weekly ON week = date;
-- A 50% band lies inside the 94% band.
SELECT bool_and(n.hdi_lower >= w.hdi_lower AND n.hdi_upper <= w.hdi_upper) AS nested_bands
FROM mmm_contributions(:model_id, hdi_prob => 0.5) n
JOIN mmm_contributions(:model_id) w USING (date, component);
SELECT channel, round(spend::numeric, 6) = round(s::numeric, 6) AS spend_is_total,
       roas > 0 AND roas_lower <= roas AND roas <= roas_upper AS sane
FROM mmm_roas('brand_a') JOIN (SELECT sum(x1) AS s, 'x1' AS channel FROM weekly
                              UNION ALL SELECT sum(x2), 'x2' FROM weekly) t USING (channel)
ORDER BY channel;
SELECT r2 > 0.8 AS good_fit, mape < 0.1 AS small_error, divergences >= 0 AS counted,
       sampler ? 'bfmi' AS has_bfmi
FROM mmm_fit_metrics(:model_id);

-- Prediction for new weeks carries adstock in from training.
CREATE TABLE next_weeks AS
SELECT week + 7 * 179 AS week, x1, x2, event_1, event_2 FROM weekly ORDER BY week LIMIT 4;
SELECT date, mean > 0 AS positive, hdi_lower <= mean AND mean <= hdi_upper AS banded
FROM mmm_predict('brand_a', 'next_weeks');

-- A name means its latest version.
SELECT mmm_fit('weekly', 'week', 'sales', ARRAY['x1', 'x2'], config => '{"chains": 1, "tune": 100, "draws": 50, "seed": 2, "progress": false}',
               name => 'brand_a') > :model_id AS refit;
SELECT name, version FROM mmm_models WHERE name = 'brand_a' ORDER BY version;
SELECT count(*) AS parameters FROM mmm_summary('brand_a');
SELECT mmm_drop_model('brand_a');
SELECT name, version FROM mmm_models WHERE name = 'brand_a' ORDER BY version;
-- The draws and rows of a dropped model go with it.
SELECT mmm_drop_model(:model_id);
SELECT (SELECT count(*) FROM mmm.posterior_draws WHERE model_id = :model_id) AS draws_left,
       (SELECT count(*) FROM mmm.model_data WHERE model_id = :model_id) AS rows_left;

-- One model per group: three brands, one statement.
CREATE TABLE brands AS
SELECT 'brand_' || s AS brand, date AS week, y AS sales,
       (spend ->> 'tv')::float8 AS tv, (spend ->> 'social')::float8 AS social,
       (controls ->> 'demand')::float8 AS demand
FROM generate_series(1, 3) AS s, mmm_simulate('tv_social_search', seed => s);
SELECT brand, mmm_fit_agg(brand, week, sales, ARRAY[tv, social], ARRAY[demand],
                          '{"channel_names": ["tv", "social"], "control_names": ["demand"],
                            "chains": 1, "tune": 200, "draws": 100, "seed": 4, "progress": false}') > 0 AS fitted
FROM brands GROUP BY brand ORDER BY brand;
SELECT m.name, s.coordinate
FROM mmm_models m, mmm_summary(m.id) s
WHERE m.name ~ '^brand_[0-9]$' AND s.parameter = 'saturation_beta' ORDER BY 1, 2;
-- Each model records its group and the caller's expressions.
SELECT name, group_key, source, date_column, target_column, arguments
FROM mmm.models WHERE name ~ '^brand_[0-9]$' ORDER BY name;
SELECT mmm_drop_model(name) FROM mmm_models WHERE name ~ '^brand_[0-9]$' ORDER BY name;
-- The fits happen even when nothing reads the aggregate's result.
SELECT count(*) AS groups FROM (
    SELECT brand, mmm_fit_agg(brand, week, sales, ARRAY[tv, social], ARRAY[demand],
                              '{"chains": 1, "tune": 50, "draws": 20, "seed": 4, "progress": false}')
    FROM brands GROUP BY brand) AS fits;
SELECT count(*) AS models FROM mmm_models WHERE name ~ '^brand_[0-9]$';
SELECT mmm_drop_model(name) FROM mmm_models WHERE name ~ '^brand_[0-9]$' ORDER BY name;
-- A name given twice, or a NULL group key (which would name the model), is refused before
-- anything is fitted.
SELECT mmm_fit_agg(brand, week, sales, ARRAY[tv, social], ARRAY[demand],
                   '{"channel_names": ["tv", "tv"], "chains": 1, "tune": 50, "draws": 20, "seed": 4, "progress": false}')
FROM brands WHERE brand = 'brand_1' GROUP BY brand;
SELECT mmm_fit_agg(brand, week, sales, ARRAY[tv, social], ARRAY[demand],
                   '{"channel_names": ["tv", "demand"], "control_names": ["demand"], "chains": 1, "tune": 50, "draws": 20, "seed": 4, "progress": false}')
FROM brands WHERE brand = 'brand_1' GROUP BY brand;
SELECT mmm_fit_agg(NULL::text, week, sales, ARRAY[tv, social], ARRAY[demand],
                   '{"chains": 1, "tune": 50, "draws": 20, "seed": 4, "progress": false}')
FROM brands WHERE brand = 'brand_1';
SELECT count(*) AS models FROM mmm_models WHERE name ~ '^brand_[0-9]$' OR name = 'group';

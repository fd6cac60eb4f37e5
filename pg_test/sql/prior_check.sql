-- Prior predictive checks: mmm_fit(..., config => '{"prior_only": true}') stores draws from the
-- priors alone as a model that every read function answers, mmm_prior_check judges them
-- against the data, promotion and refits refuse them, and a fitted model is not checked.
CREATE EXTENSION IF NOT EXISTS pg_mmm;

CREATE TABLE prior_weekly AS
SELECT date AS week, y AS sales,
       (spend ->> 'x1')::float8 AS x1, (spend ->> 'x2')::float8 AS x2,
       (controls ->> 'event_1')::float8 AS event_1, (controls ->> 'event_2')::float8 AS event_2
FROM mmm_simulate('example', seed => 3);
\set prior '{"yearly_seasonality": 2, "chains": 2, "draws": 100, "seed": 1, "progress": false, "prior_only": true}'

SELECT mmm_fit('prior_weekly', 'week', 'sales', ARRAY['x1', 'x2'], ARRAY['event_1', 'event_2'], :'prior',
               name => 'prior_weekly') AS prior_id \gset
-- Marked prior-only, never promoted, no health figures, the same tables as a fit's.
SELECT version, status, prior_only, promoted, max_r_hat IS NULL AS no_r_hat, divergences IS NULL AS no_divergences,
       verdict_reason, sampler -> 'prior_only' AS sampler_prior_only, spec ? 'prior_only' AS key_in_spec
FROM mmm.models WHERE id = :prior_id;
SELECT count(*) AS arrays, min(array_length(draws, 1)) AS draws FROM mmm.posterior_draws WHERE model_id = :prior_id;
SELECT count(*) AS rows FROM mmm.model_data WHERE model_id = :prior_id;
-- The target was scaled as a fit scales it: by its largest week.
SELECT (scales ->> 'target')::float8 = (SELECT max(sales) FROM prior_weekly) AS scaled_by_max
FROM mmm.models WHERE id = :prior_id;

-- Every read function answers: the summary (independent draws: R-hat near 1, bulk ESS near
-- the number of draws), contributions, ROAS, curves, predictions, fit metrics.
SELECT count(*) AS parameters, bool_and(r_hat < 1.05) AS r_hat_near_1, bool_and(ess_bulk > 120) AS ess_near_draws
FROM mmm_summary(:prior_id);
SELECT count(DISTINCT component) AS components, count(DISTINCT date) AS weeks FROM mmm_contributions(:prior_id);
SELECT channel, roas_lower <= roas AND roas <= roas_upper AS banded FROM mmm_roas(:prior_id) ORDER BY channel;
SELECT count(*) AS curve_points FROM mmm_response_curves(:prior_id, points => 5);
-- The four weeks after training, with the last four weeks' spend.
CREATE TABLE prior_future AS SELECT week + 28 AS week, x1, x2, event_1, event_2 FROM prior_weekly ORDER BY week DESC LIMIT 4;
SELECT count(*) AS predicted FROM mmm_predict(:prior_id, 'prior_future');
SELECT r2 IS NOT NULL AS has_metrics, max_r_hat IS NULL AS no_r_hat FROM mmm_fit_metrics(:prior_id);

-- The check: one row per quantity, over all weeks (geo NULL), with stable verdicts under the
-- default priors.
SELECT quantity, observed IS NOT NULL AS observed, lower <= median AND median <= upper AS ordered,
       ratio_to_observed > 0 AS has_ratio, verdict, geo
FROM mmm_prior_check(:prior_id);
-- By name, and at another probability: a narrower band.
SELECT bool_and(n.upper - n.lower < w.upper - w.lower) AS narrower
FROM mmm_prior_check('prior_weekly', hdi_prob => 0.5) n JOIN mmm_prior_check(:prior_id) w USING (quantity);
SELECT count(*) FROM mmm_prior_check(:prior_id, hdi_prob => 1.5);

-- A deliberately absurd prior on the saturation coefficient reaches far beyond the target.
SELECT mmm_fit('prior_weekly', 'week', 'sales', ARRAY['x1', 'x2'], ARRAY['event_1', 'event_2'],
               (:'prior'::jsonb || '{"priors": {"saturation_beta": {"dist": "HalfNormal", "sigma": 1000}}}')::jsonb,
               name => 'prior_absurd') AS absurd_id \gset
SELECT quantity, verdict, ratio_to_observed > 10 AS beyond_10x FROM mmm_prior_check(:absurd_id)
WHERE quantity IN ('target_total', 'media_share') ORDER BY quantity;

-- Promotion and refits refuse prior-only models.
SELECT mmm_promote(:prior_id);
SELECT mmm_refit('prior_weekly');
SELECT mmm_set_policy('prior_gates', '{"max_r_hat": 2, "min_ess_bulk": 1}') IS NOT NULL AS lenient;
SELECT mmm_fit('prior_weekly', 'week', 'sales', ARRAY['x1', 'x2'], ARRAY['event_1', 'event_2'], :'prior',
               name => 'prior_gates') AS gated_id \gset
SELECT status, promoted FROM mmm.models WHERE id = :gated_id;
SELECT count(*) AS promoted_versions FROM mmm.models WHERE name LIKE 'prior_%' AND promoted;

-- A fitted model is not checked; a name with a fitted version reads that one, not a later
-- prior-only one.
SELECT mmm_fit('prior_weekly', 'week', 'sales', ARRAY['x1'], config => '{"chains": 1, "tune": 50, "draws": 20, "seed": 2, "progress": false}',
               name => 'prior_fitted') AS fitted_id \gset
SELECT mmm_fit('prior_weekly', 'week', 'sales', ARRAY['x1'], config => '{"draws": 20, "seed": 2, "progress": false, "prior_only": true}',
               name => 'prior_fitted') AS later_prior_id \gset
SELECT count(*) FROM mmm_prior_check(:fitted_id);
SELECT count(*) FROM mmm_prior_check('prior_fitted');
SELECT count(*) AS rows_of_later_prior FROM mmm_prior_check(:later_prior_id);
-- prior_only is a key of mmm_fit only, and must be true or false.
SELECT mmm_fit('prior_weekly', 'week', 'sales', ARRAY['x1'], config => '{"prior_only": "yes"}');
SELECT mmm_refit('prior_fitted', config => '{"prior_only": true}');

-- A panel: rows over all geos (geo NULL) and per geo, geo last.
CREATE TABLE prior_regions AS
SELECT geo AS region, date AS week, y AS sales, (spend ->> 'tv')::float8 AS tv, (spend ->> 'radio')::float8 AS radio
FROM mmm_simulate_panel('geo_panel', seed => 3, geos => 2, weeks => 40);
SELECT mmm_fit('prior_regions', 'week', 'sales', ARRAY['tv', 'radio'], geo_column => 'region', name => 'prior_regions',
               config => '{"chains": 2, "draws": 50, "seed": 4, "progress": false, "prior_only": true,
                           "scaling": {"target": "per_geo", "channel": "per_geo"}}') AS panel_id \gset
SELECT status, geos FROM mmm.models WHERE id = :panel_id;
SELECT geo, count(*) AS quantities, bool_and(lower <= median AND median <= upper) AS ordered,
       count(observed) AS observed
FROM mmm_prior_check(:panel_id) GROUP BY geo ORDER BY geo NULLS FIRST;
SELECT geo, count(*) > 0 AS has_roas FROM mmm_roas(:panel_id) GROUP BY geo ORDER BY geo NULLS FIRST;

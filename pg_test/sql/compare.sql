-- mmm_compare: models of the same weeks ranked by PSIS-LOO, with WAIC, the differences to the
-- best with their standard errors, stacking weights and in-sample fit; and every bad input.
CREATE EXTENSION IF NOT EXISTS pg_mmm;
-- Model ids from 1001 on, so that the messages below name the same ids whatever ran before.
SELECT setval('mmm.models_id_seq', 1000) AS ids_from;
CREATE TABLE sales AS
SELECT date AS week, y AS sales, (spend ->> 'tv')::float8 AS tv, (spend ->> 'social')::float8 AS social,
       (spend ->> 'search')::float8 AS search, (controls ->> 'demand')::float8 AS demand
FROM mmm_simulate('tv_social_search', seed => 5);
\set config '{"chains": 2, "tune": 300, "draws": 150, "seed": 5, "progress": false}'
-- The process's own model, and one that leaves out the demand control that drives sales.
SELECT mmm_fit('sales', 'week', 'sales', ARRAY['tv', 'social', 'search'], ARRAY['demand'], :'config', name => 'full') AS full \gset
SELECT mmm_fit('sales', 'week', 'sales', ARRAY['tv', 'social', 'search'], config => :'config', name => 'no_demand') AS no_demand \gset

SELECT name, rank, elpd_diff = 0 AS is_best, dse >= 0 AS dse_set, weight > 0.5 AS most_weight,
       pareto_k_bad, p_loo > 0 AND p_waic > 0 AS effective_parameters,
       abs(elpd_loo - elpd_waic) < 2 * se AS waic_near_loo, se > 0 AND waic_se > 0 AS errors,
       r2 > 0.5 AND mape < 0.2 AS fits
FROM mmm_compare(ARRAY[:no_demand, :full]);
-- The comparison holds together: weights add up to 1, the difference is the elpds',
-- and it is larger than its standard error here.
SELECT round(sum(weight)::numeric, 9) AS total_weight,
       abs(max(elpd_loo) - min(elpd_loo) + min(elpd_diff)) < 1e-9 AS diff_of_elpds,
       -min(elpd_diff) > max(dse) AS clear_difference
FROM mmm_compare(ARRAY[:full, :no_demand]);
-- The order of the array does not matter.
SELECT (SELECT array_agg(model_id ORDER BY rank) FROM mmm_compare(ARRAY[:full, :no_demand]))
     = (SELECT array_agg(model_id ORDER BY rank) FROM mmm_compare(ARRAY[:no_demand, :full])) AS same_ranking;

-- Bad input: an ERROR naming the argument.
SELECT * FROM mmm_compare(ARRAY[:full]);
SELECT * FROM mmm_compare(ARRAY[:full, :full]);
SELECT * FROM mmm_compare(ARRAY[:full, NULL]);
SELECT * FROM mmm_compare(ARRAY[:full, 123456]);
CREATE TABLE later AS SELECT * FROM sales ORDER BY week OFFSET 4;
SELECT mmm_fit('later', 'week', 'sales', ARRAY['tv'], config => :'config') AS later \gset
SELECT * FROM mmm_compare(ARRAY[:full, :later]);
SELECT mmm_fit('sales', 'week', 'sales', ARRAY['tv'], config => '{"chains": 1, "tune": 50, "draws": 20, "seed": 1, "progress": false}', name => 'short') AS short \gset
SELECT * FROM mmm_compare(ARRAY[:full, :short]);

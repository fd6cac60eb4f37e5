-- Cost per unit (config key cost_per_unit, mmm_fit(..., cost_per_unit)): channels measured in
-- units are fitted on their units (the same draws), while ROAS, budgets, curves and the grid
-- speak money; a table varies by date and geo, is stored with the model and kept by mmm_refit;
-- each bad input's ERROR, with nothing written.
CREATE EXTENSION IF NOT EXISTS pg_mmm;
CREATE TABLE grp_shop AS
SELECT date AS week, y AS sales, (spend ->> 'tv')::float8 AS tv, (spend ->> 'social')::float8 AS social
FROM mmm_simulate('tv_social_search', seed => 5);
\set config '{"chains": 2, "tune": 150, "draws": 80, "seed": 4, "progress": false}'

-- The same data in units, and with a tv unit costing 2.
SELECT mmm_fit('grp_shop', 'week', 'sales', ARRAY['tv', 'social'], config => :'config',
               name => 'grp_units') AS units_id \gset
SELECT mmm_fit('grp_shop', 'week', 'sales', ARRAY['tv', 'social'], name => 'grp_priced',
               config => :'config'::jsonb || '{"cost_per_unit": {"tv": 2}}') AS priced_id \gset
SELECT spec -> 'cost_per_unit' AS stored_costs FROM mmm.models WHERE id = :priced_id;
-- The fit is on units: the same draws.
SELECT bool_and(a.draws = b.draws) AS same_draws, count(*) > 0 AS some
FROM mmm.posterior_draws a JOIN mmm.posterior_draws b
  ON a.parameter = b.parameter AND a.coordinate IS NOT DISTINCT FROM b.coordinate AND a.chain = b.chain
WHERE a.model_id = :units_id AND b.model_id = :priced_id;

-- ROAS: the spend of a channel whose unit costs 2 doubles and its ROAS halves; the other stays.
SELECT p.channel, abs(p.spend - u.spend * CASE p.channel WHEN 'tv' THEN 2 ELSE 1 END) <= 1e-9 * u.spend AS spend_in_money,
       abs(p.contribution - u.contribution) <= 1e-9 * u.contribution AS same_contribution,
       abs(p.roas - u.roas / CASE p.channel WHEN 'tv' THEN 2 ELSE 1 END) <= 1e-9 * u.roas AS roas_over_cost
FROM mmm_roas(:priced_id) p JOIN mmm_roas(:units_id) u USING (channel) ORDER BY channel;

-- Response curves and the grid: the x axis is money (doubled for tv), the response the same.
SELECT p.channel, bool_and(abs(p.spend - u.spend * CASE p.channel WHEN 'tv' THEN 2 ELSE 1 END) <= 1e-9 * u.spend
                           AND abs(p.response - u.response) <= 1e-9 * u.response) AS curve_in_money,
       bool_and(abs(p.marginal_response - u.marginal_response / CASE p.channel WHEN 'tv' THEN 2 ELSE 1 END)
                <= 1e-9 * u.marginal_response) AS marginal_per_money
FROM (SELECT *, row_number() OVER (PARTITION BY channel ORDER BY spend) AS i FROM mmm_response_curves(:priced_id, points => 5)) p
JOIN (SELECT *, row_number() OVER (PARTITION BY channel ORDER BY spend) AS i FROM mmm_response_curves(:units_id, points => 5)) u
  USING (channel, i)
GROUP BY p.channel ORDER BY p.channel;
SELECT p.channel, bool_and(abs(p.spend - u.spend * CASE p.channel WHEN 'tv' THEN 2 ELSE 1 END) <= 1e-9 * u.spend
                           AND abs(p.contribution - u.contribution) <= 1e-9 * u.contribution) AS grid_in_money
FROM mmm_contribution_grid(:priced_id, 0.5, 1.5, 3) p JOIN mmm_contribution_grid(:units_id, 0.5, 1.5, 3) u
  USING (channel, delta)
GROUP BY p.channel ORDER BY p.channel;

-- Budgets are money: a week's 200 on tv buys what 100 buys in units.
SELECT p.channel, p.spend AS priced_spend, u.spend AS units_spend,
       bool_and(abs(p.response - u.response) <= 1e-9 * abs(u.response)) AS same_response
FROM mmm_sample_response(:priced_id, '{"tv": 200, "social": 100}', noise_level => 0, num_periods => 2) p
JOIN mmm_sample_response(:units_id, '{"tv": 100, "social": 100}', noise_level => 0, num_periods => 2) u
  USING (channel, week)
WHERE p.week = 1 GROUP BY p.channel, p.spend, u.spend ORDER BY p.channel;
-- The optimum spends the budget in money; its tv cell is worth what half its money buys in
-- units (the units model with tv pinned there), and a pricier tv earns less than in units.
SELECT sum(budget_per_period) AS budget, sum(contribution) AS response,
       sum(budget_per_period) FILTER (WHERE channel = 'tv') AS tv,
       sum(budget_per_period) FILTER (WHERE channel = 'social') AS social
FROM mmm_optimize_budget(:priced_id, 3000) \gset p_
SELECT sum(contribution) AS response FROM mmm_optimize_budget(:units_id, 3000) \gset u_
SELECT abs(:p_budget - 3000) < 1e-6 AS budget_spent, :p_response <= :u_response * (1 + 1e-9) AS pricier_tv_earns_less;
SELECT abs(u.contribution - p.contribution) <= 1e-6 * p.contribution AS tv_worth_its_units
FROM mmm_optimize_budget(:priced_id, 3000) p,
     mmm_optimize_budget(:units_id, :p_tv / 2 + :p_social,
                         bounds => jsonb_build_object('tv', jsonb_build_array(:p_tv / 2, :p_tv / 2))) u
WHERE p.channel = 'tv' AND u.channel = 'tv';
SELECT count(*) AS scenario_rows, bool_and(abs(s.budget - t.total) < 1e-6) AS scenarios_spend_their_budget
FROM mmm_budget_scenarios(:priced_id, ARRAY[1000, 3000]) s
JOIN (SELECT budget, sum(budget_per_period) AS total FROM mmm_budget_scenarios(:priced_id, ARRAY[1000, 3000]) GROUP BY budget) t
  USING (budget);
-- The cheapest budget for half of the cold-start optimum of 3000 costs money: less than 3000,
-- more than the units model needs (its tv is cheaper).
SELECT sum(contribution) AS cold FROM mmm_optimize_budget(:priced_id, 3000, carry_in => false) \gset p_
SELECT p.total_budget_per_period > 0 AND p.total_budget_per_period < 3000 AS min_budget_in_money,
       p.response >= 0.5 * :p_cold * (1 - 1e-6) AS reaches,
       p.total_budget_per_period >= u.total_budget_per_period * (1 - 1e-6) AS pricier_needs_more
FROM (SELECT * FROM mmm_min_budget_for_target(:priced_id, 0.5 * :p_cold, carry_in => false) LIMIT 1) p,
     (SELECT * FROM mmm_min_budget_for_target(:units_id, 0.5 * :p_cold, carry_in => false) LIMIT 1) u;

-- A table by date: tv's unit costs 1 in the first half of the weeks and 2 after; social is left
-- out (1 per unit). Stored with the model; tv's ROAS lies between the units' and half of it.
CREATE TABLE grp_costs AS
SELECT week AS date, 'tv' AS channel,
       CASE WHEN week < (SELECT percentile_disc(0.5) WITHIN GROUP (ORDER BY week) FROM grp_shop) THEN 1.0 ELSE 2.0 END
         AS cost_per_unit
FROM grp_shop;
SELECT mmm_fit('grp_shop', 'week', 'sales', ARRAY['tv', 'social'], config => :'config', name => 'grp_table',
               cost_per_unit => 'grp_costs') AS table_id \gset
SELECT count(*) = (SELECT count(*) FROM grp_costs) AS stored_rows FROM mmm.model_costs WHERE model_id = :table_id;
SELECT t.channel,
       abs(t.spend - (SELECT sum(s.tv * c.cost_per_unit) FROM grp_shop s JOIN grp_costs c ON c.date = s.week)) <= 1e-9 * t.spend
         OR t.channel = 'social' AS spend_is_units_times_cost,
       CASE t.channel WHEN 'tv' THEN t.roas < u.roas AND t.roas > u.roas / 2
                      ELSE abs(t.roas - u.roas) <= 1e-9 * u.roas END AS roas_in_money
FROM mmm_roas(:table_id) t JOIN mmm_roas(:units_id) u USING (channel) ORDER BY channel;
-- Beyond training a tv unit costs its last week's 2: the plan of the constant cost 2.
SELECT bool_and(abs(t.budget_per_period - p.budget_per_period) <= 1e-6 * 3000) AS horizon_at_last_cost
FROM mmm_optimize_budget(:table_id, 3000) t JOIN mmm_optimize_budget(:priced_id, 3000) p USING (channel);
SELECT length(mmm_plot(:table_id, 'allocation')) > 0 AS allocation_plot,
       length(mmm_plot(:table_id, 'response_curves')) > 0 AS curves_plot;

-- mmm_refit keeps the costs: the stored rows (whatever the table holds now) and the constants.
DELETE FROM grp_costs;
SELECT mmm_refit('grp_table', config => '{"draws": 40, "progress": false}') AS refit_id \gset
SELECT count(*) AS refit_rows FROM mmm.model_costs WHERE model_id = :refit_id;
SELECT mmm_refit('grp_priced', config => '{"draws": 40, "progress": false}') AS priced_refit \gset
SELECT spec -> 'cost_per_unit' AS refit_constants FROM mmm.models WHERE id = :priced_refit;
-- A new week needs its cost row; constants just apply.
SELECT (SELECT count(*) FROM mmm.models) AS models_before, (SELECT count(*) FROM mmm.model_costs) AS costs_before \gset
INSERT INTO grp_shop SELECT week + 7, sales, tv, social FROM grp_shop ORDER BY week DESC LIMIT 1;
SELECT mmm_refit('grp_table', config => '{"draws": 40, "progress": false}');
SELECT count(*) = :models_before AS refit_wrote_nothing FROM mmm.models;
SELECT mmm_refit('grp_priced', config => '{"draws": 40, "progress": false}') > :priced_refit AS constants_refit;
DELETE FROM grp_shop WHERE week = (SELECT max(week) FROM grp_shop);

-- A panel: costs by geo; each geo's spend is its units times its cost.
CREATE TABLE grp_panel AS
SELECT geo AS region, date AS week, y, (spend ->> 'tv')::float8 AS tv
FROM mmm_simulate_panel('geo_panel', seed => 2, geos => 2, weeks => 40);
CREATE TABLE geo_costs AS
SELECT week AS date, region, 'tv' AS channel, CASE region WHEN 'geo_01' THEN 0.5 ELSE 4 END AS cost_per_unit
FROM grp_panel;
SELECT mmm_fit('grp_panel', 'week', 'y', ARRAY['tv'], config => :'config', geo_column => 'region',
               cost_per_unit => 'geo_costs') AS panel_id \gset
SELECT r.geo, abs(r.spend - (SELECT sum(p.tv * c.cost_per_unit) FROM grp_panel p
                              JOIN geo_costs c ON c.date = p.week AND c.region = p.region
                              WHERE r.geo IS NULL OR p.region = r.geo)) <= 1e-9 * r.spend AS spend_in_money
FROM mmm_roas(:panel_id) r ORDER BY r.geo;
SELECT count(*) AS cells, abs(sum(budget_per_period) - 500) < 1e-6 AS budget_spent
FROM mmm_optimize_budget(:panel_id, 500);

-- Bad inputs: an ERROR naming the channel, geo or row; nothing written.
SELECT (SELECT count(*) FROM mmm.models) AS models_before, (SELECT count(*) FROM mmm.model_costs) AS costs_before \gset
SELECT mmm_fit('grp_shop', 'week', 'sales', ARRAY['tv', 'social'], config => '{"cost_per_unit": {"radio": 2}}');
SELECT mmm_fit('grp_shop', 'week', 'sales', ARRAY['tv', 'social'], config => '{"cost_per_unit": {"tv": 0}}');
SELECT mmm_fit('grp_shop', 'week', 'sales', ARRAY['tv', 'social'], config => '{"cost_per_unit": {"tv": "cheap"}}');
SELECT mmm_fit('grp_shop', 'week', 'sales', ARRAY['tv', 'social'], config => '{"cost_per_unit": 2}');
CREATE TABLE bad_costs AS SELECT week AS date, 'tv' AS channel, 2.0::float8 AS cost_per_unit FROM grp_shop;
SELECT mmm_fit('grp_shop', 'week', 'sales', ARRAY['tv', 'social'], config => '{"cost_per_unit": {"tv": 2}}',
               cost_per_unit => 'bad_costs');
DELETE FROM bad_costs WHERE date IN (SELECT week FROM grp_shop ORDER BY week OFFSET 3 LIMIT 2);
SELECT mmm_fit('grp_shop', 'week', 'sales', ARRAY['tv', 'social'], cost_per_unit => 'bad_costs');
INSERT INTO bad_costs SELECT week, 'tv', 2 FROM grp_shop ORDER BY week OFFSET 3 LIMIT 2;
UPDATE bad_costs SET cost_per_unit = 0 WHERE date = (SELECT min(week) FROM grp_shop);
SELECT mmm_fit('grp_shop', 'week', 'sales', ARRAY['tv', 'social'], cost_per_unit => 'bad_costs');
UPDATE bad_costs SET cost_per_unit = 'NaN' WHERE date = (SELECT min(week) FROM grp_shop);
SELECT mmm_fit('grp_shop', 'week', 'sales', ARRAY['tv', 'social'], cost_per_unit => 'bad_costs');
UPDATE bad_costs SET cost_per_unit = NULL WHERE date = (SELECT min(week) FROM grp_shop);
SELECT mmm_fit('grp_shop', 'week', 'sales', ARRAY['tv', 'social'], cost_per_unit => 'bad_costs');
UPDATE bad_costs SET cost_per_unit = 2, channel = 'radio' WHERE date = (SELECT min(week) FROM grp_shop);
SELECT mmm_fit('grp_shop', 'week', 'sales', ARRAY['tv', 'social'], cost_per_unit => 'bad_costs');
UPDATE bad_costs SET channel = 'tv';
INSERT INTO bad_costs SELECT min(week), 'tv', 3 FROM grp_shop;
SELECT mmm_fit('grp_shop', 'week', 'sales', ARRAY['tv', 'social'], cost_per_unit => 'bad_costs');
CREATE TABLE costs_without_channel AS SELECT week AS date, 2.0::float8 AS cost_per_unit FROM grp_shop;
SELECT mmm_fit('grp_shop', 'week', 'sales', ARRAY['tv', 'social'], cost_per_unit => 'costs_without_channel');
CREATE TABLE costs_as_text AS SELECT week::text AS date, 'tv' AS channel, 2.0::float8 AS cost_per_unit FROM grp_shop;
SELECT mmm_fit('grp_shop', 'week', 'sales', ARRAY['tv', 'social'], cost_per_unit => 'costs_as_text');
-- A panel's table needs the geo column, geos of the model, no NULL geo, and every geo of a
-- listed channel.
SELECT mmm_fit('grp_panel', 'week', 'y', ARRAY['tv'], geo_column => 'region', cost_per_unit => 'grp_costs');
INSERT INTO geo_costs SELECT min(week), 'geo_09', 'tv', 1 FROM grp_panel;
SELECT mmm_fit('grp_panel', 'week', 'y', ARRAY['tv'], geo_column => 'region', cost_per_unit => 'geo_costs');
UPDATE geo_costs SET region = NULL WHERE region = 'geo_09';
SELECT mmm_fit('grp_panel', 'week', 'y', ARRAY['tv'], geo_column => 'region', cost_per_unit => 'geo_costs');
DELETE FROM geo_costs WHERE region IS NULL OR region = 'geo_02';
SELECT mmm_fit('grp_panel', 'week', 'y', ARRAY['tv'], geo_column => 'region', cost_per_unit => 'geo_costs');
SELECT count(*) = :models_before AND (SELECT count(*) FROM mmm.model_costs) = :costs_before AS nothing_written
FROM mmm.models;

-- The budget optimizer over a geo panel's (geo, channel) cells: one budget over every cell,
-- bounds per channel and per cell, each geo's own budget (geo_budgets), the cheapest budget for
-- a target and scenarios, and each bad request's ERROR.
CREATE EXTENSION IF NOT EXISTS pg_mmm;

CREATE TABLE shops AS
SELECT geo AS region, date AS week, y AS sales, (spend ->> 'tv')::float8 AS tv, (spend ->> 'radio')::float8 AS radio
FROM mmm_simulate_panel('geo_panel', seed => 4, geos => 2, weeks => 60);
SELECT mmm_fit('shops', 'week', 'sales', ARRAY['tv', 'radio'], name => 'shops', geo_column => 'region',
               config => '{"chains": 2, "tune": 150, "draws": 60, "seed": 5, "progress": false}') AS model_id \gset
-- The historical mean weekly budget over every cell, and each geo's.
SELECT avg(tv + radio) * 2 AS budget FROM shops \gset
SELECT avg(tv + radio) FILTER (WHERE region = 'geo_01') AS b1, avg(tv + radio) FILTER (WHERE region = 'geo_02') AS b2
FROM shops \gset

-- One row per (geo, channel) cell, geo-major; the cells spend the budget and the allocation is
-- certified optimal, beating the equal split and the historical mix.
SELECT geo, channel, bound_status, contribution_lower <= contribution AND contribution <= contribution_upper AS in_band
FROM mmm_optimize_budget(:model_id, :budget);
SELECT count(*) AS cells, round((sum(budget_per_period) / :budget)::numeric, 9) AS spent,
       round(sum(share)::numeric, 9) AS shares, round((sum(equal_budget_per_period) / :budget)::numeric, 9) AS equal_spent,
       max(kkt_residual) < 1e-8 AS kkt, bool_and(utility >= utility_equal AND utility >= utility_historical) AS beats_baselines
FROM mmm_optimize_budget('shops', :budget);

-- Bounds: a channel's bounds hold in every geo; a cell's own bounds override them.
SELECT geo, channel, channel = 'tv' OR budget_per_period >= 0.1 * :budget - 1e-9 * :budget AS above_floor,
       budget_per_period <= CASE WHEN geo = 'geo_02' AND channel = 'tv' THEN 0.05 * :budget ELSE :budget END * (1 + 1e-12) AS below_cap,
       bound_status
FROM mmm_optimize_budget('shops', :budget, bounds => jsonb_build_object(
       'radio', jsonb_build_array(0.1 * :budget, :budget),
       'geo_02', jsonb_build_object('tv', jsonb_build_array(0, 0.05 * :budget))))
ORDER BY geo, channel;

-- geo_budgets fixes each geo's total exactly (budget NULL means their sum, or it must equal it).
SELECT geo, round((sum(budget_per_period) / CASE geo WHEN 'geo_01' THEN :b1 ELSE :b2 END)::numeric, 9) AS geo_spent,
       max(kkt_residual) < 1e-8 AS kkt, round((sum(equal_budget_per_period) / CASE geo WHEN 'geo_01' THEN :b1 ELSE :b2 END)::numeric, 9) AS equal_spent
FROM mmm_optimize_budget('shops', NULL, geo_budgets => jsonb_build_object('geo_01', :b1, 'geo_02', :b2))
GROUP BY geo ORDER BY geo;
SELECT count(*) AS cells FROM mmm_optimize_budget('shops', :b1 + :b2, geo_budgets => jsonb_build_object('geo_01', :b1, 'geo_02', :b2));
-- A risk utility is solved jointly over both geos, still meeting each geo's total.
SELECT geo, round((sum(budget_per_period) / CASE geo WHEN 'geo_01' THEN :b1 ELSE :b2 END)::numeric, 6) AS geo_spent
FROM mmm_optimize_budget('shops', NULL, utility => 'value_at_risk', geo_budgets => jsonb_build_object('geo_01', :b1, 'geo_02', :b2))
GROUP BY geo ORDER BY geo;

-- The cheapest allocation for 80% of the optimum's response reaches it, per cell.
SELECT sum(contribution) AS best FROM mmm_optimize_budget('shops', :budget) \gset
SELECT count(*) AS cells, count(DISTINCT geo) AS geos, round((min(response) / (0.8 * :best))::numeric, 6) AS reached,
       min(total_budget_per_period) < :budget AS cheaper,
       round((sum(budget_per_period) / min(total_budget_per_period))::numeric, 9) AS adds_up
FROM mmm_min_budget_for_target('shops', 0.8 * :best);

-- Scenarios over cells: each budget spent over every cell, the response growing with it.
SELECT round((budget / :budget)::numeric, 2) AS factor, count(*) AS cells, count(DISTINCT geo) AS geos,
       round((sum(budget_per_period) / budget)::numeric, 9) AS spent,
       min(response) > lag(min(response)) OVER (ORDER BY budget) AS grows
FROM mmm_budget_scenarios('shops', ARRAY[0.5 * :budget, :budget, 2 * :budget])
GROUP BY budget ORDER BY budget;

-- Bad requests: an ERROR naming the argument, with a hint.
SELECT * FROM mmm_optimize_budget('shops', 100, bounds => '{"geo_09": {"tv": [0, 1]}}');
SELECT * FROM mmm_optimize_budget('shops', NULL, geo_budgets => '{"geo_01": 10, "geo_02": 10, "geo_09": 10}');
SELECT * FROM mmm_optimize_budget('shops', NULL, geo_budgets => '{"geo_01": 10}');
SELECT * FROM mmm_optimize_budget('shops', 100, geo_budgets => '{"geo_01": 10, "geo_02": 20}');
SELECT * FROM mmm_optimize_budget('shops', NULL, geo_budgets => '{"geo_01": 10, "geo_02": 10}',
                                  bounds => '{"geo_01": {"tv": [0, 1], "radio": [0, 1]}}');
SELECT * FROM mmm_optimize_budget('shops', NULL);
SELECT * FROM mmm_min_budget_for_target('shops', 100, bounds => '{"geo_01": {"print": [0, 1]}}');
SELECT * FROM mmm_budget_scenarios('shops', ARRAY[100.0], bounds => '{"geo_09": {"tv": [0, 1]}}');
-- geo_budgets on a national model.
CREATE TABLE shops_national AS SELECT week, sum(sales) AS sales, sum(tv) AS tv, sum(radio) AS radio FROM shops GROUP BY week;
SELECT mmm_fit('shops_national', 'week', 'sales', ARRAY['tv', 'radio'], name => 'shops_national',
               config => '{"chains": 1, "tune": 30, "draws": 10, "seed": 1, "progress": false}') IS NOT NULL AS fitted;
SELECT * FROM mmm_optimize_budget('shops_national', NULL, geo_budgets => '{"geo_01": 10}');
-- A national model's rows have geo NULL.
SELECT count(*) AS channels, count(geo) AS with_geo FROM mmm_optimize_budget('shops_national', 100);

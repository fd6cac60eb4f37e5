-- Every size argument has an upper limit, checked before anything is allocated or fitted: an
-- ERROR naming the argument, with the limit in its HINT (docs/12-limits.md).
CREATE EXTENSION IF NOT EXISTS pg_mmm;
SELECT count(*) AS models_before FROM mmm.models \gset

-- Simulations: geos, weeks, and the values a spec draws.
SELECT count(*) FROM mmm_simulate_panel('geo_panel', seed => 1, geos => 100000);
SELECT count(*) FROM mmm_simulate_panel('geo_panel', seed => 1, geos => 0);
SELECT count(*) FROM mmm_simulate_panel('geo_panel', seed => 1, weeks => 100000);
SELECT count(*) FROM mmm_simulate_panel('geo_panel', seed => 1, geos => 1000, weeks => 5200);
SELECT count(*) FROM mmm_simulate(spec => jsonb_build_object(
    'weeks', 5200, 'noise_sd', 1,
    'channels', (SELECT jsonb_agg(jsonb_build_object('name', 'c' || i, 'effect', 1, 'spend', jsonb_build_object('pattern', 'always_on', 'level', 1)))
                 FROM generate_series(1, 1000) i)));
SELECT count(*) AS within_limits FROM mmm_simulate_panel('geo_panel', seed => 1, geos => 3, weeks => 20);

-- Transforms: the series' length.
SELECT mmm_geometric_adstock(array_fill(0::float8, ARRAY[1000001]), 0.5);
SELECT cardinality(mmm_geometric_adstock(array_fill(0::float8, ARRAY[1000]), 0.5)) AS within_limits;

-- Fits: the sampler's sizes.
CREATE TABLE lim_weeks AS
SELECT date AS week, y AS sales, (spend ->> 'x1')::float8 AS x1, (spend ->> 'x2')::float8 AS x2
FROM mmm_simulate('example', seed => 2);
SELECT mmm_fit('lim_weeks', 'week', 'sales', ARRAY['x1'], config => '{"chains": 65}');
SELECT mmm_fit('lim_weeks', 'week', 'sales', ARRAY['x1'], config => '{"draws": 100001}');
SELECT mmm_fit('lim_weeks', 'week', 'sales', ARRAY['x1'], config => '{"tune": 100001}');
SELECT mmm_fit('lim_weeks', 'week', 'sales', ARRAY['x1'], config => '{"chains": 20, "draws": 60000}');
SELECT mmm_fit('lim_weeks', 'week', 'sales', (SELECT array_agg('x' || i) FROM generate_series(1, 201) i));
SELECT mmm_fit('lim_weeks', 'week', 'sales', ARRAY['x1'], (SELECT array_agg('z' || i) FROM generate_series(1, 201) i));
SELECT mmm_fit_agg('g'::text, week, sales, array_fill(x1, ARRAY[201]), ARRAY[]::float8[], '{"progress": false}')
FROM lim_weeks;
SELECT mmm_fit('lim_weeks', 'week', 'sales', ARRAY['x1'], config => '{"l_max": 521}');
SELECT mmm_fit('lim_weeks', 'week', 'sales', ARRAY['x1'], config => '{"yearly_seasonality": 27}');
SELECT mmm_fit('lim_weeks', 'week', 'sales', ARRAY['x1'], config => '{"trend": {"changepoints": 201}}');
SELECT count(*) = :models_before AS nothing_written FROM mmm.models;

-- Reads of a model: points, grid size, horizon, scenarios, models compared.
SELECT mmm_fit('lim_weeks', 'week', 'sales', ARRAY['x1', 'x2'], name => 'lim',
               config => '{"chains": 1, "tune": 50, "draws": 20, "seed": 1, "progress": false}') AS lim \gset
SELECT count(*) FROM mmm_response_curves('lim', points => 10001);
SELECT count(*) FROM mmm_contribution_grid('lim', num => 1001);
SELECT count(*) FROM mmm_optimize_budget('lim', 100, num_periods => 521);
SELECT count(*) FROM mmm_sample_response('lim', '{"x1": 1}', num_periods => 521);
SELECT count(*) FROM mmm_budget_scenarios('lim', array_fill(1::float8, ARRAY[1001]));
SELECT count(*) FROM mmm_compare(array_fill(:lim::bigint, ARRAY[101]));
SELECT mmm_plot('lim', 'allocation', num_periods => 521);
SELECT mmm_drop_model('lim');
DROP TABLE lim_weeks;

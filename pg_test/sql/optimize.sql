-- Budget optimization, scenarios, sampled responses, curves, the contribution grid and plots
-- over a short fit of simulated data with the example process.
CREATE EXTENSION IF NOT EXISTS pg_mmm;
SET extra_float_digits = 0;

CREATE TABLE weekly_opt AS
SELECT date AS week, y AS sales, (spend ->> 'x1')::float8 AS x1, (spend ->> 'x2')::float8 AS x2
FROM mmm_simulate('example', seed => 5);
SELECT mmm_fit('weekly_opt', 'week', 'sales', ARRAY['x1', 'x2'],
               config => '{"chains": 2, "tune": 300, "draws": 200, "seed": 2, "progress": false}',
               name => 'opt') AS model_id \gset
-- The historical mean weekly budget of both channels together.
SELECT avg(x1 + x2) AS budget FROM weekly_opt \gset

-- The allocation spends the budget, beats the equal split and the historical mix, and is
-- certified optimal (mean utility, concave logistic responses: Newton on the KKT system).
SELECT round(sum(budget_per_period)::numeric / :budget, 9) AS spent, round(sum(share)::numeric, 9) AS shares,
       bool_and(budget_total = 8 * budget_per_period) AS eight_weeks,
       bool_and(utility >= utility_equal AND utility >= utility_historical) AS beats_baselines,
       max(kkt_residual) < 1e-8 AS kkt, min(method) AS method,
       bool_and(contribution_lower <= contribution AND contribution <= contribution_upper) AS bands,
       bool_and(round(historical_budget_per_period::numeric, 6) > 0) AS historical_mix
FROM mmm_optimize_budget('opt', :budget);
-- At three times that budget both channels are interior and share one marginal ROAS.
SELECT count(*) FILTER (WHERE bound_status = 'interior') AS interior,
       max(marginal_roas) FILTER (WHERE bound_status = 'interior') / min(marginal_roas) FILTER (WHERE bound_status = 'interior') < 1 + 1e-6 AS equal_marginals
FROM mmm_optimize_budget(:model_id, 3 * :budget);
-- A cap below a channel's optimum binds; the rest goes to the other channel.
WITH free AS (SELECT budget_per_period FROM mmm_optimize_budget('opt', :budget) WHERE channel = 'x1')
SELECT channel, bound_status, kkt_residual < 1e-8 AS kkt
FROM mmm_optimize_budget('opt', :budget, bounds => jsonb_build_object('x1', jsonb_build_array(0, (SELECT budget_per_period / 2 FROM free))))
ORDER BY channel;
-- Every utility gives a full allocation of the budget.
SELECT u.name, count(*) AS channels, round(sum(budget_per_period)::numeric / :budget, 6) AS spent,
       bool_and(utility = utility) AS finite
FROM (VALUES ('mean', '{}'), ('value_at_risk', '{"confidence_level": 0.9}'), ('conditional_value_at_risk', '{}'),
             ('sharpe_ratio', '{}'), ('mean_tightness', '{"alpha": 0.5}'), ('tail_distance', '{}'), ('raroc', '{}')) AS u(name, params),
     LATERAL mmm_optimize_budget('opt', :budget, utility => u.name, utility_params => u.params::jsonb)
GROUP BY u.name ORDER BY u.name;
-- By default the window carries in the last l_max training weeks and counts them (PyMC-Marketing
-- 1.3): every channel's response is larger than from a cold start, the allocation differs, and
-- both are certified optimal.
SELECT bool_and(c.contribution > z.contribution) AS carried, bool_and(c.budget_per_period <> z.budget_per_period) AS moved,
       max(c.kkt_residual) < 1e-8 AND max(z.kkt_residual) < 1e-8 AS kkt,
       bool_and(c.equal_contribution = d.equal_contribution AND c.budget_per_period = d.budget_per_period) AS default_carries_in
FROM mmm_optimize_budget('opt', :budget, carry_in => true) c
JOIN mmm_optimize_budget('opt', :budget, carry_in => false) z USING (channel)
JOIN mmm_optimize_budget('opt', :budget) d USING (channel);

-- Bad requests name the argument and say why.
SELECT * FROM mmm_optimize_budget('opt', -1);
SELECT * FROM mmm_optimize_budget('opt', 1e-320);
SELECT * FROM mmm_optimize_budget('opt', 100, bounds => '{"x1": [80, 100], "x2": [50, 100]}');
SELECT * FROM mmm_optimize_budget('opt', 100, bounds => '{"x1": [0, 10], "x2": [0, 10]}');
SELECT * FROM mmm_optimize_budget('opt', 100, bounds => '{"tv": [0, 10]}');
SELECT * FROM mmm_optimize_budget('opt', 100, bounds => '{"x1": 10}');
SELECT * FROM mmm_optimize_budget('opt', 100, utility => 'median');
SELECT * FROM mmm_optimize_budget('opt', 100, utility => 'value_at_risk', utility_params => '{"confidence_level": 2}');
SELECT * FROM mmm_optimize_budget('opt', 100, num_periods => 0);
SELECT * FROM mmm_optimize_budget('no_such_model', 100);

-- The cheapest budget for 80% of the optimized response reaches it, for less money.
SELECT sum(contribution) AS best FROM mmm_optimize_budget('opt', :budget) \gset
SELECT round((min(response) / (0.8 * :best))::numeric, 6) AS reached, min(total_budget_per_period) < :budget AS cheaper,
       round((sum(budget_per_period) / min(total_budget_per_period))::numeric, 9) AS adds_up
FROM mmm_min_budget_for_target('opt', 0.8 * :best);
-- With carry-in, the weeks carried in already earn part of a target; from a cold start it
-- costs more.
SELECT min(c.total_budget_per_period) < min(z.total_budget_per_period) AS cheaper_with_carry_in,
       round((min(z.response) / (0.8 * :best))::numeric, 6) AS cold_reached
FROM mmm_min_budget_for_target('opt', 0.8 * :best) c, mmm_min_budget_for_target('opt', 0.8 * :best, carry_in => false) z;
-- An unreachable target says how far the bounds reach (the number depends on the draws).
DO $$
BEGIN
  PERFORM * FROM mmm_min_budget_for_target('opt', 1e12, bounds => '{"x1": [0, 1], "x2": [0, 1]}');
EXCEPTION WHEN invalid_parameter_value THEN
  RAISE NOTICE '%', regexp_replace(SQLERRM, 'is [0-9.e+]+$', 'is <max>');
END $$;

-- Scenarios: more budget, more response.
SELECT round((budget / :budget)::numeric, 2) AS factor, round(sum(share)::numeric, 9) AS shares,
       min(response) > lag(min(response)) OVER (ORDER BY budget) AS grows
FROM mmm_budget_scenarios('opt', ARRAY[0.6 * :budget, 0.8 * :budget, 1.2 * :budget, 1.8 * :budget])
GROUP BY budget ORDER BY budget;
-- A scenario is the optimum mmm_optimize_budget finds, with or without carry-in.
SELECT bool_and(abs(s.budget_per_period - o.budget_per_period) <= 1e-9 * :budget) AS same_split
FROM mmm_budget_scenarios('opt', ARRAY[:budget::float8], carry_in => false) s
JOIN mmm_optimize_budget('opt', :budget, carry_in => false) o USING (channel);

-- The sampled response runs 8 weeks of spend plus l_max weeks of carry-over after the last
-- training week; the total is the sum of the channels.
SELECT count(*) AS rows, count(DISTINCT week) AS weeks, min(date) = (SELECT max(week) + 7 FROM weekly_opt) AS starts_next_week,
       bool_and(spend = 0) FILTER (WHERE week > 8) AS no_spend_after
FROM mmm_sample_response('opt', '{"x1": 0.3, "x2": 0.2}');
SELECT bool_and(abs(t.response - c.s) <= 1e-9 * t.response) AS total_adds_up
FROM mmm_sample_response('opt', '{"x1": 0.3, "x2": 0.2}') t
JOIN (SELECT week, sum(response) AS s FROM mmm_sample_response('opt', '{"x1": 0.3, "x2": 0.2}') WHERE channel <> 'total' GROUP BY week) c USING (week)
WHERE t.channel = 'total';
SELECT * FROM mmm_sample_response('opt', '{"x1": -1}');
SELECT * FROM mmm_sample_response('opt', '{"radio": 1}');

-- Response curves rise with diminishing marginal response; one channel or all.
SELECT channel, count(*) AS points, min(spend) AS first_spend,
       bool_and(response >= prev) AS rising, bool_and(marginal_response <= prev_marginal) AS diminishing
FROM (SELECT *, lag(response, 1, 0.0) OVER w AS prev, lag(marginal_response, 1, 'Infinity') OVER w AS prev_marginal
      FROM mmm_response_curves('opt') WINDOW w AS (PARTITION BY channel ORDER BY spend)) c
GROUP BY channel ORDER BY channel;
SELECT count(*) FROM mmm_response_curves('opt', channel => 'x2', points => 10);
SELECT * FROM mmm_response_curves('opt', channel => 'radio');

-- The contribution grid at delta 1 is the in-sample contribution mmm_roas reports.
SELECT g.channel, round((g.contribution / r.contribution)::numeric, 9) AS same, g.spend = r.spend AS same_spend
FROM mmm_contribution_grid('opt', start => 1, stop => 1, num => 1) g JOIN mmm_roas('opt') r USING (channel)
ORDER BY channel;
SELECT count(*), count(DISTINCT delta), max(abs(contribution)) FILTER (WHERE delta = 0) = 0 AS zero_at_zero FROM mmm_contribution_grid('opt');

-- Pictures: each kind is a whole SVG document.
SELECT k, left(svg, 4) AS opens, right(svg, 6) AS closes, length(svg) > 2000 AS drawn
FROM unnest(ARRAY['response_curves', 'contributions', 'allocation', 'posterior']) AS k,
     LATERAL mmm_plot('opt', k) AS svg ORDER BY k;
SELECT mmm_plot('opt', 'pie');
SELECT mmm_plot('opt', 'contributions', geo => 'north');

-- Long requests honour statement_timeout, and the session stays usable.
SET statement_timeout = '100ms';
SELECT count(*) FROM mmm_contribution_grid('opt', num => 1000);
RESET statement_timeout;
SELECT count(*) FROM mmm_contribution_grid('opt', num => 2);

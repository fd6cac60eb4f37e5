-- The pg_mmm showcase on PyMC-Marketing's example data set (loaded by scripts/demo as table
-- example): each channel's spend, carried over by geometric adstock and saturated by the
-- logistic curve, with the data-generating parameters of mmm_simulate's `example` preset
-- (docs/02-fitting.md, "Simulated data").
\pset footer off
\echo
\echo 'Adstocked (geometric, alpha 0.4 / 0.2, l_max 8) and saturated (logistic, lam 4 / 3) spend, first 12 weeks:'
WITH series AS (
    SELECT array_agg(date_week ORDER BY date_week) AS weeks,
           mmm_geometric_adstock(array_agg(x1 ORDER BY date_week), alpha => 0.4) AS x1_adstock,
           mmm_geometric_adstock(array_agg(x2 ORDER BY date_week), alpha => 0.2) AS x2_adstock
    FROM example
)
SELECT w.date_week,
       round(e.x1::numeric, 4) AS x1,
       round(w.x1_adstock::numeric, 4) AS x1_adstock,
       round(mmm_logistic_saturation(w.x1_adstock, lam => 4)::numeric, 4) AS x1_saturated,
       round(e.x2::numeric, 4) AS x2,
       round(w.x2_adstock::numeric, 4) AS x2_adstock,
       round(mmm_logistic_saturation(w.x2_adstock, lam => 3)::numeric, 4) AS x2_saturated
FROM series, unnest(weeks, x1_adstock, x2_adstock) AS w(date_week, x1_adstock, x2_adstock)
JOIN example e USING (date_week)
ORDER BY w.date_week
LIMIT 12;

\echo
\echo 'Fitting the standard model: geometric adstock (l_max 8), logistic saturation, controls event_1, event_2, t,'
\echo 'yearly seasonality with 2 modes; 4 chains x (1000 tune + 1000 draws), target_accept 0.9.'
\timing on
SELECT mmm_fit('example', 'date_week', 'y', ARRAY['x1', 'x2'], ARRAY['event_1', 'event_2', 't'],
               '{"yearly_seasonality": 2, "target_accept": 0.9, "seed": 42}', name => 'example') AS model_id \gset
\timing off
SELECT name, version, status, round(fit_seconds::numeric, 2) AS fit_seconds, round(max_r_hat::numeric, 3) AS max_r_hat,
       round(min_ess_bulk::numeric) AS min_ess_bulk, divergences
FROM mmm_models WHERE id = :model_id;

\echo 'Posterior summary (model units: target and spend scaled by their maxima):'
SELECT parameter, coordinate, round(mean::numeric, 4) AS mean, round(sd::numeric, 4) AS sd,
       round(hdi_3::numeric, 4) AS hdi_3, round(hdi_97::numeric, 4) AS hdi_97,
       round(ess_bulk::numeric) AS ess_bulk, round(r_hat::numeric, 3) AS r_hat
FROM mmm_summary('example');

\echo 'Return on ad spend (original units):'
SELECT channel, round(spend::numeric, 2) AS spend, round(contribution::numeric) AS contribution,
       round(roas::numeric) AS roas, round(roas_lower::numeric) AS roas_hdi_3, round(roas_upper::numeric) AS roas_hdi_97
FROM mmm_roas('example');

\echo 'Fit:'
SELECT round(r2::numeric, 3) AS r2, round(mape::numeric, 4) AS mape, round(nrmse::numeric, 4) AS nrmse FROM mmm_fit_metrics('example');

\echo 'Weekly decomposition, first 4 weeks (mean contribution of each component):'
SELECT date,
       round(sum(mean) FILTER (WHERE component = 'intercept')) AS intercept,
       round(sum(mean) FILTER (WHERE component = 'x1')) AS x1,
       round(sum(mean) FILTER (WHERE component = 'x2')) AS x2,
       round(sum(mean) FILTER (WHERE component IN ('event_1', 'event_2', 't'))) AS controls,
       round(sum(mean) FILTER (WHERE component = 'seasonality')) AS seasonality,
       round(sum(mean)) AS fitted
FROM mmm_contributions('example') GROUP BY date ORDER BY date LIMIT 4;

-- The budget-allocation notebook's story: optimize the historical mean weekly budget over 8
-- weeks (after the last l_max training weeks carried in, plus l_max weeks of carry-over),
-- against the equal split and the historical mix.
SELECT avg(x1 + x2) AS budget FROM example \gset
\echo
\echo 'Optimal allocation of the historical mean weekly budget (' :budget ') over 8 weeks:'
\timing on
SELECT channel, round(budget_per_period::numeric, 4) AS per_week, round(share::numeric, 3) AS share,
       round(contribution::numeric) AS contribution, round(contribution_lower::numeric) AS hdi_3,
       round(contribution_upper::numeric) AS hdi_97, round(marginal_roas::numeric) AS marginal_roas, bound_status,
       round(historical_budget_per_period::numeric, 4) AS historical_per_week, round(historical_contribution::numeric) AS historical_contribution
FROM mmm_optimize_budget('example', :budget, num_periods => 8);
\timing off
SELECT round(utility::numeric) AS optimized, round(utility_historical::numeric) AS historical_mix,
       round(utility_equal::numeric) AS equal_split,
       round((100 * (utility / utility_historical - 1))::numeric, 1) AS gain_over_historical_pct,
       kkt_residual < 1e-8 AS certified, method
FROM mmm_optimize_budget('example', :budget) LIMIT 1;

\echo 'Budget scenarios (0.6x, 0.8x, 1.2x, 1.8x the historical budget):'
SELECT round((budget / :budget)::numeric, 1) AS scenario, round(budget::numeric, 4) AS budget,
       string_agg(channel || ' ' || round((100 * share)::numeric) || '%', ', ' ORDER BY channel) AS split,
       round(min(response)::numeric) AS expected_response, round(min(response_lower)::numeric) AS hdi_3,
       round(min(response_upper)::numeric) AS hdi_97
FROM mmm_budget_scenarios('example', (SELECT array_agg(f * :budget) FROM unnest(ARRAY[0.6, 0.8, 1.2, 1.8]) AS f))
GROUP BY budget ORDER BY budget;

-- The production loop: the fit above was judged by the default policy and, if healthy,
-- promoted; a weekly refit is scheduled with pg_cron, listed, and unscheduled again.
\echo 'The versions of example (promoted: what the name reads):'
SELECT name, version, status, promoted, verdict_reason FROM mmm_models WHERE name = 'example';
\echo 'A refit of example scheduled with pg_cron every Monday at 03:00, as this role:'
SELECT mmm_schedule_refit('example') > 0 AS scheduled;
SELECT jobid > 0 AS job, name, schedule, active, last_status, model_id FROM mmm_refit_jobs;
SELECT mmm_unschedule_refit('example') AS unscheduled;

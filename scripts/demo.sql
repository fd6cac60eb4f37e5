-- The pg_mmm showcase on PyMC-Marketing's example data set (loaded by scripts/demo as table
-- example): each channel's spend, carried over by geometric adstock and saturated by the
-- logistic curve, with the data-generating parameters of MODEL.md section 9.
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

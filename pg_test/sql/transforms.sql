-- The adstock and saturation library: values, named arguments, defaults, and every bad input.
CREATE EXTENSION pg_mmm;
SET extra_float_digits = 0;

-- Geometric adstock of a single spike: weights alpha^k, normalised by default.
SELECT mmm_geometric_adstock(ARRAY[1, 0, 0, 0]::float8[], 0.5, l_max => 3, "normalize" => false);
SELECT mmm_geometric_adstock(ARRAY[1, 0, 0, 0]::float8[], alpha => 0.5, l_max => 3);
-- A constant spend keeps its level once the window is full (normalised weights sum to 1).
SELECT round(v::numeric, 12) FROM unnest(mmm_delayed_adstock(array_fill(2.0::float8, ARRAY[10]), 0.5, 1.5, l_max => 4)) AS v OFFSET 8;
SELECT mmm_binomial_adstock(ARRAY[1, 0, 0]::float8[], 0.5, 3, false);
SELECT mmm_weibull_adstock(ARRAY[1, 0, 0, 0]::float8[], lam => 2, k => 1.5, l_max => 4);
SELECT mmm_weibull_adstock(ARRAY[1, 0, 0, 0]::float8[], 2, 1.5, kind => 'cdf', l_max => 4, "normalize" => false);
SELECT mmm_geometric_adstock('{}'::float8[], 0.5);
SELECT mmm_geometric_adstock(NULL, 0.5);

-- Saturation of a scalar.
SELECT mmm_logistic_saturation(1, lam => 2) = tanh(1.0::float8) AS logistic_is_tanh;
SELECT mmm_logistic_saturation(0.5, 4, beta => 2);
SELECT mmm_hill_saturation(2, slope => 2, kappa => 2);
SELECT mmm_hill_saturation(0, 0.5, 1, 3);
SELECT mmm_michaelis_menten_saturation(1, alpha => 2, lam => 1);
SELECT mmm_tanh_saturation(1, b => 2, c => 0.5);
SELECT mmm_root_saturation(4, alpha => 0.5, beta => 3);
SELECT mmm_hill_sigmoid_saturation(0, sigma => 2, beta => 1.5, lam => 1) AS zero_at_zero,
       round(mmm_hill_sigmoid_saturation(1, 2, 1.5, 1)::numeric, 12) AS at_midpoint;

-- Bad input: NULL elements, non-finite values, negative spend.
SELECT mmm_geometric_adstock(ARRAY[1, NULL, 2]::float8[], 0.5);
SELECT mmm_geometric_adstock(ARRAY[1, 'NaN']::float8[], 0.5);
SELECT mmm_geometric_adstock(ARRAY[1, 'Infinity']::float8[], 0.5);
SELECT mmm_delayed_adstock(ARRAY['-Infinity']::float8[], 0.5, 1);
SELECT mmm_geometric_adstock(ARRAY[1, -2]::float8[], 0.5);
-- Parameters out of range.
SELECT mmm_geometric_adstock(ARRAY[1.0], 1.0);
SELECT mmm_geometric_adstock(ARRAY[1.0], -0.1);
SELECT mmm_geometric_adstock(ARRAY[1.0], 'NaN');
SELECT mmm_delayed_adstock(ARRAY[1.0], 0.5, -1);
SELECT mmm_binomial_adstock(ARRAY[1.0], 0);
SELECT mmm_weibull_adstock(ARRAY[1.0], 0, 1);
SELECT mmm_weibull_adstock(ARRAY[1.0], 1, -1, 'cdf');
SELECT mmm_weibull_adstock(ARRAY[1.0], 1, 1, kind => 'gamma');
-- l_max below 1 or above the cap of 520.
SELECT mmm_geometric_adstock(ARRAY[1.0], 0.5, l_max => 0);
SELECT mmm_geometric_adstock(ARRAY[1.0], 0.5, l_max => 521);
-- Saturation: negative or non-finite spend, non-positive parameters.
SELECT mmm_logistic_saturation(-1, 1);
SELECT mmm_logistic_saturation('Infinity', 1);
SELECT mmm_logistic_saturation(1, 0);
SELECT mmm_logistic_saturation(1, 1, beta => -1);
SELECT mmm_hill_saturation(1, 1, 0);
SELECT mmm_michaelis_menten_saturation(1, 1, 'NaN');
SELECT mmm_tanh_saturation(1, 0, 1);
SELECT mmm_hill_sigmoid_saturation(1, 1, 1, -1);
SELECT mmm_root_saturation(1, -0.5);

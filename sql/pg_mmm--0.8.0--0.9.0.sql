\echo Use "ALTER EXTENSION pg_mmm UPDATE TO '0.9.0'" to load this file. \quit

-- A model without controls (or without seasonality) no longer has a gamma_control (or
-- gamma_fourier) parameter: before 0.9.0 such a national model sampled one coefficient of the
-- empty control (or Fourier) dim from its prior, which nothing read. Its draws and its stored
-- prior go; every answer of the model stays the same (the coefficient multiplied no column).
-- Such a parameter is the scalar one: a model with controls has one row per control.
DELETE FROM mmm.posterior_draws
WHERE parameter IN ('gamma_control', 'gamma_fourier') AND geo IS NULL AND coordinate IS NULL;
UPDATE mmm.models m SET priors = m.priors - 'gamma_control'
WHERE m.priors ? 'gamma_control' AND coalesce(cardinality(m.control_columns), 0) = 0;
UPDATE mmm.models m SET priors = m.priors - 'gamma_fourier'
WHERE m.priors ? 'gamma_fourier' AND coalesce((m.spec ->> 'yearly_seasonality')::int, 0) = 0;

\echo Use "ALTER EXTENSION pg_mmm UPDATE TO '0.6.0'" to load this file. \quit

-- 0.6.0, prior-only models: mmm_fit(..., config => '{"prior_only": true}') and mmm_prior_check.
ALTER TABLE mmm.models ADD COLUMN prior_only boolean NOT NULL DEFAULT false;
COMMENT ON COLUMN mmm.models.prior_only IS 'Whether the draws come from the priors alone (mmm_fit with "prior_only": true; status prior_only): never promoted; mmm_prior_check reads them';

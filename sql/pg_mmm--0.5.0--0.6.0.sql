\echo Use "ALTER EXTENSION pg_mmm UPDATE TO '0.6.0'" to load this file. \quit

-- 0.6.0, prior-only models: mmm_fit(..., config => '{"prior_only": true}') and mmm_prior_check.
ALTER TABLE mmm.models ADD COLUMN prior_only boolean NOT NULL DEFAULT false;
COMMENT ON COLUMN mmm.models.prior_only IS 'Whether the draws come from the priors alone (mmm_fit with "prior_only": true; status prior_only): never promoted; mmm_prior_check reads them';
CREATE  FUNCTION "mmm_prior_check"(
	"model" bigint, /* i64 */
	"hdi_prob" double precision DEFAULT 0.94 /* f64 */
) RETURNS TABLE (
	"quantity" TEXT,  /* String */
	"observed" double precision,  /* Option < f64 > */
	"lower" double precision,  /* f64 */
	"median" double precision,  /* f64 */
	"upper" double precision,  /* f64 */
	"ratio_to_observed" double precision,  /* f64 */
	"verdict" TEXT,  /* String */
	"geo" TEXT  /* Option < String > */
)
STRICT STABLE PARALLEL SAFE 
LANGUAGE c /* Rust */
AS 'MODULE_PATHNAME', 'mmm_prior_check_by_id_wrapper';

CREATE  FUNCTION "mmm_prior_check"(
	"model" TEXT, /* & str */
	"hdi_prob" double precision DEFAULT 0.94 /* f64 */
) RETURNS TABLE (
	"quantity" TEXT,  /* String */
	"observed" double precision,  /* Option < f64 > */
	"lower" double precision,  /* f64 */
	"median" double precision,  /* f64 */
	"upper" double precision,  /* f64 */
	"ratio_to_observed" double precision,  /* f64 */
	"verdict" TEXT,  /* String */
	"geo" TEXT  /* Option < String > */
)
STRICT STABLE PARALLEL SAFE 
LANGUAGE c /* Rust */
AS 'MODULE_PATHNAME', 'mmm_prior_check_by_name_wrapper';

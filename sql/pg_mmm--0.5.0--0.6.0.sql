\echo Use "ALTER EXTENSION pg_mmm UPDATE TO '0.6.0'" to load this file. \quit

-- 0.6.0, time-varying effects: mmm_time_varying, the multipliers of a model's time-varying
-- intercept and media by date and geo with bands, by id or by name.
CREATE  FUNCTION "mmm_time_varying"(
	"model" bigint, /* i64 */
	"hdi_prob" double precision DEFAULT 0.94 /* f64 */
) RETURNS TABLE (
	"date" date,  /* pgrx :: datum :: Date */
	"process" TEXT,  /* String */
	"mean" double precision,  /* f64 */
	"lower" double precision,  /* f64 */
	"upper" double precision,  /* f64 */
	"geo" TEXT  /* Option < String > */
)
STRICT STABLE PARALLEL SAFE 
LANGUAGE c /* Rust */
AS 'MODULE_PATHNAME', 'mmm_time_varying_by_id_wrapper';

CREATE  FUNCTION "mmm_time_varying"(
	"model" TEXT, /* & str */
	"hdi_prob" double precision DEFAULT 0.94 /* f64 */
) RETURNS TABLE (
	"date" date,  /* pgrx :: datum :: Date */
	"process" TEXT,  /* String */
	"mean" double precision,  /* f64 */
	"lower" double precision,  /* f64 */
	"upper" double precision,  /* f64 */
	"geo" TEXT  /* Option < String > */
)
STRICT STABLE PARALLEL SAFE 
LANGUAGE c /* Rust */
AS 'MODULE_PATHNAME', 'mmm_time_varying_by_name_wrapper';

\echo Use "ALTER EXTENSION pg_mmm UPDATE TO '0.3.0'" to load this file. \quit

-- 0.2.0 -> 0.3.0: the catalog of sql/catalog.sql and the functions added in 0.3.0.

-- The hill_sigmoid saturation kind (PyMC-Marketing's HillSaturationSigmoid).
CREATE  FUNCTION "mmm_hill_sigmoid_saturation"(
	"x" double precision, /* f64 */
	"sigma" double precision, /* f64 */
	"beta" double precision, /* f64 */
	"lam" double precision /* f64 */
) RETURNS double precision /* f64 */
IMMUTABLE STRICT PARALLEL SAFE
LANGUAGE c /* Rust */
AS 'MODULE_PATHNAME', 'mmm_hill_sigmoid_saturation_wrapper';

-- Optimizer carry-in (issue #11 item 7): PyMC-Marketing 1.3's window. mmm_optimize_budget's
-- carry_in now defaults to true, and mmm_min_budget_for_target and mmm_budget_scenarios gain
-- carry_in (default true) as their last argument: dropped and created as a new install has them.
DROP FUNCTION mmm_optimize_budget(bigint, double precision, integer, jsonb, text, jsonb, boolean, double precision);
DROP FUNCTION mmm_optimize_budget(text, double precision, integer, jsonb, text, jsonb, boolean, double precision);
DROP FUNCTION mmm_min_budget_for_target(bigint, double precision, integer, jsonb, double precision);
DROP FUNCTION mmm_min_budget_for_target(text, double precision, integer, jsonb, double precision);
DROP FUNCTION mmm_budget_scenarios(bigint, double precision[], integer, jsonb, double precision);
DROP FUNCTION mmm_budget_scenarios(text, double precision[], integer, jsonb, double precision);
CREATE  FUNCTION "mmm_budget_scenarios"(
	"model" bigint, /* i64 */
	"budgets" double precision[], /* Vec < f64 > */
	"num_periods" INT DEFAULT 8, /* i32 */
	"bounds" jsonb DEFAULT NULL, /* Option < JsonB > */
	"hdi_prob" double precision DEFAULT 0.94, /* f64 */
	"carry_in" bool DEFAULT true /* bool */
) RETURNS TABLE (
	"budget" double precision,  /* f64 */
	"channel" TEXT,  /* String */
	"budget_per_period" double precision,  /* f64 */
	"share" double precision,  /* f64 */
	"contribution" double precision,  /* f64 */
	"contribution_lower" double precision,  /* f64 */
	"contribution_upper" double precision,  /* f64 */
	"response" double precision,  /* f64 */
	"response_lower" double precision,  /* f64 */
	"response_upper" double precision  /* f64 */
)
STABLE PARALLEL SAFE 
LANGUAGE c /* Rust */
AS 'MODULE_PATHNAME', 'mmm_budget_scenarios_by_id_wrapper';

CREATE  FUNCTION "mmm_budget_scenarios"(
	"model" TEXT, /* & str */
	"budgets" double precision[], /* Vec < f64 > */
	"num_periods" INT DEFAULT 8, /* i32 */
	"bounds" jsonb DEFAULT NULL, /* Option < JsonB > */
	"hdi_prob" double precision DEFAULT 0.94, /* f64 */
	"carry_in" bool DEFAULT true /* bool */
) RETURNS TABLE (
	"budget" double precision,  /* f64 */
	"channel" TEXT,  /* String */
	"budget_per_period" double precision,  /* f64 */
	"share" double precision,  /* f64 */
	"contribution" double precision,  /* f64 */
	"contribution_lower" double precision,  /* f64 */
	"contribution_upper" double precision,  /* f64 */
	"response" double precision,  /* f64 */
	"response_lower" double precision,  /* f64 */
	"response_upper" double precision  /* f64 */
)
STABLE PARALLEL SAFE 
LANGUAGE c /* Rust */
AS 'MODULE_PATHNAME', 'mmm_budget_scenarios_by_name_wrapper';

CREATE  FUNCTION "mmm_min_budget_for_target"(
	"model" bigint, /* i64 */
	"target_response" double precision, /* f64 */
	"num_periods" INT DEFAULT 8, /* i32 */
	"bounds" jsonb DEFAULT NULL, /* Option < JsonB > */
	"hdi_prob" double precision DEFAULT 0.94, /* f64 */
	"carry_in" bool DEFAULT true /* bool */
) RETURNS TABLE (
	"channel" TEXT,  /* String */
	"budget_per_period" double precision,  /* f64 */
	"budget_total" double precision,  /* f64 */
	"share" double precision,  /* f64 */
	"contribution" double precision,  /* f64 */
	"contribution_lower" double precision,  /* f64 */
	"contribution_upper" double precision,  /* f64 */
	"bound_status" TEXT,  /* String */
	"total_budget_per_period" double precision,  /* f64 */
	"response" double precision  /* f64 */
)
STABLE PARALLEL SAFE 
LANGUAGE c /* Rust */
AS 'MODULE_PATHNAME', 'mmm_min_budget_for_target_by_id_wrapper';

CREATE  FUNCTION "mmm_min_budget_for_target"(
	"model" TEXT, /* & str */
	"target_response" double precision, /* f64 */
	"num_periods" INT DEFAULT 8, /* i32 */
	"bounds" jsonb DEFAULT NULL, /* Option < JsonB > */
	"hdi_prob" double precision DEFAULT 0.94, /* f64 */
	"carry_in" bool DEFAULT true /* bool */
) RETURNS TABLE (
	"channel" TEXT,  /* String */
	"budget_per_period" double precision,  /* f64 */
	"budget_total" double precision,  /* f64 */
	"share" double precision,  /* f64 */
	"contribution" double precision,  /* f64 */
	"contribution_lower" double precision,  /* f64 */
	"contribution_upper" double precision,  /* f64 */
	"bound_status" TEXT,  /* String */
	"total_budget_per_period" double precision,  /* f64 */
	"response" double precision  /* f64 */
)
STABLE PARALLEL SAFE 
LANGUAGE c /* Rust */
AS 'MODULE_PATHNAME', 'mmm_min_budget_for_target_by_name_wrapper';

CREATE  FUNCTION "mmm_optimize_budget"(
	"model" bigint, /* i64 */
	"budget" double precision, /* f64 */
	"num_periods" INT DEFAULT 8, /* i32 */
	"bounds" jsonb DEFAULT NULL, /* Option < JsonB > */
	"utility" TEXT DEFAULT 'mean', /* & str */
	"utility_params" jsonb DEFAULT '{}', /* JsonB */
	"carry_in" bool DEFAULT true, /* bool */
	"hdi_prob" double precision DEFAULT 0.94 /* f64 */
) RETURNS TABLE (
	"channel" TEXT,  /* String */
	"budget_per_period" double precision,  /* f64 */
	"budget_total" double precision,  /* f64 */
	"share" double precision,  /* f64 */
	"contribution" double precision,  /* f64 */
	"contribution_lower" double precision,  /* f64 */
	"contribution_upper" double precision,  /* f64 */
	"marginal_roas" double precision,  /* f64 */
	"bound_status" TEXT,  /* String */
	"equal_budget_per_period" double precision,  /* f64 */
	"equal_contribution" double precision,  /* f64 */
	"historical_budget_per_period" double precision,  /* f64 */
	"historical_contribution" double precision,  /* f64 */
	"utility" double precision,  /* f64 */
	"utility_equal" double precision,  /* f64 */
	"utility_historical" double precision,  /* f64 */
	"kkt_residual" double precision,  /* f64 */
	"method" TEXT  /* String */
)
STABLE PARALLEL SAFE 
LANGUAGE c /* Rust */
AS 'MODULE_PATHNAME', 'mmm_optimize_budget_by_id_wrapper';

CREATE  FUNCTION "mmm_optimize_budget"(
	"model" TEXT, /* & str */
	"budget" double precision, /* f64 */
	"num_periods" INT DEFAULT 8, /* i32 */
	"bounds" jsonb DEFAULT NULL, /* Option < JsonB > */
	"utility" TEXT DEFAULT 'mean', /* & str */
	"utility_params" jsonb DEFAULT '{}', /* JsonB */
	"carry_in" bool DEFAULT true, /* bool */
	"hdi_prob" double precision DEFAULT 0.94 /* f64 */
) RETURNS TABLE (
	"channel" TEXT,  /* String */
	"budget_per_period" double precision,  /* f64 */
	"budget_total" double precision,  /* f64 */
	"share" double precision,  /* f64 */
	"contribution" double precision,  /* f64 */
	"contribution_lower" double precision,  /* f64 */
	"contribution_upper" double precision,  /* f64 */
	"marginal_roas" double precision,  /* f64 */
	"bound_status" TEXT,  /* String */
	"equal_budget_per_period" double precision,  /* f64 */
	"equal_contribution" double precision,  /* f64 */
	"historical_budget_per_period" double precision,  /* f64 */
	"historical_contribution" double precision,  /* f64 */
	"utility" double precision,  /* f64 */
	"utility_equal" double precision,  /* f64 */
	"utility_historical" double precision,  /* f64 */
	"kkt_residual" double precision,  /* f64 */
	"method" TEXT  /* String */
)
STABLE PARALLEL SAFE 
LANGUAGE c /* Rust */
AS 'MODULE_PATHNAME', 'mmm_optimize_budget_by_name_wrapper';
-- End of optimizer carry-in.

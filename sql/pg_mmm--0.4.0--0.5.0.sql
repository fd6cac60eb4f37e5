\echo Use "ALTER EXTENSION pg_mmm UPDATE TO '0.5.0'" to load this file. \quit

-- 0.5.0, mmm_report: a model's one-page HTML report, by id or by name.
CREATE  FUNCTION "mmm_report"(
	"model" bigint /* i64 */
) RETURNS TEXT /* String */
STRICT STABLE PARALLEL SAFE 
LANGUAGE c /* Rust */
AS 'MODULE_PATHNAME', 'mmm_report_by_id_wrapper';

CREATE  FUNCTION "mmm_report"(
	"model" TEXT /* & str */
) RETURNS TEXT /* String */
STRICT STABLE PARALLEL SAFE 
LANGUAGE c /* Rust */
AS 'MODULE_PATHNAME', 'mmm_report_by_name_wrapper';

\echo Use "ALTER EXTENSION pg_mmm UPDATE TO '0.7.0'" to load this file. \quit

-- 0.7.0, lift tests with time-varying media: the training week whose media multiplier scales a
-- test's lift, from the lift tests table's optional date column (required when the model's media
-- varies over time, stored as given otherwise; NULL for tests without a date, as every test
-- stored by 0.6.0). mmm_lift_tests returns it as a new last column.
ALTER TABLE mmm.lift_tests ADD COLUMN date date;
COMMENT ON COLUMN mmm.lift_tests.date IS 'The training week the test ran in: with time_varying_media its lift is scaled by the media multiplier of that week (and geo); ignored otherwise';
DROP FUNCTION mmm_lift_tests(bigint, double precision);
DROP FUNCTION mmm_lift_tests(text, double precision);
CREATE  FUNCTION "mmm_lift_tests"(
	"model" bigint, /* i64 */
	"hdi_prob" double precision DEFAULT 0.94 /* f64 */
) RETURNS TABLE (
	"channel" TEXT,  /* String */
	"x" double precision,  /* f64 */
	"delta_x" double precision,  /* f64 */
	"delta_y" double precision,  /* f64 */
	"sigma" double precision,  /* f64 */
	"estimated_lift" double precision,  /* f64 */
	"estimated_lift_lower" double precision,  /* f64 */
	"estimated_lift_upper" double precision,  /* f64 */
	"geo" TEXT,  /* Option < String > */
	"date" date  /* Option < pgrx::datum::Date > */
)
STRICT STABLE PARALLEL SAFE 
LANGUAGE c /* Rust */
AS 'MODULE_PATHNAME', 'mmm_lift_tests_by_id_wrapper';
CREATE  FUNCTION "mmm_lift_tests"(
	"model" TEXT, /* & str */
	"hdi_prob" double precision DEFAULT 0.94 /* f64 */
) RETURNS TABLE (
	"channel" TEXT,  /* String */
	"x" double precision,  /* f64 */
	"delta_x" double precision,  /* f64 */
	"delta_y" double precision,  /* f64 */
	"sigma" double precision,  /* f64 */
	"estimated_lift" double precision,  /* f64 */
	"estimated_lift_lower" double precision,  /* f64 */
	"estimated_lift_upper" double precision,  /* f64 */
	"geo" TEXT,  /* Option < String > */
	"date" date  /* Option < pgrx::datum::Date > */
)
STRICT STABLE PARALLEL SAFE 
LANGUAGE c /* Rust */
AS 'MODULE_PATHNAME', 'mmm_lift_tests_by_name_wrapper';

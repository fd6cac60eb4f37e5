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

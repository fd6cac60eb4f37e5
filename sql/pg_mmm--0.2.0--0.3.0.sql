\echo Use "ALTER EXTENSION pg_mmm UPDATE TO '0.3.0'" to load this file. \quit

-- 0.2.0 -> 0.3.0: the catalog of sql/catalog.sql and the functions added in 0.3.0.

-- mmm_predict: the band of the posterior predictive (observation noise included) after the
-- band of the mean, as columns pred_lower and pred_upper. A function's result columns cannot
-- change in place: both overloads are dropped and created as a new install creates them.
DROP FUNCTION mmm_predict(bigint, regclass, double precision);
DROP FUNCTION mmm_predict(text, regclass, double precision);
CREATE FUNCTION "mmm_predict"("model" bigint, "future" regclass, "hdi_prob" double precision DEFAULT 0.94)
RETURNS TABLE ("date" date, "mean" double precision, "hdi_lower" double precision, "hdi_upper" double precision,
               "pred_lower" double precision, "pred_upper" double precision)
STRICT STABLE PARALLEL SAFE LANGUAGE c AS 'MODULE_PATHNAME', 'mmm_predict_by_id_wrapper';
CREATE FUNCTION "mmm_predict"("model" TEXT, "future" regclass, "hdi_prob" double precision DEFAULT 0.94)
RETURNS TABLE ("date" date, "mean" double precision, "hdi_lower" double precision, "hdi_upper" double precision,
               "pred_lower" double precision, "pred_upper" double precision)
STRICT STABLE PARALLEL SAFE LANGUAGE c AS 'MODULE_PATHNAME', 'mmm_predict_by_name_wrapper';

\echo Use "ALTER EXTENSION pg_mmm UPDATE TO '0.6.0'" to load this file. \quit

-- 0.6.0, cost-per-target calibration: the measured cost per target (or ROAS, as the model's
-- spec says in calibration_target) of each (channel, geo) that mmm_fit(..., cost_calibration)
-- calibrated a model with, numbered in the fit's order, so that mmm_cost_calibration and
-- mmm_refit use the same rows whatever happens to the table they came from.
CREATE TABLE mmm.cost_calibrations (
    model_id   bigint NOT NULL REFERENCES mmm.models (id) ON DELETE CASCADE,
    row_number int NOT NULL,
    channel    text NOT NULL,
    geo        text,
    value      float8 NOT NULL,
    sigma      float8 NOT NULL,
    PRIMARY KEY (model_id, row_number)
);
COMMENT ON TABLE mmm.cost_calibrations IS 'The cost-per-target (or ROAS) calibration rows (channel, geo, the measured ratio over the training window and its standard error, in original units) of each model fitted with mmm_fit(..., cost_calibration)';
SELECT pg_catalog.pg_extension_config_dump('mmm.cost_calibrations', '');
ALTER TABLE mmm.cost_calibrations ENABLE ROW LEVEL SECURITY;
CREATE POLICY visible_model ON mmm.cost_calibrations
    USING (EXISTS (SELECT 1 FROM mmm.models m WHERE m.id = model_id));
GRANT SELECT, INSERT, DELETE ON mmm.cost_calibrations TO PUBLIC;

-- The new last argument of mmm_fit, and mmm_cost_calibration.
DROP FUNCTION mmm_fit(regclass, text, text, text[], text[], jsonb, text, text, regclass, regclass);
CREATE  FUNCTION "mmm_fit"(
	"source" regclass, /* PgRelation */
	"date_column" TEXT, /* & str */
	"target_column" TEXT, /* & str */
	"channel_columns" TEXT[], /* Vec < String > */
	"control_columns" TEXT[] DEFAULT '{}', /* Vec < String > */
	"config" jsonb DEFAULT '{}', /* JsonB */
	"name" TEXT DEFAULT NULL, /* Option < & str > */
	"geo_column" TEXT DEFAULT NULL, /* Option < & str > */
	"events" regclass DEFAULT NULL, /* Option < PgRelation > */
	"lift_tests" regclass DEFAULT NULL, /* Option < PgRelation > */
	"cost_calibration" regclass DEFAULT NULL /* Option < PgRelation > */
) RETURNS bigint /* i64 */
VOLATILE PARALLEL UNSAFE
LANGUAGE c /* Rust */
AS 'MODULE_PATHNAME', 'mmm_fit_wrapper';

CREATE  FUNCTION "mmm_cost_calibration"(
	"model" bigint, /* i64 */
	"hdi_prob" double precision DEFAULT 0.94 /* f64 */
) RETURNS TABLE (
	"channel" TEXT,  /* String */
	"target" TEXT,  /* String */
	"value" double precision,  /* f64 */
	"sigma" double precision,  /* f64 */
	"estimate" double precision,  /* f64 */
	"estimate_lower" double precision,  /* f64 */
	"estimate_upper" double precision,  /* f64 */
	"geo" TEXT  /* Option < String > */
)
STRICT STABLE PARALLEL SAFE 
LANGUAGE c /* Rust */
AS 'MODULE_PATHNAME', 'mmm_cost_calibration_by_id_wrapper';

CREATE  FUNCTION "mmm_cost_calibration"(
	"model" TEXT, /* & str */
	"hdi_prob" double precision DEFAULT 0.94 /* f64 */
) RETURNS TABLE (
	"channel" TEXT,  /* String */
	"target" TEXT,  /* String */
	"value" double precision,  /* f64 */
	"sigma" double precision,  /* f64 */
	"estimate" double precision,  /* f64 */
	"estimate_lower" double precision,  /* f64 */
	"estimate_upper" double precision,  /* f64 */
	"geo" TEXT  /* Option < String > */
)
STRICT STABLE PARALLEL SAFE 
LANGUAGE c /* Rust */
AS 'MODULE_PATHNAME', 'mmm_cost_calibration_by_name_wrapper';

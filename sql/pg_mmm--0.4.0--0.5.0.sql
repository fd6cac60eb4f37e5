\echo Use "ALTER EXTENSION pg_mmm UPDATE TO '0.5.0'" to load this file. \quit

-- 0.5.0, the last answers per geo: mmm_sample_response and mmm_monitor return a geo column last.
DROP FUNCTION mmm_sample_response(bigint, jsonb, integer, double precision, bigint, double precision);
DROP FUNCTION mmm_sample_response(text, jsonb, integer, double precision, bigint, double precision);
DROP FUNCTION mmm_monitor(bigint, regclass);
DROP FUNCTION mmm_monitor(text, regclass);
CREATE  FUNCTION "mmm_sample_response"(
	"model" bigint, /* i64 */
	"allocation" jsonb, /* JsonB */
	"num_periods" INT DEFAULT 8, /* i32 */
	"noise_level" double precision DEFAULT 0.01, /* f64 */
	"seed" bigint DEFAULT 0, /* i64 */
	"hdi_prob" double precision DEFAULT 0.94 /* f64 */
) RETURNS TABLE (
	"week" INT,  /* i32 */
	"date" date,  /* pgrx :: datum :: Date */
	"channel" TEXT,  /* String */
	"spend" double precision,  /* f64 */
	"response" double precision,  /* f64 */
	"response_lower" double precision,  /* f64 */
	"response_upper" double precision,  /* f64 */
	"geo" TEXT  /* Option < String > */
)
STRICT STABLE PARALLEL SAFE 
LANGUAGE c /* Rust */
AS 'MODULE_PATHNAME', 'mmm_sample_response_by_id_wrapper';

CREATE  FUNCTION "mmm_sample_response"(
	"model" TEXT, /* & str */
	"allocation" jsonb, /* JsonB */
	"num_periods" INT DEFAULT 8, /* i32 */
	"noise_level" double precision DEFAULT 0.01, /* f64 */
	"seed" bigint DEFAULT 0, /* i64 */
	"hdi_prob" double precision DEFAULT 0.94 /* f64 */
) RETURNS TABLE (
	"week" INT,  /* i32 */
	"date" date,  /* pgrx :: datum :: Date */
	"channel" TEXT,  /* String */
	"spend" double precision,  /* f64 */
	"response" double precision,  /* f64 */
	"response_lower" double precision,  /* f64 */
	"response_upper" double precision,  /* f64 */
	"geo" TEXT  /* Option < String > */
)
STRICT STABLE PARALLEL SAFE 
LANGUAGE c /* Rust */
AS 'MODULE_PATHNAME', 'mmm_sample_response_by_name_wrapper';

CREATE  FUNCTION "mmm_monitor"(
	"model" bigint, /* Option < i64 > */
	"source" regclass DEFAULT NULL /* Option < PgRelation > */
) RETURNS TABLE (
	"date" date,  /* Option < pgrx :: datum :: Date > */
	"weeks" INT,  /* i32 */
	"actual" double precision,  /* f64 */
	"predicted" double precision,  /* f64 */
	"pred_lower" double precision,  /* f64 */
	"pred_upper" double precision,  /* f64 */
	"mape" double precision,  /* f64 */
	"coverage" double precision,  /* f64 */
	"verdict" TEXT,  /* Option < String > */
	"reason" TEXT,  /* Option < String > */
	"geo" TEXT  /* Option < String > */
)
VOLATILE PARALLEL UNSAFE 
LANGUAGE c /* Rust */
AS 'MODULE_PATHNAME', 'mmm_monitor_by_id_wrapper';

CREATE  FUNCTION "mmm_monitor"(
	"model" TEXT, /* Option < & str > */
	"source" regclass DEFAULT NULL /* Option < PgRelation > */
) RETURNS TABLE (
	"date" date,  /* Option < pgrx :: datum :: Date > */
	"weeks" INT,  /* i32 */
	"actual" double precision,  /* f64 */
	"predicted" double precision,  /* f64 */
	"pred_lower" double precision,  /* f64 */
	"pred_upper" double precision,  /* f64 */
	"mape" double precision,  /* f64 */
	"coverage" double precision,  /* f64 */
	"verdict" TEXT,  /* Option < String > */
	"reason" TEXT,  /* Option < String > */
	"geo" TEXT  /* Option < String > */
)
VOLATILE PARALLEL UNSAFE 
LANGUAGE c /* Rust */
AS 'MODULE_PATHNAME', 'mmm_monitor_by_name_wrapper';
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
-- 0.5.0, events: the rows of mmm_fit(..., events) each model was fitted with, so that its
-- answers (and mmm_refit) use the same event windows whatever happens to the events table.
CREATE TABLE mmm.model_events (
    model_id   bigint NOT NULL REFERENCES mmm.models (id) ON DELETE CASCADE,
    name       text NOT NULL,
    start_date date NOT NULL,
    end_date   date NOT NULL,
    PRIMARY KEY (model_id, name)
);
COMMENT ON TABLE mmm.model_events IS 'The events (name, start_date, end_date) of each model fitted with mmm_fit(..., events)';
SELECT pg_catalog.pg_extension_config_dump('mmm.model_events', '');
ALTER TABLE mmm.model_events ENABLE ROW LEVEL SECURITY;
CREATE POLICY visible_model ON mmm.model_events
    USING (EXISTS (SELECT 1 FROM mmm.models m WHERE m.id = model_id));
GRANT SELECT, INSERT, DELETE ON mmm.model_events TO PUBLIC;
-- mmm_fit takes events (a table of name, start_date, end_date) as its last argument.
DROP FUNCTION mmm_fit(regclass, text, text, text[], text[], jsonb, text, text);
CREATE  FUNCTION "mmm_fit"(
	"source" regclass, /* PgRelation */
	"date_column" TEXT, /* & str */
	"target_column" TEXT, /* & str */
	"channel_columns" TEXT[], /* Vec < String > */
	"control_columns" TEXT[] DEFAULT '{}', /* Vec < String > */
	"config" jsonb DEFAULT '{}', /* JsonB */
	"name" TEXT DEFAULT NULL, /* Option < & str > */
	"geo_column" TEXT DEFAULT NULL, /* Option < & str > */
	"events" regclass DEFAULT NULL /* Option < PgRelation > */
) RETURNS bigint /* i64 */
VOLATILE PARALLEL UNSAFE
LANGUAGE c /* Rust */
AS 'MODULE_PATHNAME', 'mmm_fit_wrapper';

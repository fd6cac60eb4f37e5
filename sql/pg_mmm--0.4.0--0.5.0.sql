\echo Use "ALTER EXTENSION pg_mmm UPDATE TO '0.5.0'" to load this file. \quit

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

\echo Use "ALTER EXTENSION pg_mmm UPDATE TO '0.6.0'" to load this file. \quit

-- 0.6.0, cost per unit: the cost table of mmm_fit(..., cost_per_unit) each model was fitted
-- with, every row as given (dates beyond the training weeks included, for a later mmm_refit),
-- so that ROAS, budgets and curves in money, and mmm_refit, use the same costs whatever happens
-- to the table they came from. Constant costs (config key cost_per_unit) live in the spec.
CREATE TABLE mmm.model_costs (
    model_id      bigint NOT NULL REFERENCES mmm.models (id) ON DELETE CASCADE,
    date          date NOT NULL,
    geo           text,
    channel       text NOT NULL,
    cost_per_unit float8 NOT NULL,
    UNIQUE NULLS NOT DISTINCT (model_id, date, geo, channel)
);
COMMENT ON TABLE mmm.model_costs IS 'The cost of a unit (money per unit of the channel''s column) by date, geo and channel of each model fitted with mmm_fit(..., cost_per_unit)';
SELECT pg_catalog.pg_extension_config_dump('mmm.model_costs', '');
ALTER TABLE mmm.model_costs ENABLE ROW LEVEL SECURITY;
CREATE POLICY visible_model ON mmm.model_costs
    USING (EXISTS (SELECT 1 FROM mmm.models m WHERE m.id = model_id));
GRANT SELECT, INSERT, DELETE ON mmm.model_costs TO PUBLIC;
-- mmm_fit takes cost_per_unit (a table of date, channel, cost_per_unit) as its last argument.
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
	"cost_per_unit" regclass DEFAULT NULL /* Option < PgRelation > */
) RETURNS bigint /* i64 */
VOLATILE PARALLEL UNSAFE
LANGUAGE c /* Rust */
AS 'MODULE_PATHNAME', 'mmm_fit_wrapper';

\echo Use "ALTER EXTENSION pg_mmm UPDATE TO '0.6.0'" to load this file. \quit

-- 0.6.0, per-geo backtest rows: a panel's backtest stores, per origin, its total over geos (geo
-- NULL, as before) and one row per geo; a national backtest's rows keep geo NULL, as do the
-- rows stored by 0.5.0. One row per (backtest, origin, geo), the NULL geo counting as one.
ALTER TABLE mmm.backtest_folds ADD COLUMN geo text;
ALTER TABLE mmm.backtest_folds DROP CONSTRAINT backtest_folds_pkey;
ALTER TABLE mmm.backtest_folds ADD CONSTRAINT backtest_folds_backtest_id_date_geo_key
    UNIQUE NULLS NOT DISTINCT (backtest_id, date, geo);
COMMENT ON COLUMN mmm.backtest_folds.geo IS 'NULL: the origin''s total over every geo (or a national backtest''s row); else that geo''s part: its actual budget, its responses under the one plan over every geo, its holdout forecast and its allocation';
-- mmm_backtest returns a last geo column; mmm_plot_backtest takes a geo.
DROP FUNCTION mmm_backtest(regclass, text, text, text[], text[], jsonb, date, interval, interval, text, text);
DROP FUNCTION mmm_plot_backtest(bigint);
CREATE  FUNCTION "mmm_backtest"(
	"source" regclass, /* PgRelation */
	"date_column" TEXT, /* & str */
	"target_column" TEXT, /* & str */
	"channel_columns" TEXT[], /* Vec < String > */
	"control_columns" TEXT[] DEFAULT '{}', /* Vec < String > */
	"config" jsonb DEFAULT '{}', /* JsonB */
	"start" date DEFAULT NULL, /* Option < pgrx :: datum :: Date > */
	"refit_every" interval DEFAULT '6 months', /* Interval */
	"horizon" interval DEFAULT '6 months', /* Interval */
	"name" TEXT DEFAULT NULL, /* Option < & str > */
	"geo_column" TEXT DEFAULT NULL /* Option < & str > */
) RETURNS TABLE (
	"backtest_id" bigint,  /* i64 */
	"date" date,  /* pgrx :: datum :: Date */
	"train_weeks" INT,  /* i32 */
	"budget" double precision,  /* f64 */
	"equal_alloc" double precision,  /* f64 */
	"mmm_alloc" double precision,  /* f64 */
	"actual_alloc" double precision,  /* f64 */
	"percentage_gain" double precision,  /* f64 */
	"percentage_gain_vs_actual" double precision,  /* f64 */
	"holdout_mape" double precision,  /* f64 */
	"holdout_coverage" double precision,  /* f64 */
	"mmm_alloc_final" double precision,  /* f64 */
	"equal_alloc_final" double precision,  /* f64 */
	"model_id" bigint,  /* Option < i64 > */
	"allocation" jsonb,  /* JsonB */
	"geo" TEXT  /* Option < String > */
)
VOLATILE PARALLEL UNSAFE
LANGUAGE c /* Rust */
AS 'MODULE_PATHNAME', 'mmm_backtest_wrapper';
CREATE  FUNCTION "mmm_plot_backtest"(
	"backtest_id" bigint, /* i64 */
	"geo" TEXT DEFAULT NULL /* Option < & str > */
) RETURNS TEXT /* String */
STABLE PARALLEL SAFE
LANGUAGE c /* Rust */
AS 'MODULE_PATHNAME', 'mmm_plot_backtest_wrapper';
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

-- mmm_fit's new last arguments cost_calibration and cost_per_unit (a table of date, channel,
-- cost_per_unit), and mmm_cost_calibration.
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
	"cost_calibration" regclass DEFAULT NULL, /* Option < PgRelation > */
	"cost_per_unit" regclass DEFAULT NULL /* Option < PgRelation > */
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
-- 0.6.0, prior-only models: mmm_fit(..., config => '{"prior_only": true}') and mmm_prior_check.
ALTER TABLE mmm.models ADD COLUMN prior_only boolean NOT NULL DEFAULT false;
COMMENT ON COLUMN mmm.models.prior_only IS 'Whether the draws come from the priors alone (mmm_fit with "prior_only": true; status prior_only): never promoted; mmm_prior_check reads them';
CREATE  FUNCTION "mmm_prior_check"(
	"model" bigint, /* i64 */
	"hdi_prob" double precision DEFAULT 0.94 /* f64 */
) RETURNS TABLE (
	"quantity" TEXT,  /* String */
	"observed" double precision,  /* Option < f64 > */
	"lower" double precision,  /* f64 */
	"median" double precision,  /* f64 */
	"upper" double precision,  /* f64 */
	"ratio_to_observed" double precision,  /* f64 */
	"verdict" TEXT,  /* String */
	"geo" TEXT  /* Option < String > */
)
STRICT STABLE PARALLEL SAFE 
LANGUAGE c /* Rust */
AS 'MODULE_PATHNAME', 'mmm_prior_check_by_id_wrapper';

CREATE  FUNCTION "mmm_prior_check"(
	"model" TEXT, /* & str */
	"hdi_prob" double precision DEFAULT 0.94 /* f64 */
) RETURNS TABLE (
	"quantity" TEXT,  /* String */
	"observed" double precision,  /* Option < f64 > */
	"lower" double precision,  /* f64 */
	"median" double precision,  /* f64 */
	"upper" double precision,  /* f64 */
	"ratio_to_observed" double precision,  /* f64 */
	"verdict" TEXT,  /* String */
	"geo" TEXT  /* Option < String > */
)
STRICT STABLE PARALLEL SAFE 
LANGUAGE c /* Rust */
AS 'MODULE_PATHNAME', 'mmm_prior_check_by_name_wrapper';
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

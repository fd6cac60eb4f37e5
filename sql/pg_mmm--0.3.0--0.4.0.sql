\echo Use "ALTER EXTENSION pg_mmm UPDATE TO '0.4.0'" to load this file. \quit

-- 0.4.0, geo panels: a model fitted with mmm_fit(..., geo_column) records that column and its
-- geo labels (as text, in the model's order: sorted as PyMC-Marketing sorts them); its training
-- rows carry their geo, one row per (geo, date), NULL in a national model's rows, and so do
-- the draws of parameters with a geo dim (their coordinate is then the channel or control, NULL
-- for a parameter per geo only): geo labels are user text and stay in a column of their own.
-- Per-geo scales go into scales (geo_target, geo_channels).
ALTER TABLE mmm.models
    ADD COLUMN geo_column text,
    ADD COLUMN geos text[];
COMMENT ON COLUMN mmm.models.geo_column IS 'mmm_fit(..., geo_column): the source column naming each row''s geo (NULL for a national model)';
COMMENT ON COLUMN mmm.models.geos IS 'The geo labels of a panel model as text, in the model''s order (NULL for a national model)';
CREATE OR REPLACE VIEW mmm_models WITH (security_invoker = true) AS
SELECT id, name, version, status, owner, created_at, source, n_rows, first_date, last_date,
       max_r_hat, min_ess_bulk, divergences, fit_seconds, promoted, refit_of, verdict_reason,
       geo_column, geos
FROM mmm.models;
ALTER TABLE mmm.posterior_draws ADD COLUMN geo text;
COMMENT ON COLUMN mmm.posterior_draws.geo IS 'The element''s geo, for a parameter with a geo dim (NULL otherwise)';
ALTER TABLE mmm.posterior_draws DROP CONSTRAINT posterior_draws_model_id_parameter_coordinate_chain_key;
ALTER TABLE mmm.posterior_draws ADD CONSTRAINT posterior_draws_key UNIQUE NULLS NOT DISTINCT (model_id, parameter, geo, coordinate, chain);
CREATE OR REPLACE VIEW mmm.posterior WITH (security_invoker = true) AS
SELECT p.model_id, p.chain, (d.i - 1)::int AS draw, p.parameter, p.coordinate, d.value, p.geo
FROM mmm.posterior_draws p, unnest(p.draws) WITH ORDINALITY AS d(value, i);
ALTER TABLE mmm.model_data ADD COLUMN geo text;
COMMENT ON COLUMN mmm.model_data.geo IS 'The row''s geo of a panel model (NULL for a national model)';
ALTER TABLE mmm.model_data DROP CONSTRAINT model_data_pkey;
ALTER TABLE mmm.model_data ADD CONSTRAINT model_data_key UNIQUE NULLS NOT DISTINCT (model_id, geo, date);

-- mmm_fit gains geo_column; the read functions that answer per geo gain a geo column (a new
-- row type): dropped and created again.
DROP FUNCTION mmm_fit(regclass, text, text, text[], text[], jsonb, text);
DROP FUNCTION mmm_summary(bigint);
DROP FUNCTION mmm_summary(text);
DROP FUNCTION mmm_fit_metrics(bigint);
DROP FUNCTION mmm_fit_metrics(text);
DROP FUNCTION mmm_contributions(bigint, double precision);
DROP FUNCTION mmm_contributions(text, double precision);
DROP FUNCTION mmm_roas(bigint, double precision);
DROP FUNCTION mmm_roas(text, double precision);
DROP FUNCTION mmm_predict(bigint, regclass, double precision);
DROP FUNCTION mmm_predict(text, regclass, double precision);
CREATE  FUNCTION "mmm_contributions"(
	"model" bigint, /* i64 */
	"hdi_prob" double precision DEFAULT 0.94 /* f64 */
) RETURNS TABLE (
	"date" date,  /* pgrx :: datum :: Date */
	"component" TEXT,  /* String */
	"mean" double precision,  /* f64 */
	"hdi_lower" double precision,  /* f64 */
	"hdi_upper" double precision,  /* f64 */
	"geo" TEXT  /* Option < String > */
)
STRICT STABLE PARALLEL SAFE 
LANGUAGE c /* Rust */
AS 'MODULE_PATHNAME', 'mmm_contributions_by_id_wrapper';

CREATE  FUNCTION "mmm_contributions"(
	"model" TEXT, /* & str */
	"hdi_prob" double precision DEFAULT 0.94 /* f64 */
) RETURNS TABLE (
	"date" date,  /* pgrx :: datum :: Date */
	"component" TEXT,  /* String */
	"mean" double precision,  /* f64 */
	"hdi_lower" double precision,  /* f64 */
	"hdi_upper" double precision,  /* f64 */
	"geo" TEXT  /* Option < String > */
)
STRICT STABLE PARALLEL SAFE 
LANGUAGE c /* Rust */
AS 'MODULE_PATHNAME', 'mmm_contributions_by_name_wrapper';

CREATE  FUNCTION "mmm_fit"(
	"source" regclass, /* PgRelation */
	"date_column" TEXT, /* & str */
	"target_column" TEXT, /* & str */
	"channel_columns" TEXT[], /* Vec < String > */
	"control_columns" TEXT[] DEFAULT '{}', /* Vec < String > */
	"config" jsonb DEFAULT '{}', /* JsonB */
	"name" TEXT DEFAULT NULL, /* Option < & str > */
	"geo_column" TEXT DEFAULT NULL /* Option < & str > */
) RETURNS bigint /* i64 */
VOLATILE PARALLEL UNSAFE
LANGUAGE c /* Rust */
AS 'MODULE_PATHNAME', 'mmm_fit_wrapper';

CREATE  FUNCTION "mmm_fit_metrics"(
	"model" bigint /* i64 */
) RETURNS TABLE (
	"r2" double precision,  /* f64 */
	"mape" double precision,  /* f64 */
	"nrmse" double precision,  /* f64 */
	"max_r_hat" double precision,  /* Option < f64 > */
	"min_ess_bulk" double precision,  /* Option < f64 > */
	"divergences" INT,  /* Option < i32 > */
	"sampler" jsonb,  /* Option < JsonB > */
	"geo" TEXT  /* Option < String > */
)
STRICT STABLE PARALLEL SAFE 
LANGUAGE c /* Rust */
AS 'MODULE_PATHNAME', 'mmm_fit_metrics_by_id_wrapper';

CREATE  FUNCTION "mmm_fit_metrics"(
	"model" TEXT /* & str */
) RETURNS TABLE (
	"r2" double precision,  /* f64 */
	"mape" double precision,  /* f64 */
	"nrmse" double precision,  /* f64 */
	"max_r_hat" double precision,  /* Option < f64 > */
	"min_ess_bulk" double precision,  /* Option < f64 > */
	"divergences" INT,  /* Option < i32 > */
	"sampler" jsonb,  /* Option < JsonB > */
	"geo" TEXT  /* Option < String > */
)
STRICT STABLE PARALLEL SAFE 
LANGUAGE c /* Rust */
AS 'MODULE_PATHNAME', 'mmm_fit_metrics_by_name_wrapper';

CREATE  FUNCTION "mmm_predict"(
	"model" bigint, /* i64 */
	"future" regclass, /* PgRelation */
	"hdi_prob" double precision DEFAULT 0.94 /* f64 */
) RETURNS TABLE (
	"date" date,  /* pgrx :: datum :: Date */
	"mean" double precision,  /* f64 */
	"hdi_lower" double precision,  /* f64 */
	"hdi_upper" double precision,  /* f64 */
	"pred_lower" double precision,  /* f64 */
	"pred_upper" double precision,  /* f64 */
	"geo" TEXT  /* Option < String > */
)
STRICT STABLE PARALLEL SAFE 
LANGUAGE c /* Rust */
AS 'MODULE_PATHNAME', 'mmm_predict_by_id_wrapper';

CREATE  FUNCTION "mmm_predict"(
	"model" TEXT, /* & str */
	"future" regclass, /* PgRelation */
	"hdi_prob" double precision DEFAULT 0.94 /* f64 */
) RETURNS TABLE (
	"date" date,  /* pgrx :: datum :: Date */
	"mean" double precision,  /* f64 */
	"hdi_lower" double precision,  /* f64 */
	"hdi_upper" double precision,  /* f64 */
	"pred_lower" double precision,  /* f64 */
	"pred_upper" double precision,  /* f64 */
	"geo" TEXT  /* Option < String > */
)
STRICT STABLE PARALLEL SAFE 
LANGUAGE c /* Rust */
AS 'MODULE_PATHNAME', 'mmm_predict_by_name_wrapper';

CREATE  FUNCTION "mmm_roas"(
	"model" bigint, /* i64 */
	"hdi_prob" double precision DEFAULT 0.94 /* f64 */
) RETURNS TABLE (
	"channel" TEXT,  /* String */
	"spend" double precision,  /* f64 */
	"contribution" double precision,  /* f64 */
	"contribution_lower" double precision,  /* f64 */
	"contribution_upper" double precision,  /* f64 */
	"roas" double precision,  /* f64 */
	"roas_lower" double precision,  /* f64 */
	"roas_upper" double precision,  /* f64 */
	"geo" TEXT  /* Option < String > */
)
STRICT STABLE PARALLEL SAFE 
LANGUAGE c /* Rust */
AS 'MODULE_PATHNAME', 'mmm_roas_by_id_wrapper';

CREATE  FUNCTION "mmm_roas"(
	"model" TEXT, /* & str */
	"hdi_prob" double precision DEFAULT 0.94 /* f64 */
) RETURNS TABLE (
	"channel" TEXT,  /* String */
	"spend" double precision,  /* f64 */
	"contribution" double precision,  /* f64 */
	"contribution_lower" double precision,  /* f64 */
	"contribution_upper" double precision,  /* f64 */
	"roas" double precision,  /* f64 */
	"roas_lower" double precision,  /* f64 */
	"roas_upper" double precision,  /* f64 */
	"geo" TEXT  /* Option < String > */
)
STRICT STABLE PARALLEL SAFE 
LANGUAGE c /* Rust */
AS 'MODULE_PATHNAME', 'mmm_roas_by_name_wrapper';

CREATE  FUNCTION "mmm_summary"(
	"model" bigint /* i64 */
) RETURNS TABLE (
	"parameter" TEXT,  /* String */
	"coordinate" TEXT,  /* Option < String > */
	"mean" double precision,  /* f64 */
	"sd" double precision,  /* f64 */
	"hdi_3" double precision,  /* f64 */
	"hdi_97" double precision,  /* f64 */
	"mcse_mean" double precision,  /* f64 */
	"mcse_sd" double precision,  /* f64 */
	"ess_bulk" double precision,  /* f64 */
	"ess_tail" double precision,  /* f64 */
	"r_hat" double precision,  /* f64 */
	"geo" TEXT  /* Option < String > */
)
STRICT STABLE PARALLEL SAFE 
LANGUAGE c /* Rust */
AS 'MODULE_PATHNAME', 'mmm_summary_by_id_wrapper';

CREATE  FUNCTION "mmm_summary"(
	"model" TEXT /* & str */
) RETURNS TABLE (
	"parameter" TEXT,  /* String */
	"coordinate" TEXT,  /* Option < String > */
	"mean" double precision,  /* f64 */
	"sd" double precision,  /* f64 */
	"hdi_3" double precision,  /* f64 */
	"hdi_97" double precision,  /* f64 */
	"mcse_mean" double precision,  /* f64 */
	"mcse_sd" double precision,  /* f64 */
	"ess_bulk" double precision,  /* f64 */
	"ess_tail" double precision,  /* f64 */
	"r_hat" double precision,  /* f64 */
	"geo" TEXT  /* Option < String > */
)
STRICT STABLE PARALLEL SAFE 
LANGUAGE c /* Rust */
AS 'MODULE_PATHNAME', 'mmm_summary_by_name_wrapper';

-- The panel presets of the simulator.
CREATE  FUNCTION "mmm_simulate_panel"(
	"preset" TEXT DEFAULT 'geo_panel', /* & str */
	"seed" bigint DEFAULT 0, /* i64 */
	"geos" INT DEFAULT NULL, /* Option < i32 > */
	"weeks" INT DEFAULT NULL, /* Option < i32 > */
	"spec" jsonb DEFAULT NULL /* Option < JsonB > */
) RETURNS TABLE (
	"geo" TEXT,  /* String */
	"date" date,  /* pgrx :: datum :: Date */
	"y" double precision,  /* f64 */
	"spend" jsonb,  /* JsonB */
	"controls" jsonb,  /* JsonB */
	"contributions" jsonb  /* JsonB */
)
IMMUTABLE PARALLEL SAFE
LANGUAGE c /* Rust */
AS 'MODULE_PATHNAME', 'mmm_simulate_panel_wrapper';
-- 0.4.0, warm start: the adaptation column of sql/catalog.sql. Models of earlier releases have
-- none: a warm-started mmm_refit of them starts cold, with a NOTICE.
ALTER TABLE mmm.models ADD COLUMN adaptation jsonb;
COMMENT ON COLUMN mmm.models.adaptation IS 'Where each chain ended (step_size, inv_mass, position, unconstrained) and the parameters'' labels: what a warm-started mmm_refit of the next version begins from; NULL before 0.4.0';

-- 0.4.0, per-geo curves and pictures: mmm_response_curves and mmm_contribution_grid gain a
-- last geo column (a new row type), mmm_plot gains geo: dropped and created again.
DROP FUNCTION mmm_response_curves(bigint, text, double precision, integer, double precision);
DROP FUNCTION mmm_response_curves(text, text, double precision, integer, double precision);
DROP FUNCTION mmm_contribution_grid(bigint, double precision, double precision, integer, double precision);
DROP FUNCTION mmm_contribution_grid(text, double precision, double precision, integer, double precision);
DROP FUNCTION mmm_plot(bigint, text, double precision, integer, double precision);
DROP FUNCTION mmm_plot(text, text, double precision, integer, double precision);
CREATE  FUNCTION "mmm_response_curves"(
	"model" bigint, /* i64 */
	"channel" TEXT DEFAULT NULL, /* Option < & str > */
	"max_spend_multiplier" double precision DEFAULT 1.5, /* f64 */
	"points" INT DEFAULT 50, /* i32 */
	"hdi_prob" double precision DEFAULT 0.94 /* f64 */
) RETURNS TABLE (
	"channel" TEXT,  /* String */
	"spend" double precision,  /* f64 */
	"response" double precision,  /* f64 */
	"response_lower" double precision,  /* f64 */
	"response_upper" double precision,  /* f64 */
	"marginal_response" double precision,  /* f64 */
	"geo" TEXT  /* Option < String > */
)
STABLE PARALLEL SAFE 
LANGUAGE c /* Rust */
AS 'MODULE_PATHNAME', 'mmm_response_curves_by_id_wrapper';

CREATE  FUNCTION "mmm_response_curves"(
	"model" TEXT, /* & str */
	"channel" TEXT DEFAULT NULL, /* Option < & str > */
	"max_spend_multiplier" double precision DEFAULT 1.5, /* f64 */
	"points" INT DEFAULT 50, /* i32 */
	"hdi_prob" double precision DEFAULT 0.94 /* f64 */
) RETURNS TABLE (
	"channel" TEXT,  /* String */
	"spend" double precision,  /* f64 */
	"response" double precision,  /* f64 */
	"response_lower" double precision,  /* f64 */
	"response_upper" double precision,  /* f64 */
	"marginal_response" double precision,  /* f64 */
	"geo" TEXT  /* Option < String > */
)
STABLE PARALLEL SAFE 
LANGUAGE c /* Rust */
AS 'MODULE_PATHNAME', 'mmm_response_curves_by_name_wrapper';

CREATE  FUNCTION "mmm_contribution_grid"(
	"model" bigint, /* i64 */
	"start" double precision DEFAULT 0.0, /* f64 */
	"stop" double precision DEFAULT 1.5, /* f64 */
	"num" INT DEFAULT 16, /* i32 */
	"hdi_prob" double precision DEFAULT 0.94 /* f64 */
) RETURNS TABLE (
	"delta" double precision,  /* f64 */
	"channel" TEXT,  /* String */
	"spend" double precision,  /* f64 */
	"contribution" double precision,  /* f64 */
	"contribution_lower" double precision,  /* f64 */
	"contribution_upper" double precision,  /* f64 */
	"geo" TEXT  /* Option < String > */
)
STRICT STABLE PARALLEL SAFE 
LANGUAGE c /* Rust */
AS 'MODULE_PATHNAME', 'mmm_contribution_grid_by_id_wrapper';

CREATE  FUNCTION "mmm_contribution_grid"(
	"model" TEXT, /* & str */
	"start" double precision DEFAULT 0.0, /* f64 */
	"stop" double precision DEFAULT 1.5, /* f64 */
	"num" INT DEFAULT 16, /* i32 */
	"hdi_prob" double precision DEFAULT 0.94 /* f64 */
) RETURNS TABLE (
	"delta" double precision,  /* f64 */
	"channel" TEXT,  /* String */
	"spend" double precision,  /* f64 */
	"contribution" double precision,  /* f64 */
	"contribution_lower" double precision,  /* f64 */
	"contribution_upper" double precision,  /* f64 */
	"geo" TEXT  /* Option < String > */
)
STRICT STABLE PARALLEL SAFE 
LANGUAGE c /* Rust */
AS 'MODULE_PATHNAME', 'mmm_contribution_grid_by_name_wrapper';

CREATE  FUNCTION "mmm_plot"(
	"model" bigint, /* i64 */
	"kind" TEXT, /* & str */
	"budget" double precision DEFAULT NULL, /* Option < f64 > */
	"num_periods" INT DEFAULT 8, /* i32 */
	"hdi_prob" double precision DEFAULT 0.94, /* f64 */
	"geo" TEXT DEFAULT NULL /* Option < & str > */
) RETURNS TEXT /* String */
STABLE PARALLEL SAFE 
LANGUAGE c /* Rust */
AS 'MODULE_PATHNAME', 'mmm_plot_by_id_wrapper';

CREATE  FUNCTION "mmm_plot"(
	"model" TEXT, /* & str */
	"kind" TEXT, /* & str */
	"budget" double precision DEFAULT NULL, /* Option < f64 > */
	"num_periods" INT DEFAULT 8, /* i32 */
	"hdi_prob" double precision DEFAULT 0.94, /* f64 */
	"geo" TEXT DEFAULT NULL /* Option < & str > */
) RETURNS TEXT /* String */
STABLE PARALLEL SAFE 
LANGUAGE c /* Rust */
AS 'MODULE_PATHNAME', 'mmm_plot_by_name_wrapper';

-- 0.4.0, the budget optimizer for geo panels: mmm_optimize_budget, mmm_min_budget_for_target and
-- mmm_budget_scenarios answer per (geo, channel) cell with a geo column last (a new row type),
-- and mmm_optimize_budget gains geo_budgets (budget may then be NULL): dropped and created again.
DROP FUNCTION mmm_optimize_budget(bigint, double precision, integer, jsonb, text, jsonb, boolean, double precision);
DROP FUNCTION mmm_optimize_budget(text, double precision, integer, jsonb, text, jsonb, boolean, double precision);
DROP FUNCTION mmm_min_budget_for_target(bigint, double precision, integer, jsonb, double precision, boolean);
DROP FUNCTION mmm_min_budget_for_target(text, double precision, integer, jsonb, double precision, boolean);
DROP FUNCTION mmm_budget_scenarios(bigint, double precision[], integer, jsonb, double precision, boolean);
DROP FUNCTION mmm_budget_scenarios(text, double precision[], integer, jsonb, double precision, boolean);
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
	"response_upper" double precision,  /* f64 */
	"geo" TEXT  /* Option < String > */
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
	"response_upper" double precision,  /* f64 */
	"geo" TEXT  /* Option < String > */
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
	"response" double precision,  /* f64 */
	"geo" TEXT  /* Option < String > */
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
	"response" double precision,  /* f64 */
	"geo" TEXT  /* Option < String > */
)
STABLE PARALLEL SAFE 
LANGUAGE c /* Rust */
AS 'MODULE_PATHNAME', 'mmm_min_budget_for_target_by_name_wrapper';

CREATE  FUNCTION "mmm_optimize_budget"(
	"model" bigint, /* i64 */
	"budget" double precision, /* Option < f64 > */
	"num_periods" INT DEFAULT 8, /* i32 */
	"bounds" jsonb DEFAULT NULL, /* Option < JsonB > */
	"utility" TEXT DEFAULT 'mean', /* & str */
	"utility_params" jsonb DEFAULT '{}', /* JsonB */
	"carry_in" bool DEFAULT true, /* bool */
	"hdi_prob" double precision DEFAULT 0.94, /* f64 */
	"geo_budgets" jsonb DEFAULT NULL /* Option < JsonB > */
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
	"method" TEXT,  /* String */
	"geo" TEXT  /* Option < String > */
)
STABLE PARALLEL SAFE 
LANGUAGE c /* Rust */
AS 'MODULE_PATHNAME', 'mmm_optimize_budget_by_id_wrapper';

CREATE  FUNCTION "mmm_optimize_budget"(
	"model" TEXT, /* & str */
	"budget" double precision, /* Option < f64 > */
	"num_periods" INT DEFAULT 8, /* i32 */
	"bounds" jsonb DEFAULT NULL, /* Option < JsonB > */
	"utility" TEXT DEFAULT 'mean', /* & str */
	"utility_params" jsonb DEFAULT '{}', /* JsonB */
	"carry_in" bool DEFAULT true, /* bool */
	"hdi_prob" double precision DEFAULT 0.94, /* f64 */
	"geo_budgets" jsonb DEFAULT NULL /* Option < JsonB > */
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
	"method" TEXT,  /* String */
	"geo" TEXT  /* Option < String > */
)
STABLE PARALLEL SAFE 
LANGUAGE c /* Rust */
AS 'MODULE_PATHNAME', 'mmm_optimize_budget_by_name_wrapper';

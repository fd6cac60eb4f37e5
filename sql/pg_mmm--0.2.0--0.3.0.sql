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

-- Optimizer carry-in (issue #11 item 7): PyMC-Marketing 1.3's window. mmm_optimize_budget's
-- carry_in now defaults to true, and mmm_min_budget_for_target and mmm_budget_scenarios gain
-- carry_in (default true) as their last argument: dropped and created as a new install has them.
DROP FUNCTION mmm_optimize_budget(bigint, double precision, integer, jsonb, text, jsonb, boolean, double precision);
DROP FUNCTION mmm_optimize_budget(text, double precision, integer, jsonb, text, jsonb, boolean, double precision);
DROP FUNCTION mmm_min_budget_for_target(bigint, double precision, integer, jsonb, double precision);
DROP FUNCTION mmm_min_budget_for_target(text, double precision, integer, jsonb, double precision);
DROP FUNCTION mmm_budget_scenarios(bigint, double precision[], integer, jsonb, double precision);
DROP FUNCTION mmm_budget_scenarios(text, double precision[], integer, jsonb, double precision);
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
	"response_upper" double precision  /* f64 */
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
	"response_upper" double precision  /* f64 */
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
	"response" double precision  /* f64 */
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
	"response" double precision  /* f64 */
)
STABLE PARALLEL SAFE 
LANGUAGE c /* Rust */
AS 'MODULE_PATHNAME', 'mmm_min_budget_for_target_by_name_wrapper';

CREATE  FUNCTION "mmm_optimize_budget"(
	"model" bigint, /* i64 */
	"budget" double precision, /* f64 */
	"num_periods" INT DEFAULT 8, /* i32 */
	"bounds" jsonb DEFAULT NULL, /* Option < JsonB > */
	"utility" TEXT DEFAULT 'mean', /* & str */
	"utility_params" jsonb DEFAULT '{}', /* JsonB */
	"carry_in" bool DEFAULT true, /* bool */
	"hdi_prob" double precision DEFAULT 0.94 /* f64 */
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
	"method" TEXT  /* String */
)
STABLE PARALLEL SAFE 
LANGUAGE c /* Rust */
AS 'MODULE_PATHNAME', 'mmm_optimize_budget_by_id_wrapper';

CREATE  FUNCTION "mmm_optimize_budget"(
	"model" TEXT, /* & str */
	"budget" double precision, /* f64 */
	"num_periods" INT DEFAULT 8, /* i32 */
	"bounds" jsonb DEFAULT NULL, /* Option < JsonB > */
	"utility" TEXT DEFAULT 'mean', /* & str */
	"utility_params" jsonb DEFAULT '{}', /* JsonB */
	"carry_in" bool DEFAULT true, /* bool */
	"hdi_prob" double precision DEFAULT 0.94 /* f64 */
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
	"method" TEXT  /* String */
)
STABLE PARALLEL SAFE 
LANGUAGE c /* Rust */
AS 'MODULE_PATHNAME', 'mmm_optimize_budget_by_name_wrapper';
-- End of optimizer carry-in.

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

-- Monitoring: the table and view of sql/catalog.sql's monitoring block, then mmm_monitor.
-- Monitoring (mmm_monitor): one row per run, how a model's forecast held up against the weeks
-- of its source after its training weeks. Visible, like a model's rows, to whoever sees the
-- model; going with it when it is dropped.
CREATE TABLE mmm.monitor_runs (
    id         bigserial PRIMARY KEY,
    model_id   bigint NOT NULL REFERENCES mmm.models (id) ON DELETE CASCADE,
    at         timestamptz NOT NULL DEFAULT now(),
    source     text NOT NULL,
    first_date date NOT NULL,
    last_date  date NOT NULL,
    weeks      int NOT NULL,
    mape       float8 NOT NULL,
    coverage   float8 NOT NULL,
    verdict    text NOT NULL CHECK (verdict IN ('ok', 'drift')),
    reason     text,
    thresholds jsonb NOT NULL
);
CREATE INDEX ON mmm.monitor_runs (model_id, id);
COMMENT ON TABLE mmm.monitor_runs IS 'One row per mmm_monitor run: the weeks after training it checked, their MAPE and share inside the 94% predictive band, and the verdict (drift when a threshold was crossed, with the reason)';
SELECT pg_catalog.pg_extension_config_dump('mmm.monitor_runs', '');
SELECT pg_catalog.pg_extension_config_dump('mmm.monitor_runs_id_seq', '');
ALTER TABLE mmm.monitor_runs ENABLE ROW LEVEL SECURITY;
CREATE POLICY visible_model ON mmm.monitor_runs
    USING (EXISTS (SELECT 1 FROM mmm.models m WHERE m.id = model_id));
GRANT SELECT, INSERT, DELETE ON mmm.monitor_runs TO PUBLIC;
GRANT USAGE ON SEQUENCE mmm.monitor_runs_id_seq TO PUBLIC;

-- The latest version of each model name with its latest monitoring run (NULLs when never
-- monitored), so that an alert is one SELECT: WHERE verdict = 'drift'.
CREATE VIEW mmm_model_health WITH (security_invoker = true) AS
SELECT m.id AS model_id, m.name, m.version, m.owner, r.at AS monitored_at, r.source,
       r.first_date, r.last_date, r.weeks, r.mape, r.coverage, r.verdict, r.reason
FROM (SELECT DISTINCT ON (owner, name) id, name, version, owner
      FROM mmm.models ORDER BY owner, name, version DESC) m
LEFT JOIN LATERAL (SELECT * FROM mmm.monitor_runs r WHERE r.model_id = m.id
                   ORDER BY r.id DESC LIMIT 1) r ON true;
COMMENT ON VIEW mmm_model_health IS 'Each model name''s latest version with the verdict of its latest mmm_monitor run';
GRANT SELECT ON mmm_model_health TO PUBLIC;
CREATE FUNCTION "mmm_monitor"("model" bigint, "source" regclass DEFAULT NULL)
RETURNS TABLE ("date" date, "weeks" INT, "actual" double precision, "predicted" double precision,
               "pred_lower" double precision, "pred_upper" double precision, "mape" double precision,
               "coverage" double precision, "verdict" TEXT, "reason" TEXT)
VOLATILE PARALLEL UNSAFE LANGUAGE c AS 'MODULE_PATHNAME', 'mmm_monitor_by_id_wrapper';
CREATE FUNCTION "mmm_monitor"("model" TEXT, "source" regclass DEFAULT NULL)
RETURNS TABLE ("date" date, "weeks" INT, "actual" double precision, "predicted" double precision,
               "pred_lower" double precision, "pred_upper" double precision, "mape" double precision,
               "coverage" double precision, "verdict" TEXT, "reason" TEXT)
VOLATILE PARALLEL UNSAFE LANGUAGE c AS 'MODULE_PATHNAME', 'mmm_monitor_by_name_wrapper';

-- Model comparison: mmm_compare.
CREATE FUNCTION "mmm_compare"("models" bigint[])
RETURNS TABLE ("model_id" bigint, "name" TEXT, "version" INT, "rank" INT, "elpd_loo" double precision,
               "se" double precision, "p_loo" double precision, "pareto_k_bad" INT,
               "elpd_waic" double precision, "waic_se" double precision, "p_waic" double precision,
               "elpd_diff" double precision, "dse" double precision, "weight" double precision,
               "r2" double precision, "mape" double precision)
STRICT STABLE PARALLEL SAFE LANGUAGE c AS 'MODULE_PATHNAME', 'mmm_compare_wrapper';

\echo Use "ALTER EXTENSION pg_mmm UPDATE TO '0.3.0'" to load this file. \quit

-- 0.2.0 -> 0.3.0: the catalog of sql/catalog.sql and the functions added in 0.3.0.

-- Versions and promotion (mmm_set_policy, mmm_promote, mmm_rollback, mmm_refit), as in
-- sql/catalog.sql. Models of 0.2.0 count as promoted when their status was 'ok' (0.2.0's
-- gates: max r_hat <= 1.01 and no divergences): the latest such version of each name, promoted
-- as of its fit.
ALTER TABLE mmm.models
    ADD COLUMN promoted boolean NOT NULL DEFAULT false,
    ADD COLUMN promoted_at timestamptz,
    ADD COLUMN refit_of bigint,
    ADD COLUMN verdict_reason text;
COMMENT ON COLUMN mmm.models.status IS 'The policy''s verdict on the fit: ok (passed its health gates) or check_diagnostics';
COMMENT ON COLUMN mmm.models.promoted IS 'Whether reading the model by name means this version (at most one per owner and name)';
COMMENT ON COLUMN mmm.models.promoted_at IS 'When this version was last promoted; kept after a later version replaces it';
COMMENT ON COLUMN mmm.models.refit_of IS 'mmm_refit: the id of the version the refit started from (that version may since have been removed)';
COMMENT ON COLUMN mmm.models.verdict_reason IS 'Why status is what it is: each health gate''s figure against its bound';
UPDATE mmm.models m SET promoted = true, promoted_at = m.created_at
WHERE m.status = 'ok' AND NOT EXISTS (
    SELECT 1 FROM mmm.models n
    WHERE n.owner = m.owner AND n.name = m.name AND n.status = 'ok' AND n.version > m.version);
UPDATE mmm.models
SET verdict_reason = format('judged by pg_mmm %s on max r_hat <= 1.01 and no divergences: max r_hat %s, %s divergences',
                            engine_version, round(max_r_hat::numeric, 3), divergences);
CREATE UNIQUE INDEX models_promoted ON mmm.models (owner, name) WHERE promoted;
GRANT UPDATE (promoted, promoted_at) ON mmm.models TO PUBLIC;

CREATE TABLE mmm.policies (
    owner  name NOT NULL DEFAULT current_user,
    name   text NOT NULL,
    policy jsonb NOT NULL,
    PRIMARY KEY (owner, name)
);
COMMENT ON TABLE mmm.policies IS 'mmm_set_policy: per model name, the health gates a fit must pass to be promoted, how many versions to keep, and the monitor''s thresholds';
SELECT pg_catalog.pg_extension_config_dump('mmm.policies', '');
ALTER TABLE mmm.policies ENABLE ROW LEVEL SECURITY;
CREATE POLICY member_of_owner ON mmm.policies
    USING (pg_catalog.pg_has_role(owner, 'MEMBER'))
    WITH CHECK (owner = current_user);
GRANT SELECT, INSERT, UPDATE, DELETE ON mmm.policies TO PUBLIC;

CREATE OR REPLACE VIEW mmm_models WITH (security_invoker = true) AS
SELECT id, name, version, status, owner, created_at, source, n_rows, first_date, last_date,
       max_r_hat, min_ess_bulk, divergences, fit_seconds, promoted, refit_of, verdict_reason
FROM mmm.models;

-- The functions of versions, promotion and scheduled refits, as pgrx generates them.
CREATE FUNCTION "mmm_set_policy"(
	"name" TEXT, /* & str */
	"policy" jsonb /* JsonB */
) RETURNS jsonb /* JsonB */
STRICT VOLATILE PARALLEL UNSAFE
LANGUAGE c /* Rust */
AS 'MODULE_PATHNAME', 'mmm_set_policy_wrapper';

CREATE FUNCTION "mmm_promote"(
	"model" bigint /* i64 */
) RETURNS bigint /* i64 */
STRICT VOLATILE PARALLEL UNSAFE
LANGUAGE c /* Rust */
AS 'MODULE_PATHNAME', 'mmm_promote_wrapper';

CREATE FUNCTION "mmm_rollback"(
	"name" TEXT /* & str */
) RETURNS bigint /* i64 */
STRICT VOLATILE PARALLEL UNSAFE
LANGUAGE c /* Rust */
AS 'MODULE_PATHNAME', 'mmm_rollback_wrapper';

CREATE FUNCTION "mmm_refit"(
	"name" TEXT, /* & str */
	"through" date DEFAULT NULL, /* Option < pgrx :: datum :: Date > */
	"config" jsonb DEFAULT '{}' /* JsonB */
) RETURNS bigint /* i64 */
VOLATILE PARALLEL UNSAFE
LANGUAGE c /* Rust */
AS 'MODULE_PATHNAME', 'mmm_refit_wrapper';

CREATE FUNCTION "mmm_schedule_refit"(
	"name" TEXT, /* & str */
	"schedule" TEXT DEFAULT '0 3 * * 1' /* & str */
) RETURNS bigint /* i64 */
STRICT VOLATILE PARALLEL UNSAFE
LANGUAGE c /* Rust */
AS 'MODULE_PATHNAME', 'mmm_schedule_refit_wrapper';

CREATE FUNCTION "mmm_unschedule_refit"(
	"name" TEXT /* & str */
) RETURNS bool /* bool */
STRICT VOLATILE PARALLEL UNSAFE
LANGUAGE c /* Rust */
AS 'MODULE_PATHNAME', 'mmm_unschedule_refit_wrapper';

CREATE FUNCTION "mmm_refit_jobs"() RETURNS TABLE (
	"jobid" bigint,  /* i64 */
	"name" TEXT,  /* String */
	"schedule" TEXT,  /* String */
	"active" bool,  /* bool */
	"last_start" timestamp with time zone,  /* Option < TimestampWithTimeZone > */
	"last_end" timestamp with time zone,  /* Option < TimestampWithTimeZone > */
	"last_status" TEXT,  /* Option < String > */
	"last_message" TEXT,  /* Option < String > */
	"model_id" bigint  /* Option < i64 > */
)
STRICT STABLE PARALLEL SAFE
LANGUAGE c /* Rust */
AS 'MODULE_PATHNAME', 'mmm_refit_jobs_wrapper';

CREATE VIEW mmm_refit_jobs AS SELECT * FROM mmm_refit_jobs();
COMMENT ON VIEW mmm_refit_jobs IS 'Scheduled refits (pg_cron) with their last run and the model version it produced';
GRANT SELECT ON mmm_refit_jobs TO PUBLIC;

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

-- The version each model name reads (promoted, else latest) with its latest monitoring run (NULLs when never
-- monitored), so that an alert is one SELECT: WHERE verdict = 'drift'.
CREATE VIEW mmm_model_health WITH (security_invoker = true) AS
SELECT m.id AS model_id, m.name, m.version, m.owner, r.at AS monitored_at, r.source,
       r.first_date, r.last_date, r.weeks, r.mape, r.coverage, r.verdict, r.reason
FROM (SELECT DISTINCT ON (owner, name) id, name, version, owner
      FROM mmm.models ORDER BY owner, name, promoted DESC, version DESC) m
LEFT JOIN LATERAL (SELECT * FROM mmm.monitor_runs r WHERE r.model_id = m.id
                   ORDER BY r.id DESC LIMIT 1) r ON true;
COMMENT ON VIEW mmm_model_health IS 'Each model name''s promoted version (its latest while none is promoted) with the verdict of its latest mmm_monitor run';
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

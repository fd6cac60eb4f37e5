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

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

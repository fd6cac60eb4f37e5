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
-- mmm_fit takes events (a table of name, start_date, end_date) and lift_tests (a table of
-- channel, x, delta_x, delta_y, sigma) as its last arguments.
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
	"events" regclass DEFAULT NULL, /* Option < PgRelation > */
	"lift_tests" regclass DEFAULT NULL /* Option < PgRelation > */
) RETURNS bigint /* i64 */
VOLATILE PARALLEL UNSAFE
LANGUAGE c /* Rust */
AS 'MODULE_PATHNAME', 'mmm_fit_wrapper';
-- 0.5.0, backtests (mmm_backtest): one row per run with what was asked (spec) and the final
-- model fitted on every row, and one row per origin with the values of its plans. Visible to
-- the members of the run's owner, as models are; a fold's row goes with its run. Fold and final
-- models are versions of '<name>/backtest' (NULL ids once removed, or with keep_models false).
CREATE TABLE mmm.backtests (
    id             bigserial PRIMARY KEY,
    name           text NOT NULL,
    owner          name NOT NULL DEFAULT current_user,
    created_at     timestamptz NOT NULL DEFAULT now(),
    spec           jsonb NOT NULL,
    final_model_id bigint REFERENCES mmm.models (id) ON DELETE SET NULL
);
COMMENT ON TABLE mmm.backtests IS 'One row per mmm_backtest run: its arguments and config (spec) and the model fitted on every row (final_model_id)';
CREATE TABLE mmm.backtest_folds (
    backtest_id               bigint NOT NULL REFERENCES mmm.backtests ON DELETE CASCADE,
    date                      date NOT NULL,
    train_weeks               int,
    budget                    float8,
    equal_alloc               float8,
    mmm_alloc                 float8,
    actual_alloc              float8,
    percentage_gain           float8,
    percentage_gain_vs_actual float8,
    holdout_mape              float8,
    holdout_coverage          float8,
    mmm_alloc_final           float8,
    equal_alloc_final         float8,
    model_id                  bigint REFERENCES mmm.models (id) ON DELETE SET NULL,
    allocation                jsonb,
    mmm_alloc_lower           float8,
    mmm_alloc_upper           float8,
    equal_alloc_lower         float8,
    equal_alloc_upper         float8,
    horizon_weeks             int,
    PRIMARY KEY (backtest_id, date)
);
COMMENT ON TABLE mmm.backtest_folds IS 'One row per origin of a backtest: the horizon''s actual weekly budget, the expected response of the plan, the equal split and the actual spend under the fold''s model (and under the final model), and the holdout forecast''s MAPE and coverage';
COMMENT ON COLUMN mmm.backtest_folds.allocation IS 'The plan''s weekly budget per channel ({"tv": 1200.5}), per geo and channel for a panel ({"north": {"tv": 600.2}})';
COMMENT ON COLUMN mmm.backtest_folds.mmm_alloc_lower IS 'The plan''s expected response: lower end of its 94% band (mmm_alloc_upper the upper end; equal_alloc_lower/upper the equal split''s)';
SELECT pg_catalog.pg_extension_config_dump('mmm.backtests', '');
SELECT pg_catalog.pg_extension_config_dump('mmm.backtests_id_seq', '');
SELECT pg_catalog.pg_extension_config_dump('mmm.backtest_folds', '');
ALTER TABLE mmm.backtests ENABLE ROW LEVEL SECURITY;
ALTER TABLE mmm.backtest_folds ENABLE ROW LEVEL SECURITY;
CREATE POLICY member_of_owner ON mmm.backtests
    USING (pg_catalog.pg_has_role(owner, 'MEMBER'))
    WITH CHECK (owner = current_user);
CREATE POLICY visible_backtest ON mmm.backtest_folds
    USING (EXISTS (SELECT 1 FROM mmm.backtests b WHERE b.id = backtest_id));
GRANT SELECT, INSERT, DELETE ON mmm.backtests, mmm.backtest_folds TO PUBLIC;
GRANT USAGE ON SEQUENCE mmm.backtests_id_seq TO PUBLIC;

-- 0.5.0, backtests: mmm_backtest and mmm_plot_backtest.
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
	"allocation" jsonb  /* JsonB */
)
VOLATILE PARALLEL UNSAFE
LANGUAGE c /* Rust */
AS 'MODULE_PATHNAME', 'mmm_backtest_wrapper';
CREATE  FUNCTION "mmm_plot_backtest"(
	"backtest_id" bigint /* i64 */
) RETURNS TEXT /* String */
STRICT STABLE PARALLEL SAFE
LANGUAGE c /* Rust */
AS 'MODULE_PATHNAME', 'mmm_plot_backtest_wrapper';

-- 0.5.0, lift tests: the experiments of mmm_fit(..., lift_tests) each model was calibrated with,
-- numbered in the fit's order, so that mmm_lift_tests and mmm_refit use the same rows whatever
-- happens to the table they came from.
CREATE TABLE mmm.lift_tests (
    model_id   bigint NOT NULL REFERENCES mmm.models (id) ON DELETE CASCADE,
    row_number int NOT NULL,
    channel    text NOT NULL,
    geo        text,
    x          float8 NOT NULL,
    delta_x    float8 NOT NULL,
    delta_y    float8 NOT NULL,
    sigma      float8 NOT NULL,
    PRIMARY KEY (model_id, row_number)
);
COMMENT ON TABLE mmm.lift_tests IS 'The lift tests (channel, geo, spend x, its change delta_x, the measured lift delta_y and its standard error sigma, in original units) of each model fitted with mmm_fit(..., lift_tests)';
SELECT pg_catalog.pg_extension_config_dump('mmm.lift_tests', '');
ALTER TABLE mmm.lift_tests ENABLE ROW LEVEL SECURITY;
CREATE POLICY visible_model ON mmm.lift_tests
    USING (EXISTS (SELECT 1 FROM mmm.models m WHERE m.id = model_id));
GRANT SELECT, INSERT, DELETE ON mmm.lift_tests TO PUBLIC;
-- mmm_lift_tests: each lift test beside the model's estimated lift, by id or by name.
CREATE  FUNCTION "mmm_lift_tests"(
	"model" bigint, /* i64 */
	"hdi_prob" double precision DEFAULT 0.94 /* f64 */
) RETURNS TABLE (
	"channel" TEXT,  /* String */
	"x" double precision,  /* f64 */
	"delta_x" double precision,  /* f64 */
	"delta_y" double precision,  /* f64 */
	"sigma" double precision,  /* f64 */
	"estimated_lift" double precision,  /* f64 */
	"estimated_lift_lower" double precision,  /* f64 */
	"estimated_lift_upper" double precision,  /* f64 */
	"geo" TEXT  /* Option < String > */
)
STRICT STABLE PARALLEL SAFE 
LANGUAGE c /* Rust */
AS 'MODULE_PATHNAME', 'mmm_lift_tests_by_id_wrapper';

CREATE  FUNCTION "mmm_lift_tests"(
	"model" TEXT, /* & str */
	"hdi_prob" double precision DEFAULT 0.94 /* f64 */
) RETURNS TABLE (
	"channel" TEXT,  /* String */
	"x" double precision,  /* f64 */
	"delta_x" double precision,  /* f64 */
	"delta_y" double precision,  /* f64 */
	"sigma" double precision,  /* f64 */
	"estimated_lift" double precision,  /* f64 */
	"estimated_lift_lower" double precision,  /* f64 */
	"estimated_lift_upper" double precision,  /* f64 */
	"geo" TEXT  /* Option < String > */
)
STRICT STABLE PARALLEL SAFE 
LANGUAGE c /* Rust */
AS 'MODULE_PATHNAME', 'mmm_lift_tests_by_name_wrapper';

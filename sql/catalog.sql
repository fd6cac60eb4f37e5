-- The model catalog in schema mmm: fitted models, their posterior draws, and the exact rows
-- they were fitted on. The tables are extension configuration tables, so pg_dump keeps their
-- rows, and row-level security shows a role the models of the roles it is a member of.
-- Loaded first into the install script (src/sql/catalog.rs); an upgrade script in sql/ brings
-- every earlier release's catalog to this one.

CREATE SCHEMA mmm;
COMMENT ON SCHEMA mmm IS 'pg_mmm catalog: fitted models, posterior draws, training rows';

-- Columns added after 0.1.0 come last, so that an upgraded catalog and a new one are the same.
CREATE TABLE mmm.models (
    id              bigserial PRIMARY KEY,
    name            text NOT NULL,
    version         int NOT NULL,
    created_at      timestamptz NOT NULL DEFAULT now(),
    owner           name NOT NULL DEFAULT current_user,
    source          text NOT NULL,
    date_column     text NOT NULL,
    target_column   text NOT NULL,
    channel_columns text[] NOT NULL,
    control_columns text[] NOT NULL,
    spec            jsonb NOT NULL,
    priors          jsonb NOT NULL,
    scales          jsonb NOT NULL,
    first_date      date NOT NULL,
    last_date       date NOT NULL,
    n_rows          int NOT NULL,
    max_r_hat       float8,
    min_ess_bulk    float8,
    divergences     int,
    sampler         jsonb,
    fit_seconds     float8,
    status          text NOT NULL,
    spec_version    int NOT NULL,
    engine_version  text NOT NULL,
    group_key       text,
    arguments       jsonb,
    UNIQUE (owner, name, version)
);
COMMENT ON TABLE mmm.models IS 'One row per fitted model: what was asked (spec, priors), on what data, and how sampling went';
COMMENT ON COLUMN mmm.models.spec_version IS 'Version of the format of spec and priors, so that a later release reads them as written';
COMMENT ON COLUMN mmm.models.engine_version IS 'pg_mmm release that fitted the model';
COMMENT ON COLUMN mmm.models.group_key IS 'mmm_fit_agg: the group key the model was fitted for (NULL for mmm_fit)';
COMMENT ON COLUMN mmm.models.arguments IS 'mmm_fit_agg: the caller''s expression for each argument, where known (NULL for mmm_fit)';

-- One row per (model, parameter, coordinate, chain) with that chain's draws in draw order: a
-- model is tens of rows, not one per scalar per draw. The view mmm.posterior unnests them.
CREATE TABLE mmm.posterior_draws (
    model_id   bigint NOT NULL REFERENCES mmm.models (id) ON DELETE CASCADE,
    parameter  text NOT NULL,
    coordinate text,
    chain      int NOT NULL,
    draws      float8[] NOT NULL,
    UNIQUE NULLS NOT DISTINCT (model_id, parameter, coordinate, chain)
);
-- Doubles barely compress: store the arrays out of line without trying.
ALTER TABLE mmm.posterior_draws ALTER COLUMN draws SET STORAGE EXTERNAL;
COMMENT ON TABLE mmm.posterior_draws IS 'Posterior draws: one array per parameter, coordinate (NULL for a scalar) and chain, in the model''s units (scaled target and spend)';

CREATE TABLE mmm.model_data (
    model_id bigint NOT NULL REFERENCES mmm.models (id) ON DELETE CASCADE,
    date     date NOT NULL,
    target   float8 NOT NULL,
    channels float8[] NOT NULL,
    controls float8[] NOT NULL,
    PRIMARY KEY (model_id, date)
);
COMMENT ON TABLE mmm.model_data IS 'The exact training rows of each model, so its answers never depend on the source table';

SELECT pg_catalog.pg_extension_config_dump('mmm.models', '');
SELECT pg_catalog.pg_extension_config_dump('mmm.models_id_seq', '');
SELECT pg_catalog.pg_extension_config_dump('mmm.posterior_draws', '');
SELECT pg_catalog.pg_extension_config_dump('mmm.model_data', '');

ALTER TABLE mmm.models ENABLE ROW LEVEL SECURITY;
ALTER TABLE mmm.posterior_draws ENABLE ROW LEVEL SECURITY;
ALTER TABLE mmm.model_data ENABLE ROW LEVEL SECURITY;
CREATE POLICY member_of_owner ON mmm.models
    USING (pg_catalog.pg_has_role(owner, 'MEMBER'))
    WITH CHECK (owner = current_user);
CREATE POLICY visible_model ON mmm.posterior_draws
    USING (EXISTS (SELECT 1 FROM mmm.models m WHERE m.id = model_id));
CREATE POLICY visible_model ON mmm.model_data
    USING (EXISTS (SELECT 1 FROM mmm.models m WHERE m.id = model_id));

-- One row per scalar parameter per draw, as 0.1.0's table of that name, so queries such as
-- SELECT parameter, coordinate, avg(value) FROM mmm.posterior WHERE model_id = 1 GROUP BY 1, 2
-- keep working. security_invoker: the caller's row-level security applies.
CREATE VIEW mmm.posterior WITH (security_invoker = true) AS
SELECT p.model_id, p.chain, (d.i - 1)::int AS draw, p.parameter, p.coordinate, d.value
FROM mmm.posterior_draws p, unnest(p.draws) WITH ORDINALITY AS d(value, i);
COMMENT ON VIEW mmm.posterior IS 'Posterior draws, one row per scalar parameter per draw (mmm.posterior_draws unnested)';

GRANT USAGE ON SCHEMA mmm TO PUBLIC;
GRANT SELECT, INSERT, DELETE ON mmm.models, mmm.posterior_draws, mmm.model_data TO PUBLIC;
GRANT SELECT ON mmm.posterior TO PUBLIC;
GRANT USAGE ON SEQUENCE mmm.models_id_seq TO PUBLIC;

-- 0.3.0, versions and promotion: a name's promoted version is the one its name reads; a fit
-- is promoted when it passes its name's policy (mmm.policies), and a refit records the version
-- it started from. At most one promoted version per (owner, name).
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

CREATE VIEW mmm_models WITH (security_invoker = true) AS
SELECT id, name, version, status, owner, created_at, source, n_rows, first_date, last_date,
       max_r_hat, min_ess_bulk, divergences, fit_seconds, promoted, refit_of, verdict_reason
FROM mmm.models;
COMMENT ON VIEW mmm_models IS 'Fitted models visible to the current role, with headline diagnostics';
GRANT SELECT ON mmm_models TO PUBLIC;

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
-- 0.4.0, warm start: where each chain of a fit ended (adapted step size, diagonal of the
-- inverse mass matrix, last draw, all unconstrained) with the labels of its parameters, read by
-- mmm_refit(name, config => '{"warm_start": true}') of the next version. NULL for models of
-- earlier releases, which refit cold.
ALTER TABLE mmm.models ADD COLUMN adaptation jsonb;
COMMENT ON COLUMN mmm.models.adaptation IS 'Where each chain ended (step_size, inv_mass, position, unconstrained) and the parameters'' labels: what a warm-started mmm_refit of the next version begins from; NULL before 0.4.0';
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
-- A row may point only at models its role can see: foreign keys bypass row-level security, so
-- without these checks a role could store a run or fold naming another role's model id.
CREATE POLICY member_of_owner ON mmm.backtests
    USING (pg_catalog.pg_has_role(owner, 'MEMBER'))
    WITH CHECK (owner = current_user
                AND (final_model_id IS NULL OR EXISTS (SELECT 1 FROM mmm.models m WHERE m.id = final_model_id)));
CREATE POLICY visible_backtest ON mmm.backtest_folds
    USING (EXISTS (SELECT 1 FROM mmm.backtests b WHERE b.id = backtest_id))
    WITH CHECK (EXISTS (SELECT 1 FROM mmm.backtests b WHERE b.id = backtest_id)
                AND (model_id IS NULL OR EXISTS (SELECT 1 FROM mmm.models m WHERE m.id = model_id)));
GRANT SELECT, INSERT, DELETE ON mmm.backtests, mmm.backtest_folds TO PUBLIC;
GRANT USAGE ON SEQUENCE mmm.backtests_id_seq TO PUBLIC;

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

-- 0.6.0, per-geo backtest rows: a panel's backtest stores, per origin, its total over geos (geo
-- NULL, as before) and one row per geo; a national backtest's rows keep geo NULL, as do the
-- rows stored by 0.5.0. One row per (backtest, origin, geo), the NULL geo counting as one.
ALTER TABLE mmm.backtest_folds ADD COLUMN geo text;
ALTER TABLE mmm.backtest_folds DROP CONSTRAINT backtest_folds_pkey;
ALTER TABLE mmm.backtest_folds ADD CONSTRAINT backtest_folds_backtest_id_date_geo_key
    UNIQUE NULLS NOT DISTINCT (backtest_id, date, geo);
COMMENT ON COLUMN mmm.backtest_folds.geo IS 'NULL: the origin''s total over every geo (or a national backtest''s row); else that geo''s part: its actual budget, its responses under the one plan over every geo, its holdout forecast and its allocation';
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
-- 0.6.0, prior-only models: mmm_fit(..., config => '{"prior_only": true}') stores draws from the
-- priors alone (nothing fitted to the target) in the same tables as a fit's. Their status is
-- prior_only, they have no health figures, every read function and mmm_prior_check read them,
-- and they are never promoted nor refitted.
ALTER TABLE mmm.models ADD COLUMN prior_only boolean NOT NULL DEFAULT false;
COMMENT ON COLUMN mmm.models.prior_only IS 'Whether the draws come from the priors alone (mmm_fit with "prior_only": true; status prior_only): never promoted; mmm_prior_check reads them';
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
-- 0.7.0, lift tests with time-varying media: the training week whose media multiplier scales a
-- test's lift, from the lift tests table's optional date column (required when the model's media
-- varies over time, stored as given otherwise; NULL for tests without a date).
ALTER TABLE mmm.lift_tests ADD COLUMN date date;
COMMENT ON COLUMN mmm.lift_tests.date IS 'The training week the test ran in: with time_varying_media its lift is scaled by the media multiplier of that week (and geo); ignored otherwise';

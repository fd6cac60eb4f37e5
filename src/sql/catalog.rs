//! The model catalog in schema `mmm`: fitted models, their posterior draws as rows, and the
//! exact rows they were fitted on. Kept by pg_dump (`pg_extension_config_dump`) and guarded by
//! row-level security so that a role sees the models of the roles it is a member of.

use pgrx::prelude::*;

extension_sql!(
    r#"
CREATE SCHEMA mmm;
COMMENT ON SCHEMA mmm IS 'pg_mmm catalog: fitted models, posterior draws, training rows';

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
    UNIQUE (owner, name, version)
);
COMMENT ON TABLE mmm.models IS 'One row per fitted model: what was asked (spec, priors), on what data, and how sampling went';

CREATE TABLE mmm.posterior (
    model_id   bigint NOT NULL,
    chain      int NOT NULL,
    draw       int NOT NULL,
    parameter  text NOT NULL,
    coordinate text,
    value      float8 NOT NULL
);
-- A model's draws are inserted together, so a BRIN index finds them at almost no write cost.
CREATE INDEX posterior_model ON mmm.posterior USING brin (model_id) WITH (pages_per_range = 8);
COMMENT ON TABLE mmm.posterior IS 'Posterior draws: one row per scalar parameter per draw, in the model''s units (scaled target and spend)';

CREATE TABLE mmm.model_data (
    model_id bigint NOT NULL,
    date     date NOT NULL,
    target   float8 NOT NULL,
    channels float8[] NOT NULL,
    controls float8[] NOT NULL,
    PRIMARY KEY (model_id, date)
);
COMMENT ON TABLE mmm.model_data IS 'The exact training rows of each model, so its answers never depend on the source table';

SELECT pg_catalog.pg_extension_config_dump('mmm.models', '');
SELECT pg_catalog.pg_extension_config_dump('mmm.models_id_seq', '');
SELECT pg_catalog.pg_extension_config_dump('mmm.posterior', '');
SELECT pg_catalog.pg_extension_config_dump('mmm.model_data', '');

ALTER TABLE mmm.models ENABLE ROW LEVEL SECURITY;
ALTER TABLE mmm.posterior ENABLE ROW LEVEL SECURITY;
ALTER TABLE mmm.model_data ENABLE ROW LEVEL SECURITY;
CREATE POLICY member_of_owner ON mmm.models
    USING (pg_catalog.pg_has_role(owner, 'MEMBER'))
    WITH CHECK (owner = current_user);
CREATE POLICY visible_model ON mmm.posterior
    USING (EXISTS (SELECT 1 FROM mmm.models m WHERE m.id = model_id));
CREATE POLICY visible_model ON mmm.model_data
    USING (EXISTS (SELECT 1 FROM mmm.models m WHERE m.id = model_id));

GRANT USAGE ON SCHEMA mmm TO PUBLIC;
GRANT SELECT, INSERT, DELETE ON mmm.models, mmm.posterior, mmm.model_data TO PUBLIC;
GRANT USAGE ON SEQUENCE mmm.models_id_seq TO PUBLIC;

CREATE VIEW mmm_models WITH (security_invoker = true) AS
SELECT id, name, version, status, owner, created_at, source, n_rows, first_date, last_date,
       max_r_hat, min_ess_bulk, divergences, fit_seconds
FROM mmm.models;
COMMENT ON VIEW mmm_models IS 'Fitted models visible to the current role, with headline diagnostics';
GRANT SELECT ON mmm_models TO PUBLIC;
"#,
    name = "catalog",
    bootstrap
);

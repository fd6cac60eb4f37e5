\echo Use "ALTER EXTENSION pg_mmm UPDATE TO '0.2.0'" to load this file. \quit

-- 0.1.0 -> 0.2.0: the catalog of sql/catalog.sql. Every model keeps its answers: the draws move
-- into one array per (model, parameter, coordinate, chain), the training rows and the model
-- rows stay as they are, and the new columns record what 0.1.0 knew. The functions' SQL
-- signatures are unchanged.

-- Models: the format and release that wrote them, and the group of an mmm_fit_agg model (0.1.0
-- named it by the group key and recorded source 'mmm_fit_agg'; the caller's expressions were
-- not kept). Defaults fill the existing rows without rewriting them, then go: new models say
-- what wrote them.
ALTER TABLE mmm.models
    ADD COLUMN spec_version int NOT NULL DEFAULT 1,
    ADD COLUMN engine_version text NOT NULL DEFAULT '0.1.0',
    ADD COLUMN group_key text,
    ADD COLUMN arguments jsonb;
ALTER TABLE mmm.models ALTER COLUMN spec_version DROP DEFAULT, ALTER COLUMN engine_version DROP DEFAULT;
UPDATE mmm.models SET group_key = name WHERE source = 'mmm_fit_agg';
COMMENT ON COLUMN mmm.models.spec_version IS 'Version of the format of spec and priors, so that a later release reads them as written';
COMMENT ON COLUMN mmm.models.engine_version IS 'pg_mmm release that fitted the model';
COMMENT ON COLUMN mmm.models.group_key IS 'mmm_fit_agg: the group key the model was fitted for (NULL for mmm_fit)';
COMMENT ON COLUMN mmm.models.arguments IS 'mmm_fit_agg: the caller''s expression for each argument, where known (NULL for mmm_fit)';

-- 0.1.0 had no foreign keys: rows of a model deleted by hand are dropped, as the cascade would
-- have dropped them.
DELETE FROM mmm.model_data d WHERE NOT EXISTS (SELECT 1 FROM mmm.models m WHERE m.id = d.model_id);
ALTER TABLE mmm.model_data ADD FOREIGN KEY (model_id) REFERENCES mmm.models (id) ON DELETE CASCADE;

CREATE TABLE mmm.posterior_draws (
    model_id   bigint NOT NULL REFERENCES mmm.models (id) ON DELETE CASCADE,
    parameter  text NOT NULL,
    coordinate text,
    chain      int NOT NULL,
    draws      float8[] NOT NULL,
    UNIQUE NULLS NOT DISTINCT (model_id, parameter, coordinate, chain)
);
ALTER TABLE mmm.posterior_draws ALTER COLUMN draws SET STORAGE EXTERNAL;
COMMENT ON TABLE mmm.posterior_draws IS 'Posterior draws: one array per parameter, coordinate (NULL for a scalar) and chain, in the model''s units (scaled target and spend)';
INSERT INTO mmm.posterior_draws (model_id, parameter, coordinate, chain, draws)
SELECT p.model_id, p.parameter, p.coordinate, p.chain, array_agg(p.value ORDER BY p.draw)
FROM mmm.posterior p
WHERE EXISTS (SELECT 1 FROM mmm.models m WHERE m.id = p.model_id)
GROUP BY p.model_id, p.parameter, p.coordinate, p.chain;
-- Leaving the extension first also takes the table off its configuration tables, which a DROP
-- alone would leave behind.
ALTER EXTENSION pg_mmm DROP TABLE mmm.posterior;
DROP TABLE mmm.posterior;

SELECT pg_catalog.pg_extension_config_dump('mmm.posterior_draws', '');
ALTER TABLE mmm.posterior_draws ENABLE ROW LEVEL SECURITY;
CREATE POLICY visible_model ON mmm.posterior_draws
    USING (EXISTS (SELECT 1 FROM mmm.models m WHERE m.id = model_id));

CREATE VIEW mmm.posterior WITH (security_invoker = true) AS
SELECT p.model_id, p.chain, (d.i - 1)::int AS draw, p.parameter, p.coordinate, d.value
FROM mmm.posterior_draws p, unnest(p.draws) WITH ORDINALITY AS d(value, i);
COMMENT ON VIEW mmm.posterior IS 'Posterior draws, one row per scalar parameter per draw (mmm.posterior_draws unnested)';

GRANT SELECT, INSERT, DELETE ON mmm.posterior_draws TO PUBLIC;
GRANT SELECT ON mmm.posterior TO PUBLIC;

\echo Use "ALTER EXTENSION pg_mmm UPDATE TO '0.4.0'" to load this file. \quit

-- 0.4.0, warm start: the adaptation column of sql/catalog.sql. Models of earlier releases have
-- none: a warm-started mmm_refit of them starts cold, with a NOTICE.
ALTER TABLE mmm.models ADD COLUMN adaptation jsonb;
COMMENT ON COLUMN mmm.models.adaptation IS 'Where each chain ended (step_size, inv_mass, position, unconstrained) and the parameters'' labels: what a warm-started mmm_refit of the next version begins from; NULL before 0.4.0';

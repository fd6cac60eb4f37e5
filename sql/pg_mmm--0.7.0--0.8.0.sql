\echo Use "ALTER EXTENSION pg_mmm UPDATE TO '0.8.0'" to load this file. \quit

-- 0.8.0 changes no catalog object: the release's functions are those of 0.7.0 with stricter
-- checks of the calibration and cost tables' column types.

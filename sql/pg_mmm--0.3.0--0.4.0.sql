\echo Use "ALTER EXTENSION pg_mmm UPDATE TO '0.4.0'" to load this file. \quit

-- 0.3.0 -> 0.4.0: the catalog changes and functions added in 0.4.0.

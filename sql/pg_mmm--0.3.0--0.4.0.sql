\echo Use "ALTER EXTENSION pg_mmm UPDATE TO '0.4.0'" to load this file. \quit

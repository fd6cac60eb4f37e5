\echo Use "ALTER EXTENSION pg_mmm UPDATE TO '0.6.0'" to load this file. \quit

\echo Use "ALTER EXTENSION pg_mmm UPDATE TO '0.7.0'" to load this file. \quit

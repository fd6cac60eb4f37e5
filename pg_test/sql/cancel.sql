-- Cancellation everywhere: each function that can run long, given work no machine finishes
-- within a minute (the largest sizes the limits allow, on 5200 weeks of 10 channels with
-- l_max 520), under statement_timeout = '1s': it is cancelled (SQLSTATE 57014), no mmm.*
-- table changes, the session goes on, and it stopped well within 30 s (loose on purpose: the
-- check holds on a slow machine). The reads are bounded by their limits (docs/12-limits.md)
-- and checked with timeouts in their own tests.
CREATE EXTENSION IF NOT EXISTS pg_mmm;
\set VERBOSITY sqlstate
CREATE TABLE cx_big AS
SELECT '2000-01-03'::date + 7 * i AS week,
       100 + 10 * sin(i / 8.0) + (i % 13) AS sales,
       1 + (i * 3) % 17 AS x1, 1 + (i * 4) % 17 AS x2, 1 + (i * 5) % 17 AS x3, 1 + (i * 6) % 17 AS x4,
       1 + (i * 7) % 17 AS x5, 1 + (i * 8) % 17 AS x6, 1 + (i * 9) % 17 AS x7, 1 + (i * 10) % 17 AS x8,
       1 + (i * 11) % 17 AS x9, 1 + (i * 12) % 17 AS x10
FROM generate_series(0, 5199) i;
\set channels 'ARRAY[''x1'', ''x2'', ''x3'', ''x4'', ''x5'', ''x6'', ''x7'', ''x8'', ''x9'', ''x10'']'
\set huge '{"l_max": 520, "chains": 8, "tune": 100000, "draws": 100000, "seed": 1, "progress": false}'
-- A small model whose source then grows to the big table's weeks: its refit is as long.
CREATE TABLE cx_small AS SELECT * FROM cx_big WHERE week < '2000-01-03'::date + 7 * 150;
SELECT mmm_fit('cx_small', 'week', 'sales', ARRAY['x1'], name => 'cx_small',
               config => '{"chains": 1, "tune": 50, "draws": 20, "seed": 1, "progress": false}') > 0 AS fitted;
INSERT INTO cx_small SELECT * FROM cx_big WHERE week >= '2000-01-03'::date + 7 * 150;

-- Row counts of every mmm.* table, as one text.
CREATE FUNCTION cx_rows() RETURNS text LANGUAGE plpgsql AS $$
DECLARE
    r record;
    n bigint;
    counts text := '';
BEGIN
    FOR r IN SELECT c.oid::regclass AS rel FROM pg_class c JOIN pg_namespace s ON s.oid = c.relnamespace
             WHERE s.nspname = 'mmm' AND c.relkind = 'r' ORDER BY c.relname LOOP
        EXECUTE format('SELECT count(*) FROM %s', r.rel) INTO n;
        counts := counts || r.rel || '=' || n || ' ';
    END LOOP;
    RETURN counts;
END
$$;
SELECT cx_rows() AS rows_before \gset
-- The backend's resident memory (kB), before the cancelled calls and after them.
CREATE FUNCTION cx_rss() RETURNS bigint LANGUAGE sql
AS $$ SELECT substring(pg_read_file('/proc/self/status') FROM 'VmRSS:\s*(\d+) kB')::bigint $$;
SELECT cx_rss() AS rss_before \gset

SET statement_timeout = '1s';
SELECT clock_timestamp() AS t0 \gset
SELECT mmm_fit('cx_big', 'week', 'sales', :channels, config => :'huge', name => 'cx_fit');
SELECT clock_timestamp() - :'t0' < interval '30 s' AS fit_stopped, cx_rows() = :'rows_before' AS nothing_written;
SELECT clock_timestamp() AS t0 \gset
SELECT mmm_fit('cx_big', 'week', 'sales', :channels, name => 'cx_prior',
               config => '{"prior_only": true, "l_max": 520, "chains": 64, "draws": 15000, "seed": 1, "progress": false}');
SELECT clock_timestamp() - :'t0' < interval '30 s' AS prior_fit_stopped, cx_rows() = :'rows_before' AS nothing_written;
SELECT clock_timestamp() AS t0 \gset
SELECT mmm_fit_agg('cx_agg'::text, week, sales, ARRAY[x1, x2, x3, x4, x5, x6, x7, x8, x9, x10], ARRAY[]::float8[], :'huge')
FROM cx_big;
SELECT clock_timestamp() - :'t0' < interval '30 s' AS agg_stopped, cx_rows() = :'rows_before' AS nothing_written;
SELECT clock_timestamp() AS t0 \gset
SELECT mmm_refit('cx_small', config => :'huge');
SELECT clock_timestamp() - :'t0' < interval '30 s' AS refit_stopped, cx_rows() = :'rows_before' AS nothing_written;
SELECT clock_timestamp() AS t0 \gset
SELECT count(*) FROM mmm_backtest('cx_big', 'week', 'sales', :channels, config => :'huge', name => 'cx_bt',
                                  start => '2012-01-02', refit_every => '1 month', horizon => '4 weeks');
SELECT clock_timestamp() - :'t0' < interval '30 s' AS backtest_stopped, cx_rows() = :'rows_before' AS nothing_written;
RESET statement_timeout;
SELECT 1 AS still_usable;
-- What the cancelled calls allocated went back: the backend holds less than 128 MB more than
-- before them (31 MB more in one run; the draws of the 8-chain fit alone, had it finished,
-- would be over 200 MB).
SELECT cx_rss() - :rss_before < 131072 AS memory_returned;

SELECT mmm_drop_model('cx_small');
DROP FUNCTION cx_rows, cx_rss;
DROP TABLE cx_big, cx_small;

\echo Use "ALTER EXTENSION pg_mmm UPDATE TO '0.6.0'" to load this file. \quit

-- 0.6.0, per-geo backtest rows: a panel's backtest stores, per origin, its total over geos (geo
-- NULL, as before) and one row per geo; a national backtest's rows keep geo NULL, as do the
-- rows stored by 0.5.0. One row per (backtest, origin, geo), the NULL geo counting as one.
ALTER TABLE mmm.backtest_folds ADD COLUMN geo text;
ALTER TABLE mmm.backtest_folds DROP CONSTRAINT backtest_folds_pkey;
ALTER TABLE mmm.backtest_folds ADD CONSTRAINT backtest_folds_backtest_id_date_geo_key
    UNIQUE NULLS NOT DISTINCT (backtest_id, date, geo);
COMMENT ON COLUMN mmm.backtest_folds.geo IS 'NULL: the origin''s total over every geo (or a national backtest''s row); else that geo''s part: its actual budget, its responses under the one plan over every geo, its holdout forecast and its allocation';
-- mmm_backtest returns a last geo column; mmm_plot_backtest takes a geo.
DROP FUNCTION mmm_backtest(regclass, text, text, text[], text[], jsonb, date, interval, interval, text, text);
DROP FUNCTION mmm_plot_backtest(bigint);

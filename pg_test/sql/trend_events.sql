-- A linear trend with changepoints and events (mmm_fit(..., events)): the catalog rows, the
-- decomposition and prediction with both, a refit that keeps the events, and each bad events
-- row's ERROR with nothing written.
CREATE EXTENSION IF NOT EXISTS pg_mmm;
CREATE TABLE trend_shop AS
SELECT date AS week, y + 40 * row_number() OVER (ORDER BY date) AS sales,
       (spend ->> 'tv')::float8 AS tv, (spend ->> 'social')::float8 AS social
FROM mmm_simulate('tv_social_search', seed => 7);
CREATE TABLE trend_training AS SELECT * FROM trend_shop WHERE week < (SELECT max(week) - 42 FROM trend_shop);
CREATE TABLE trend_next AS SELECT week, tv, social FROM trend_shop WHERE week >= (SELECT max(week) - 42 FROM trend_shop);
CREATE TABLE promos (name text, start_date date, end_date date);
INSERT INTO promos
SELECT 'spring_sale', min(week) + 70, min(week) + 73 FROM trend_training
UNION ALL SELECT 'black_friday', max(week) + 10, max(week) + 12 FROM trend_training;
\set config '{"trend": {"changepoints": 4}, "chains": 2, "tune": 200, "draws": 80, "seed": 3, "progress": false}'

SELECT mmm_fit('trend_training', 'week', 'sales', ARRAY['tv', 'social'], config => :'config',
               name => 'trend_shop', events => 'promos') AS model_id \gset
SELECT e.name, e.start_date - m.first_date AS starts_day, e.end_date - e.start_date AS days
FROM mmm.model_events e JOIN mmm.models m ON m.id = e.model_id WHERE e.model_id = :model_id ORDER BY e.name;
SELECT spec -> 'trend' AS trend, spec ? 'events' AS events_in_spec FROM mmm.models WHERE id = :model_id;
SELECT parameter, count(*) AS elements, string_agg(coordinate, ',' ORDER BY coordinate) AS coordinates
FROM mmm_summary(:model_id) WHERE parameter ~ '^(trend|event)' GROUP BY parameter ORDER BY parameter;

-- Both in the decomposition, every week; the components still add up to the fitted mean.
SELECT component, count(*) AS weeks FROM mmm_contributions(:model_id) GROUP BY component ORDER BY component;
SELECT avg(abs(c.fitted - s.sales) / s.sales) < 0.1 AS fitted_close_to_target
FROM (SELECT date, sum(mean) AS fitted FROM mmm_contributions(:model_id) GROUP BY date) c
JOIN trend_training s ON s.week = c.date;
-- The upward trend is found: its last training week is above its first.
SELECT (SELECT mean FROM mmm_contributions(:model_id) WHERE component = 'trend' ORDER BY date DESC LIMIT 1)
     > (SELECT mean FROM mmm_contributions(:model_id) WHERE component = 'trend' ORDER BY date LIMIT 1) AS trend_rises;

-- Prediction continues the trend past the training weeks and includes the later event.
SELECT count(*) AS weeks, bool_and(hdi_lower <= mean AND mean <= hdi_upper) AS banded,
       avg(abs(p.mean - s.sales) / s.sales) < 0.15 AS close_to_actual
FROM mmm_predict(:model_id, 'trend_next') p JOIN trend_shop s ON s.week = p.date;

-- A refit fits the stored events again, whatever the table holds now.
DELETE FROM promos WHERE name = 'spring_sale';
SELECT mmm_refit('trend_shop', config => '{"draws": 40, "progress": false}') AS refit_id \gset
SELECT count(*) AS events, string_agg(name, ',' ORDER BY name) AS names
FROM mmm.model_events WHERE model_id = :refit_id;
SELECT count(DISTINCT component) FILTER (WHERE component IN ('trend', 'events')) AS both_components
FROM mmm_contributions(:refit_id);

-- Bad rows: an ERROR naming the row, nothing written.
SELECT (SELECT count(*) FROM mmm.models) AS models_before, (SELECT count(*) FROM mmm.model_events) AS events_before \gset
CREATE TABLE bad_promos (LIKE promos);
INSERT INTO bad_promos VALUES ('ok', '2024-01-01', '2024-01-03'), (NULL, '2024-02-01', '2024-02-02');
SELECT mmm_fit('trend_training', 'week', 'sales', ARRAY['tv', 'social'], config => :'config', events => 'bad_promos');
UPDATE bad_promos SET name = 'late', start_date = NULL WHERE name IS NULL;
SELECT mmm_fit('trend_training', 'week', 'sales', ARRAY['tv', 'social'], config => :'config', events => 'bad_promos');
UPDATE bad_promos SET start_date = '2024-02-05' WHERE name = 'late';
SELECT mmm_fit('trend_training', 'week', 'sales', ARRAY['tv', 'social'], config => :'config', events => 'bad_promos');
UPDATE bad_promos SET end_date = 'infinity' WHERE name = 'late';
SELECT mmm_fit('trend_training', 'week', 'sales', ARRAY['tv', 'social'], config => :'config', events => 'bad_promos');
UPDATE bad_promos SET start_date = '-infinity', end_date = '2024-02-06' WHERE name = 'late';
SELECT mmm_fit('trend_training', 'week', 'sales', ARRAY['tv', 'social'], config => :'config', events => 'bad_promos');
UPDATE bad_promos SET start_date = '2024-01-02', end_date = '2024-01-09', name = 'ok' WHERE name = 'late';
SELECT mmm_fit('trend_training', 'week', 'sales', ARRAY['tv', 'social'], config => :'config', events => 'bad_promos');
CREATE TABLE promo_days (name text, start_date date);
SELECT mmm_fit('trend_training', 'week', 'sales', ARRAY['tv', 'social'], config => :'config', events => 'promo_days');
SELECT mmm_fit('trend_training', 'week', 'sales', ARRAY['tv', 'social'], config => '{"trend": {"changepoints": 0}}');
SELECT mmm_fit('trend_training', 'week', 'sales', ARRAY['tv', 'social'],
               config => '{"priors": {"event_sigma": {"dist": "Gamma", "mu": 7, "sigma": 1}}}');
SELECT count(*) = :models_before AND (SELECT count(*) FROM mmm.model_events) = :events_before AS nothing_written
FROM mmm.models;

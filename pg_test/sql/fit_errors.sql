-- Bad input to mmm_fit and the read functions: an ERROR naming the column or argument, and
-- nothing written.
CREATE EXTENSION IF NOT EXISTS pg_mmm;
CREATE TABLE good AS
SELECT date AS week, y AS sales, (spend ->> 'x1')::float8 AS x1, (spend ->> 'x2')::float8 AS x2,
       'text' AS label
FROM mmm_simulate('example', seed => 5);
\set short '{"chains": 1, "tune": 50, "draws": 20, "seed": 1, "progress": false}'
SELECT count(*) AS models_before FROM mmm.models \gset

SELECT mmm_fit('missing_table', 'week', 'sales', ARRAY['x1']);
SELECT mmm_fit('good', 'week', 'sales', ARRAY['x9']);
SELECT mmm_fit('good', 'day', 'sales', ARRAY['x1']);
SELECT mmm_fit('good', 'week', 'label', ARRAY['x1']);
SELECT mmm_fit('good', 'sales', 'sales', ARRAY['x1']);
SELECT mmm_fit('good', 'week', 'sales', ARRAY[]::text[]);
SELECT mmm_fit('good', 'week', 'sales', ARRAY['x1'], config => '[1, 2]');
SELECT mmm_fit('good', 'week', 'sales', ARRAY['x1'], config => '{"l_maxx": 8}');
SELECT mmm_fit('good', 'week', 'sales', ARRAY['x1'], config => '{"l_max": "eight"}');
SELECT mmm_fit('good', 'week', 'sales', ARRAY['x1'], config => '{"target_accept": 1.5}');
SELECT mmm_fit('good', 'week', 'sales', ARRAY['x1'], config => '{"progress": "yes"}');
SELECT mmm_fit('good', 'week', 'sales', ARRAY['x1'], config => '{"priors": {"saturation_beta": {"dist": "HalfNormal", "sigma": -1}}}');
SELECT mmm_fit('good', 'week', 'sales', ARRAY['x1'], config => '{"priors": {"saturation_gamma": {"dist": "HalfNormal", "sigma": 1}}}');
SELECT mmm_fit('good', 'week', 'sales', ARRAY['x1'], config => '{"priors": {"adstock_alpha": {"dist": "Normal", "mu": 0, "sigma": 1}}}');
-- A column named twice or in two parts, and the aggregate's keys for naming array elements,
-- are refused before anything is read or fitted.
SELECT mmm_fit('good', 'week', 'sales', ARRAY['x1', 'x1'], config => :'short');
SELECT mmm_fit('good', 'week', 'sales', ARRAY['x1'], ARRAY['x2', 'x1'], config => :'short');
SELECT mmm_fit('good', 'week', 'sales', ARRAY['x1', 'sales'], config => :'short');
SELECT mmm_fit('good', 'week', 'sales', ARRAY['x1'], config => '{"channel_names": ["tv"], "chains": 1, "tune": 50, "draws": 20, "seed": 1, "progress": false}');
SELECT mmm_fit('good', 'week', 'sales', ARRAY['x1'], config => '{"control_names": [], "chains": 1, "tune": 50, "draws": 20, "seed": 1, "progress": false}');

-- Data problems, each on a copy of the good table.
CREATE TABLE bad AS SELECT * FROM good;
UPDATE bad SET x1 = NULL WHERE week = (SELECT min(week) + 14 FROM bad);
SELECT mmm_fit('bad', 'week', 'sales', ARRAY['x1'], config => :'short');
UPDATE bad SET x1 = -1 WHERE x1 IS NULL;
SELECT mmm_fit('bad', 'week', 'sales', ARRAY['x1'], config => :'short');
UPDATE bad SET x1 = 'NaN' WHERE x1 = -1;
SELECT mmm_fit('bad', 'week', 'sales', ARRAY['x1'], config => :'short');
TRUNCATE bad; INSERT INTO bad SELECT * FROM good UNION ALL (SELECT * FROM good LIMIT 1);
SELECT mmm_fit('bad', 'week', 'sales', ARRAY['x1'], config => :'short');
TRUNCATE bad; INSERT INTO bad SELECT * FROM good WHERE week <> (SELECT min(week) + 21 FROM good);
SELECT mmm_fit('bad', 'week', 'sales', ARRAY['x1'], config => :'short');
TRUNCATE bad; INSERT INTO bad SELECT * FROM good ORDER BY week LIMIT 6;
SELECT mmm_fit('bad', 'week', 'sales', ARRAY['x1'], config => :'short');
TRUNCATE bad; INSERT INTO bad SELECT week, 100, x1, x2, label FROM good;
SELECT mmm_fit('bad', 'week', 'sales', ARRAY['x1'], config => :'short');
TRUNCATE bad; INSERT INTO bad SELECT week, sales, 0, x2, label FROM good;
SELECT mmm_fit('bad', 'week', 'sales', ARRAY['x1'], config => :'short');
SELECT count(*) = :models_before AS nothing_written FROM mmm.models;

-- Unknown models and bad read arguments.
SELECT * FROM mmm_summary(12345);
SELECT * FROM mmm_summary('no_such_model');
SELECT mmm_fit('good', 'week', 'sales', ARRAY['x1', 'x2'], config => :'short', name => 'ok') > 0 AS fitted;
SELECT * FROM mmm_contributions('ok', hdi_prob => 1.5);
SELECT * FROM mmm_roas('ok', hdi_prob => 0);
SELECT * FROM mmm_predict('ok', 'good');
CREATE TABLE gap AS SELECT week + 14 * 179 AS week, x1, x2 FROM good LIMIT 2;
SELECT * FROM mmm_predict('ok', 'gap');
SELECT * FROM mmm_simulate('nonsense');
SELECT * FROM mmm_simulate(spec => '{"weeks": 10}');

-- A fit that runs past statement_timeout is cancelled, writes nothing, and the session goes on.
SET statement_timeout = '300ms';
SELECT mmm_fit('good', 'week', 'sales', ARRAY['x1'], config => '{"tune": 100000, "progress": false}');
RESET statement_timeout;
SELECT count(*) = :models_before + 1 AS nothing_written FROM mmm.models;
SELECT 1 AS still_usable;

-- Privileges: a role reads only what it may, and sees only its own models.
CREATE ROLE mmm_analyst;
GRANT SELECT ON good TO mmm_analyst;
CREATE TABLE secret AS SELECT * FROM good;
SET ROLE mmm_analyst;
SELECT mmm_fit('secret', 'week', 'sales', ARRAY['x1'], config => :'short');
SELECT count(*) AS visible_models FROM mmm_models;
SELECT * FROM mmm_summary('ok');
SELECT mmm_drop_model('ok');
SELECT mmm_fit('good', 'week', 'sales', ARRAY['x1'], config => :'short', name => 'mine') > 0 AS fitted;
SELECT name, owner FROM mmm_models;
RESET ROLE;
SELECT name, owner FROM mmm_models WHERE name IN ('mine', 'ok') ORDER BY name;
SELECT mmm_drop_model('mine'), mmm_drop_model('ok');
DROP TABLE secret;
REVOKE ALL ON good FROM mmm_analyst;
DROP ROLE mmm_analyst;

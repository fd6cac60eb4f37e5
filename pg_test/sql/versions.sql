-- Versions of a name: promotion by the policy's health gates, reading by name, mmm_promote,
-- mmm_rollback, retention, policy errors, and mmm_refit with its errors.
CREATE EXTENSION IF NOT EXISTS pg_mmm;
CREATE TABLE sales_v AS
SELECT date AS week, y AS sales, (spend ->> 'tv')::float8 AS tv, (spend ->> 'social')::float8 AS social
FROM mmm_simulate('tv_social_search', seed => 3);
\set tiny '{"chains": 2, "tune": 100, "draws": 100, "seed": 1, "progress": false}'
\set quiet '{"progress": false}'
-- Gates every tiny fit passes, and gates none can pass (a bulk ESS of a billion).
\set lax '{"max_r_hat": 10, "max_divergences": 1000, "min_ess_bulk": 0}'
\set strict '{"min_ess_bulk": 1e9}'

-- Policy errors name the key.
SELECT mmm_set_policy('v', '[1]');
SELECT mmm_set_policy('v', '{"max_rhat": 1.05}');
SELECT mmm_set_policy('v', '{"max_r_hat": 0.9}');
SELECT mmm_set_policy('v', '{"max_divergences": 1.5}');
SELECT mmm_set_policy('v', '{"min_ess_bulk": "many"}');
SELECT mmm_set_policy('v', '{"keep_versions": 0}');
SELECT mmm_set_policy('v', '{"monitor": 3}');
SELECT mmm_set_policy('v', '{"monitor": {"mape": 0.2, "bias": 1}}');
SELECT mmm_set_policy('v', '{"monitor": {"coverage": 1.5}}');
SELECT mmm_set_policy('v', :'lax');

-- Version 1 passes the lax gates and is promoted; version 2, under the strict gates, is not.
SELECT mmm_fit('sales_v', 'week', 'sales', ARRAY['tv', 'social'], config => :'tiny', name => 'v') AS v1 \gset
SELECT mmm_set_policy('v', :'strict');
SELECT mmm_fit('sales_v', 'week', 'sales', ARRAY['tv', 'social'], config => :'tiny', name => 'v') AS v2 \gset
SELECT version, status, promoted, promoted_at IS NOT NULL AS was_promoted, refit_of,
       verdict_reason ~ '^max r_hat [0-9.]+ <= 10, [0-9]+ divergences <= 1000, min bulk ESS [0-9]+ >= 0$' AS passed_reason,
       verdict_reason ~ 'min bulk ESS [0-9]+ < 1000000000$' AS failed_reason
FROM mmm.models WHERE name = 'v' ORDER BY version;
-- The name reads the promoted version 1, not the newer version 2.
SELECT (SELECT mean FROM mmm_summary('v') WHERE parameter = 'intercept')
     = (SELECT mean FROM mmm_summary(:v1) WHERE parameter = 'intercept') AS reads_promoted;

-- By hand: promote version 2; roll back to version 1 (promoted before); nothing older is left.
SELECT mmm_promote(:v2) = :v2 AS promoted_v2;
SELECT version, promoted FROM mmm_models WHERE name = 'v' ORDER BY version;
SELECT mmm_rollback('v') = :v1 AS rolled_back_to_v1;
SELECT version, promoted FROM mmm_models WHERE name = 'v' ORDER BY version;
SELECT mmm_rollback('v');
SELECT mmm_rollback('nothing_promoted');
SELECT mmm_promote(-1);
-- At most one promoted version per name, whatever writes the catalog.
UPDATE mmm.models SET promoted = true WHERE name = 'v';

-- mmm_refit: the promoted version's specification on the source's rows up to a date.
SELECT mmm_set_policy('v', :'lax');
SELECT mmm_refit('v', through => (SELECT min(week) + 7 * 99 FROM sales_v), config => :'quiet') AS v3 \gset
SELECT version, n_rows, last_date, refit_of = :v1 AS refit_of_v1, promoted, source,
       spec - 'priors' = (SELECT spec - 'priors' FROM mmm.models WHERE id = :v1) AS same_spec,
       priors = (SELECT priors FROM mmm.models WHERE id = :v1) AS same_priors
FROM mmm.models WHERE id = :v3;
-- config replaces stored keys; the name now reads version 3.
SELECT mmm_refit('v', config => '{"draws": 60, "progress": false}') AS v4 \gset
SELECT (spec ->> 'draws')::int AS draws, (spec ->> 'chains')::int AS chains, n_rows, refit_of = :v3 AS refit_of_v3
FROM mmm.models WHERE id = :v4;

-- Retention: keep the newest 2 versions, and the promoted one besides (version 4).
SELECT mmm_set_policy('v', '{"min_ess_bulk": 1e9, "keep_versions": 2}');
SELECT mmm_refit('v', config => :'quiet') > 0 AS refitted;
SELECT mmm_refit('v', config => :'quiet') > 0 AS refitted;
SELECT version, status, promoted FROM mmm_models WHERE name = 'v' ORDER BY version;

-- Refit errors: an unknown name, a bad config, an aggregate's model, a dropped source; none
-- writes a version.
SELECT g, mmm_fit_agg(g, week, sales, ARRAY[tv], ARRAY[]::float8[], '{"chains": 1, "tune": 50, "draws": 20, "seed": 1, "progress": false}') > 0 AS fitted
FROM (SELECT 'agg_v' AS g, * FROM sales_v) s GROUP BY g;
SELECT count(*) AS models_before FROM mmm.models \gset
SELECT mmm_refit('no_such_model');
SELECT mmm_refit('v', config => '{"tune": -1}');
SELECT mmm_refit('v', config => '{"priors": 1}');
SELECT mmm_refit('v', through => '1990-01-01');
SELECT mmm_refit('agg_v');
DROP TABLE sales_v;
SELECT mmm_refit('v');
SELECT count(*) - :models_before AS new_models FROM mmm.models;

-- Without pg_cron preloaded (this cluster), scheduling says how to set it up.
SELECT mmm_schedule_refit('v');
SELECT * FROM mmm_refit_jobs;

SELECT mmm_drop_model(id) FROM mmm_models WHERE name IN ('v', 'agg_v') ORDER BY id;
-- Dropping a name's last version keeps its policy, on purpose: it judges the name's next fit.
SELECT count(*) AS versions_left FROM mmm_models WHERE name = 'v';
SELECT policy FROM mmm.policies WHERE name = 'v';
DELETE FROM mmm.policies WHERE name = 'v';

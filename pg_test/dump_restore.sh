#!/usr/bin/env bash
# pg_dump of a database with a fitted model, restored into a new database, gives the same
# answers, draws, promotion and policies: the catalog tables are extension configuration tables, so their rows are
# dumped, in an order their foreign keys accept.
# Runs against the cluster in PGHOST/PGPORT (scripts/test starts one).
set -euo pipefail
createdb mmm_dump_source
createdb mmm_dump_target
trap 'dropdb --if-exists mmm_dump_source; dropdb --if-exists mmm_dump_target' EXIT
psql -X -q -v ON_ERROR_STOP=1 -d mmm_dump_source <<'SQL'
CREATE EXTENSION pg_mmm;
CREATE TABLE weekly AS
SELECT date AS week, y AS sales, (spend ->> 'tv')::float8 AS tv, (spend ->> 'social')::float8 AS social
FROM mmm_simulate('tv_social_search', seed => 9);
SELECT mmm_set_policy('kept', '{"max_r_hat": 10, "max_divergences": 1000, "min_ess_bulk": 0, "keep_versions": 5}') AS policy \gset
SELECT mmm_fit('weekly', 'week', 'sales', ARRAY['tv', 'social'],
               config => '{"chains": 2, "tune": 200, "draws": 100, "seed": 3, "progress": false}', name => 'kept') \gset
SQL
pg_dump -d mmm_dump_source -Fc -f "${TMPDIR:-/tmp}/mmm_dump.$$"
pg_restore -d mmm_dump_target --exit-on-error "${TMPDIR:-/tmp}/mmm_dump.$$"
rm -f "${TMPDIR:-/tmp}/mmm_dump.$$"
answers="SELECT * FROM mmm_summary('kept') UNION ALL SELECT 'roas', channel, roas, 0, 0, 0, 0, 0, 0, 0, 0, geo FROM mmm_roas('kept')
  UNION ALL SELECT 'draws', md5(string_agg(concat_ws(' ', chain, draw, parameter, coordinate, value), ',' ORDER BY parameter, coordinate, chain, draw)), count(*), 0, 0, 0, 0, 0, 0, 0, 0, NULL FROM mmm.posterior
  ORDER BY 1, 2"
# The policies and the promoted version come along too.
versions="SELECT concat_ws(' ', name, version, promoted, verdict_reason) FROM mmm.models
  UNION ALL SELECT concat_ws(' ', name, policy) FROM mmm.policies ORDER BY 1"
before=$(psql -X -At -d mmm_dump_source -c "$answers" -c "$versions")
after=$(psql -X -At -d mmm_dump_target -c "$answers" -c "$versions")
if [ -z "$before" ] || [ "$before" != "$after" ]; then
  echo "dump/restore changed the model's answers" >&2
  diff <(echo "$before") <(echo "$after") >&2 || true
  exit 1
fi
echo "1 passed, 0 failed: dump_restore ($(echo "$before" | wc -l) summary, ROAS, draws, promotion and policy rows identical after pg_restore)"

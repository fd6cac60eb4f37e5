#!/usr/bin/env bash
# Two sessions fitting the same name at once get versions 1 and 2: the second waits on the
# name's lock until the first commits, instead of computing the same version and failing on
# the unique key. Runs against the cluster in PGHOST/PGPORT (scripts/test starts one).
set -euo pipefail
db=mmm_concurrent
createdb $db
trap 'dropdb --if-exists $db' EXIT
psql -X -q -v ON_ERROR_STOP=1 -d $db <<'SQL'
CREATE EXTENSION pg_mmm;
CREATE TABLE weekly AS
SELECT date AS week, y AS sales, (spend ->> 'tv')::float8 AS tv FROM mmm_simulate('tv_social_search', seed => 1);
SQL
fit="SELECT mmm_fit('weekly', 'week', 'sales', ARRAY['tv'], name => 'race',
                    config => '{\"chains\": 1, \"tune\": 50, \"draws\": 20, \"seed\": 1, \"progress\": false}')"
# Session A fits, then keeps its transaction open until session B waits on the name's lock.
psql -X -q -v ON_ERROR_STOP=1 -d $db >/dev/null <<SQL &
BEGIN;
$fit;
DO \$\$
BEGIN
    FOR i IN 1..600 LOOP
        PERFORM FROM pg_locks WHERE locktype = 'advisory' AND NOT granted;
        IF FOUND THEN RETURN; END IF;
        PERFORM pg_sleep(0.1);
    END LOOP;
    RAISE 'the second session never waited on the name''s lock';
END
\$\$;
COMMIT;
SQL
a=$!
# Session B starts once A holds the lock, i.e. has written its model but not committed.
for _ in $(seq 600); do
  [ "$(psql -X -At -d $db -c "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted")" = 1 ] && break
  sleep 0.1
done
psql -X -q -v ON_ERROR_STOP=1 -d $db -c "$fit" >/dev/null
wait $a
versions=$(psql -X -At -d $db -c "SELECT string_agg(version::text, ',' ORDER BY version) FROM mmm.models WHERE name = 'race'")
if [ "$versions" != "1,2" ]; then
  echo "concurrent fits of one name got versions '$versions', expected 1,2" >&2
  exit 1
fi
echo "1 passed, 0 failed: concurrent_fit (two sessions fitting one name got versions 1 and 2)"

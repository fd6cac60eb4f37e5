#!/usr/bin/env bash
# Two sessions at once on one name. Fits: versions 1 and 2, the second waiting on the name's
# lock until the first commits instead of computing the same version and failing on the unique
# key. Refits: both succeed as versions 3 and 4. A reader during a refit: it sees the promoted
# version until the refit commits, then the new one. Runs against the cluster in PGHOST/PGPORT
# (scripts/test starts one).
set -euo pipefail
db=mmm_concurrent
createdb $db
trap 'dropdb --if-exists $db' EXIT
fail() {
  echo "concurrent_fit: $*" >&2
  echo "0 passed, 1 failed: concurrent_fit" >&2
  exit 1
}
psql -X -q -v ON_ERROR_STOP=1 -d $db >/dev/null <<'SQL'
CREATE EXTENSION pg_mmm;
CREATE TABLE weekly AS
SELECT date AS week, y AS sales, (spend ->> 'tv')::float8 AS tv FROM mmm_simulate('tv_social_search', seed => 1);
-- Gates these tiny fits pass, so that each is promoted.
SELECT mmm_set_policy('race', '{"max_r_hat": 10, "max_divergences": 1000, "min_ess_bulk": 0}');
SQL
q() { psql -X -At -v ON_ERROR_STOP=1 -d $db -c "$1"; }

# Session A runs $1 in a transaction that stays open until another session waits on the name's
# lock (or, with $2 = reader, until $3 holds the name of a file the reader has written), then
# commits.
hold() {
  local wait
  if [ "${2:-}" = reader ]; then
    wait="PERFORM WHERE (pg_stat_file('$3', true)).size IS NOT NULL;"
  else
    wait="PERFORM FROM pg_locks WHERE locktype = 'advisory' AND NOT granted;"
  fi
  psql -X -q -v ON_ERROR_STOP=1 -d $db >/dev/null <<SQL &
BEGIN;
$1;
DO \$\$
BEGIN
    FOR i IN 1..600 LOOP
        $wait
        IF FOUND THEN RETURN; END IF;
        PERFORM pg_sleep(0.1);
    END LOOP;
    RAISE 'the other session never came';
END
\$\$;
COMMIT;
SQL
  holder=$!
  # A holds the lock once it has written its model (not committed yet).
  for _ in $(seq 600); do
    [ "$(q "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted")" = 1 ] && return
    sleep 0.1
  done
  fail "session A never took the name's lock"
}

config='{"chains": 1, "tune": 50, "draws": 20, "seed": 1, "progress": false}'
fit="SELECT mmm_fit('weekly', 'week', 'sales', ARRAY['tv'], name => 'race', config => '$config')"
hold "$fit"
q "$fit" >/dev/null
wait $holder
versions=$(q "SELECT string_agg(version::text, ',' ORDER BY version) FROM mmm.models WHERE name = 'race'")
[ "$versions" = "1,2" ] || fail "concurrent fits of one name got versions '$versions', expected 1,2"

refit="SELECT mmm_refit('race', config => '{\"progress\": false}')"
hold "$refit"
q "$refit" >/dev/null
wait $holder
versions=$(q "SELECT string_agg(concat_ws(':', version, refit_of IS NOT NULL, promoted), ',' ORDER BY version) FROM mmm.models WHERE name = 'race'")
[ "$versions" = "1:f:f,2:f:f,3:t:f,4:t:t" ] ||
  fail "concurrent refits of one name: version:refitted:promoted '$versions', expected 1:f:f,2:f:f,3:t:f,4:t:t"

# A reader while a refit is open: the promoted version 4, then version 5 once it commits.
summary() { q "SELECT md5(string_agg(concat_ws(' ', parameter, coordinate, mean), ',' ORDER BY parameter, coordinate)) FROM mmm_summary($1)"; }
v4=$(summary "(SELECT id FROM mmm.models WHERE name = 'race' AND version = 4)")
read_file=$(mktemp -u /tmp/pg_mmm_reader.XXXXXX)
# Another seed, so that version 5's draws differ from version 4's.
hold "SELECT mmm_refit('race', config => '{\"progress\": false, \"seed\": 2}')" reader "$read_file"
during=$(summary "'race'")
# The file, written by the server (as postgres), tells session A that the read is done.
q "COPY (SELECT 1) TO '$read_file'" >/dev/null
wait $holder
rm -f "$read_file"
after=$(summary "'race'")
v5=$(summary "(SELECT id FROM mmm.models WHERE name = 'race' AND version = 5)")
[ "$during" = "$v4" ] || fail "a read during the refit did not see the promoted version 4"
[ "$after" = "$v5" ] && [ "$v5" != "$v4" ] || fail "a read after the refit committed did not see version 5"
echo "1 passed, 0 failed: concurrent_fit (two fits got versions 1 and 2, two refits 3 and 4; a reader saw version 4 during a refit and 5 after it)"

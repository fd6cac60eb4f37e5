#!/usr/bin/env bash
# Two sessions at once on one name. Fits: versions 1 and 2, the second waiting on the name's
# lock until the first commits instead of computing the same version and failing on the unique
# key. Refits: both succeed as versions 3 and 4. A reader during a refit: it sees the promoted
# version until the refit commits, then the new one. Under REPEATABLE READ and SERIALIZABLE, the
# second fit of one name fails with SQLSTATE 40001 and a HINT to retry (its snapshot cannot see
# the first's version), never on the unique key, and its retry gets the next version. Two
# rollbacks of one name promote two different versions, each the one before; under REPEATABLE
# READ the second is a 40001. Runs against the cluster in PGHOST/PGPORT (scripts/test starts
# one).
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

versions() { q "SELECT string_agg(version::text, ',' ORDER BY version) FROM mmm.models WHERE name = 'race'"; }
id_of() { q "SELECT id FROM mmm.models WHERE name = 'race' AND version = $1"; }
promoted() { q "SELECT version FROM mmm.models WHERE name = 'race' AND promoted"; }

# Session B runs $2 in a transaction of isolation level $1 while session A holds the name's
# lock: B must fail with SQLSTATE 40001 and the HINT to retry, not on the unique key.
conflict() {
  local out
  if out=$(psql -X -At -v ON_ERROR_STOP=1 -v VERBOSITY=verbose -d $db \
    -c "BEGIN ISOLATION LEVEL $1" -c "$2" -c COMMIT 2>&1); then
    fail "$2 under $1 beside a concurrent change of the name succeeded on a stale snapshot"
  fi
  wait $holder
  grep -q 'ERROR:  40001: could not serialize access to model "race"' <<<"$out" &&
    grep -q 'HINT:  Retry the transaction' <<<"$out" ||
    fail "$2 under $1 beside a concurrent change of the name: expected SQLSTATE 40001 with a HINT to retry, got: $out"
}

for isolation in 'REPEATABLE READ' SERIALIZABLE; do
  before=$(versions)
  hold "SET TRANSACTION ISOLATION LEVEL $isolation; $fit"
  conflict "$isolation" "$fit"
  psql -X -q -v ON_ERROR_STOP=1 -d $db -c "BEGIN ISOLATION LEVEL $isolation" -c "$fit" -c COMMIT >/dev/null ||
    fail "the retried fit under $isolation failed"
  n=$(q "SELECT max(version) FROM mmm.models WHERE name = 'race'")
  [ "$(versions)" = "$before,$((n - 1)),$n" ] ||
    fail "fits under $isolation: versions '$(versions)', expected '$before' and two consecutive ones"
done

# Two rollbacks of one name (READ COMMITTED): the second waits for the first and walks back
# from the version it promoted. Every version here passed its gates, so each steps back one.
top=$(promoted)
rolled_file=$(mktemp -u /tmp/pg_mmm_rollback.XXXXXX)
hold "COPY (SELECT mmm_rollback('race')) TO '$rolled_file'"
second=$(q "SELECT mmm_rollback('race')")
wait $holder
first=$(cat "$rolled_file")
rm -f "$rolled_file"
[ "$first" = "$(id_of $((top - 1)))" ] && [ "$second" = "$(id_of $((top - 2)))" ] ||
  fail "two rollbacks from version $top returned ids $first and $second, expected versions $((top - 1)) and $((top - 2))"
[ "$(promoted)" = $((top - 2)) ] || fail "after two rollbacks from version $top, version $(promoted) is promoted"

# A rollback under REPEATABLE READ beside a committed one: 40001, and only the first stepped back.
top=$(promoted)
hold "SELECT mmm_rollback('race')"
conflict 'REPEATABLE READ' "SELECT mmm_rollback('race')"
[ "$(promoted)" = $((top - 1)) ] || fail "a rollback under REPEATABLE READ beside another moved the promotion to $(promoted)"

echo "1 passed, 0 failed: concurrent_fit (two fits got versions 1 and 2, two refits 3 and 4; a reader saw version 4 during a refit and 5 after it; under REPEATABLE READ and SERIALIZABLE the second fit was a 40001 and its retry the next version; two rollbacks promoted two versions)"

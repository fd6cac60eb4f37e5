#!/usr/bin/env bash
# Under load: pgbench with 8 clients reading (mmm_summary) and optimizing (mmm_optimize_budget)
# two model names for LOAD_SECONDS (default 60) while a session refits the same names, each
# refit committing a new promoted version. Zero failed transactions, no aborted client, and
# every answer read equals the answer of a version that was committed. Prints throughput and
# latency percentiles (docs/15-performance.md has the figures of one run). Needs the extension
# installed and pgbench (Debian's postgresql-15, which provides postgresql-contrib-15).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/common.sh
cluster_start
seconds=${LOAD_SECONDS:-60}
fail() {
  echo "load: $*" >&2
  echo "0 passed, 1 failed: load" >&2
  exit 1
}
psql -X -q -v ON_ERROR_STOP=1 >/dev/null <<'SQL'
CREATE EXTENSION pg_mmm;
CREATE TABLE load_weeks AS
SELECT date AS week, y AS sales, (spend ->> 'x1')::float8 AS x1, (spend ->> 'x2')::float8 AS x2
FROM mmm_simulate('example', seed => 3);
-- Gates these short fits pass, so that every refit is promoted.
SELECT mmm_set_policy(n, '{"max_r_hat": 10, "max_divergences": 1000, "min_ess_bulk": 0}') FROM unnest(ARRAY['load_a', 'load_b']) n;
SELECT mmm_fit('load_weeks', 'week', 'sales', ARRAY['x1', 'x2'], name => n,
               config => '{"chains": 1, "tune": 100, "draws": 40, "seed": 1, "progress": false}')
FROM unnest(ARRAY['load_a', 'load_b']) n;
-- What the clients read: the name, which read, and a digest of the answer.
CREATE UNLOGGED TABLE load_answers (name text, kind text, digest text);
SQL
work=$(mktemp -d /tmp/pg_mmm_load.XXXXXX)
chmod 777 "$work"
trap 'rm -rf "$work"; cluster_stop' EXIT
summary_digest="md5(string_agg(concat_ws(' ', parameter, coordinate, mean, sd), ',' ORDER BY parameter, coordinate))"
optimize_digest="md5(string_agg(concat_ws(' ', channel, round(budget_per_period::numeric, 6)), ',' ORDER BY channel))"
cat >"$work/read.sql" <<SQL
\set k random(0, 1)
INSERT INTO load_answers SELECT (ARRAY['load_a', 'load_b'])[:k + 1], 'summary', $summary_digest
FROM mmm_summary((ARRAY['load_a', 'load_b'])[:k + 1]);
INSERT INTO load_answers SELECT (ARRAY['load_a', 'load_b'])[:k + 1], 'optimize', $optimize_digest
FROM mmm_optimize_budget((ARRAY['load_a', 'load_b'])[:k + 1], 100, num_periods => 4);
SQL
# Refits of both names, one after the other, for as long as pgbench runs.
(
  end=$((SECONDS + seconds))
  seed=2
  while ((SECONDS < end)); do
    for n in load_a load_b; do
      psql -X -q -At -v ON_ERROR_STOP=1 -c "SELECT mmm_refit('$n', config => '{\"progress\": false, \"seed\": $seed}')" >/dev/null
    done
    seed=$((seed + 1))
  done
) &
refits=$!
(cd "$work" && "$PG_BIN/pgbench" -n -c 8 -j 2 -T "$seconds" -f read.sql --log --log-prefix=tx postgres) \
  >"$work/pgbench.out" 2>&1 || { head -20 "$work/pgbench.out" >&2; fail "pgbench failed"; }
wait $refits || fail "a refit failed"
cat "$work/pgbench.out" | grep -E "transactions|tps|latency" >&2 || true
grep -q "aborted" "$work/pgbench.out" && fail "a client aborted: $(grep aborted "$work/pgbench.out")"
failed=$(sed -n 's/^number of failed transactions: \([0-9]*\).*/\1/p' "$work/pgbench.out")
[ "${failed:-0}" = 0 ] || fail "$failed failed transactions"
processed=$(sed -n 's/^number of transactions actually processed: \([0-9]*\).*/\1/p' "$work/pgbench.out")
tps=$(sed -n 's/^tps = \([0-9.]*\) (without initial connection time)/\1/p' "$work/pgbench.out")
versions=$(psql -X -At -c "SELECT count(*) FROM mmm.models")
# Every answer read is the answer of a committed version of its name.
psql -X -q -v ON_ERROR_STOP=1 >/dev/null <<SQL
CREATE TABLE load_committed AS
SELECT m.name, 'summary' AS kind, (SELECT $summary_digest FROM mmm_summary(m.id)) AS digest FROM mmm.models m
UNION ALL
SELECT m.name, 'optimize', (SELECT $optimize_digest FROM mmm_optimize_budget(m.id, 100, num_periods => 4)) FROM mmm.models m;
SQL
stray=$(psql -X -At -c "SELECT count(*) FROM load_answers a WHERE NOT EXISTS
  (SELECT 1 FROM load_committed c WHERE c.name = a.name AND c.kind = a.kind AND c.digest = a.digest)")
answers=$(psql -X -At -c "SELECT count(*) FROM load_answers")
seen=$(psql -X -At -c "SELECT count(DISTINCT (name, digest)) FROM load_answers WHERE kind = 'summary'")
[ "$stray" = 0 ] || fail "$stray of $answers answers match no committed version"
percentiles=$(cat "$work"/tx.* | python3 -c '
import sys
lat = sorted(int(line.split()[2]) / 1000 for line in sys.stdin if line.strip())
at = lambda q: lat[min(len(lat) - 1, int(q * len(lat)))]
print(f"latency p50 {at(0.5):.1f} ms, p95 {at(0.95):.1f} ms, p99 {at(0.99):.1f} ms, max {lat[-1]:.1f} ms")')
echo "1 passed, 0 failed: load ($seconds s, 8 clients: $processed transactions, $tps tps, $percentiles; 0 failed; $answers answers, each of a committed version ($seen distinct summaries read); $versions versions committed by the refits meanwhile)"

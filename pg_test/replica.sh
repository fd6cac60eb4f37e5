#!/usr/bin/env bash
# Reads on a read replica: a streaming standby (pg_basebackup -R) of a cluster holding fitted
# models runs every read function, the optimizer, the plots and the report. A standby cannot
# assign a transaction id, so a read that asked for one (as pgrx's Spi::get_one* does) fails
# there with "cannot assign TransactionIds during recovery". Needs the extension installed.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/common.sh
cluster_start
standby=$CLUSTER_DIR/standby
standby_port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
stop_standby() {
  [ -d "$standby" ] && as_postgres "$PG_BIN/pg_ctl" -D "$standby" -m immediate stop >/dev/null 2>&1 || true
  cluster_stop
}
trap stop_standby EXIT
fail() {
  echo "replica: $*" >&2
  echo "0 passed, 1 failed: replica" >&2
  exit 1
}
psql -X -q -v ON_ERROR_STOP=1 >/dev/null <<'SQL'
CREATE EXTENSION pg_mmm;
CREATE TABLE rep_weeks AS
SELECT date AS week, y AS sales, (spend ->> 'x1')::float8 AS x1, (spend ->> 'x2')::float8 AS x2
FROM mmm_simulate('example', seed => 11);
CREATE TABLE rep_future AS SELECT (SELECT max(week) FROM rep_weeks) + 7 * i AS week, 100.0::float8 AS x1, 50.0::float8 AS x2
FROM generate_series(1, 4) i;
\set short '{"chains": 1, "tune": 100, "draws": 40, "seed": 4, "progress": false}'
SELECT mmm_fit('rep_weeks', 'week', 'sales', ARRAY['x1', 'x2'], config => :'short', name => 'rep');
SELECT mmm_fit('rep_weeks', 'week', 'sales', ARRAY['x1'], config => :'short', name => 'rep_x1');
SELECT mmm_fit('rep_weeks', 'week', 'sales', ARRAY['x1'], name => 'rep_tv',
               config => '{"time_varying_intercept": true, "hsgp": {"m": 5}, "chains": 1, "tune": 60, "draws": 20, "seed": 4, "progress": false}');
SELECT mmm_fit('rep_weeks', 'week', 'sales', ARRAY['x1', 'x2'], name => 'rep_prior',
               config => '{"prior_only": true, "chains": 1, "draws": 40, "seed": 4, "progress": false}');
CREATE TABLE rep_new AS SELECT f.week, 2000.0::float8 AS sales, f.x1, f.x2 FROM rep_future f;
SELECT mmm_monitor('rep', 'rep_new');
CREATE TABLE rep_bt AS
SELECT * FROM mmm_backtest('rep_weeks', 'week', 'sales', ARRAY['x1'], name => 'rep_bt', horizon => '13 weeks',
                           config => '{"chains": 1, "tune": 60, "draws": 30, "seed": 4, "progress": false, "keep_models": false}');
SQL

as_postgres "$PG_BIN/pg_basebackup" -h "$PGHOST" -p "$PGPORT" -U postgres -D "$standby" -R -X stream -c fast
as_postgres "$PG_BIN/pg_ctl" -D "$standby" -l "$CLUSTER_DIR/standby.log" -w \
  -o "-p $standby_port -k $CLUSTER_DIR -c listen_addresses='' -c fsync=off -c hot_standby=on" start >/dev/null
on_standby() { psql -X -At -v ON_ERROR_STOP=1 -p "$standby_port" -c "$1"; }
[ "$(on_standby "SELECT pg_is_in_recovery()")" = t ] || fail "the standby is not in recovery"
# The standby has replayed everything the primary wrote.
primary_lsn=$(psql -X -At -c "SELECT pg_current_wal_lsn()")
for _ in $(seq 100); do
  [ "$(on_standby "SELECT pg_last_wal_replay_lsn() >= '$primary_lsn'")" = t ] && break
  sleep 0.1
done
models=$(psql -X -At -c "SELECT string_agg(name, ',' ORDER BY name) FROM mmm.models")
[ "$(on_standby "SELECT string_agg(name, ',' ORDER BY name) FROM mmm.models")" = "$models" ] ||
  fail "the standby does not hold the primary's models $models"

rep=$(on_standby "SELECT id FROM mmm.models WHERE name = 'rep'")
rep_x1=$(on_standby "SELECT id FROM mmm.models WHERE name = 'rep_x1'")
bt=$(on_standby "SELECT min(backtest_id) FROM rep_bt")
reads=(
  "mmm_summary('rep')" "mmm_summary($rep)" "mmm_fit_metrics('rep')" "mmm_roas('rep')" "mmm_contributions('rep')"
  "mmm_response_curves('rep', points => 5)" "mmm_contribution_grid('rep', num => 3)"
  "mmm_optimize_budget('rep', 100)" "mmm_optimize_budget('rep', 100, utility => 'value_at_risk')"
  "mmm_min_budget_for_target('rep', 1)" "mmm_budget_scenarios('rep', ARRAY[50, 100])"
  "mmm_sample_response('rep', '{\"x1\": 10, \"x2\": 10}')" "mmm_predict('rep', 'rep_future')"
  "mmm_lift_tests('rep')" "mmm_cost_calibration('rep')" "mmm_prior_check('rep_prior')" "mmm_time_varying('rep_tv')"
  "mmm_compare(ARRAY[$rep, $rep_x1])" "mmm_plot('rep', 'contributions')" "mmm_plot('rep', 'allocation')"
  "mmm_plot('rep', 'response_curves')" "mmm_plot('rep', 'posterior')" "mmm_plot('rep_tv', 'time_varying')"
  "mmm_plot_backtest($bt)" "mmm_report('rep')" "mmm_report('rep_tv')"
  "mmm_simulate('example', seed => 1)" "mmm_simulate_panel('geo_panel', seed => 1, geos => 2, weeks => 10)"
  "mmm_geometric_adstock(ARRAY[1, 0, 0]::float8[], 0.5)" "mmm_logistic_saturation(1, 2)"
  "mmm_models" "mmm_model_health"
)
for call in "${reads[@]}"; do
  out=$(on_standby "SELECT count(*) >= 0 FROM $call AS r" 2>&1) || fail "on the standby, $call: $out"
  [ "$out" = t ] || fail "on the standby, $call: $out"
done
# A write is refused there as PostgreSQL refuses it, not half done.
err=$(on_standby "SELECT mmm_fit('rep_weeks', 'week', 'sales', ARRAY['x1'])" 2>&1 || true)
[[ "$err" == *"read-only transaction"* || "$err" == *"during recovery"* ]] || fail "a fit on the standby: $err"
echo "1 passed, 0 failed: replica (${#reads[@]} reads, the optimizer, the plots and the report on a streaming standby)"

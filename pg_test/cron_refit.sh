#!/usr/bin/env bash
# Refits scheduled with pg_cron on a cluster of its own with pg_cron preloaded (background-worker
# mode, jobs from database postgres). A role that is not a superuser fits two models and
# schedules a refit of each every minute; the source of the second is then dropped. After the
# first run: the first job succeeded and produced version 2 (refit_of version 1, owned by that
# role), the second is recorded as failed and wrote nothing; mmm_refit_jobs shows both; a
# database other than cron.database_name gets pg_mmm's ERROR; unscheduling removes the jobs.
# The job's command names the extension's schema and every argument's type, so a mmm_refit(text)
# the role creates in public does not capture (or make ambiguous) the scheduled call. Without
# background workers, pg_cron connects to cron.host: scheduling on a cluster where that cannot
# work (listen_addresses = '' and a TCP cron.host) is an ERROR whose HINT names the settings, and
# cron.host as the socket directory is accepted.
# Needs the extension installed (scripts/test installs it) and pg_cron (scripts/setup).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/common.sh
cluster_start "shared_preload_libraries = 'pg_cron'" "cron.database_name = 'postgres'" \
  "cron.use_background_workers = on" "max_worker_processes = 16"
fail() {
  echo "cron_refit: $*" >&2
  echo "0 passed, 1 failed: cron_refit" >&2
  exit 1
}
psql -X -q -v ON_ERROR_STOP=1 -d postgres <<'SQL'
CREATE EXTENSION pg_cron;
CREATE EXTENSION pg_mmm;
CREATE ROLE marketer LOGIN;
GRANT USAGE ON SCHEMA cron TO marketer;
GRANT CREATE ON SCHEMA public TO marketer;
SQL
psql -X -q -v ON_ERROR_STOP=1 -d postgres -U marketer >/dev/null <<'SQL'
\set tiny '{"chains": 1, "tune": 60, "draws": 30, "seed": 1, "progress": false}'
CREATE TABLE weekly AS
SELECT date AS week, y AS sales, (spend ->> 'tv')::float8 AS tv FROM mmm_simulate('tv_social_search', seed => 1);
CREATE TABLE doomed AS TABLE weekly;
SELECT mmm_fit('weekly', 'week', 'sales', ARRAY['tv'], config => :'tiny', name => 'weekly');
SELECT mmm_fit('doomed', 'week', 'sales', ARRAY['tv'], config => :'tiny', name => 'doomed');
SELECT mmm_schedule_refit('weekly', '* * * * *');
SELECT mmm_schedule_refit('doomed', '* * * * *');
DROP TABLE doomed;
-- A decoy beside the extension's mmm_refit(text, date, jsonb): a call with one unknown literal
-- would be ambiguous, or pick this one.
CREATE FUNCTION public.mmm_refit(text) RETURNS bigint LANGUAGE sql AS 'SELECT -1::bigint';
SQL

q() { psql -X -At -v ON_ERROR_STOP=1 -d postgres -U marketer -c "$1"; }
command=$(q "SELECT command FROM cron.job WHERE jobname = 'mmm_refit weekly'")
[ "$command" = "SELECT public.mmm_refit('weekly'::text, NULL::date, '{}'::jsonb)" ] ||
  fail "the scheduled command is: $command"
# pg_cron starts jobs at the next minute boundary.
for _ in $(seq 150); do
  [ "$(q "SELECT count(*) FROM mmm_refit_jobs WHERE last_status IN ('succeeded', 'failed')")" = 2 ] && break
  sleep 1
done
jobs=$(q "SELECT string_agg(concat_ws(' ', name, schedule, last_status), '; ' ORDER BY name) FROM mmm_refit_jobs")
[ "$jobs" = "doomed * * * * * failed; weekly * * * * * succeeded" ] ||
  fail "expected one failed and one succeeded run after 150 s, mmm_refit_jobs shows: $jobs"
# The run details pg_cron records, and the versions they left.
details=$(q "SELECT string_agg(concat_ws(' ', j.jobname, d.status, d.return_message LIKE '%source \"public\".\"doomed\" of model \"doomed\" does not exist%'), '; ' ORDER BY j.jobname)
             FROM cron.job_run_details d JOIN cron.job j USING (jobid)
             WHERE d.runid IN (SELECT min(runid) FROM cron.job_run_details GROUP BY jobid)")
[ "$details" = "mmm_refit doomed failed t; mmm_refit weekly succeeded f" ] ||
  fail "cron.job_run_details of the first runs: $details"
produced=$(q "SELECT concat_ws(' ', m.version, m.owner, m.refit_of = (SELECT id FROM mmm.models WHERE name = 'weekly' AND version = 1), j.model_id = m.id)
              FROM mmm_refit_jobs j JOIN mmm.models m ON m.name = j.name AND m.version = 2 WHERE j.name = 'weekly'")
[ "$produced" = "2 marketer t t" ] || fail "the refit's version (version owner refit_of=v1 model_id=id): '$produced'"
doomed=$(q "SELECT string_agg(version::text, ',') FROM mmm.models WHERE name = 'doomed'")
[ "$doomed" = 1 ] || fail "the failed refit left versions '$doomed' of doomed, expected only 1"

# Another database than cron.database_name: pg_mmm's ERROR says what to change (to a role that
# may read the settings; others get the whole recipe).
createdb -O marketer elsewhere
psql -X -q -d elsewhere -c "CREATE EXTENSION pg_mmm"
err=$(psql -X -At -d elsewhere -c "SELECT mmm_schedule_refit('weekly')" 2>&1 || true)
[[ "$err" == *"pg_cron runs its jobs from database postgres (cron.database_name), not from elsewhere"* &&
   "$err" == *"HINT:  Set cron.database_name = 'elsewhere'"* ]] || fail "outside cron.database_name: $err"

q "SELECT mmm_unschedule_refit('weekly'), mmm_unschedule_refit('doomed')" >/dev/null
[ "$(q "SELECT count(*) FROM mmm_refit_jobs")" = 0 ] || fail "jobs left after mmm_unschedule_refit"
err=$(q "SELECT mmm_unschedule_refit('weekly')" 2>&1 || true)
[[ "$err" == *'model "weekly" has no scheduled refit'* ]] || fail "unscheduling twice: $err"

# pg_cron without background workers on a cluster without TCP (cluster_start sets
# listen_addresses = ''): refused when scheduling, with the settings in the HINT.
restart() {
  as_postgres "$PG_BIN/pg_ctl" -D "$CLUSTER_DIR/data" -w -m fast restart >/dev/null
}
psql -X -q -d postgres -c "ALTER SYSTEM SET cron.use_background_workers = off"
restart
err=$(psql -X -At -d postgres -c "SELECT mmm_schedule_refit('weekly')" 2>&1 || true)
[[ "$err" == *"pg_cron could not connect to run the refit: cron.host is 'localhost', a TCP host, but this server listens on no TCP address"* &&
   "$err" == *"HINT:  "*"cron.use_background_workers = on"*"cron.host = '$CLUSTER_DIR'"* ]] ||
  fail "scheduling without background workers or TCP: $err"
psql -X -q -d postgres -c "ALTER SYSTEM SET cron.host = '$CLUSTER_DIR'"
restart
q "SELECT mmm_schedule_refit('weekly') > 0" >/dev/null || fail "scheduling with cron.host the socket directory was refused"
q "SELECT mmm_unschedule_refit('weekly')" >/dev/null
echo "1 passed, 0 failed: cron_refit (a scheduled refit ran as its role and added version 2 despite a decoy mmm_refit(text); a failing one was recorded as failed and wrote nothing; without background workers or TCP, scheduling was refused with a HINT, and a socket cron.host accepted)"

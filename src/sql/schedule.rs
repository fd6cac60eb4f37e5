//! Refits scheduled with pg_cron: `mmm_schedule_refit`, `mmm_unschedule_refit` and the view
//! `mmm_refit_jobs`. pg_cron is optional, so pg_mmm does not require it: its functions are
//! called through SPI once they are known to exist, and otherwise an ERROR says how to set it up.

use super::error::raise;
use super::model_ref;
use pgrx::datum::TimestampWithTimeZone;
use pgrx::prelude::*;

/// Jobs are named `mmm_refit <model name>`, one per (role, name).
const JOB_PREFIX: &str = "mmm_refit ";

/// pg_cron's job names are of type `name`: at most 63 bytes.
const MAX_JOB_NAME: usize = 63;

fn setup_hint(database: &str) -> String {
    format!(
        "Install pg_cron (Debian: postgresql-15-cron), add to postgresql.conf: \
         shared_preload_libraries = 'pg_cron' and cron.database_name = '{database}', restart PostgreSQL, \
         then in database {database}: CREATE EXTENSION pg_cron;"
    )
}

/// pg_cron's extension exists in this database, which implies that pg_cron is preloaded (it
/// refuses to load otherwise) and that this is the database of `cron.database_name` (pg_cron's
/// functions and tables live only there). Otherwise the ERROR is as precise as the role's view
/// of the settings allows: both are superuser-only.
fn require_cron() {
    let (created, preload, cron_database) = super::read::three::<bool, String, String>(
        "SELECT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'pg_cron'),
                (SELECT setting FROM pg_settings WHERE name = 'shared_preload_libraries'),
                (SELECT setting FROM pg_settings WHERE name = 'cron.database_name')",
        &[],
    )
    .expect("read pg_cron's settings");
    if created == Some(true) {
        return;
    }
    let database = super::read::one::<String>("SELECT current_database()::text", &[])
        .expect("current_database")
        .expect("a database");
    let not_ready = |message: String, hint: String| -> ! {
        raise(PgSqlErrorCode::ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE, message, &hint)
    };
    let loaded = preload.map(|p| p.split(',').any(|l| l.trim() == "pg_cron"));
    match (loaded, cron_database) {
        (Some(false), _) => {
            not_ready("pg_cron is not loaded: it is not in shared_preload_libraries".into(), setup_hint(&database))
        }
        (Some(true), Some(cron)) if cron != database => not_ready(
            format!("pg_cron runs its jobs from database {cron} (cron.database_name), not from {database}"),
            format!("Set cron.database_name = '{database}' in postgresql.conf, restart PostgreSQL, then CREATE EXTENSION pg_cron; here."),
        ),
        (Some(true), _) => {
            not_ready(format!("extension pg_cron is not created in database {database}"), "CREATE EXTENSION pg_cron;".into())
        }
        (None, _) => not_ready(format!("extension pg_cron is not created in database {database}"), setup_hint(&database)),
    }
}

/// The forms of a schedule pg_cron accepts, as `check_schedule` knows them.
const SCHEDULE_FORMS: &str = "A schedule is five fields: minute (0-59), hour (0-23), day of month (1-31), \
     month (1-12 or jan-dec) and day of week (0-7 or sun-sat, 0 and 7 are Sunday), each * or a number, a range a-b, \
     a list a,b or a step */n or a-b/n, e.g. '0 3 * * 1' (Mondays at 03:00) or '*/15 * * * *'; \
     or one of @hourly, @daily, @weekly, @monthly, @yearly; pg_cron 1.5 and later also take '30 seconds' (1 to 59) \
     and $ as the day of month (its last day).";

/// The five fields of a cron expression: what each is, its range, and the names it accepts
/// for its numbers (the first name is `lo`).
const FIELDS: [(&str, u32, u32, &[&str]); 5] = [
    ("minute", 0, 59, &[]),
    ("hour", 0, 23, &[]),
    ("day of month", 1, 31, &[]),
    ("month", 1, 12, &["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]),
    ("day of week", 0, 7, &["sun", "mon", "tue", "wed", "thu", "fri", "sat"]),
];

/// Why `schedule` is not a cron expression pg_cron accepts, if it is not.
fn schedule_problem(schedule: &str) -> Option<String> {
    let trimmed = schedule.trim();
    if let Some(word) = trimmed.strip_prefix('@') {
        return match ["hourly", "daily", "weekly", "monthly", "yearly", "annually", "midnight"].contains(&word) {
            true => None,
            false => Some(format!("@{word} is not a named schedule")),
        };
    }
    let fields: Vec<&str> = trimmed.split_whitespace().collect();
    if let [n, "second" | "seconds"] = fields[..] {
        return match n.parse::<u32>() {
            Ok(1..=59) => None,
            _ => Some(format!("an interval in seconds must be 1 to 59, got \"{n}\"")),
        };
    }
    if fields.len() != 5 {
        return Some(format!("it has {} fields, not 5", fields.len()));
    }
    let value = |text: &str, lo: u32, hi: u32, names: &[&str]| -> Option<u32> {
        let found = match text.parse::<u32>() {
            Ok(n) => n,
            Err(_) => lo + names.iter().position(|n| n.eq_ignore_ascii_case(text))? as u32,
        };
        (lo..=hi).contains(&found).then_some(found)
    };
    for (text, &(what, lo, hi, names)) in fields.iter().zip(&FIELDS) {
        let bad = || Some(format!("its {what} \"{text}\" is not within {lo}-{hi}, *, a range, a list or a step"));
        for element in text.split(',') {
            let (range, step) = match element.split_once('/') {
                Some((range, step)) => (range, Some(step)),
                None => (element, None),
            };
            if step.is_some_and(|s| !s.parse::<u32>().is_ok_and(|s| (1..=hi.max(1)).contains(&s))) {
                return bad();
            }
            let ok = match range.split_once('-') {
                _ if range == "*" => true,
                Some((a, b)) => {
                    matches!((value(a, lo, hi, names), value(b, lo, hi, names)), (Some(a), Some(b)) if a <= b)
                }
                // pg_cron 1.5 and later read $ as the month's last day.
                None => value(range, lo, hi, names).is_some() || (range == "$" && what == "day of month"),
            };
            if !ok {
                return bad();
            }
        }
    }
    None
}

/// An ERROR naming the schedule when pg_cron would refuse it, with the accepted forms.
fn check_schedule(schedule: &str) {
    if let Some(problem) = schedule_problem(schedule) {
        raise(
            PgSqlErrorCode::ERRCODE_INVALID_PARAMETER_VALUE,
            format!("schedule \"{schedule}\" is not a cron expression: {problem}"),
            SCHEDULE_FORMS,
        );
    }
}

/// pg_cron runs a job either in a background worker (`cron.use_background_workers = on`) or
/// through a libpq connection to `cron.host` (default localhost, over TCP). A cluster that
/// listens on no TCP address (`listen_addresses = ''`) then fails every run with "connection
/// failed", long after the job was scheduled: this says so now. The settings are visible only
/// to roles that may read them (superusers, pg_read_all_settings); for others nothing is known
/// and nothing is refused.
fn check_cron_can_connect() {
    let (workers, host, listen, sockets) = super::read::one::<Vec<Option<String>>>(
        "SELECT ARRAY[(SELECT setting FROM pg_settings WHERE name = 'cron.use_background_workers'),
                      (SELECT setting FROM pg_settings WHERE name = 'cron.host'),
                      (SELECT setting FROM pg_settings WHERE name = 'listen_addresses'),
                      (SELECT setting FROM pg_settings WHERE name = 'unix_socket_directories')]",
        &[],
    )
    .expect("read pg_cron's settings")
    .map(|v| (v[0].clone(), v[1].clone(), v[2].clone(), v[3].clone()))
    .expect("four settings");
    if workers.as_deref() == Some("on") {
        return;
    }
    let (Some(host), Some(listen)) = (host, listen) else { return };
    let sockets: Vec<String> =
        sockets.unwrap_or_default().split(',').map(|d| d.trim().to_string()).filter(|d| !d.is_empty()).collect();
    let socket = sockets.first().cloned().unwrap_or_else(|| "/var/run/postgresql".into());
    let hint = format!(
        "pg_cron runs jobs over a connection to cron.host unless cron.use_background_workers is on. \
         In postgresql.conf set cron.use_background_workers = on (and max_worker_processes high enough for the jobs), \
         or cron.host = '{socket}' (a Unix socket directory of this server), then restart PostgreSQL."
    );
    let problem = if host.starts_with('/') {
        (!sockets.is_empty() && !sockets.contains(&host))
            .then(|| format!("cron.host is '{host}', which is not one of this server's unix_socket_directories"))
    } else {
        listen.trim().is_empty().then(|| {
            format!("cron.host is '{host}', a TCP host, but this server listens on no TCP address (listen_addresses is empty)")
        })
    };
    if let Some(problem) = problem {
        raise(
            PgSqlErrorCode::ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE,
            format!("pg_cron could not connect to run the refit: {problem}"),
            &hint,
        );
    }
}

fn job_name(name: &str) -> String {
    let job = format!("{JOB_PREFIX}{name}");
    if job.len() > MAX_JOB_NAME {
        raise(
            PgSqlErrorCode::ERRCODE_NAME_TOO_LONG,
            format!("model name \"{name}\" is too long for a pg_cron job name"),
            &format!("Scheduled refits need a model name of at most {} bytes.", MAX_JOB_NAME - JOB_PREFIX.len()),
        );
    }
    job
}

/// Schedules `mmm_refit(name)` with pg_cron (`schedule` in cron syntax, default Mondays at
/// 03:00), in this database, as the calling role, so that row-level security and the role's
/// privileges on the source hold. Scheduling a name again replaces its schedule. Returns the
/// pg_cron job id.
// PARALLEL UNSAFE: writes pg_cron's job table.
#[pg_extern(volatile, strict, parallel_unsafe)]
fn mmm_schedule_refit(name: &str, schedule: default!(&str, "'0 3 * * 1'")) -> i64 {
    check_schedule(schedule);
    require_cron();
    check_cron_can_connect();
    model_ref::by_name(name);
    // cron.schedule runs the job in cron.database_name, which require_cron found to be this
    // database, as the current role; pg_cron 1.4 lets every role with USAGE on schema cron call
    // it, while cron.schedule_in_database is superuser-only unless granted. The command names
    // the extension's schema (%I of its name: regnamespace's text is quoted already) and passes
    // every argument with its type (the name a quoted literal, %L), so that it matches
    // mmm_refit(text, date, jsonb) exactly: a mmm_refit(text) that a role creates in a schema of
    // the search path, or beside it, is never called nor makes the call ambiguous. Nothing is
    // pasted into SQL.
    Spi::get_one_with_args::<i64>(
        "SELECT cron.schedule($1, $2, format('SELECT %I.mmm_refit(%L::text, NULL::date, ''{}''::jsonb)', n.nspname, $3::text))
         FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = 'pg_mmm'",
        &[job_name(name).into(), schedule.into(), name.into()],
    )
    .expect("cron.schedule")
    .expect("a job id")
}

/// Removes the calling role's scheduled refit of `name`; an ERROR when there is none.
// PARALLEL UNSAFE: writes pg_cron's job table.
#[pg_extern(volatile, strict, parallel_unsafe)]
fn mmm_unschedule_refit(name: &str) -> bool {
    require_cron();
    let removed = Spi::get_one_with_args::<i64>(
        "SELECT count(cron.unschedule(jobid)) FROM cron.job WHERE jobname = $1 AND username = current_user",
        &[job_name(name).into()],
    )
    .expect("cron.unschedule")
    .unwrap_or(0);
    if removed == 0 {
        raise(
            PgSqlErrorCode::ERRCODE_UNDEFINED_OBJECT,
            format!("model \"{name}\" has no scheduled refit"),
            "SELECT * FROM mmm_refit_jobs lists the scheduled refits.",
        );
    }
    true
}

type JobRow = (
    i64,
    String,
    String,
    bool,
    Option<TimestampWithTimeZone>,
    Option<TimestampWithTimeZone>,
    Option<String>,
    Option<String>,
    Option<i64>,
);

/// The rows of the view `mmm_refit_jobs`: each scheduled refit of the roles the caller is a
/// member of, with its last run (pg_cron's `cron.job_run_details`) and the version that run
/// produced: the refit of that name and owner whose `created_at` (its transaction's start)
/// lies within the run. pg_cron stamps `start_time` only once the command is underway (after its
/// worker has started, or the command has been sent), so the refit's transaction may begin before
/// it: the window opens up to a minute earlier (pg_cron's granularity), but never before the job's
/// previous run ended.
#[pg_extern(stable, parallel_safe)]
fn mmm_refit_jobs() -> TableIterator<
    'static,
    (
        name!(jobid, i64),
        name!(name, String),
        name!(schedule, String),
        name!(active, bool),
        name!(last_start, Option<TimestampWithTimeZone>),
        name!(last_end, Option<TimestampWithTimeZone>),
        name!(last_status, Option<String>),
        name!(last_message, Option<String>),
        name!(model_id, Option<i64>),
    ),
> {
    require_cron();
    let rows: Vec<JobRow> = Spi::connect(|client| {
        client
            .select(
                "SELECT j.jobid, substr(j.jobname, length($1) + 1), j.schedule, j.active,
                        r.start_time, r.end_time, r.status, r.return_message,
                        (SELECT m.id FROM mmm.models m
                         WHERE m.owner = j.username AND m.name = substr(j.jobname, length($1) + 1)
                           AND m.refit_of IS NOT NULL
                           AND m.created_at BETWEEN greatest(r.start_time - interval '1 minute', r.previous_end)
                                                AND coalesce(r.end_time, 'infinity')
                         ORDER BY m.id DESC LIMIT 1)
                 FROM cron.job j
                 LEFT JOIN LATERAL (SELECT d.*, lag(d.end_time) OVER (ORDER BY d.runid) AS previous_end
                                    FROM cron.job_run_details d WHERE d.jobid = j.jobid
                                    ORDER BY d.start_time DESC NULLS LAST LIMIT 1) r ON true
                 WHERE starts_with(j.jobname, $1) AND pg_has_role(j.username, 'MEMBER')
                 ORDER BY j.jobid",
                None,
                &[JOB_PREFIX.into()],
            )
            .expect("read cron.job")
            .map(|r| {
                (
                    r.get(1).expect("jobid").expect("jobid"),
                    r.get(2).expect("name").expect("name"),
                    r.get(3).expect("schedule").expect("schedule"),
                    r.get(4).expect("active").expect("active"),
                    r.get(5).expect("start_time"),
                    r.get(6).expect("end_time"),
                    r.get(7).expect("status"),
                    r.get(8).expect("return_message"),
                    r.get(9).expect("model id"),
                )
            })
            .collect()
    });
    TableIterator::new(rows)
}

extension_sql!(
    r#"
CREATE VIEW mmm_refit_jobs AS SELECT * FROM mmm_refit_jobs();
COMMENT ON VIEW mmm_refit_jobs IS 'Scheduled refits (pg_cron) with their last run and the model version it produced';
GRANT SELECT ON mmm_refit_jobs TO PUBLIC;
"#,
    name = "refit_jobs_view",
    requires = [mmm_refit_jobs]
);

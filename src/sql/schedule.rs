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
    require_cron();
    model_ref::by_name(name);
    // cron.schedule runs the job in cron.database_name, which require_cron found to be this
    // database, as the current role; pg_cron 1.4 lets every role with USAGE on schema cron call
    // it, while cron.schedule_in_database is superuser-only unless granted. The name enters the
    // command as a quoted literal (format's %L), never pasted into SQL.
    Spi::get_one_with_args::<i64>(
        "SELECT cron.schedule($1, $2, format('SELECT %I.mmm_refit(%L)', e.extnamespace::regnamespace::text, $3::text))
         FROM pg_extension e WHERE e.extname = 'pg_mmm'",
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

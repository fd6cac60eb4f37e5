//! Versions of a model name and which one is promoted: the policy a name's fits are judged by
//! (`mmm_set_policy`), promotion after a fit that passes it, `mmm_promote`, `mmm_rollback`, and
//! the retention of old versions. Reading a model by name means its promoted version.

use super::error::raise;
use super::model_ref;
use mmm_engine::inference::health::Gates;
use pgrx::prelude::*;
use pgrx::JsonB;
use serde_json::{Map, Value};

/// What a name's policy decides: the gates a fit must pass to be promoted, and how many of the
/// newest versions to keep (`None`: all). The monitor's thresholds are validated here and read
/// by the monitor.
pub struct Policy {
    pub gates: Gates,
    pub keep_versions: Option<i64>,
}

const KEYS: &str = "max_r_hat, max_divergences, min_ess_bulk, keep_versions and monitor";

fn bad(message: String, hint: &str) -> ! {
    raise(PgSqlErrorCode::ERRCODE_INVALID_PARAMETER_VALUE, message, hint)
}

/// A number from `obj[key]` that `valid` accepts, or the ERROR naming the key.
fn number(obj: &Map<String, Value>, key: &str, shown: &str, valid: impl Fn(f64) -> bool, accepts: &str) -> Option<f64> {
    let v = obj.get(key)?;
    match v.as_f64() {
        Some(x) if valid(x) => Some(x),
        _ => bad(format!("policy key \"{shown}\" must be {accepts}, got {v}"), &format!("{shown} accepts {accepts}.")),
    }
}

/// Parses and checks a policy object; every ERROR names the key at fault.
pub fn parse(policy: &Value) -> Policy {
    let Some(obj) = policy.as_object() else {
        bad(
            format!("policy must be a JSON object, got {policy}"),
            "For example '{\"min_ess_bulk\": 1000, \"keep_versions\": 10}'.",
        )
    };
    for key in obj.keys() {
        if !["max_r_hat", "max_divergences", "min_ess_bulk", "keep_versions", "monitor"].contains(&key.as_str()) {
            bad(format!("policy key \"{key}\" is unknown"), &format!("A policy has the keys {KEYS}."));
        }
    }
    let whole = |x: f64| x.fract() == 0.0;
    let defaults = Gates::default();
    let gates = Gates {
        max_r_hat: number(obj, "max_r_hat", "max_r_hat", |x| x >= 1.0, "a number of at least 1")
            .unwrap_or(defaults.max_r_hat),
        max_divergences: number(
            obj,
            "max_divergences",
            "max_divergences",
            |x| x >= 0.0 && whole(x),
            "a whole number of at least 0",
        )
        .map_or(defaults.max_divergences, |x| x as usize),
        min_ess_bulk: number(obj, "min_ess_bulk", "min_ess_bulk", |x| x >= 0.0, "a number of at least 0")
            .unwrap_or(defaults.min_ess_bulk),
    };
    let keep_versions = match obj.get("keep_versions") {
        None | Some(Value::Null) => None,
        Some(_) => number(
            obj,
            "keep_versions",
            "keep_versions",
            |x| x >= 1.0 && whole(x),
            "a whole number of at least 1, or null (keep all)",
        )
        .map(|x| x as i64),
    };
    if let Some(monitor) = obj.get("monitor") {
        let Some(monitor) = monitor.as_object() else {
            bad(
                format!("policy key \"monitor\" must be an object, got {monitor}"),
                "For example '{\"monitor\": {\"mape\": 0.2, \"coverage\": 0.8}}'.",
            )
        };
        for key in monitor.keys() {
            if key != "mape" && key != "coverage" {
                bad(format!("policy key \"monitor.{key}\" is unknown"), "monitor has the keys mape and coverage.");
            }
        }
        number(monitor, "mape", "monitor.mape", |x| x > 0.0, "a number above 0 (0.2 is 20%)");
        number(monitor, "coverage", "monitor.coverage", |x| (0.0..=1.0).contains(&x), "a share from 0 to 1");
    }
    Policy { gates, keep_versions }
}

/// The current role's policy for a name; the defaults when it has none.
pub fn policy_of(name: &str) -> Policy {
    let stored =
        optional::<JsonB>("SELECT policy FROM mmm.policies WHERE owner = current_user AND name = $1", &[name.into()]);
    parse(&stored.map_or(Value::Object(Map::new()), |p| p.0))
}

/// Serialises changes to an (owner, name)'s versions: a session holds this lock until it
/// commits, so two fits of one name number their versions in commit order and two promotions
/// never both succeed. The lock's first key is pg_mmm's own space.
///
/// Under READ COMMITTED the queries that follow see what the sessions before this one
/// committed. Under REPEATABLE READ and SERIALIZABLE they see the transaction's snapshot, which
/// may predate a version committed while this session waited: numbering from it would collide
/// on the unique key, promoting from it would undo the other session's promotion. So when the
/// name's versions as the snapshot sees them differ from what is committed, the transaction is
/// a serialization failure (40001) to retry, as PostgreSQL's own are.
pub fn lock_name(owner: &str, name: &str) {
    Spi::run_with_args(
        "SELECT pg_advisory_xact_lock(hashtext('pg_mmm.models'), hashtext($1 || '/' || $2))",
        &[owner.into(), name.into()],
    )
    .expect("lock the model's name");
    // SAFETY: XactIsoLevel is a plain int the backend sets when the transaction starts.
    if unsafe { pg_sys::XactIsoLevel } < pg_sys::XACT_REPEATABLE_READ as i32 {
        return;
    }
    let seen = super::read::one::<String>(VERSIONS_STATE, &[owner.into(), name.into()])
        .expect("read mmm.models")
        .unwrap_or_default();
    if seen != committed_state(owner, name) {
        raise(
            PgSqlErrorCode::ERRCODE_T_R_SERIALIZATION_FAILURE,
            format!("could not serialize access to model \"{name}\": another session changed its versions after this transaction began"),
            "Retry the transaction: another fit, refit, promotion, rollback or drop of this name committed first, and a REPEATABLE READ or SERIALIZABLE transaction cannot see it.",
        );
    }
}

/// The versions of an (owner, name) and which one is promoted, as one text.
const VERSIONS_STATE: &str =
    "SELECT coalesce(string_agg(concat_ws(':', id, version, promoted, promoted_at), ',' ORDER BY id), '')
     FROM mmm.models WHERE owner::text = $1 AND name = $2";

/// `VERSIONS_STATE` as committed now, whatever the transaction's snapshot: pgrx's queries run
/// on the transaction's snapshot under REPEATABLE READ, so this one goes through
/// `SPI_execute_snapshot` with the latest snapshot, as PostgreSQL's foreign-key checks do.
fn committed_state(owner: &str, name: &str) -> String {
    let query = std::ffi::CString::new(VERSIONS_STATE).expect("no NUL in the query");
    Spi::connect(|_client| {
        let mut types = [pg_sys::TEXTOID, pg_sys::TEXTOID];
        let mut values = [owner.into_datum().expect("text"), name.into_datum().expect("text")];
        // SAFETY: SPI is connected for the closure; the plan, the tuple table and the text
        // they hold live in SPI's memory until it finishes, after the String is copied out. A
        // NULL nulls array means no argument is NULL; the latest snapshot is copied by the push
        // SPI makes of it.
        unsafe {
            let plan = pg_sys::SPI_prepare(query.as_ptr(), 2, types.as_mut_ptr());
            assert!(!plan.is_null(), "prepare the versions' state");
            let status = pg_sys::SPI_execute_snapshot(
                plan,
                values.as_mut_ptr(),
                std::ptr::null(),
                pg_sys::GetLatestSnapshot(),
                std::ptr::null_mut(),
                true,
                false,
                1,
            );
            assert_eq!(status, pg_sys::SPI_OK_SELECT as i32, "read the versions' state");
            let table = pg_sys::SPI_tuptable;
            assert!(!table.is_null() && (*table).numvals == 1, "one row");
            let mut is_null = false;
            let value = pg_sys::SPI_getbinval(*(*table).vals, (*table).tupdesc, 1, &mut is_null);
            String::from_datum(value, is_null).unwrap_or_default()
        }
    })
}

/// Makes `id` the promoted version of its (owner, name). The caller holds the name's lock. A
/// prior-only model is refused: its draws were never fitted to the target, so reading its name
/// must not mean them.
pub fn promote(id: i64) {
    refuse_prior_only(id, "promoted");
    // Two statements: the unique index on promoted versions is checked row by row.
    Spi::run_with_args(
        "UPDATE mmm.models o SET promoted = false
         FROM mmm.models m WHERE m.id = $1 AND o.owner = m.owner AND o.name = m.name AND o.promoted AND o.id <> $1",
        &[id.into()],
    )
    .expect("demote the promoted version");
    Spi::run_with_args(
        "UPDATE mmm.models SET promoted = true, promoted_at = clock_timestamp() WHERE id = $1",
        &[id.into()],
    )
    .expect("promote the version");
}

/// Raises an ERROR when model `id` holds prior draws only (`"prior_only": true`): it cannot be
/// `what` (promoted, refitted).
pub fn refuse_prior_only(id: i64, what: &str) {
    let found = super::read::three::<bool, String, i32>(
        "SELECT prior_only, name, version FROM mmm.models WHERE id = $1",
        &[id.into()],
    )
    .expect("read mmm.models");
    if let (Some(true), Some(name), Some(version)) = found {
        raise(
            PgSqlErrorCode::ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE,
            format!("model \"{name}\" version {version} holds prior draws only (\"prior_only\": true), so it cannot be {what}"),
            "Fit the model to its target with mmm_fit without \"prior_only\"; mmm_prior_check reads prior-only models.",
        );
    }
}

/// Removes the versions of the current role's `name` beyond the newest `keep`, except the
/// promoted one.
pub fn retain(name: &str, keep: i64) {
    Spi::run_with_args(
        "DELETE FROM mmm.models WHERE owner = current_user AND name = $1 AND NOT promoted
           AND id NOT IN (SELECT id FROM mmm.models WHERE owner = current_user AND name = $1
                          ORDER BY version DESC LIMIT $2)",
        &[name.into(), keep.into()],
    )
    .expect("remove old versions");
}

/// The first column of the row a query finds, if it finds one.
fn optional<T: FromDatum + IntoDatum>(query: &str, args: &[pgrx::datum::DatumWithOid]) -> Option<T> {
    match super::read::one::<T>(query, args) {
        Err(pgrx::spi::SpiError::InvalidPosition) => None,
        found => found.expect("read the catalog"),
    }
}

/// Locks the name of a model the current role can see for a change of its promotion; only its
/// owner may change it.
pub fn lock_owned(id: i64) {
    let (owner, name) =
        super::read::two::<String, String>("SELECT owner::text, name FROM mmm.models WHERE id = $1", &[id.into()])
            .expect("read mmm.models");
    let (owner, name) = (owner.expect("owner"), name.expect("name"));
    if owner != super::store::current_user() {
        raise(
            PgSqlErrorCode::ERRCODE_INSUFFICIENT_PRIVILEGE,
            format!("model {id} belongs to role \"{owner}\""),
            "Only the role that fitted a model promotes its versions.",
        );
    }
    lock_name(&owner, &name);
}

/// Sets the policy of the current role's models of this name: the health gates a fit must pass
/// to be promoted (`max_r_hat`, default 1.01; `max_divergences`, default 0; `min_ess_bulk`,
/// default 400), `keep_versions` (default null: keep every version) and the monitor's
/// thresholds (`monitor`: `mape`, `coverage`). Keys left out take their defaults; the policy
/// applies to the fits that follow. Returns the stored policy.
// PARALLEL UNSAFE: writes mmm.policies.
#[pg_extern(volatile, strict, parallel_unsafe)]
fn mmm_set_policy(name: &str, policy: super::json_arg::JsonArg) -> JsonB {
    parse(&policy.0);
    Spi::run_with_args(
        "INSERT INTO mmm.policies (name, policy) VALUES ($1, $2)
         ON CONFLICT (owner, name) DO UPDATE SET policy = excluded.policy",
        &[name.into(), JsonB(policy.0.clone()).into()],
    )
    .expect("write mmm.policies");
    policy.into_jsonb()
}

/// Promotes a version by hand, whatever its status: reading its name then means this version.
/// Returns its id.
// PARALLEL UNSAFE (as mmm_rollback): changes which version is promoted in mmm.models.
#[pg_extern(volatile, strict, parallel_unsafe)]
fn mmm_promote(model: i64) -> i64 {
    let id = model_ref::by_id(model);
    lock_owned(id);
    promote(id);
    id
}

/// Promotes the version before the promoted one: the newest older version that was promoted
/// once or passed its policy's gates. Repeated rollbacks walk back through the versions;
/// `mmm_promote` goes forward again. Returns the id now promoted.
#[pg_extern(volatile, strict, parallel_unsafe)]
fn mmm_rollback(name: &str) -> i64 {
    // The name's lock first, then the reads: a concurrent rollback of the name waits, and then
    // walks back from the version this one promoted. (After the lock's write, pgrx's queries
    // take a new snapshot each under READ COMMITTED; lock_name refuses a stale one otherwise.)
    lock_name(&super::store::current_user(), name);
    let version = optional::<i32>(
        "SELECT version FROM mmm.models WHERE owner = current_user AND name = $1 AND promoted",
        &[name.into()],
    )
    .unwrap_or_else(|| {
        raise(
            PgSqlErrorCode::ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE,
            format!("model \"{name}\" has no promoted version to roll back"),
            "mmm_promote(id) promotes a version; SELECT * FROM mmm_models lists them.",
        )
    });
    let previous = optional::<i64>(
        "SELECT id FROM mmm.models
         WHERE owner = current_user AND name = $1 AND version < $2 AND (promoted_at IS NOT NULL OR status = 'ok')
         ORDER BY version DESC LIMIT 1",
        &[name.into(), version.into()],
    )
    .unwrap_or_else(|| {
        raise(
            PgSqlErrorCode::ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE,
            format!("model \"{name}\" has no version before version {version} that was promoted or passed its gates"),
            "mmm_promote(id) promotes any version by hand; SELECT * FROM mmm_models lists them.",
        )
    });
    promote(previous);
    previous
}

# Shared by the scripts: where PostgreSQL lives, root escalation, and a throwaway cluster run
# as the postgres user (the server refuses to run as root) on a free port, reachable only
# through a Unix socket in its own temporary directory.

PG_CONFIG=/usr/lib/postgresql/15/bin/pg_config
PG_BIN=/usr/lib/postgresql/15/bin

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi
}

as_postgres() {
  sudo -u postgres "$@"
}

# Starts a cluster; sets CLUSTER_DIR and PGHOST/PGPORT/PGUSER for psql and pg_regress, and
# removes the cluster when the calling script exits. Arguments, if any, are postgresql.conf
# lines (e.g. "shared_preload_libraries = 'pg_cron'").
cluster_start() {
  CLUSTER_DIR=$(mktemp -d /tmp/pg_mmm_cluster.XXXXXX)
  chmod 755 "$CLUSTER_DIR"
  as_root chown postgres: "$CLUSTER_DIR"
  export PGHOST=$CLUSTER_DIR PGUSER=postgres
  PGPORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  export PGPORT
  trap cluster_stop EXIT
  as_postgres "$PG_BIN/initdb" -D "$CLUSTER_DIR/data" -A trust -U postgres --no-sync >/dev/null
  if (($#)); then
    printf '%s\n' "$@" | as_postgres tee -a "$CLUSTER_DIR/data/postgresql.conf" >/dev/null
  fi
  as_postgres "$PG_BIN/pg_ctl" -D "$CLUSTER_DIR/data" -l "$CLUSTER_DIR/server.log" -w \
    -o "-p $PGPORT -k $CLUSTER_DIR -c listen_addresses='' -c fsync=off" start >/dev/null
}

cluster_stop() {
  if [ -n "${CLUSTER_DIR:-}" ] && [ -d "$CLUSTER_DIR/data" ]; then
    as_postgres "$PG_BIN/pg_ctl" -D "$CLUSTER_DIR/data" -m immediate stop >/dev/null 2>&1 || true
  fi
  [ -n "${CLUSTER_DIR:-}" ] && as_root rm -rf "$CLUSTER_DIR"
}

# Builds (release) and installs the extension into Debian's PostgreSQL; the build's output is
# shown only when it fails.
install_extension() {
  local sudo_flag=() log
  [ "$(id -u)" = 0 ] || sudo_flag=(--sudo)
  log=$(mktemp)
  if ! cargo pgrx install --release "${sudo_flag[@]}" --pg-config "$PG_CONFIG" >"$log" 2>&1; then
    cat "$log" >&2
    rm -f "$log"
    return 1
  fi
  rm -f "$log"
}

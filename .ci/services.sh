# The servers CI's tests need, started here when they are down (sourced by .ci/run; usable by hand the same way):
# the PostgreSQL cluster and Redis; a streaming hot standby of the cluster (the read replica) on 5433; PgBouncer in
# transaction mode in front of the cluster on 6432; a second redis-server on a free port, and the S3 server (moto).
# stop_started stops those this shell started.
PG_VERSION="$(ls /etc/postgresql | sort -n | tail -1)"
PG_BIN="/usr/lib/postgresql/$PG_VERSION/bin"
STANDBY_PORT="${STANDBY_PORT:-5433}"
STANDBY_DIR="${STANDBY_DIR:-/tmp/haidian-ci-standby}"
STANDBY_SLOT="${STANDBY_SLOT:-haidian_ci_standby}"
PGBOUNCER_PORT="${PGBOUNCER_PORT:-6432}"
PGBOUNCER_DIR="${PGBOUNCER_DIR:-/tmp/haidian-ci-pgbouncer}"
STARTED=()

as_postgres() { runuser -u postgres -- "$@"; }

wait_until() {  # wait_until SECONDS COMMAND…: true once COMMAND succeeds
  local seconds=$1; shift
  for _ in $(seq 1 "$seconds"); do "$@" && return 0; sleep 1; done
  "$@"
}

start_primary_and_redis() {
  if ! pg_isready -h 127.0.0.1 -p 5432 -q 2>/dev/null; then
    pg_ctlcluster --skip-systemctl-redirect "$PG_VERSION" main start
  fi
  if ! redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1; then
    redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no
  fi
  wait_until 30 pg_isready -h 127.0.0.1 -p 5432 -q
  wait_until 30 redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null
}

allow_local_replication() {  # the standby streams over 127.0.0.1: one pg_hba line, added once
  local hba="/etc/postgresql/$PG_VERSION/main/pg_hba.conf"
  if ! grep -Eq '^host[[:space:]]+replication[[:space:]]+all[[:space:]]+127\.0\.0\.1/32[[:space:]]+trust' "$hba"; then
    echo "host    replication     all             127.0.0.1/32            trust" >> "$hba"
    psql -h 127.0.0.1 -U postgres -qAtc "SELECT pg_reload_conf()" >/dev/null
  fi
}

start_standby() {
  if pg_isready -h 127.0.0.1 -p "$STANDBY_PORT" -q 2>/dev/null; then
    return
  fi
  allow_local_replication
  if [ -f "$STANDBY_DIR/postmaster.pid" ]; then  # a standby that died: start afresh
    as_postgres "$PG_BIN/pg_ctl" -D "$STANDBY_DIR" -m immediate stop >/dev/null 2>&1 || true
  fi
  rm -rf "$STANDBY_DIR"
  drop_standby_slot
  install -d -o postgres -g postgres -m 700 "$STANDBY_DIR"
  # -R: standby.signal and the primary's address; -c fast: no waiting for the next checkpoint; -C -S: a replication
  # slot keeps the WAL the standby has yet to read (a busy primary recycles it within seconds), dropped at the end.
  as_postgres "$PG_BIN/pg_basebackup" -h 127.0.0.1 -p 5432 -U postgres -D "$STANDBY_DIR" -X stream -R -c fast -N \
    -C -S "$STANDBY_SLOT"
  # Debian keeps the cluster's configuration outside its data directory: the standby gets its own.
  as_postgres tee "$STANDBY_DIR/postgresql.conf" >/dev/null <<CONF
port = $STANDBY_PORT
listen_addresses = '127.0.0.1'
unix_socket_directories = '/tmp'
hot_standby = on
max_connections = 200
fsync = off
CONF
  printf 'local all all trust\nhost all all 127.0.0.1/32 trust\n' | as_postgres tee "$STANDBY_DIR/pg_hba.conf" >/dev/null
  as_postgres "$PG_BIN/pg_ctl" -D "$STANDBY_DIR" -l "$STANDBY_DIR/standby.log" -W start >/dev/null
  STARTED+=(standby)
}

wait_for_standby() {
  # A hot standby opens for reading once it has a snapshot of the primary's transactions, which waits for every
  # transaction with more than 64 savepoints (a test module's, say) to end on the primary: minutes on a busy one.
  if ! wait_until 600 pg_isready -h 127.0.0.1 -p "$STANDBY_PORT" -q; then
    tail -20 "$STANDBY_DIR/standby.log"
    return 1
  fi
}

drop_standby_slot() {  # a slot nobody reads would keep the primary's WAL forever
  psql -h 127.0.0.1 -U postgres -qAtc "SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots
                                       WHERE slot_name = '$STANDBY_SLOT' AND NOT active" >/dev/null
}

stop_standby() {
  as_postgres "$PG_BIN/pg_ctl" -D "$STANDBY_DIR" -m fast stop >/dev/null 2>&1 || true
  drop_standby_slot
}

start_pgbouncer() {
  if pg_isready -h 127.0.0.1 -p "$PGBOUNCER_PORT" -q 2>/dev/null; then
    return
  fi
  if ! command -v pgbouncer >/dev/null; then
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q pgbouncer >/dev/null \
      || { apt-get update -q >/dev/null; DEBIAN_FRONTEND=noninteractive apt-get install -y -q pgbouncer >/dev/null; }
  fi
  install -d -o postgres -g postgres -m 700 "$PGBOUNCER_DIR"
  # Every database of the cluster (the test databases too), one server session per transaction.
  as_postgres tee "$PGBOUNCER_DIR/pgbouncer.ini" >/dev/null <<CONF
[databases]
* = host=127.0.0.1 port=5432
[pgbouncer]
listen_addr = 127.0.0.1
listen_port = $PGBOUNCER_PORT
unix_socket_dir =
auth_type = trust
auth_file = $PGBOUNCER_DIR/userlist.txt
admin_users = postgres
pool_mode = transaction
max_client_conn = 200
default_pool_size = 10
logfile = $PGBOUNCER_DIR/pgbouncer.log
pidfile = $PGBOUNCER_DIR/pgbouncer.pid
CONF
  echo '"postgres" ""' | as_postgres tee "$PGBOUNCER_DIR/userlist.txt" >/dev/null
  as_postgres pgbouncer -d -q "$PGBOUNCER_DIR/pgbouncer.ini"
  STARTED+=(pgbouncer)
  wait_until 30 pg_isready -h 127.0.0.1 -p "$PGBOUNCER_PORT" -q
}

stop_pgbouncer() {
  if [ -f "$PGBOUNCER_DIR/pgbouncer.pid" ]; then
    kill "$(cat "$PGBOUNCER_DIR/pgbouncer.pid")" 2>/dev/null || true
    wait_until 10 test ! -f "$PGBOUNCER_DIR/pgbouncer.pid" || true
  fi
}

free_port() {  # a TCP port nothing on 127.0.0.1 listens on now
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

start_private_redis() {  # a redis-server of this run's own on a free port (PRIVATE_REDIS_PORT), for a second test run
  PRIVATE_REDIS_PORT="$(free_port)"
  redis-server --daemonize yes --bind 127.0.0.1 --port "$PRIVATE_REDIS_PORT" --save "" --appendonly no >/dev/null
  STARTED+=(private_redis)
  wait_until 30 redis-cli -p "$PRIVATE_REDIS_PORT" ping >/dev/null
}

start_moto() {  # a local S3-compatible server on a free port (MOTO_PORT), answering before this returns
  MOTO_PORT="$(free_port)"
  mkdir -p var/log
  .venv/bin/moto_server -H 127.0.0.1 -p "$MOTO_PORT" >var/log/moto.log 2>&1 &
  MOTO_PID=$!
  STARTED+=(moto)
  wait_until 30 curl -sf -o /dev/null "http://127.0.0.1:$MOTO_PORT/"
}

stop_started() {
  for service in "${STARTED[@]}"; do
    case "$service" in
      standby) stop_standby ;;
      pgbouncer) stop_pgbouncer ;;
      moto) kill "$MOTO_PID" 2>/dev/null || true ;;
      private_redis) redis-cli -p "$PRIVATE_REDIS_PORT" shutdown nosave >/dev/null 2>&1 || true ;;
    esac
  done
}

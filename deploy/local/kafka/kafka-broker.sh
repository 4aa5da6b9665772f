#!/usr/bin/env bash
# Runs a real, single-node Kafka broker (KRaft: broker + controller in one JVM) on 127.0.0.1 from the Maven
# Central jars listed in pom.xml beside this script. No Docker, no ZooKeeper, no download other than Maven's.
#
#   kafka-broker.sh start DIR [PORT]   format DIR (once) and start a broker whose files all live in DIR;
#                                      prints exactly one line on stdout, the bootstrap address 127.0.0.1:PORT
#                                      (also written to DIR/bootstrap); progress goes to stderr.
#   kafka-broker.sh stop DIR           stop the broker of DIR (SIGTERM, then SIGKILL); idempotent.
#   kafka-broker.sh status DIR         exit 0 and print the bootstrap address if the broker of DIR is running.
#
# Files in DIR: server.properties, data/ (log.dirs), broker.log (all broker output), broker.pid, bootstrap,
# cluster.id. Starting an existing DIR again keeps its data (topics survive a stop/start) and reuses the previous
# port when it is free, so clients keep their bootstrap address across a broker restart.
#
# Environment (all optional):
#   JAVA_HOME                    the JVM to use (default: java on PATH)
#   KAFKA_BROKER_HEAP            heap options (default: -Xms256m -Xmx512m)
#   KAFKA_BROKER_JAVA_OPTS       extra JVM options
#   KAFKA_BROKER_START_TIMEOUT   seconds to wait for "Kafka Server started" (default 60)
#   KAFKA_BROKER_STOP_TIMEOUT    seconds to wait after SIGTERM before SIGKILL (default 30)
#   KAFKA_BROKER_FIRST_PORT, KAFKA_BROKER_LAST_PORT
#                                the ports searched for a free one (default 19092-19999); brokers started at once by
#                                different test JVMs get disjoint ranges, so that none takes a port another restarts on
#   KAFKA_BROKER_OWNER_PID       if set, a watcher stops the broker as soon as that process is gone
#                                (a test JVM passes its own pid so a crashed or killed build leaves no broker behind)
#   KAFKA_BROKER_SECURITY        plaintext (default) or sasl_ssl. With sasl_ssl the only client listener is
#                                SASL_SSL://127.0.0.1:PORT (mechanism PLAIN, one user); the controller listener stays
#                                plaintext on loopback. A certificate for 127.0.0.1 / localhost is made with keytool in
#                                DIR/broker-keystore.p12 (once per DIR) and trusted by DIR/truststore.p12 (PKCS12).
#   KAFKA_BROKER_SASL_USER       with sasl_ssl: the one user (brokers and clients), default "worker"
#   KAFKA_BROKER_SASL_PASSWORD   with sasl_ssl: its password (required; make one up per run, never commit one)
#   KAFKA_BROKER_SSL_PASSWORD    with sasl_ssl: password of both stores (required, same rule)
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
POM="$SCRIPT_DIR/pom.xml"
CP_FILE="$SCRIPT_DIR/target/classpath.txt"
LOG4J_CONFIG="$SCRIPT_DIR/log4j2.properties"
FIRST_PORT="${KAFKA_BROKER_FIRST_PORT:-19092}"
LAST_PORT="${KAFKA_BROKER_LAST_PORT:-19999}"

log() { printf '[kafka-broker] %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

usage() {
  cat >&2 <<'EOF'
usage: kafka-broker.sh start DIR [PORT]
       kafka-broker.sh stop DIR
       kafka-broker.sh status DIR
EOF
  exit 2
}

java_bin() {
  if [[ -n "${JAVA_HOME:-}" && -x "$JAVA_HOME/bin/java" ]]; then
    printf '%s\n' "$JAVA_HOME/bin/java"
  else
    command -v java || die "java not found (set JAVA_HOME or put java on PATH)"
  fi
}

now_ms() { date +%s%3N; }

# Absolute path of DIR (created if missing).
abs_dir() {
  mkdir -p "$1"
  (cd "$1" && pwd)
}

# Broker classpath, resolved by Maven once and cached; rebuilt when the pom is newer than the cache.
classpath() {
  if [[ ! -s "$CP_FILE" || "$POM" -nt "$CP_FILE" ]]; then
    log "resolving the broker classpath with Maven (cached in $CP_FILE)"
    mkdir -p "$(dirname "$CP_FILE")"
    local tmp="$CP_FILE.tmp.$$"
    # Offline first (fast, no network); fall back to an online resolution if something is missing.
    if ! mvn -B -q -o -Dstyle.color=never -f "$POM" dependency:build-classpath -Dmdep.outputFile="$tmp" >&2 2>/dev/null; then
      mvn -B -q -Dstyle.color=never -f "$POM" dependency:build-classpath -Dmdep.outputFile="$tmp" >&2 \
        || die "could not resolve the broker classpath from $POM"
    fi
    [[ -s "$tmp" ]] || die "Maven wrote an empty classpath for $POM"
    mv -f "$tmp" "$CP_FILE"
  fi
  cat "$CP_FILE"
}

# True if something accepts TCP connections on 127.0.0.1:$1.
port_in_use() {
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# First port from $1 upward (to LAST_PORT) that nothing listens on and that is not $2.
free_port_from() {
  local p="$1" skip="${2:-}"
  while ((p <= LAST_PORT)); do
    if [[ "$p" != "$skip" ]] && ! port_in_use "$p"; then
      printf '%s\n' "$p"
      return 0
    fi
    p=$((p + 1))
  done
  die "no free port between $1 and $LAST_PORT on 127.0.0.1"
}

# Pid of the broker of DIR if it is running (and really is that broker), else nothing and status 1.
running_pid() {
  local dir="$1" pid
  [[ -s "$dir/broker.pid" ]] || return 1
  pid="$(<"$dir/broker.pid")"
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  kill -0 "$pid" 2>/dev/null || return 1
  # Guard against a recycled pid: the process must be the kafka.Kafka of this DIR.
  if [[ -r "/proc/$pid/cmdline" ]]; then
    tr '\0' ' ' <"/proc/$pid/cmdline" | grep -qF "kafka.Kafka $dir/server.properties" || return 1
  fi
  printf '%s\n' "$pid"
}

security() {
  case "${KAFKA_BROKER_SECURITY:-plaintext}" in
    plaintext) printf 'PLAINTEXT\n' ;;
    sasl_ssl) printf 'SASL_SSL\n' ;;
    *) die "KAFKA_BROKER_SECURITY must be plaintext or sasl_ssl: ${KAFKA_BROKER_SECURITY}" ;;
  esac
}

# With sasl_ssl: a self-signed certificate for the broker (127.0.0.1 and localhost) and a trust store holding it.
make_stores() {
  local dir="$1" keytool
  [[ -n "${KAFKA_BROKER_SSL_PASSWORD:-}" ]] || die "KAFKA_BROKER_SECURITY=sasl_ssl needs KAFKA_BROKER_SSL_PASSWORD"
  [[ -n "${KAFKA_BROKER_SASL_PASSWORD:-}" ]] || die "KAFKA_BROKER_SECURITY=sasl_ssl needs KAFKA_BROKER_SASL_PASSWORD"
  [[ -s "$dir/broker-keystore.p12" && -s "$dir/truststore.p12" ]] && return 0
  keytool="$(dirname "$(java_bin)")/keytool"
  rm -f "$dir/broker-keystore.p12" "$dir/truststore.p12" "$dir/broker.crt"
  "$keytool" -genkeypair -alias broker -keyalg RSA -keysize 2048 -validity 30 -dname "CN=127.0.0.1" \
    -ext "SAN=ip:127.0.0.1,dns:localhost" -keystore "$dir/broker-keystore.p12" -storetype PKCS12 \
    -storepass:env KAFKA_BROKER_SSL_PASSWORD -keypass:env KAFKA_BROKER_SSL_PASSWORD >/dev/null 2>&1 \
    || die "keytool could not make the broker's key pair"
  "$keytool" -exportcert -alias broker -keystore "$dir/broker-keystore.p12" -storepass:env KAFKA_BROKER_SSL_PASSWORD \
    -rfc -file "$dir/broker.crt" >/dev/null 2>&1 || die "keytool could not export the broker's certificate"
  "$keytool" -importcert -noprompt -alias broker -file "$dir/broker.crt" -keystore "$dir/truststore.p12" \
    -storetype PKCS12 -storepass:env KAFKA_BROKER_SSL_PASSWORD >/dev/null 2>&1 \
    || die "keytool could not write the trust store"
}

write_properties() {
  local dir="$1" port="$2" cport="$3" protocol
  protocol="$(security)"
  cat >"$dir/server.properties" <<EOF
# Written by kafka-broker.sh: single-node KRaft broker on loopback, for tests and demos only.
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$cport
listeners=$protocol://127.0.0.1:$port,CONTROLLER://127.0.0.1:$cport
advertised.listeners=$protocol://127.0.0.1:$port
listener.security.protocol.map=$protocol:$protocol,CONTROLLER:PLAINTEXT
controller.listener.names=CONTROLLER
inter.broker.listener.name=$protocol
log.dirs=$dir/data
num.partitions=1
default.replication.factor=1
auto.create.topics.enable=false
offsets.topic.replication.factor=1
offsets.topic.num.partitions=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
min.insync.replicas=1
group.initial.rebalance.delay.ms=0
EOF
  if [[ "$protocol" == SASL_SSL ]]; then
    local user="${KAFKA_BROKER_SASL_USER:-worker}"
    # The file holds the run's made-up passwords: it lives in DIR (under target/ for tests), never in git.
    chmod 600 "$dir/server.properties"
    cat >>"$dir/server.properties" <<EOF
sasl.enabled.mechanisms=PLAIN
sasl.mechanism.inter.broker.protocol=PLAIN
listener.name.sasl_ssl.plain.sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required username="$user" password="$KAFKA_BROKER_SASL_PASSWORD" user_$user="$KAFKA_BROKER_SASL_PASSWORD";
ssl.keystore.location=$dir/broker-keystore.p12
ssl.keystore.type=PKCS12
ssl.keystore.password=$KAFKA_BROKER_SSL_PASSWORD
ssl.key.password=$KAFKA_BROKER_SSL_PASSWORD
ssl.truststore.location=$dir/truststore.p12
ssl.truststore.type=PKCS12
ssl.truststore.password=$KAFKA_BROKER_SSL_PASSWORD
ssl.client.auth=none
EOF
  fi
}

# A Kafka cluster id: 16 random bytes, URL-safe base64 without padding (22 chars), never starting with '-'
# (the same rules as org.apache.kafka.common.Uuid.randomUuid, without paying for a JVM start).
random_cluster_id() {
  local id
  while :; do
    id="$(head -c 16 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=\n')"
    [[ ${#id} -eq 22 && "$id" != -* && "$id" != AAAAAAAAAAAAAAAAAAAAA* ]] && break
  done
  printf '%s\n' "$id"
}

# Starts the JVM in its own session (Ctrl-C of the caller does not reach it); all output goes to broker.log.
launch() {
  local dir="$1" cp="$2" java
  java="$(java_bin)"
  local heap
  read -r -a heap <<<"${KAFKA_BROKER_HEAP:--Xms256m -Xmx512m}"
  local extra=()
  if [[ -n "${KAFKA_BROKER_JAVA_OPTS:-}" ]]; then read -r -a extra <<<"$KAFKA_BROKER_JAVA_OPTS"; fi
  rm -f "$dir/broker.pid"
  # shellcheck disable=SC2016 # $$, $1 and $@ belong to the inner bash
  # The wrapper writes its own pid, then execs java: the pid file holds the broker's pid whatever setsid does.
  setsid bash -c 'echo $$ >"$1"; shift; exec "$@"' kafka-broker "$dir/broker.pid" \
    "$java" "${heap[@]}" -XX:+UseG1GC -Djava.awt.headless=true \
    -Dlog4j2.configurationFile="$LOG4J_CONFIG" "${extra[@]}" \
    -cp "$cp" kafka.Kafka "$dir/server.properties" \
    </dev/null >>"$dir/broker.log" 2>&1 &
  local i
  for ((i = 0; i < 100; i++)); do
    [[ -s "$dir/broker.pid" ]] && return 0
    sleep 0.05
  done
  die "the broker process did not start (see $dir/broker.log)"
}

# Background watcher: stops the broker when the owner process exits (or the broker exits on its own).
watch_owner() {
  local dir="$1" owner="$2" pid="$3"
  [[ "$owner" =~ ^[0-9]+$ ]] || die "KAFKA_BROKER_OWNER_PID is not a pid: $owner"
  (
    trap '' INT HUP
    while kill -0 "$owner" 2>/dev/null && kill -0 "$pid" 2>/dev/null; do sleep 1; done
    if kill -0 "$pid" 2>/dev/null; then
      echo "[kafka-broker] owner process $owner is gone: stopping the broker" >>"$dir/broker.log"
      "$SCRIPT_DIR/kafka-broker.sh" stop "$dir" >>"$dir/broker.log" 2>&1 || true
    fi
  ) </dev/null >/dev/null 2>&1 &
  disown $! 2>/dev/null || true
}

# Waits for "Kafka Server started" in the log (from byte offset $2 on). Status 0 ready, 1 died, 2 timed out.
wait_ready() {
  local dir="$1" offset="$2" pid="$3" timeout="$4" deadline
  deadline=$(($(date +%s) + timeout))
  while :; do
    if tail -c "+$((offset + 1))" "$dir/broker.log" 2>/dev/null | grep -q 'Kafka Server started'; then
      return 0
    fi
    kill -0 "$pid" 2>/dev/null || return 1
    (($(date +%s) < deadline)) || return 2
    sleep 0.2
  done
}

cmd_start() {
  local dir port_arg="${2:-}"
  [[ -n "${1:-}" ]] || usage
  dir="$(abs_dir "$1")"
  if [[ -n "$port_arg" && ! "$port_arg" =~ ^[0-9]+$ ]]; then die "PORT must be a number: $port_arg"; fi

  local pid
  if pid="$(running_pid "$dir")"; then
    [[ -s "$dir/bootstrap" ]] || die "a broker is running for $dir (pid $pid) but $dir/bootstrap is missing"
    log "a broker is already running for $dir (pid $pid)"
    cat "$dir/bootstrap"
    return 0
  fi

  local t0 cp java
  t0="$(now_ms)"
  cp="$(classpath)"
  java="$(java_bin)"
  [[ -r "$LOG4J_CONFIG" ]] || die "missing $LOG4J_CONFIG"

  # Preferred port: the argument, else the one this DIR had before (a restart keeps its address), else search.
  local previous=""
  if [[ -s "$dir/bootstrap" ]]; then previous="$(sed -n 's/^127\.0\.0\.1:\([0-9][0-9]*\)$/\1/p' "$dir/bootstrap")"; fi

  local attempts=3 attempt port cport offset rc search_from="$FIRST_PORT"
  for ((attempt = 1; attempt <= attempts; attempt++)); do
    if [[ -n "$port_arg" ]]; then
      port="$port_arg"
      ! port_in_use "$port" || die "port $port on 127.0.0.1 is already in use"
    elif [[ -n "$previous" ]] && ! port_in_use "$previous"; then
      port="$previous"
    else
      port="$(free_port_from "$search_from")"
    fi
    previous=""
    cport="$(free_port_from $((port + 1)) "$port")"
    if [[ "$(security)" == SASL_SSL ]]; then make_stores "$dir"; fi
    write_properties "$dir" "$port" "$cport"

    if [[ ! -f "$dir/data/meta.properties" ]]; then
      local cid
      cid="$(random_cluster_id)"
      log "formatting $dir/data (cluster id $cid)"
      local tf
      tf="$(now_ms)"
      if ! "$java" -Xmx256m -Dlog4j2.configurationFile="$LOG4J_CONFIG" -cp "$cp" kafka.tools.StorageTool \
        format -t "$cid" -c "$dir/server.properties" >"$dir/format.log" 2>&1; then
        tail -n 30 "$dir/format.log" >&2 || true
        die "formatting the storage of $dir failed (see $dir/format.log)"
      fi
      printf '%s\n' "$cid" >"$dir/cluster.id"
      log "formatted in $(($(now_ms) - tf)) ms"
    fi

    offset=0
    if [[ -f "$dir/broker.log" ]]; then offset="$(wc -c <"$dir/broker.log")"; fi
    log "starting the broker on 127.0.0.1:$port (controller 127.0.0.1:$cport), log $dir/broker.log"
    launch "$dir" "$cp"
    pid="$(<"$dir/broker.pid")"

    rc=0
    wait_ready "$dir" "$offset" "$pid" "${KAFKA_BROKER_START_TIMEOUT:-60}" || rc=$?
    if ((rc == 0)); then
      printf '127.0.0.1:%s\n' "$port" >"$dir/bootstrap"
      if [[ -n "${KAFKA_BROKER_OWNER_PID:-}" ]]; then watch_owner "$dir" "$KAFKA_BROKER_OWNER_PID" "$pid"; fi
      log "broker ready (pid $pid) in $(($(now_ms) - t0)) ms"
      printf '127.0.0.1:%s\n' "$port"
      return 0
    fi

    # Another process may have taken a port between the probe and the bind: try again with fresh ports.
    if ((rc == 1)) && [[ -z "$port_arg" ]] && tail -c "+$((offset + 1))" "$dir/broker.log" | grep -q 'Address already in use' \
      && ((attempt < attempts)); then
      log "port taken while starting (attempt $attempt); retrying with other ports"
      rm -f "$dir/broker.pid"
      search_from=$((cport + 1))
      continue
    fi
    break
  done

  if ((rc == 2)); then
    log "the broker did not report \"Kafka Server started\" within ${KAFKA_BROKER_START_TIMEOUT:-60} s; stopping it"
    cmd_stop "$dir" >/dev/null 2>&1 || true
  else
    log "the broker exited during start-up"
  fi
  log "last lines of $dir/broker.log:"
  tail -c "+$((offset + 1))" "$dir/broker.log" | tail -n 40 >&2 || true
  rm -f "$dir/broker.pid"
  die "the Kafka broker for $dir did not start"
}

cmd_stop() {
  local dir pid
  [[ -n "${1:-}" ]] || usage
  [[ -d "$1" ]] || { log "nothing to stop: $1 does not exist"; return 0; }
  dir="$(cd "$1" && pwd)"
  if ! pid="$(running_pid "$dir")"; then
    rm -f "$dir/broker.pid"
    log "no broker running for $dir"
    return 0
  fi
  log "stopping the broker of $dir (pid $pid)"
  kill -TERM "$pid" 2>/dev/null || true
  local timeout="${KAFKA_BROKER_STOP_TIMEOUT:-30}" i
  for ((i = 0; i < timeout * 10; i++)); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  if kill -0 "$pid" 2>/dev/null; then
    log "still running after ${timeout} s: SIGKILL"
    kill -KILL "$pid" 2>/dev/null || true
    for ((i = 0; i < 50; i++)); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
  fi
  rm -f "$dir/broker.pid"
  log "stopped"
}

cmd_status() {
  local dir pid
  [[ -n "${1:-}" && -d "$1" ]] || { log "not running"; return 1; }
  dir="$(cd "$1" && pwd)"
  if pid="$(running_pid "$dir")"; then
    log "running (pid $pid)"
    cat "$dir/bootstrap" 2>/dev/null || true
    return 0
  fi
  log "not running"
  return 1
}

main() {
  local cmd="${1:-}"
  shift || true
  case "$cmd" in
    start) cmd_start "$@" ;;
    stop) cmd_stop "$@" ;;
    status) cmd_status "$@" ;;
    *) usage ;;
  esac
}

main "$@"

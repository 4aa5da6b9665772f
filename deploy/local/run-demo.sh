#!/usr/bin/env bash
# The main job on an embedded default, no Docker: builds the worker if needed, starts a real Kafka broker from Maven
# jars and the worker with its built-in Agent simulator (four simulated nodes, 3 s per migration), publishes a batch
# across the nodes (one request fails on purpose), prints each event as it arrives and a per-node summary, then stops
# everything, also on Ctrl-C. Everything listens on 127.0.0.1; files go to target/demo/.
#
#   deploy/local/run-demo.sh [--stay]
#
# --stay: after the summary the worker stays up (until Ctrl-C) for you to try the admin page and API, cancels and
# node pauses against it. The admin and viewer passwords are RELOCATOR_ADMIN_PASSWORD and RELOCATOR_VIEWER_PASSWORD
# when you export them; otherwise they are made up for the run and written only to target/demo/admin-credentials
# (mode 600), never printed.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
WORK="$ROOT/target/demo"
JAR="$ROOT/target/quarkus-app/quarkus-run.jar"
BROKER="$ROOT/deploy/local/kafka/kafka-broker.sh"
NODES=(hn-01 hn-02 hn-03 hn-04)
BOUND=2
WORKER_PID=""
STAY=""
case "${1:-}" in --stay) STAY=1 ;; "") ;; *) echo "usage: $0 [--stay]" >&2; exit 2 ;; esac

say() { printf '[demo] %s\n' "$*" >&2 || true; }

stop_all() {
  trap '' INT TERM PIPE # finish cleaning up even if the terminal or a pipe reading our output is gone
  if [ -n "$WORKER_PID" ] && kill -0 "$WORKER_PID" 2>/dev/null; then
    say "stopping the worker"
    kill -TERM "$WORKER_PID" 2>/dev/null || true
    wait "$WORKER_PID" 2>/dev/null || true
  fi
  "$BROKER" stop "$WORK/kafka" >/dev/null 2>&1 || true
}
trap stop_all EXIT
trap 'exit 130' INT TERM

# shellcheck source=common.sh
source "$ROOT/deploy/local/common.sh"

build_if_stale "$ROOT"

rm -rf "$WORK" && mkdir -p "$WORK"
say "starting Kafka"
# The broker also stops by itself if this script dies without cleaning up (its owner watcher).
BOOTSTRAP="$(KAFKA_BROKER_OWNER_PID=$$ "$BROKER" start "$WORK/kafka")"
PORT="$(free_port 18080)"

# The inventory in environment form, as a container would get it. The password is made up for this run only.
PASSWORD="$(head -c 18 /dev/urandom | base64 | tr -d '/+=')"
# So is the simulator's admin token: the worker serves the admin view with it, DemoRun.java sends it (both read it
# from this environment).
export RELOCATOR_SIMULATOR_ADMIN_TOKEN="$(head -c 18 /dev/urandom | base64 | tr -d '/+=')"
export KAFKA_BOOTSTRAP_SERVERS="$BOOTSTRAP" QUARKUS_HTTP_PORT="$PORT"
export RELOCATOR_SIMULATOR_ENABLED=true RELOCATOR_SIMULATOR_USERNAME=root RELOCATOR_SIMULATOR_PASSWORD="$PASSWORD"
export RELOCATOR_SIMULATOR_LATENCY=3s RELOCATOR_CONCURRENCY_PER_TARGET_NODE="$BOUND"
# The simulated Agents live in the worker's own process and stop with it, so there is nothing to drain for:
# a stopped demo exits at once (a real worker waits up to a minute for calls to remote Agents).
export RELOCATOR_SHUTDOWN_DRAIN_TIMEOUT=1s
# The admin API's two users (docs/operations.md): yours if exported, else made up for this run.
export RELOCATOR_ADMIN_PASSWORD="${RELOCATOR_ADMIN_PASSWORD:-$(head -c 18 /dev/urandom | base64 | tr -d '/+=')}"
export RELOCATOR_VIEWER_PASSWORD="${RELOCATOR_VIEWER_PASSWORD:-$(head -c 18 /dev/urandom | base64 | tr -d '/+=')}"
( umask 077; printf 'admin %s\nviewer %s\n' "$RELOCATOR_ADMIN_PASSWORD" "$RELOCATOR_VIEWER_PASSWORD" >"$WORK/admin-credentials" )
# A worker needs its own instance id (a shell does not export HOSTNAME).
export RELOCATOR_INSTANCE_ID=demo-worker
for node in "${NODES[@]}"; do
  var="RELOCATOR_NODES__$(echo "$node" | tr 'a-z-' 'A-Z_')__"
  export "${var}AGENT_URL=http://127.0.0.1:$PORT/simulator/agents/$node"
  export "${var}ADDRESS=$node.sim.invalid"
  export "${var}USERNAME=root"
  export "${var}PASSWORD=$PASSWORD"
done

say "starting the worker and the simulator on 127.0.0.1:$PORT (log: target/demo/worker.log)"
java -Xmx256m -jar "$JAR" >"$WORK/worker.log" 2>&1 &
WORKER_PID=$!

java -cp "$(cat "$ROOT/deploy/local/kafka/target/classpath.txt")" "$ROOT/deploy/local/DemoRun.java" \
  "$BOOTSTRAP" "http://127.0.0.1:$PORT" "$(IFS=,; echo "${NODES[*]}")" "$BOUND"

if [ -n "$STAY" ]; then
  say "the worker stays up until Ctrl-C: page http://127.0.0.1:$PORT/admin, API http://127.0.0.1:$PORT/admin/api,"
  say "Kafka $BOOTSTRAP; users admin and viewer, passwords in target/demo/admin-credentials"
  wait "$WORKER_PID" || true
fi

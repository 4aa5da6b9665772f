#!/usr/bin/env bash
# The worker's benchmark, one command, no Docker:
#
#   deploy/local/benchmark/run-benchmark.sh [overhead|scale|fairness|all|memory|scale3|big]     (default: all; ~10 minutes on 2 cores)
#
# scale3 (not part of all): the scale scenario three times in a row, each with a fresh simulator and worker; results in
# target/benchmark/results/scale-1.properties .. scale-3.properties.
# big (not part of all, ~15 minutes): 5,000 nodes x bound 2, 60 s migrations, one worker with -Xmx1g and
# max-in-flight 10000, the simulator in its own JVM (-Xmx2g); results in target/benchmark/results/big.properties.
#
# memory (not part of all): the idle worker's live set with 10 nodes and with BENCH_MEMORY_NODES (1000) nodes, every
# node logged in; its results file is target/benchmark/results/memory.properties (per node = the difference / (N - 10)).
#
# It builds the worker if needed, starts a real Kafka broker from Maven jars, and for each scenario a fresh Agent
# simulator in its own JVM (the same jar, simulator on, no worker role) and a fresh worker JVM (-Xmx512m) whose
# inventory points at the simulator. The benchmark's client (src/ beside this script, compiled by compile.sh into
# target/benchmark/classes) places containers, publishes requests, reads the events and samples the worker (threads
# from /proc, heap with jcmd). Every scenario has its own topics and consumer group. The figures go to
# docs/benchmarks.md (regenerated from the results of the latest run of each scenario, kept in
# target/benchmark/results/). Everything listens on 127.0.0.1; simulated node addresses (*.sim.invalid) resolve
# nowhere; the nodes' password is made up for the run and passed only through the environment. Everything started
# here is stopped on exit, also on Ctrl-C.
#
# Environment (optional): BENCH_DIRECT_COUNT, BENCH_OVERHEAD_COUNT, BENCH_SCALE_NODES, BENCH_SCALE_ROUNDS,
# BENCH_FAIR_SLOW, BENCH_FAIR_FAST (sizes; the defaults are what docs/benchmarks.md reports); BENCH_WORKER_OPTS
# (extra JVM options or -D overrides for the worker, for experiments; a run with it set says so in the overrides);
# BENCH_JFR=1 records the worker with JFR (default settings) into target/benchmark/<scenario>.jfr and writes its top
# CPU and allocation sites beside it (<scenario>-jfr-top.txt, by JfrTop in src/).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)"
HERE="$ROOT/deploy/local/benchmark"
WORK="$ROOT/target/benchmark"
RESULTS="$WORK/results"
JAR="$ROOT/target/quarkus-app/quarkus-run.jar"
BROKER="$ROOT/deploy/local/kafka/kafka-broker.sh"
CP_FILE="$ROOT/deploy/local/kafka/target/classpath.txt"
DOC="$ROOT/docs/benchmarks.md"
WHAT="${1:-all}"
COMMAND="deploy/local/benchmark/run-benchmark.sh $WHAT"
PIDS=()

say() { printf '[benchmark] %s\n' "$*" >&2 || true; }

stop_pid() {
  local pid=$1
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
  fi
}

stop_all() {
  trap '' INT TERM PIPE
  for pid in "${PIDS[@]:-}"; do stop_pid "$pid"; done
  "$BROKER" stop "$WORK/kafka" >/dev/null 2>&1 || true
}
trap stop_all EXIT
trap 'exit 130' INT TERM

case "$WHAT" in overhead|scale|fairness|all|memory|scale3|big) ;; *) echo "usage: $0 [overhead|scale|fairness|all|memory|scale3|big]" >&2; exit 2 ;; esac

# shellcheck source=../common.sh
source "$ROOT/deploy/local/common.sh"

build_if_stale "$ROOT"

mkdir -p "$WORK" "$RESULTS"
rm -rf "$WORK/kafka"
say "starting Kafka"
BOOTSTRAP="$(KAFKA_BROKER_OWNER_PID=$$ "$BROKER" start "$WORK/kafka")"
[ -f "$CP_FILE" ] || { say "no $CP_FILE (the broker script resolves it)"; exit 1; }
CP="$(cat "$CP_FILE")"
# Compiled once for all scenarios, so that no scenario's time limit includes compiling.
CLASSES="$("$HERE/compile.sh")"
# Made up for this run; only ever in the environment of the processes started here.
export BENCH_PASSWORD="$(head -c 18 /dev/urandom | base64 | tr -d '/+=')"
# So is the simulator's admin token: the simulator JVM gets it as RELOCATOR_SIMULATOR_ADMIN_TOKEN, Bench sends it.
export BENCH_ADMIN_TOKEN="$(head -c 18 /dev/urandom | base64 | tr -d '/+=')"

SIM_PORT="" SIM_PID="" WORKER_PORT="" WORKER_PID="" WORKER_LAUNCHED=""

# start_simulator NAME [extra -D options...]: the simulator alone in its own JVM (no requests consumer, no topics).
start_simulator() {
  local name=$1; shift
  SIM_PORT="$(free_port 18180)"
  RELOCATOR_SIMULATOR_PASSWORD="$BENCH_PASSWORD" RELOCATOR_SIMULATOR_ADMIN_TOKEN="$BENCH_ADMIN_TOKEN" java -Xms256m -Xmx"${SIM_HEAP:-1g}" -XX:+UseG1GC \
    -Dquarkus.http.port="$SIM_PORT" -Dkafka.bootstrap.servers="$BOOTSTRAP" \
    -Drelocator.simulator.enabled=true -Drelocator.simulator.username=root -Drelocator.worker.enabled=false \
    -Dmp.messaging.incoming.requests.enabled=false \
    -Drelocator.topics.create=false -Drelocator.topics.requests="bench-sim-unused" \
    -Dquarkus.log.category.\"io.relocator\".level=WARN \
    "$@" -jar "$JAR" >"$WORK/$name-simulator.log" 2>&1 &
  SIM_PID=$!
  PIDS+=("$SIM_PID")
}

# start_worker NAME PROPERTIES_FILE [HEAP]: the worker alone, -Xmx HEAP (512m), its inventory and overrides in
# PROPERTIES_FILE.
start_worker() {
  local name=$1 props=$2 heap=${3:-512m}
  WORKER_PORT="$(free_port 18280)"
  WORKER_LAUNCHED="$(date +%s%3N)"
  local jfr=""
  if [ -n "${BENCH_JFR:-}" ]; then
    jfr="-XX:StartFlightRecording=filename=$WORK/$name.jfr,dumponexit=true,settings=default"
  fi
  # shellcheck disable=SC2086 # BENCH_WORKER_OPTS: extra JVM options for experiments (none in the reported runs)
  java -Xmx"$heap" -XX:+UseG1GC $jfr ${BENCH_WORKER_OPTS:-} -Dquarkus.config.locations="file:$props" -Dquarkus.http.port="$WORKER_PORT" \
    -Dkafka.bootstrap.servers="$BOOTSTRAP" -Drelocator.instance-id="bench-$name" -jar "$JAR" >"$WORK/$name-worker.log" 2>&1 &
  WORKER_PID=$!
  PIDS+=("$WORKER_PID")
}

stop_scenario() {
  stop_pid "$WORKER_PID"
  stop_pid "$SIM_PID"
  WORKER_PID="" SIM_PID=""
  local recording
  for recording in "$WORK"/*.jfr; do
    [ -f "$recording" ] && [ "$recording" -nt "$WORK/.jfr-reported" ] || continue
    java -cp "$CLASSES" JfrTop "$recording" >"${recording%.jfr}-jfr-top.txt" 2>&1 \
      && say "JFR top sites: ${recording%.jfr}-jfr-top.txt" || say "JFR: could not read $recording"
  done
  touch "$WORK/.jfr-reported"
}

# inventory FILE SCENARIO NODE...: topics (the scheduler's too, so that no scenario reads another's waiting requests),
# group and one block per node (password from the environment only).
inventory() {
  local file=$1 scenario=$2; shift 2
  {
    echo "relocator.topics.requests=bench-$scenario-requests"
    echo "relocator.topics.events=bench-$scenario-events"
    echo "relocator.topics.dead-letter=bench-$scenario-dlq"
    echo "relocator.topics.outcomes=bench-$scenario-outcomes"
    echo "relocator.topics.scheduler-inbox=bench-$scenario-sched-inbox"
    echo "relocator.topics.scheduler-state=bench-$scenario-sched-state"
    echo "mp.messaging.incoming.requests.group.id=bench-$scenario"
    for node in "$@"; do
      echo "relocator.nodes.$node.agent-url=http://127.0.0.1:$SIM_PORT/simulator/agents/$node"
      echo "relocator.nodes.$node.address=$node.sim.invalid"
      echo "relocator.nodes.$node.username=root"
      echo "relocator.nodes.$node.password=\${BENCH_PASSWORD}"
    done
  } >"$file"
}

bench() {
  local scenario=$1 limit=$2; shift 2
  timeout "$limit" java -Xmx1g -cp "$CLASSES:$CP" Bench "$scenario" "$@" 2> >(tee -a "$WORK/bench.log" >&2) \
    | tee -a "$WORK/bench.log" | sed -n 's/^RESULT //p'
}

# record SCENARIO OVERRIDES: starts the scenario's result file.
record() {
  local file="$RESULTS/$1.properties"
  {
    echo "date=$(date -u +%Y-%m-%dT%H:%M:%SZ)"
    echo "command=$COMMAND"
    echo "code=$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)$( [ -n "$(git -C "$ROOT" status --porcelain -- src pom.xml 2>/dev/null)" ] && echo ' + uncommitted changes in src/')"
    echo "overrides=$2${BENCH_WORKER_OPTS:+; worker JVM options: $BENCH_WORKER_OPTS}${BENCH_JFR:+; worker recorded with JFR (default settings)}"
  } >"$file"
  echo "$file"
}

broker_pid() { cat "$WORK/kafka/broker.pid" 2>/dev/null || true; }

nodes_named() { local prefix=$1 n=$2; for i in $(seq 1 "$n"); do printf '%s-%04d ' "$prefix" "$i"; done; }

# worker_facts FILE NAME: start-up figures from the worker's log.
worker_facts() {
  local file=$1 log="$WORK/$2-worker.log"
  { echo "worker_started_in=$(sed -n 's/.* started in \([0-9.]*s\).*/\1/p' "$log" | head -1)"
    echo "clients_built_ms=$(sed -n 's/.*Built [0-9]* Agent clients in \([0-9]*\) ms.*/\1/p' "$log" | head -1)"
  } >>"$file"
}

run_overhead() {
  local nodes=16 bound=4
  local overrides="16 nodes; relocator.concurrency.per-target-node=$bound (per-source-node 4, max-in-flight 1000: defaults); simulator latency 0; direct driver concurrency 64 = nodes x bound"
  local file; file="$(record overhead "$overrides")"
  say "overhead: simulator"
  start_simulator overhead
  bench direct 300 sim="http://127.0.0.1:$SIM_PORT" nodes=$nodes count="${BENCH_DIRECT_COUNT:-30000}" \
    warmup=10000 concurrency=$((nodes * bound)) sim-pid="$SIM_PID" >>"$file"
  say "overhead: worker"
  inventory "$WORK/overhead.properties" overhead $(nodes_named hn $nodes)
  echo "relocator.concurrency.per-target-node=$bound" >>"$WORK/overhead.properties"
  start_worker overhead "$WORK/overhead.properties"
  bench overhead 520 sim="http://127.0.0.1:$SIM_PORT" worker="http://127.0.0.1:$WORKER_PORT" pid="$WORKER_PID" \
    bootstrap="$BOOTSTRAP" requests=bench-overhead-requests events=bench-overhead-events nodes=$nodes \
    count="${BENCH_OVERHEAD_COUNT:-20000}" warmup=4000 sim-pid="$SIM_PID" broker-pid="$(broker_pid)" >>"$file"
  worker_facts "$file" overhead
  stop_scenario
}

run_scale() {
  local nodes="${BENCH_SCALE_NODES:-500}" rounds="${BENCH_SCALE_ROUNDS:-24}" name=${1:-scale}
  local overrides="$nodes nodes; relocator.concurrency.per-target-node=4, relocator.concurrency.per-source-node=8 (sources spread round-robin, about 4 out of each node at once; 8 so the source bound never limits), relocator.concurrency.max-in-flight=2500 (the whole backlog of $((nodes * rounds)) waits at the scheduler, within the default max-waiting 100000); simulator latency 5 s; $rounds requests per target node"
  local file; file="$(record "$name" "$overrides")"
  say "$name: simulator"
  start_simulator "$name" -Drelocator.simulator.latency=5s
  inventory "$WORK/$name.properties" "$name" $(nodes_named hn "$nodes")
  { echo "relocator.concurrency.per-target-node=4"
    echo "relocator.concurrency.per-source-node=8"
    echo "relocator.concurrency.max-in-flight=2500"
  } >>"$WORK/$name.properties"
  say "$name: worker with $nodes nodes"
  start_worker "$name" "$WORK/$name.properties"
  bench scale 480 sim="http://127.0.0.1:$SIM_PORT" worker="http://127.0.0.1:$WORKER_PORT" pid="$WORKER_PID" \
    launched="$WORKER_LAUNCHED" bootstrap="$BOOTSTRAP" requests="bench-$name-requests" events="bench-$name-events" group="bench-$name" \
    nodes="$nodes" rounds="$rounds" bound=4 latency-ms=5000 sim-pid="$SIM_PID" broker-pid="$(broker_pid)" >>"$file"
  worker_facts "$file" "$name"
  stop_scenario
}

# big: 5,000 nodes x bound 2 into each node (sources round-robin), 60 s migrations, 6 requests per target
# (30,000 in all: 6 minutes of work at the bound), max-in-flight 10000, worker -Xmx1g, simulator -Xmx2g.
run_big() {
  local nodes="${BENCH_BIG_NODES:-5000}" rounds="${BENCH_BIG_ROUNDS:-6}"
  local overrides="$nodes nodes; relocator.concurrency.per-target-node=2, relocator.concurrency.per-source-node=4 (sources round-robin, about 2 out of each node at once; 4 so the source bound never limits), relocator.concurrency.max-in-flight=10000, relocator.events.running-interval=0 (RUNNING heartbeats off: at their default 60 s, as long as these migrations, each of the 10,000 calls out would open a second connection for its get_info, and 20,000 sockets is this machine's open-file limit per process); /q/metrics scraped every 15 s, as Prometheus commonly does (each scrape of 5,000 nodes' series costs the worker about 0.3 s of CPU: at one a second it took 26 % of the worker's CPU); worker -Xmx1g; simulator -Xmx2g, latency 60 s; $rounds requests per target node"
  local file; file="$(record big "$overrides")"
  say "big: simulator"
  SIM_HEAP=2g start_simulator big -Drelocator.simulator.latency=60s
  inventory "$WORK/big.properties" big $(nodes_named hn "$nodes")
  { echo "relocator.concurrency.per-target-node=2"
    echo "relocator.concurrency.per-source-node=4"
    echo "relocator.concurrency.max-in-flight=10000"
    echo "relocator.events.running-interval=0"
  } >>"$WORK/big.properties"
  say "big: worker with $nodes nodes"
  start_worker big "$WORK/big.properties" 1g
  bench scale 1500 sim="http://127.0.0.1:$SIM_PORT" worker="http://127.0.0.1:$WORKER_PORT" pid="$WORKER_PID" \
    launched="$WORKER_LAUNCHED" bootstrap="$BOOTSTRAP" requests=bench-big-requests events=bench-big-events group=bench-big \
    nodes="$nodes" rounds="$rounds" bound=2 latency-ms=60000 timeout=1200 scrape-ms=15000 sim-pid="$SIM_PID" broker-pid="$(broker_pid)" >>"$file"
  worker_facts "$file" big
  stop_scenario
}

# Defaults: the whole backlog waits at the fleet's scheduler (relocator.scheduler.max-waiting 100000).
run_fairness() {
  local file; file="$(record fairness "defaults; 8 nodes (S and F1..F3, each with its own source)")"
  say "fairness: simulator"
  start_simulator fairness
  inventory "$WORK/fairness.properties" fairness s-src s f1-src f2-src f3-src f1 f2 f3
  say "fairness: worker"
  start_worker fairness "$WORK/fairness.properties"
  bench fairness 300 sim="http://127.0.0.1:$SIM_PORT" worker="http://127.0.0.1:$WORKER_PORT" pid="$WORKER_PID" \
    bootstrap="$BOOTSTRAP" requests=bench-fairness-requests group=bench-fairness events=bench-fairness-events \
    slow="${BENCH_FAIR_SLOW:-10000}" fast="${BENCH_FAIR_FAST:-100}" slow-ms=60000 fast-ms=300 fast-bound=2 >>"$file"
  stop_scenario
}

run_memory() {
  local many="${BENCH_MEMORY_NODES:-1000}"
  local file; file="$(record memory "idle worker (-Xmx512m, defaults otherwise: per-source-node 4, so 6 connections per node pool) with 10 nodes, then with $many; every node logged in at the simulator before measuring")"
  say "memory: simulator"
  start_simulator memory
  for n in 10 "$many"; do
    local prefix; prefix="$( [ "$n" = 10 ] && echo few || echo many )"
    inventory "$WORK/memory-$n.properties" "memory-$n" $(nodes_named "$prefix" "$n")
    say "memory: worker with $n nodes"
    start_worker "memory-$n" "$WORK/memory-$n.properties"
    bench memory 400 sim="http://127.0.0.1:$SIM_PORT" worker="http://127.0.0.1:$WORKER_PORT" pid="$WORKER_PID" \
      nodes="$n" prefix="$prefix" histogram="$WORK/memory-$n-histogram.txt" >>"$file"
    echo "memory.$n.clients_built_ms=$(sed -n 's/.*Built [0-9]* Agent clients in \([0-9]*\) ms.*/\1/p' "$WORK/memory-$n-worker.log" | head -1)" >>"$file"
    stop_pid "$WORKER_PID"
  done
  echo "memory.nodes=$many" >>"$file"
  stop_scenario
  say "memory: $(grep -E 'live_heap_mb|clients_built' "$file" | tr '\n' ' ')"
}

STARTED_AT=$(date +%s)
case "$WHAT" in
  overhead) run_overhead ;;
  scale) run_scale ;;
  fairness) run_fairness ;;
  memory) run_memory; exit 0 ;;
  scale3) for i in 1 2 3; do run_scale "scale-$i"; done
    say "scale3: $(grep -h rate_pct_of_ideal "$RESULTS"/scale-[123].properties | tr '\n' ' ')"; exit 0 ;;
  big) run_big; say "big: $(grep -E 'rate_pct|peak_in_flight_simulator|peak_threads|startup_all|live_heap' "$RESULTS/big.properties" | tr '\n' ' ')"; exit 0 ;;
  all) run_overhead; run_scale; run_fairness ;;
esac
say "scenarios done in $(( $(date +%s) - STARTED_AT )) s; writing $DOC"

BENCH_MACHINE="$(printf 'nproc: %s\n' "$(nproc)"; free -g | sed 's/^/    /'; java -version 2>&1 | sed 's/^/    /'; \
  printf 'kernel: %s\n' "$(uname -srm)")" \
  bash "$HERE/write-report.sh" "$RESULTS" "$DOC"
say "done: $DOC"

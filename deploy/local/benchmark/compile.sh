#!/usr/bin/env bash
# compile.sh: compiles the benchmark's client (src/ beside this script) into target/benchmark/classes against the
# broker's Maven classpath (kafka-clients and Jackson are on it) and prints that directory. It recompiles only when a
# source, the source directory (a file added or removed) or the classpath is newer than the last compile. Called by
# run-benchmark.sh and write-report.sh; the sources stay out of the worker's Maven build, so its jar does not carry them.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../../.." && pwd)"
CP_FILE="$ROOT/deploy/local/kafka/target/classpath.txt"
CLASSES="$ROOT/target/benchmark/classes"
STAMP="$CLASSES/.compiled"

[ -f "$CP_FILE" ] || { echo "[benchmark] no $CP_FILE (kafka-broker.sh resolves it)" >&2; exit 1; }
if [ ! -f "$STAMP" ] || [ -n "$(find "$HERE/src" "$CP_FILE" -newer "$STAMP" -print -quit)" ]; then
  # From scratch, so that no class of a removed source stays behind.
  rm -rf "$CLASSES"
  mkdir -p "$CLASSES"
  javac -d "$CLASSES" -cp "$(cat "$CP_FILE")" "$HERE"/src/*.java >&2
  touch "$STAMP"
fi
echo "$CLASSES"

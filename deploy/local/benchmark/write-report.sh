#!/usr/bin/env bash
# write-report.sh RESULTS_DIR DOC: regenerates the figures block of DOC (docs/benchmarks.md) from the results of the
# latest run of each scenario; text outside the generated block is kept. Called by run-benchmark.sh.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../../.." && pwd)"
CLASSES="$("$HERE/compile.sh")"
java -cp "$CLASSES:$(cat "$ROOT/deploy/local/kafka/target/classpath.txt")" Bench report "$1" "$2"

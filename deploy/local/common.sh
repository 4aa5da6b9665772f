# Shared by run-demo.sh and benchmark/run-benchmark.sh (sourced, not run).

# First port from $1 upward on which nothing listens on 127.0.0.1.
free_port() {
  local port=$1
  while (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do port=$((port + 1)); done
  echo "$port"
}

# Builds the worker's jar when it is missing or older than the sources. $1: the repository's root.
build_if_stale() {
  local root=$1 jar="$1/target/quarkus-app/quarkus-run.jar"
  if [ ! -f "$jar" ] || [ -n "$(find "$root/src/main" "$root/pom.xml" -newer "$jar" -print -quit)" ]; then
    printf '[build] building the worker (mvn package -DskipTests)\n' >&2
    (cd "$root" && mvn -B -q package -DskipTests)
  fi
}

#!/usr/bin/env bash
# Flowmesh benchmarks: the real jars (source, map, sink, example UDF) as separate processes on
# loopback, eleven scenarios (the eighth with a local Kafka broker), medians of repeated windows
# after a warm-up. Prints a table and writes results/<timestamp>/ (summary.md, summary.csv,
# windows.csv, results.json, charts/*.svg).
#
#   scripts/bench.sh --help
#   scripts/bench.sh                                    # everything, full durations (~1 h)
#   scripts/bench.sh --scenarios 1,2 --reps 3 --seconds 10
#   scripts/bench.sh --seconds 10 --backpressure-seconds 60 --soak-minutes 3
#   scripts/bench.sh --scenarios 5 --max-rate 250000 --latency-slices   # latency at 125,000 msg/s, its tail split by the kernel's kdamond bursts
#   scripts/bench.sh --scenarios 8 --seconds 5 --warmup 10 --kafka-records 2000000   # Kafka vs the plain loop
#   scripts/bench.sh --scenarios 9 --seconds 10 --reps 3     # three-map chain and fan-out vs one map, same run
#   scripts/bench.sh --scenarios 10 --seconds 5 --warmup 10  # map.concurrency=auto vs fixed settings, UDF saturating at K
#   scripts/bench.sh --scenarios 11 --seconds 10 --warmup 5  # serving: sync requests at 1,000/s and the highest rate holding p99 < 10 ms
#
# The orchestrator is scripts/bench/flowbench.py (Python 3, standard library only). Every
# process it starts is listed in results/<timestamp>/pids; if it is killed without cleaning up,
# this script stops whatever of those is still running.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"

command -v python3 >/dev/null 2>&1 || { echo "bench: python3 is needed" >&2; exit 2; }
java_bin="${JAVA_HOME:+$JAVA_HOME/bin/}java"
command -v "$java_bin" >/dev/null 2>&1 || { echo "bench: java not found (JDK 17+)" >&2; exit 2; }

build=false
for a in "$@"; do
  case "$a" in -h|--help) exec python3 "$here/bench/flowbench.py" --help ;; --build) build=true ;; esac
done
args=()
for a in "$@"; do [[ "$a" == --build ]] || args+=("$a"); done

jars=(source-service/target/source-service.jar map-service/target/map-service.jar
      sink-service/target/sink-service.jar examples/udf-server/target/flowmesh-udf.jar
      bench/target/flowmesh-bench.jar kafka-broker/target/kafka-lib)
for j in "${jars[@]}"; do [[ -e "$root/$j" ]] || build=true; done
if $build; then
  echo "bench: building (mvn -B -q package -DskipTests) ..."
  (cd "$root" && mvn -B -q package -DskipTests)
fi

results="$root/results"
before="$(ls -1 "$results" 2>/dev/null | sort | tail -n 1 || true)"
py_pid=""
cleanup() {
  local status=$?
  if [[ -n "$py_pid" ]] && kill -0 "$py_pid" 2>/dev/null; then
    kill -TERM "$py_pid" 2>/dev/null || true
    for _ in $(seq 150); do kill -0 "$py_pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$py_pid" 2>/dev/null || true
  fi
  # Anything the orchestrator started and left behind: by pid, and only if it is still one of our jars
  # (or scenario 8's Kafka broker, whose classpath is kafka-broker/target/kafka-lib).
  local run pidfile p
  run="$(ls -1 "$results" 2>/dev/null | sort | tail -n 1 || true)"
  if [[ -n "$run" && "$run" != "$before" ]]; then
    pidfile="$results/$run/pids"
    if [[ -f "$pidfile" ]]; then
      while read -r p; do
        if [[ -r "/proc/$p/cmdline" ]] && tr '\0' ' ' <"/proc/$p/cmdline" | grep -qE -- "$root/.*(\.jar|kafka-lib)"; then
          kill -KILL "$p" 2>/dev/null || true
        fi
      done <"$pidfile"
    fi
  fi
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

python3 "$here/bench/flowbench.py" ${args[@]+"${args[@]}"} &
py_pid=$!
wait "$py_pid"

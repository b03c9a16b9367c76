#!/usr/bin/env bash
# Linux perf over scenario 2 (source -> map(cat) -> sink, all four processes): records the whole
# machine for a few seconds inside the measured windows, maps the JVMs' compiled code to names
# (jcmd Compiler.perfmap), and prints where the CPU went by process and code (JIT, kernel, JVM,
# libc, vDSO) and map-service's top symbols. Needs perf (linux-perf), and root or
# kernel.perf_event_paranoid <= 1 for kernel samples.
#
#   scripts/bench-perf.sh [--out DIR] [--record SECONDS] [-- more scripts/bench.sh options]
#   scripts/bench-perf.sh -- --map-jvm-opts "@map-service/jvm.options -XX:+PreserveFramePointer"
#     (frame pointers kept: Java call stacks in `perf report -g`)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
out="" record=8
while [[ $# -gt 0 ]]; do
  case "$1" in
    --out) out="$2"; shift 2 ;;
    --record) record="$2"; shift 2 ;;
    --) shift; break ;;
    *) echo "bench-perf: unknown option $1 (see the header of $0)" >&2; exit 2 ;;
  esac
done
command -v perf >/dev/null 2>&1 || { echo "bench-perf: perf is needed (apt-get install linux-perf)" >&2; exit 2; }
command -v jcmd >/dev/null 2>&1 || { echo "bench-perf: jcmd (the JDK's) is needed" >&2; exit 2; }
# the warm-up bench.sh will use: ours unless the passed options name one (the last one wins)
warmup=25
args=("$@")
for ((i = 0; i < ${#args[@]}; i++)); do
  case "${args[i]}" in
    --warmup) warmup="${args[i + 1]:-$warmup}" ;;
    --warmup=*) warmup="${args[i]#--warmup=}" ;;
  esac
done
warmup="${warmup%.*}"
out="${out:-$(mktemp -d "${TMPDIR:-/tmp}/flowmesh-bench-perf.XXXXXX")}"
mkdir -p "$out"
"$here/bench.sh" --scenarios 2 --warmup 25 --seconds 12 --results "$out/results" "$@" >"$out/bench.log" 2>&1 &
bench=$!
stop_bench() { kill "$bench" 2>/dev/null || true; wait "$bench" 2>/dev/null || true; }
trap stop_bench EXIT
trap 'stop_bench; exit 130' INT TERM

# The run's four JVMs, from the pids file the orchestrator writes as it starts each one (bench.sh
# may build first: up to 10 minutes), named by the jar each runs.
declare -A role
deadline=$((SECONDS + 600))
while :; do
  pidfile="$(ls -1 "$out"/results/*/pids 2>/dev/null | tail -n 1 || true)"
  if [[ -n "$pidfile" && "$(wc -l <"$pidfile")" -ge 4 ]]; then break; fi
  kill -0 "$bench" 2>/dev/null || { echo "bench-perf: bench.sh ended before its JVMs started; see $out/bench.log" >&2; exit 1; }
  ((SECONDS < deadline)) || { echo "bench-perf: scenario 2's JVMs did not start within 10 minutes; see $out/bench.log" >&2; exit 1; }
  sleep 1
done
while read -r p; do
  jar="$(tr '\0' '\n' <"/proc/$p/cmdline" 2>/dev/null | grep -A1 -x -- -jar | tail -n 1 || true)"
  case "$(basename "$jar")" in
    *source*) role[$p]=source ;; *sink*) role[$p]=sink ;; *udf*) role[$p]=udf ;; *map*) role[$p]=map ;;
  esac
done <"$pidfile"
[[ ${#role[@]} -eq 4 ]] || { echo "bench-perf: expected scenario 2's 4 JVMs in $pidfile, named ${#role[@]}" >&2; exit 1; }
# inside the first measured window: after the warm-up and ~10 s of start-up and readiness
sleep $((warmup + 10))
if ! perf record -a -g -F 499 -e cpu-clock -o "$out/perf.data" -- sleep "$record" >"$out/record.log" 2>&1; then
  echo "bench-perf: perf record failed:" >&2; cat "$out/record.log" >&2; exit 1
fi
for p in "${!role[@]}"; do jcmd "$p" Compiler.perfmap >/dev/null 2>&1 || true; done
wait "$bench" || true
set +e +o pipefail  # the report below is cut short with head: a closed pipe is not a failure
{
  echo "# processes"; for p in "${!role[@]}"; do echo "$p ${role[$p]}"; done
  echo; echo "# share of all samples, by process and code ($record s; one sample per CPU per tick, 100 % = every CPU)"
  perf report -i "$out/perf.data" --no-children --sort pid,dso -g none --stdio 2>/dev/null | grep -v '^#' | grep -v '^$' | head -25
  for p in "${!role[@]}"; do
    [[ "${role[$p]}" == map ]] || continue
    echo; echo "# map-service ($p): top symbols, all its threads"
    perf report -i "$out/perf.data" --no-children --pid "$p" --sort sym -g none --stdio 2>/dev/null | grep -v '^#' | grep -v '^$' | head -40
  done
  echo; grep -E '^\| 2 .*(\| throughput|CPU per million|cores used)' "$out/bench.log"
} | tee "$out/summary.txt"
echo "bench-perf: perf.data, summary.txt and the bench results in $out"

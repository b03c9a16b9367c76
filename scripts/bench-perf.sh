#!/usr/bin/env bash
# Linux perf over scenario 2 (source -> map(cat) -> sink, all four processes): records the whole
# machine for a few seconds inside the measured windows, maps the JVMs' compiled code to names
# (jcmd Compiler.perfmap), and prints where the CPU went by process and code (JIT, kernel, JVM,
# libc, vDSO) and map-service's top symbols. Needs perf (linux-perf) and root or
# kernel.perf_event_paranoid <= 1 for kernel samples.
#
#   scripts/bench-perf.sh [--out DIR] [--record SECONDS] [-- more scripts/bench.sh options]
#   scripts/bench-perf.sh -- --map-jvm-opts "@map-service/jvm.options -XX:+PreserveFramePointer"
#     (frame pointers kept: Java call stacks in `perf report -g`)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
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
out="${out:-$(mktemp -d "${TMPDIR:-/tmp}/flowmesh-bench-perf.XXXXXX")}"
mkdir -p "$out"
warmup=25
"$here/bench.sh" --scenarios 2 --warmup "$warmup" --seconds 12 --results "$out/results" "$@" >"$out/bench.log" 2>&1 &
bench=$!
trap 'kill "$bench" 2>/dev/null || true' INT TERM
# the four JVMs start within ~15 s; record inside the first measured window
sleep $((warmup + 17))
declare -A name
for p in $(pgrep -f 'source-service.jar|map-service.jar|sink-service.jar|flowmesh-udf.jar' || true); do
  name[$p]="$(tr '\0' ' ' </proc/"$p"/cmdline | grep -o '[a-z-]*\.jar' | tail -1)"
done
[[ ${#name[@]} -eq 4 ]] || { echo "bench-perf: expected 4 JVMs of scenario 2, found ${#name[@]} (see $out/bench.log)" >&2; wait "$bench" || true; exit 1; }
perf record -a -g -F 499 -e cpu-clock -o "$out/perf.data" -- sleep "$record" >"$out/record.log" 2>&1
for p in "${!name[@]}"; do jcmd "$p" Compiler.perfmap >/dev/null 2>&1 || true; done
wait "$bench" || true
set +e +o pipefail  # the report below is cut short with head: a closed pipe is not a failure
{
  echo "# processes"; for p in "${!name[@]}"; do echo "$p ${name[$p]}"; done
  echo; echo "# share of all samples, by process and code ($record s, 2 x cores samples per tick)"
  perf report -i "$out/perf.data" --no-children --sort pid,dso -g none --stdio 2>/dev/null | grep -v '^#' | grep -v '^$' | head -25
  for p in "${!name[@]}"; do
    [[ "${name[$p]}" == map-service.jar ]] || continue
    echo; echo "# map-service ($p): top symbols, all its threads"
    perf report -i "$out/perf.data" --no-children --pid "$p" --sort sym -g none --stdio 2>/dev/null | grep -v '^#' | grep -v '^$' | head -40
  done
  echo; grep -E '^\| 2 .*(\| throughput|CPU per million|cores used)' "$out/bench.log" || true
} | tee "$out/summary.txt"
echo "bench-perf: perf.data, summary.txt and the bench results in $out"

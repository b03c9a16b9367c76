#!/usr/bin/env bash
# map-service alone, as processes: an upstream edge driver producing 500-byte messages against
# credit -> map-service.jar -> a downstream edge driver acking everything, with an example UDF.
# Prints "map: N msg/s" and the CPU seconds per million messages of the map JVM, the UDF JVM and
# both together; with --udf latency also the throughput against the ideal concurrency / mean latency.
#
# Usage: scripts/bench-map.sh [--udf cat|latency] [--latency SPEC] [--concurrency C]
#          [--instances N] [--warmup SECONDS] [--seconds SECONDS] [--msg-size BYTES] [--jfr FILE]
#          [--map-arg --key=value]... [--map-jvm-arg -XX:...]...
#   --udf          the example UDF: cat (default) or latency
#   --latency      the latency UDF's distribution (default 95%:1ms,5%:50ms)
#   --concurrency  map.concurrency, per map instance (default 64)
#   --instances    map.instances (default 1, so that the permits are exactly --concurrency)
#   --jfr FILE     record the map JVM with Flight Recorder (30 s, profile settings) into FILE
#   --map-arg      an extra map-service flag, repeatable (e.g. --map-arg --map.output-capacity=16384)
#   --map-jvm-arg  an extra option for the map JVM, repeatable
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
udf=cat latency='95%:1ms,5%:50ms' concurrency=64 instances=1 warmup=8 seconds=20 size=500 jfr="" map_args=() map_jvm_args=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    --udf) udf="$2"; shift 2 ;;
    --latency) latency="$2"; shift 2 ;;
    --concurrency) concurrency="$2"; shift 2 ;;
    --instances) instances="$2"; shift 2 ;;
    --warmup) warmup="$2"; shift 2 ;;
    --seconds) seconds="$2"; shift 2 ;;
    --msg-size) size="$2"; shift 2 ;;
    --jfr) jfr="$2"; shift 2 ;;
    --map-arg) map_args+=("$2"); shift 2 ;;
    --map-jvm-arg) map_jvm_args+=("$2"); shift 2 ;;
    *) echo "unknown option: $1" >&2; exit 2 ;;
  esac
done
case "$udf" in cat|latency) ;; *) echo "--udf must be cat or latency, not '$udf'" >&2; exit 2 ;; esac
if (( warmup < 5 )); then echo "--warmup must be at least 5 s (JIT warm-up)" >&2; exit 2; fi

bench_jar="$root/bench/target/flowmesh-bench.jar"
map_jar="$root/map-service/target/map-service.jar"
udf_jar="$root/examples/udf-server/target/flowmesh-udf.jar"
if [[ ! -f "$bench_jar" || ! -f "$map_jar" || ! -f "$udf_jar" ]]; then
  (cd "$root" && mvn -B -q install -DskipTests -pl bench,map-service,examples/udf-server -am)
fi

run="$(mktemp -d "${TMPDIR:-/tmp}/flowmesh-bench-map.XXXXXX")"
pids=()
cleanup() {
  local p
  for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
  for _ in $(seq 50); do
    local alive=0
    for p in "${pids[@]}"; do kill -0 "$p" 2>/dev/null && alive=1; done
    (( alive )) || break
    sleep 0.1
  done
  for p in "${pids[@]}"; do kill -KILL "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$run"
}
trap cleanup EXIT INT TERM

wait_for() { # file pattern what
  for _ in $(seq 300); do grep -q "$2" "$1" 2>/dev/null && return 0; sleep 0.1; done
  echo "$3 did not start; logs:" >&2; tail -n 30 "$run"/*.log >&2; exit 1
}
# four distinct free ports from below the kernel's ephemeral range (flowbench's free_ports: a port
# from port 0 could be taken by one of map-service's own outgoing connections before it binds it)
read -r up_port udf_port edge_port http_port < <(python3 -c 'import sys; sys.path.insert(0, sys.argv[1]); import flowbench; print(*flowbench.free_ports(4))' "$here/bench")

java -Xms512m -Xmx1g -XX:+UseParallelGC -jar "$bench_jar" edge-upstream "$up_port" "$size" >"$run/up.log" 2>&1 & pids+=($!)
wait_for "$run/up.log" listening "edge-upstream"

udf_args=("$udf" --address "tcp://127.0.0.1:$udf_port")
[[ "$udf" == latency ]] && udf_args+=(--latency "$latency" --seed 1)
java -Xms256m -Xmx512m -XX:+UseParallelGC -jar "$udf_jar" "${udf_args[@]}" >"$run/udf.log" 2>&1 & udf_pid=$!; pids+=($udf_pid)
wait_for "$run/udf.log" "listening on" "UDF $udf"

map_jvm=(java -Xms512m -Xmx1g -XX:+UseParallelGC)
[[ -n "$jfr" ]] && map_jvm+=(-XX:+FlightRecorder "-XX:StartFlightRecording=duration=30s,settings=profile,filename=$jfr")
map_jvm+=(${map_jvm_args[@]+"${map_jvm_args[@]}"})
"${map_jvm[@]}" -jar "$map_jar" --map.upstream="127.0.0.1:$up_port" --map.edge.port="$edge_port" \
  --map.http.port="$http_port" --udf.address="tcp://127.0.0.1:$udf_port" --map.concurrency="$concurrency" \
  --map.instances="$instances" --map.edge.allowed-subscribers=bench-sink --log.level=warn --shutdown.timeout=2s ${map_args[@]+"${map_args[@]}"} >"$run/map.log" 2>&1 & map_pid=$!; pids+=($map_pid)
for _ in $(seq 300); do
  curl -fs "http://127.0.0.1:$http_port/livez" >/dev/null 2>&1 && break
  kill -0 "$map_pid" 2>/dev/null || { echo "map-service exited; log:" >&2; cat "$run/map.log" >&2; exit 1; }
  sleep 0.1
done

java -Xms512m -Xmx1g -XX:+UseParallelGC -jar "$bench_jar" edge-downstream "127.0.0.1:$edge_port" "$run/count" \
  >"$run/down.log" 2>&1 & pids+=($!)

tck="$(getconf CLK_TCK)"
ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
all_ticks() { local t=0 p; for p in "${pids[@]}"; do t=$((t + $(ticks "$p"))); done; echo "$t"; }
sample() { read -r c n <"$run/count"; echo "$c $n $(ticks "$map_pid") $(ticks "$udf_pid") $(all_ticks)"; }

# The UDF call time as map measures it (send to response), summed over instances: "seconds count".
udf_call() {
  curl -fs "http://127.0.0.1:$http_port/metrics" | awk '/^flowmesh_map_udf_call_seconds_sum/ {s += $NF}
    /^flowmesh_map_udf_call_seconds_count/ {n += $NF} END {printf "%.6f %d\n", s, n}'
}

sleep "$warmup"
[[ -f "$run/count" ]] || { echo "no progress after warm-up; logs:" >&2; tail -n 30 "$run"/*.log >&2; exit 1; }
read -r c0 n0 m0 u0 a0 < <(sample); read -r s0 k0 < <(udf_call)
sleep "$seconds"
read -r c1 n1 m1 u1 a1 < <(sample); read -r s1 k1 < <(udf_call)
instances="$(curl -fs "http://127.0.0.1:$http_port/status" | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["instances"]))')"

python3 - "$c0" "$n0" "$c1" "$n1" "$m0" "$m1" "$u0" "$u1" "$a0" "$a1" "$tck" "$size" "$udf" "$latency" "$concurrency" \
  "$instances" "$s0" "$k0" "$s1" "$k1" <<'PY'
import re, sys
c0, n0, c1, n1, m0, m1, u0, u1, a0, a1, tck, size = map(int, sys.argv[1:13])
udf, latency, concurrency, instances = sys.argv[13], sys.argv[14], int(sys.argv[15]), sys.argv[16]
s0, k0, s1, k1 = float(sys.argv[17]), int(sys.argv[18]), float(sys.argv[19]), int(sys.argv[20])
call_ms = (s1 - s0) / (k1 - k0) * 1000 if k1 > k0 else float("nan")
msgs = c1 - c0
secs = (n1 - n0) / 1e9
rate = msgs / secs if secs > 0 else 0
def per_million(ticks):
    return (ticks / tck) / (msgs / 1e6) if msgs else float("inf")
mapc, udfc, allc = per_million(m1 - m0), per_million(u1 - u0), per_million(a1 - a0)
print(f"map: {rate:,.0f} msg/s ({udf} UDF, map.concurrency={concurrency} x {instances} instance(s), "
      f"{size}-byte messages, {msgs:,} in {secs:.1f} s)")
print(f"  CPU s per million messages: map JVM {mapc:.2f}, UDF JVM {udfc:.2f}, map+UDF {mapc + udfc:.2f} "
      f"(edge drivers {allc - mapc - udfc:.2f}, all four {allc:.2f})")
print(f"  UDF call time as map measured it (send to response): mean {call_ms:.3f} ms")
if udf == "latency":
    unit = {"ns": 1e-6, "us": 1e-3, "ms": 1.0, "s": 1e3}
    mean = 0.0
    for entry in latency.split(","):
        pct, dur = entry.split(":") if ":" in entry else ("100%", entry)
        number, suffix = re.fullmatch(r"\s*([0-9.]+)\s*([a-z]+)\s*", dur).groups()
        mean += float(pct.strip().rstrip("%")) / 100 * float(number) * unit[suffix]
    if mean > 0:
        ideal = concurrency * int(instances) / (mean / 1000)
        print(f"  ideal concurrency / mean latency = {concurrency} x {instances} / {mean:.2f} ms = {ideal:,.0f} msg/s; "
              f"ratio {rate / ideal:.2f} (target >= 0.9)")
    else:
        print("  no ideal: the latency drawn is 0 on average (the call time above is the link's round trip)")
    measured = concurrency * int(instances) / (call_ms / 1000)
    print(f"  against the measured call time instead: {concurrency} x {instances} / {call_ms:.2f} ms = {measured:,.0f} msg/s; "
          f"ratio {rate / measured:.2f}")
PY

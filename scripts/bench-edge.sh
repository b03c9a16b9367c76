#!/usr/bin/env bash
# One edge between two JVMs on loopback: 500-byte messages, as fast as credit allows.
# Prints "edge: N msg/s" and the CPU seconds both JVMs spent per million messages.
# Usage: scripts/bench-edge.sh [--warmup SECONDS] [--seconds SECONDS] [--msg-size BYTES]
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
warmup=8 seconds=20 size=500
while [[ $# -gt 0 ]]; do
  case "$1" in
    --warmup) warmup="$2"; shift 2 ;;
    --seconds) seconds="$2"; shift 2 ;;
    --msg-size) size="$2"; shift 2 ;;
    *) echo "unknown option: $1" >&2; exit 2 ;;
  esac
done
jar="$root/bench/target/flowmesh-bench.jar"
if [[ ! -f "$jar" ]]; then
  (cd "$root" && mvn -B -q install -DskipTests -pl bench -am)
fi
run="$(mktemp -d "${TMPDIR:-/tmp}/flowmesh-bench-edge.XXXXXX")"
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$run"; }
trap cleanup EXIT INT TERM
port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')"
jvm=(java -Xms512m -Xmx1g -XX:+UseParallelGC -jar "$jar")
"${jvm[@]}" edge-upstream "$port" "$size" >"$run/up.log" 2>&1 & pids+=($!)
for _ in $(seq 100); do grep -q listening "$run/up.log" && break; sleep 0.1; done
"${jvm[@]}" edge-downstream "127.0.0.1:$port" "$run/count" >"$run/down.log" 2>&1 & pids+=($!)
tck="$(getconf CLK_TCK)"
cpu() { local t=0; for p in "${pids[@]}"; do t=$((t + $(awk '{print $14 + $15}' "/proc/$p/stat"))); done; echo "$t"; }
sample() { read -r c n <"$run/count"; echo "$c $n"; }
sleep "$warmup"
[[ -f "$run/count" ]] || { echo "no progress after warm-up; logs:" >&2; cat "$run"/*.log >&2; exit 1; }
read -r c0 n0 < <(sample); u0="$(cpu)"
sleep "$seconds"
read -r c1 n1 < <(sample); u1="$(cpu)"
python3 - "$c0" "$n0" "$c1" "$n1" "$u0" "$u1" "$tck" "$size" <<'PY'
import sys
c0, n0, c1, n1, u0, u1, tck, size = map(int, sys.argv[1:])
msgs = c1 - c0
secs = (n1 - n0) / 1e9
rate = msgs / secs if secs > 0 else 0
cpu = (u1 - u0) / tck
per_million = cpu / (msgs / 1e6) if msgs else float("inf")
print(f"edge: {rate:,.0f} msg/s ({size}-byte messages, {msgs:,} in {secs:.1f} s; "
      f"CPU {per_million:.2f} s per million messages over both JVMs)")
PY

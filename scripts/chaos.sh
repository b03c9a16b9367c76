#!/usr/bin/env bash
# Chaos run: a bounded run of N messages through source -> map (cat or uppercase UDF) -> file
# sink, with the real jars as local processes on free loopback ports, while one victim (map,
# sink or the UDF) is stopped K times at moments drawn at random and started again each time.
# One run per victim and per way of stopping it:
#
#   kill -9, no dedupe     every id reaches the sink; duplicates <= K x the victim's unacked window
#   kill -9, dedupe on     every id reaches the sink; no duplicates
#   SIGTERM, no dedupe     every id reaches the sink; no duplicates
#
# The source is never stopped: its generator keeps no durable log, so a restarted source would
# start new ids (see docs/guarantees.md). It runs with source.rate=0 (as fast as credit allows),
# so a run of a million takes tens of seconds, and with edge.max-unacked=8192 instead of 65536 on
# every edge (--max-unacked), which makes the duplicate bound 8 times tighter. Prints a table;
# exits 1 if any id is lost or any expectation fails, 2 on a usage error.
set -euo pipefail

usage() {
  cat <<'EOF'
Usage: scripts/chaos.sh [options]

Runs N messages through source -> map -> file sink once per victim and per mode, stopping the
victim K times at random moments and restarting it, then counts what reached the sink.

Options:
  --count N            messages per run (default 1000000)
  --kills K            stops per run (default 5)
  --victims LIST       comma-separated: map,sink,udf (default all three)
  --modes LIST         comma-separated: kill,kill-dedupe,term (default all three)
                         kill         kill -9, no dedupe: duplicates must stay within the bound
                         kill-dedupe  kill -9 with sink.dedupe-window: no duplicates
                         term         SIGTERM, no dedupe: no duplicates
  --udf NAME           cat (default) or uppercase (then every value must come out upper case)
  --msg-size BYTES     generated value size (default 64)
  --max-unacked M      edge.max-unacked for every edge (default 8192; the duplicate bound scales with it)
  --dedupe-window W    sink.dedupe-window in kill-dedupe runs (default 100000)
  --timeout SECS       longest wait for a run to complete after its last stop (default 300)
  --seed S             seed of the stop moments (default: random; printed)
  --keep               keep the run folders (logs and sink files); default: keep only failed runs
  -h, --help           show this help

Environment:
  JAVA_OPTS            JVM options for every process (default: -Xms64m -Xmx512m -XX:+UseSerialGC)
  FLOWMESH_*           passed to the services, except the keys this script sets for each run

Example:
  scripts/chaos.sh --count 200000 --kills 2 --victims map --modes kill,term
EOF
}

die() { echo "chaos: $*" >&2; exit 2; }

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"

count=1000000 kills=5 victims=map,sink,udf modes=kill,kill-dedupe,term udf_name=cat msg_size=64
max_unacked=8192 dedupe_window=100000 timeout=300 seed="" keep=false
while [[ $# -gt 0 ]]; do
  case "$1" in
    --count) count="${2:?--count needs a number}"; shift 2 ;;
    --kills) kills="${2:?--kills needs a number}"; shift 2 ;;
    --victims) victims="${2:?--victims needs a list}"; shift 2 ;;
    --modes) modes="${2:?--modes needs a list}"; shift 2 ;;
    --udf) udf_name="${2:?--udf needs a name}"; shift 2 ;;
    --msg-size) msg_size="${2:?--msg-size needs bytes}"; shift 2 ;;
    --max-unacked) max_unacked="${2:?--max-unacked needs a number}"; shift 2 ;;
    --dedupe-window) dedupe_window="${2:?--dedupe-window needs a number}"; shift 2 ;;
    --timeout) timeout="${2:?--timeout needs seconds}"; shift 2 ;;
    --seed) seed="${2:?--seed needs a number}"; shift 2 ;;
    --keep) keep=true; shift ;;
    -h|--help) usage; exit 0 ;;
    *) die "unknown option '$1' (see --help)" ;;
  esac
done
for v in count kills msg_size max_unacked dedupe_window timeout; do
  [[ "${!v}" =~ ^[0-9]+$ ]] || die "--${v//_/-} must be a whole number, not '${!v}'"
done
((count >= 1)) || die "--count must be at least 1"
[[ -z "$seed" || "$seed" =~ ^[0-9]+$ ]] || die "--seed must be a whole number, not '$seed'"
case "$udf_name" in cat|uppercase) ;; *) die "--udf must be cat or uppercase, not '$udf_name'" ;; esac
IFS=, read -r -a victim_list <<<"$victims"
IFS=, read -r -a mode_list <<<"$modes"
for v in "${victim_list[@]}"; do case "$v" in map|sink|udf) ;; *) die "unknown victim '$v': map, sink or udf" ;; esac; done
for m in "${mode_list[@]}"; do case "$m" in kill|kill-dedupe|term) ;; *) die "unknown mode '$m': kill, kill-dedupe or term" ;; esac; done
[[ -n "$seed" ]] || seed=$((RANDOM * 32768 + RANDOM))
RANDOM=$seed

java_bin="${JAVA_HOME:+$JAVA_HOME/bin/}java"
command -v "$java_bin" >/dev/null 2>&1 || die "java not found: install a JDK 17+ or set JAVA_HOME"
command -v curl >/dev/null 2>&1 || die "curl not found"
read -r -a java_opts <<<"${JAVA_OPTS:--Xms64m -Xmx512m -XX:+UseSerialGC}"

jar_source="$root/source-service/target/source-service.jar"
jar_map="$root/map-service/target/map-service.jar"
jar_sink="$root/sink-service/target/sink-service.jar"
jar_udf="$root/examples/udf-server/target/flowmesh-udf.jar"
for jar in "$jar_source" "$jar_map" "$jar_sink" "$jar_udf"; do
  [[ -f "$jar" ]] || die "$jar is missing: build first (mvn -B -q install -DskipTests)"
done

# Event loops per service, hence map instances (one per event loop) and sink instances (1).
event_loops=2
map_instances=$event_loops
sink_instances=1
shutdown_secs=15

base="$root/.run/chaos-$(date +%Y%m%d-%H%M%S)-$$"
mkdir -p "$base"

# --- processes: pid of NAME in pid_NAME; every one is stopped on exit ---------------------
pid_source="" pid_map="" pid_sink="" pid_udf=""
alive() { local p="pid_$1"; [[ -n "${!p}" ]] && kill -0 "${!p}" 2>/dev/null; }
pid_of() { local p="pid_$1"; echo "${!p}"; }

cleanup() {
  local n
  for n in source map sink udf; do
    if alive "$n"; then kill -KILL "$(pid_of "$n")" 2>/dev/null || true; fi
  done
  for n in source map sink udf; do
    [[ -n "$(pid_of "$n")" ]] && { wait "$(pid_of "$n")" 2>/dev/null || true; }
  done
}
trap cleanup EXIT
trap 'echo; echo "chaos: interrupted"; exit 130' INT TERM

picked_ports=()
port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
pick_port() {  # sets REPLY to a port nothing listens on
  local p
  for _ in $(seq 500); do
    p=$((20000 + RANDOM % 12000))
    [[ " ${picked_ports[*]-} " == *" $p "* ]] && continue
    port_in_use "$p" && continue
    picked_ports+=("$p")
    REPLY=$p
    return 0
  done
  die "found no free port"
}

http_get() { curl -fsS --max-time 3 "http://127.0.0.1:$1$2" 2>/dev/null; }

launch() {  # launch NAME: starts (or restarts) the process, appending to its log
  local name="$1"
  case "$name" in
    udf) "$java_bin" "${java_opts[@]}" -jar "$jar_udf" "$udf_name" --address "tcp://127.0.0.1:$udf_port" >>"$dir/udf.log" 2>&1 & ;;
    source) "$java_bin" "${java_opts[@]}" -jar "$jar_source" >>"$dir/source.log" 2>&1 & ;;
    map) "$java_bin" "${java_opts[@]}" -jar "$jar_map" >>"$dir/map.log" 2>&1 & ;;
    sink) "$java_bin" "${java_opts[@]}" -jar "$jar_sink" >>"$dir/sink.log" 2>&1 & ;;
  esac
  printf -v "pid_$name" '%s' "$!"
}

fail_run() {  # fail_run MESSAGE NAME: explains, shows the log tail, stops everything, exits 1
  echo "chaos: $1; last lines of $dir/$2.log:" >&2
  tail -n 20 "$dir/$2.log" >&2 || true
  echo "chaos: run folder kept: $dir" >&2
  exit 1
}

http_port_of() {
  case "$1" in source) echo "$src_http" ;; map) echo "$map_http" ;; sink) echo "$sink_http" ;; esac
}

await_ready() {  # await_ready NAME: /readyz 200 within 120 s
  local name="$1" port i
  port="$(http_port_of "$name")"
  for ((i = 0; i < 1200; i++)); do
    alive "$name" || fail_run "$name exited while starting" "$name"
    http_get "$port" /readyz >/dev/null && return 0
    sleep 0.1
  done
  fail_run "$name not ready after 120 s: $(curl -s "http://127.0.0.1:$port/readyz" || true)" "$name"
}

await_udf() {  # await_udf BEFORE: the UDF log shows more than BEFORE "listening" lines within 120 s
  local before="$1" i
  for ((i = 0; i < 1200; i++)); do
    alive udf || fail_run "the UDF exited while starting" udf
    (($(listening_lines) > before)) && return 0
    sleep 0.1
  done
  fail_run "the UDF did not listen within 120 s" udf
}
listening_lines() { if [[ -f "$dir/udf.log" ]]; then grep -c ' listening on ' "$dir/udf.log" || true; else echo 0; fi; }

start_victim() {
  if [[ "$1" == udf ]]; then
    local before; before="$(listening_lines)"
    launch udf
    await_udf "$before"
  else
    launch "$1"
    await_ready "$1"
  fi
}

# stop_victim NAME SIGNAL: kill -9 (returns at once) or SIGTERM (waits for a graceful exit).
stop_victim() {
  local name="$1" signal="$2" pid i
  pid="$(pid_of "$name")"
  if [[ "$signal" == KILL ]]; then
    kill -KILL "$pid"
    wait "$pid" 2>/dev/null || true
    return 0
  fi
  kill -TERM "$pid"
  for ((i = 0; i < (shutdown_secs + 10) * 10; i++)); do
    alive "$name" || break
    sleep 0.1
  done
  if alive "$name"; then
    notes+="$name did not exit within $((shutdown_secs + 10)) s of SIGTERM; "
    kill -KILL "$pid" 2>/dev/null || true
  fi
  local status=0
  wait "$pid" 2>/dev/null || status=$?
  # The JVM exits 143 on SIGTERM once its shutdown hook (the graceful stop) has run.
  if ((status != 143 && status != 0)); then
    notes+="$name exited with status $status after SIGTERM; "
  fi
}

# status_field JSON NAME: the first "NAME":value in the JSON (the generator's fields come first).
status_field() { local v; v="$(grep -o "\"$2\":[a-z0-9]*" <<<"$1" | head -n 1)"; echo "${v#*:}"; }

# --- one run -----------------------------------------------------------------------------
results=()
failed=0

run() {
  local victim="$1" mode="$2"
  dir="$base/$victim-$mode"
  mkdir -p "$dir"
  notes=""
  picked_ports=()
  pick_port; udf_port=$REPLY
  pick_port; src_http=$REPLY
  pick_port; src_edge=$REPLY
  pick_port; map_http=$REPLY
  pick_port; map_edge=$REPLY
  pick_port; sink_http=$REPLY
  local signal=KILL dedupe=0
  [[ "$mode" == term ]] && signal=TERM
  [[ "$mode" == kill-dedupe ]] && dedupe=$dedupe_window

  export FLOWMESH_BIND_HOST=127.0.0.1
  export FLOWMESH_EDGE_TOKEN="${FLOWMESH_EDGE_TOKEN:-$(od -An -tx1 -N24 /dev/urandom | tr -d ' \n')}"
  export FLOWMESH_SOURCE_HTTP_PORT=$src_http FLOWMESH_SOURCE_EDGE_PORT=$src_edge
  export FLOWMESH_MAP_HTTP_PORT=$map_http FLOWMESH_MAP_EDGE_PORT=$map_edge FLOWMESH_SINK_HTTP_PORT=$sink_http
  export FLOWMESH_MAP_UPSTREAM=127.0.0.1:$src_edge FLOWMESH_SINK_UPSTREAM=127.0.0.1:$map_edge
  export FLOWMESH_UDF_ADDRESS=tcp://127.0.0.1:$udf_port
  export FLOWMESH_SOURCE_COUNT=$count FLOWMESH_SOURCE_RATE=0 FLOWMESH_SOURCE_MSG_SIZE=$msg_size
  export FLOWMESH_SOURCE_ID_PREFIX=chaos
  export FLOWMESH_SINK_TYPE=file FLOWMESH_SINK_PATH="$dir/out.ndjson" FLOWMESH_SINK_DEDUPE_WINDOW=$dedupe
  export FLOWMESH_SINK_INSTANCES=$sink_instances FLOWMESH_MAP_INSTANCES=$map_instances
  export FLOWMESH_VERTX_EVENT_LOOPS=$event_loops FLOWMESH_EDGE_MAX_UNACKED=$max_unacked
  export FLOWMESH_SHUTDOWN_TIMEOUT=${shutdown_secs}s
  # Quick recovery: redial a lost upstream or UDF within half a second.
  export FLOWMESH_EDGE_RECONNECT_MAX=500ms FLOWMESH_UDF_RECONNECT_MAX_BACKOFF=500ms

  echo "chaos: run $victim/$mode: $count messages, $kills x SIG$signal of $victim (folder $dir)"
  local before; before="$(listening_lines)"
  launch udf; await_udf "$before"
  local t0ns; t0ns=$(date +%s%N)
  launch source; launch map; launch sink
  await_ready source; await_ready map; await_ready sink

  # Stop k happens once the source has seen (k + u) / (K + 1) of the run acked, u uniform in
  # [0.2, 0.8): moments at random, yet spread over the run so each restart has work to redo.
  local k done_kills=0 threshold status acked complete i
  for ((k = 0; k < kills; k++)); do
    threshold=$(((k * 1000 + 200 + RANDOM % 600) * count / ((kills + 1) * 1000)))
    while :; do
      status="$(http_get "$src_http" /status || true)"
      acked="$(status_field "$status" acked)"; complete="$(status_field "$status" complete)"
      [[ "$complete" == true ]] && break 2
      ((${acked:-0} >= threshold)) && break
      alive source || fail_run "the source exited" source
      alive map || fail_run "map exited by itself" map
      alive sink || fail_run "the sink exited by itself" sink
      sleep 0.05
    done
    stop_victim "$victim" "$signal"
    done_kills=$((done_kills + 1))
    printf '  stop %d of %s at %s acked\n' "$done_kills" "$victim" "$acked"
    start_victim "$victim"
  done

  complete=false
  local deadline=$((SECONDS + timeout))
  while ((SECONDS < deadline)); do
    status="$(http_get "$src_http" /status || true)"
    [[ "$(status_field "$status" complete)" == true ]] && { complete=true; break; }
    sleep 0.2
  done
  local took_ns=$(($(date +%s%N) - t0ns))
  local redelivered=0 src_redelivered map_redelivered
  src_redelivered="$(grep -o '"redelivered":[0-9]*' <<<"$status" | head -n 1 | cut -d: -f2)"
  map_redelivered="$(http_get "$map_http" /status | grep -o '"redelivered":[0-9]*' | head -n 1 | cut -d: -f2 || true)"
  redelivered=$((${src_redelivered:-0} + ${map_redelivered:-0}))
  $complete || notes+="not complete after ${timeout} s (acked $(status_field "$status" acked) of $count); "

  # Everything stops gracefully, source first, so the last acks are flushed.
  local name
  for name in source map sink udf; do
    alive "$name" && stop_victim "$name" TERM
  done

  # Counts: lines, distinct ids chaos-<n>/0 with 0 <= n < count, foreign ids, lower case (uppercase UDF).
  local counts lines distinct foreign lower
  counts="$(awk -v n="$count" -v upper="$([[ $udf_name == uppercase ]] && echo 1 || echo 0)" '
    {
      lines++
      i = index($0, "\"id\":\"")
      rest = substr($0, i + 6)
      id = substr(rest, 1, index(rest, "\"") - 1)
      if (id in seen) next
      seen[id] = 1
      if (id ~ /^chaos-[0-9]+\/0$/) {
        k = substr(id, 7, length(id) - 8) + 0
        if (k < n) distinct++; else foreign++
      } else foreign++
      if (upper) {
        v = index($0, "\"value\":\"")
        if (v == 0 || substr($0, v + 9) ~ /[a-z]/) lower++
      }
    }
    END { printf "%d %d %d %d\n", lines, distinct, foreign, lower }' "$dir/out.ndjson" 2>/dev/null || echo "0 0 0 0")"
  read -r lines distinct foreign lower <<<"$counts"
  local lost=$((count - distinct)) dups=$((lines - distinct - foreign)) bound
  case "$mode:$victim" in
    kill:map) bound=$((done_kills * map_instances * max_unacked)) ;;
    kill:sink) bound=$((done_kills * sink_instances * max_unacked)) ;;
    *) bound=0 ;;
  esac
  ((lost == 0)) || notes+="$lost ids lost; "
  ((foreign == 0)) || notes+="$foreign ids not chaos-<n>/0 with n < $count; "
  ((lower == 0)) || notes+="$lower values not upper-cased; "
  ((dups <= bound)) || notes+="$dups duplicates, more than the bound $bound; "
  ((done_kills == kills)) || notes+="only $done_kills of $kills stops happened before the run completed; "
  local result=ok
  [[ -z "$notes" ]] || { result=FAIL; failed=1; }
  local secs; secs="$(awk -v ns="$took_ns" 'BEGIN { printf "%.1f", ns / 1e9 }')"
  results+=("$(printf '%-5s %-6s %-7s %5d %9d %9d %6d %8d %8d %10d %7s  %s' "$victim" "SIG$signal" \
    "$([[ $dedupe -gt 0 ]] && echo "$dedupe" || echo off)" "$done_kills" "$lines" "$distinct" "$lost" "$dups" "$bound" \
    "$redelivered" "$secs" "$result${notes:+: $notes}")")
  echo "  ${results[-1]}"
  if [[ "$result" == ok ]] && ! $keep; then
    rm -rf "$dir"
  fi
}

echo "chaos: seed $seed; $count messages per run; $kills stops per run; UDF $udf_name; edge.max-unacked $max_unacked;"
echo "chaos: map.instances $map_instances, sink.instances $sink_instances; folders under $base"
started=$SECONDS
for mode in "${mode_list[@]}"; do
  for victim in "${victim_list[@]}"; do
    run "$victim" "$mode"
  done
done

echo
echo "chaos: $count messages per run, seed $seed, total $((SECONDS - started)) s"
printf '%-5s %-6s %-7s %5s %9s %9s %6s %8s %8s %10s %7s  %s\n' victim signal dedupe stops lines distinct lost dups bound redelivered secs result
for r in "${results[@]}"; do echo "$r"; done
echo
cat <<EOF
lines: lines in the sink file; distinct: distinct ids chaos-<n>/0 with n < $count; lost: ids missing;
dups: lines - distinct; redelivered: messages the source's edge (and the last map process's) put
back in their queue after a lost edge; secs: from the start of the source to its last ack.
bound on dups after kill -9, per stop: map re-sends at most what its instances held unacked from
the source ($map_instances x edge.max-unacked); the sink, what it held unacked from map
($sink_instances x edge.max-unacked); the UDF, nothing (map resends an element only to the UDF
and emits its outputs once). Runs with dedupe, and SIGTERM runs, must have no duplicates.
EOF
if $keep || ((failed)); then echo "run folders: $base"; else rmdir "$base" 2>/dev/null || true; fi
exit "$failed"

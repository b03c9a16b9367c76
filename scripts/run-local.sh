#!/usr/bin/env bash
# Runs the whole pipeline on this machine: an example UDF, sink, map and source as local
# processes. Builds the jars if they are missing, waits until every service is ready, prints
# the endpoints and a one-line progress report every --interval seconds, and stops everything
# on Ctrl-C or SIGTERM, or by itself once a bounded run is complete (source first, so nothing
# in flight is lost; a second Ctrl-C kills).
#
# Configuration: every FLOWMESH_* variable in the environment reaches the services and wins
# over this script's defaults, which it sets only for variables that are unset. See --help.
# Edge authentication is on: each run makes a fresh random edge token for all services.
set -euo pipefail

usage() {
  cat <<'EOF'
Usage: scripts/run-local.sh [options] [-- UDF_ARGS...]

Starts the example UDF, sink-service, map-service and source-service on this machine,
waits until each is ready, prints their endpoints and a progress line, and stops them
all on Ctrl-C or SIGTERM (a second Ctrl-C kills them at once).

A bounded run (FLOWMESH_SOURCE_COUNT or FLOWMESH_SOURCE_DURATION set) ends by itself: once
the source reports every message it produced acked, the script prints
"run complete: N produced, N acked", stops everything (source first) and exits 0.
With --keep-running the services stay up after that until Ctrl-C.

Options:
  --udf NAME       example UDF to start: cat, uppercase (default), flatmap, filter,
                   latency or faulty; UDF_ARGS after -- are passed to it
                   (e.g. --udf latency -- --latency 95%:1ms,5%:50ms)
  --stream-map     start the Numaflow SDK MapStreamer example instead (examples/numaflow-sdk-udf:
                   one result per word; UDF_ARGS e.g. -- --delay-ms 5), map.mode=stream-map
  --udsource N     source.type=udsource: start the user-defined source on Numaflow's Java SDK
                   (examples/numaflow-sdk-udf, N numbered records over 2 partitions, acked state in
                   .run/<ts>/udsource-state) on TCP port 50052 (free with --free-ports)
  --udf-port PORT  TCP port of the example UDF (default 50051, or free with --free-ports)
  --udsink         write through a user-defined sink: the Numaflow SDK example Sinker
                   (numaflow-sdk-udf.jar udsink), 1% FAILURE (retried), 1% FALLBACK
                   (to a fallback file sink); see docs/udsink.md
  --transformer    also start the Numaflow SDK example source transformer (event time to
                   the second, tags even/odd, drops values starting with a digit) on TCP
                   port 55001 (or free with --free-ports); the source sends every message
                   through it (source.transformer.enabled=true)
  --free-ports     choose free ports at run time for every port not set in the
                   environment (HTTP, edges, UDF) instead of the defaults
  --interval SECS  seconds between progress lines (default 2; 0 = none)
  --keep-running   after a bounded run is complete, leave the services running
                   (to look at their endpoints) until Ctrl-C or SIGTERM
  --build          rebuild the jars first (mvn -B -q install -DskipTests), even if present
  -h, --help       show this help

Environment (all optional; a FLOWMESH_* variable you set always wins):
  FLOWMESH_*       any service key: key a.b-c is FLOWMESH_A_B_C
                   (java -jar <service>.jar --help lists them). This script's defaults:
                   FLOWMESH_SOURCE_RATE=1000 (unbounded, 1000 messages/s)
                   FLOWMESH_SINK_TYPE=file, and for it
                   FLOWMESH_SINK_PATH=<run folder>/sink-data.ndjson (the messages, one JSON
                   line each, apart from the services' logs),
                   FLOWMESH_SINK_MAX_FILE_BYTES=64MiB, FLOWMESH_SINK_KEEP_FILES=1 (rotated to
                   sink-data.ndjson.1 at 64 MiB: at most 128 MiB on disk however long it runs)
                   FLOWMESH_SINK_TYPE=log writes the messages into the sink's log instead
                   FLOWMESH_MAP_UPSTREAM, FLOWMESH_SINK_UPSTREAM: follow the edge ports
                   FLOWMESH_EDGE_TOKEN: a fresh random token per run, shared by the
                   services (a subscriber without it is refused); set your own to
                   attach another subscriber
  FLOWMESH_UDF_ADDRESS
                   use your own UDF at tcp://HOST:PORT or unix:///PATH; no example UDF
                   is started
  JAVA_OPTS        JVM options for every process (default: -Xmx512m)

Examples:
  scripts/run-local.sh
  scripts/run-local.sh --udf filter -- --contains x
  FLOWMESH_SOURCE_COUNT=200000 FLOWMESH_SINK_TYPE=file FLOWMESH_SINK_PATH=out.ndjson scripts/run-local.sh
  FLOWMESH_UDF_ADDRESS=unix:///tmp/my-udf.sock scripts/run-local.sh --free-ports

Logs go to .run/<timestamp>/ in the repository (.run/latest points to the newest).
EOF
}

die() { echo "run-local: $*" >&2; exit 2; }

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"

udf_name=uppercase udf_port="" free_ports=false interval=2 rebuild=false keep_running=false
udf_args=()
udsink=false
udsource_records="" start_udsource=false
transformer=false
while [[ $# -gt 0 ]]; do
  case "$1" in
    --udf) [[ $# -ge 2 ]] || die "--udf needs a name"; udf_name="$2"; shift 2 ;;
    --udf=*) udf_name="${1#*=}"; shift ;;
    --udf-port) [[ $# -ge 2 ]] || die "--udf-port needs a port"; udf_port="$2"; shift 2 ;;
    --udf-port=*) udf_port="${1#*=}"; shift ;;
    --udsource) [[ $# -ge 2 && "$2" =~ ^[0-9]+$ ]] || die "--udsource needs a record count"; udsource_records="$2"; start_udsource=true; shift 2 ;;
    --transformer) transformer=true; shift ;;
    --free-ports) free_ports=true; shift ;;
    --udsink) udsink=true; shift ;;
    --interval) [[ $# -ge 2 ]] || die "--interval needs seconds"; interval="$2"; shift 2 ;;
    --interval=*) interval="${1#*=}"; shift ;;
    --build) rebuild=true; shift ;;
    --keep-running) keep_running=true; shift ;;
    --stream-map) stream_map=true; shift ;;
    -h|--help) usage; exit 0 ;;
    --) shift; udf_args=("$@"); break ;;
    *) die "unknown option '$1' (see --help)" ;;
  esac
done
case "$udf_name" in
  cat|uppercase|flatmap|filter|latency|faulty) ;;
  *) die "unknown UDF '$udf_name': one of cat, uppercase, flatmap, filter, latency, faulty" ;;
esac
[[ "$interval" =~ ^[0-9]+$ ]] || die "--interval must be whole seconds, not '$interval'"
[[ -z "$udf_port" || "$udf_port" =~ ^[0-9]+$ ]] || die "--udf-port must be a number, not '$udf_port'"

java_bin="${JAVA_HOME:+$JAVA_HOME/bin/}java"
command -v "$java_bin" >/dev/null 2>&1 || die "java not found: install a JDK 17+ or set JAVA_HOME"
read -r -a java_opts <<<"${JAVA_OPTS:--Xmx512m}"

# --- jars -------------------------------------------------------------------------------
source_jar="$root/source-service/target/source-service.jar"
map_jar="$root/map-service/target/map-service.jar"
sink_jar="$root/sink-service/target/sink-service.jar"
udf_jar="$root/examples/udf-server/target/flowmesh-udf.jar"
missing=false
for jar in "$source_jar" "$map_jar" "$sink_jar" "$udf_jar"; do
  [[ -f "$jar" ]] || missing=true
done
# --stream-map, --udsource, --transformer, --udsink: the examples on Numaflow's Java SDK
sdk_jar="$root/examples/numaflow-sdk-udf/target/numaflow-sdk-udf.jar"
uses_sdk=false
if ${stream_map:-false} || $start_udsource || $transformer || $udsink; then uses_sdk=true; fi
if $uses_sdk && [[ ! -f "$sdk_jar" ]]; then missing=true; fi
if $rebuild || $missing; then
  command -v mvn >/dev/null 2>&1 || die "jars missing and mvn not found: install Maven 3.8+ to build"
  echo "run-local: building (mvn -B -q install -DskipTests) ..."
  (cd "$root" && mvn -B -q install -DskipTests) || die "build failed"
fi

# --- configuration: defaults only where the environment says nothing -------------------
picked_ports=()
port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
# Sets REPLY to a port nothing listens on, below the usual ephemeral range.
pick_port() {
  local p
  for _ in $(seq 500); do
    p=$((20000 + RANDOM % 12000))
    [[ " ${picked_ports[*]-} " == *" $p "* ]] && continue
    port_in_use "$p" && continue
    picked_ports+=("$p")
    REPLY="$p"
    return 0
  done
  die "found no free port"
}
# default_port VAR DEFAULT: export VAR=DEFAULT (or a free port with --free-ports) if unset.
default_port() {
  local var="$1" def="$2"
  if [[ -z "${!var:-}" ]]; then
    if $free_ports; then pick_port; def="$REPLY"; fi
    export "$var=$def"
  fi
}

export FLOWMESH_SOURCE_RATE="${FLOWMESH_SOURCE_RATE:-1000}"
$udsink && export FLOWMESH_SINK_TYPE=udsink
export FLOWMESH_SINK_TYPE="${FLOWMESH_SINK_TYPE:-file}"
if [[ -z "${FLOWMESH_EDGE_TOKEN:-}" ]]; then
  FLOWMESH_EDGE_TOKEN="$(od -An -tx1 -N24 /dev/urandom | tr -d ' \n')"
  [[ ${#FLOWMESH_EDGE_TOKEN} -eq 48 ]] || die "cannot read /dev/urandom for the edge token (or set FLOWMESH_EDGE_TOKEN)"
fi
export FLOWMESH_EDGE_TOKEN
default_port FLOWMESH_SOURCE_HTTP_PORT 8081
default_port FLOWMESH_SOURCE_EDGE_PORT 7001
default_port FLOWMESH_MAP_HTTP_PORT 8082
default_port FLOWMESH_MAP_EDGE_PORT 7002
default_port FLOWMESH_SINK_HTTP_PORT 8083

host="${FLOWMESH_BIND_HOST:-127.0.0.1}"
case "$host" in 0.0.0.0|::|"[::]") host=127.0.0.1 ;; esac
export FLOWMESH_MAP_UPSTREAM="${FLOWMESH_MAP_UPSTREAM:-$host:$FLOWMESH_SOURCE_EDGE_PORT}"
export FLOWMESH_SINK_UPSTREAM="${FLOWMESH_SINK_UPSTREAM:-$host:$FLOWMESH_MAP_EDGE_PORT}"

start_udf=true
if [[ -n "${FLOWMESH_UDF_ADDRESS:-}" ]]; then
  start_udf=false
else
  if [[ -z "$udf_port" ]]; then
    if $free_ports; then pick_port; udf_port="$REPLY"; else udf_port=50051; fi
  fi
  export FLOWMESH_UDF_ADDRESS="tcp://127.0.0.1:$udf_port"
  if [[ "$udf_name" == filter && ${#udf_args[@]} -eq 0 ]]; then
    udf_args=(--regex '^[0-9]')   # drops the values that start with a digit
  fi
  if [[ "${FLOWMESH_MAP_MODE:-map}" == batch-map ]]; then
    udf_args+=(--mode batch-map)
  fi
fi

# --stream-map: the SDK MapStreamer example (one result per word), map in stream-map mode.
if ${stream_map:-false} && $start_udf; then
  udf_jar="$sdk_jar"
  udf_name=stream-map
  export FLOWMESH_MAP_MODE="${FLOWMESH_MAP_MODE:-stream-map}"
fi

# Something else on a port would answer our readiness polls: refuse to start instead.
for var in FLOWMESH_SOURCE_HTTP_PORT FLOWMESH_SOURCE_EDGE_PORT FLOWMESH_MAP_HTTP_PORT FLOWMESH_MAP_EDGE_PORT FLOWMESH_SINK_HTTP_PORT; do
  port_in_use "${!var}" && die "port ${!var} ($var) is in use: stop what listens there, set $var, or use --free-ports"
done
if $start_udf && port_in_use "$udf_port"; then
  die "port $udf_port (the example UDF's) is in use: use --udf-port PORT or --free-ports"
fi

run="$root/.run/$(date +%Y%m%d-%H%M%S)-$$"
mkdir -p "$run"
ln -sfn "$(basename "$run")" "$root/.run/latest" 2>/dev/null || true

# The messages go to their own file in the run folder, bounded by rotation, never into a log.
if [[ "$FLOWMESH_SINK_TYPE" == file && -z "${FLOWMESH_SINK_PATH:-}" ]]; then
  export FLOWMESH_SINK_PATH="$run/sink-data.ndjson"
  export FLOWMESH_SINK_MAX_FILE_BYTES="${FLOWMESH_SINK_MAX_FILE_BYTES:-64MiB}"
  export FLOWMESH_SINK_KEEP_FILES="${FLOWMESH_SINK_KEEP_FILES:-1}"
fi

# --- processes --------------------------------------------------------------------------
# Started with '&' from this non-interactive shell, the JVMs ignore SIGINT: a Ctrl-C reaches
# only this script, which then stops them in order with SIGTERM. (Plain bash 3.2 on purpose:
# no associative arrays; the pid of NAME is in variable pid_NAME.)
names=()
stop_requested=false
signal_count=0

launch() {  # launch NAME COMMAND...
  local name="$1"; shift
  "$@" >"$run/$name.log" 2>&1 &
  printf -v "pid_$name" '%s' "$!"
  names+=("$name")
}

pid_of() { local v="pid_$1"; echo "${!v:-}"; }
alive() { local p; p="$(pid_of "$1")"; [[ -n "$p" ]] && kill -0 "$p" 2>/dev/null; }

force_kill() {
  local name
  for name in ${names[@]+"${names[@]}"}; do
    alive "$name" && kill -KILL "$(pid_of "$name")" 2>/dev/null || true
  done
}

on_signal() {
  signal_count=$((signal_count + 1))
  if ((signal_count > 1)); then
    echo; echo "run-local: killing everything"
    force_kill
  fi
  stop_requested=true
}
trap on_signal INT TERM

cleanup() {  # on any exit: nothing may outlive the script
  force_kill
  local name
  for name in ${names[@]+"${names[@]}"}; do
    wait "$(pid_of "$name")" 2>/dev/null || true
  done
}
trap cleanup EXIT

# pause SECS: a sleep a signal interrupts at once (the trap runs when 'wait' returns).
pause() {
  sleep "$1" &
  local p=$!
  wait "$p" 2>/dev/null || true
  kill "$p" 2>/dev/null || true
}

# stop NAME...: SIGTERM, then wait until they exited (a second signal kills them); one still
# running after stop_grace tenths of a second (default 300: 30 s) is killed.
stop() {
  local name waiting tries=0 grace="${stop_grace:-300}"
  for name in "$@"; do
    alive "$name" && kill -TERM "$(pid_of "$name")" 2>/dev/null || true
  done
  while :; do
    waiting=()
    for name in "$@"; do alive "$name" && waiting+=("$name"); done
    ((${#waiting[@]} == 0)) && break
    if ((++tries > grace)); then
      for name in "${waiting[@]}"; do
        echo "run-local: $name did not stop within $((grace / 10)) s of SIGTERM: killing it"
        kill -KILL "$(pid_of "$name")" 2>/dev/null || true
      done
    fi
    pause 0.1
  done
  for name in "$@"; do
    wait "$(pid_of "$name")" 2>/dev/null || true
  done
}

stop_all() {
  echo
  echo "run-local: stopping (source, then map, then sink and UDF; Ctrl-C again to kill)"
  # A name never started is skipped. The SDK's servers stop serving on SIGTERM but their JVM does
  # not exit (their shutdown hook calls System.exit): those are killed after 5 s, once their
  # client has stopped (kill -9 of a UDF loses nothing).
  stop source
  stop map
  stop_grace=50 stop udsource transformer
  stop sink
  if ${stream_map:-false}; then stop_grace=50 stop udf; else stop udf; fi
  stop_grace=50 stop udsink
  echo "run-local: stopped; logs in $run"
}

# http_get URL: the body on stdout; fails unless the status is 2xx.
if command -v curl >/dev/null 2>&1; then
  http_get() { curl -fsS --max-time 2 "$1" 2>/dev/null; }
else
  http_get() {
    local rest="${1#http://}" hostport path status
    hostport="${rest%%/*}"; path="/${rest#*/}"
    { exec 3<>"/dev/tcp/${hostport%:*}/${hostport##*:}"; } 2>/dev/null || return 1
    printf 'GET %s HTTP/1.0\r\nHost: %s\r\n\r\n' "$path" "$hostport" >&3
    IFS= read -r status <&3 || { exec 3<&-; return 1; }
    [[ "$status" == *" 2"[0-9][0-9]* ]] || { exec 3<&-; return 1; }
    sed '1,/^\r$/d' <&3
    exec 3<&-
  }
fi

url() { echo "http://$host:$1"; }
source_url="$(url "$FLOWMESH_SOURCE_HTTP_PORT")"
map_url="$(url "$FLOWMESH_MAP_HTTP_PORT")"
sink_url="$(url "$FLOWMESH_SINK_HTTP_PORT")"

fail_start() {
  echo "run-local: $1; last lines of $run/$2.log:" >&2
  tail -n 20 "$run/$2.log" >&2 || true
  stop_all
  exit 1
}

# await_ready NAME URL: polls URL/readyz until 200 (up to 120 s).
await_ready() {
  local name="$1" base="$2" deadline=$((SECONDS + 120))
  local said=$((SECONDS + 10)) why
  while ((SECONDS < deadline)); do
    $stop_requested && return 1
    alive "$name" || fail_start "$name exited during start" "$name"
    http_get "$base/readyz" >/dev/null && return 0
    if ((SECONDS >= said)); then  # every 10 s, why it is not ready yet (an unreachable UDF, say)
      why="$(curl -s --max-time 2 "$base/readyz" 2>/dev/null)"
      echo "run-local: $name not ready yet after $((SECONDS - deadline + 120)) s: ${why:-no answer on $base/readyz}"
      said=$((SECONDS + 10))
    fi
    pause 0.1
  done
  fail_start "$name not ready after 120 s: $(curl -s "$base/readyz" 2>/dev/null || true)" "$name"
}

# await_listening NAME WHAT: waits (up to 120 s) for the "listening on" line in NAME's log.
await_listening() {
  local name="$1" what="$2" deadline=$((SECONDS + 120))
  while ((SECONDS < deadline)); do
    grep -q ' listening on ' "$run/$name.log" 2>/dev/null && return 0
    $stop_requested && return 0
    alive "$name" || fail_start "$what exited during start" "$name"
    pause 0.1
  done
  fail_start "$what did not listen within 120 s" "$name"
}

# sdk_port DEFAULT WHAT: REPLY = a free port with --free-ports, else DEFAULT; refuses one in use.
sdk_port() {
  if $free_ports; then pick_port; else REPLY="$1"; fi
  port_in_use "$REPLY" && die "port $REPLY ($2) is in use: stop what listens there or use --free-ports"
  return 0
}

# start_sdk NAME WHAT SUBCOMMAND ARGS...: runs numaflow-sdk-udf.jar SUBCOMMAND ARGS as process
# NAME (log $run/NAME.log) and waits until it listens.
start_sdk() {
  local name="$1" what="$2"; shift 2
  [[ -f "$sdk_jar" ]] || die "$sdk_jar is missing: build it with mvn -B -q package -DskipTests"
  launch "$name" "$java_bin" "${java_opts[@]}" -jar "$sdk_jar" "$@"
  await_listening "$name" "$what"
}

# From here on the script supervises processes and handles every failure itself. errexit goes:
# a Ctrl-C from a terminal reaches the whole process group, so a short foreground command (an
# rm, a $(...)) can die of it with status 130, and errexit would then end the script at once, its
# EXIT trap killing the services instead of stopping them in order.
set +e

if $start_udf; then
  echo "run-local: starting UDF '$udf_name' on $FLOWMESH_UDF_ADDRESS"
  launch udf "$java_bin" "${java_opts[@]}" -jar "$udf_jar" "$udf_name" --address "$FLOWMESH_UDF_ADDRESS" ${udf_args[@]+"${udf_args[@]}"}
  await_listening udf "the UDF"
else
  echo "run-local: using your UDF at $FLOWMESH_UDF_ADDRESS (FLOWMESH_UDF_ADDRESS)"
fi

# --udsink: the SDK example sink, its file and a fallback file sink.
if $udsink && ! $stop_requested; then
  sdk_port 50061 "the SDK udsink's"
  export FLOWMESH_SINK_UDSINK_ADDRESS="tcp://127.0.0.1:$REPLY"
  export FLOWMESH_SINK_FALLBACK_TYPE="${FLOWMESH_SINK_FALLBACK_TYPE:-file}"
  export FLOWMESH_SINK_FALLBACK_PATH="${FLOWMESH_SINK_FALLBACK_PATH:-$run/fallback.ndjson}"
  echo "run-local: starting the SDK udsink on $FLOWMESH_SINK_UDSINK_ADDRESS (writes $run/udsink.txt; fallback $FLOWMESH_SINK_FALLBACK_PATH)"
  start_sdk udsink "the SDK udsink" udsink --port "$REPLY" --out "$run/udsink.txt" \
    --failure-fraction 0.01 --fallback-fraction 0.01
fi

# --udsource: the SDK's user-defined source, started before the source-service that reads it.
if $start_udsource && ! $stop_requested; then
  sdk_port 50052 "the udsource's"
  export FLOWMESH_SOURCE_TYPE=udsource FLOWMESH_SOURCE_UDSOURCE_ADDRESS="tcp://127.0.0.1:$REPLY"
  echo "run-local: starting the SDK udsource ($udsource_records records) on $FLOWMESH_SOURCE_UDSOURCE_ADDRESS"
  start_sdk udsource "the udsource" source --port "$REPLY" --records "$udsource_records" --state "$run/udsource-state"
fi

# --transformer: start it before the source, which is not ready until it reaches it
if $transformer && ! $stop_requested; then
  sdk_port 55001 "the source transformer's"
  export FLOWMESH_SOURCE_TRANSFORMER_ENABLED=true
  export FLOWMESH_SOURCE_TRANSFORMER_ADDRESS="tcp://127.0.0.1:$REPLY"
  echo "run-local: starting the source transformer on $FLOWMESH_SOURCE_TRANSFORMER_ADDRESS"
  start_sdk transformer "the source transformer" source-transformer --port "$REPLY" --drop '^[0-9]'
fi

if ! $stop_requested; then
  echo "run-local: starting source, map and sink (logs in $run)"
  launch source "$java_bin" "${java_opts[@]}" -jar "$source_jar"
  launch map "$java_bin" "${java_opts[@]}" -jar "$map_jar"
  launch sink "$java_bin" "${java_opts[@]}" -jar "$sink_jar"
  await_ready source "$source_url" && await_ready map "$map_url" && await_ready sink "$sink_url" || true
fi
if $stop_requested; then
  stop_all
  exit 0
fi

# --- running ----------------------------------------------------------------------------
echo
echo "Flowmesh is running. Endpoints:"
if $start_udf; then
  printf '  %-7s %s (gRPC, no HTTP)\n' "udf" "$FLOWMESH_UDF_ADDRESS ($udf_name)"
else
  printf '  %-7s %s (gRPC, yours)\n' "udf" "$FLOWMESH_UDF_ADDRESS"
fi
for entry in "source $source_url $FLOWMESH_SOURCE_EDGE_PORT" "map $map_url $FLOWMESH_MAP_EDGE_PORT" "sink $sink_url -"; do
  read -r name base edge <<<"$entry"
  printf '  %-7s %s/livez %s/readyz %s/metrics %s/status' "$name" "$base" "$base" "$base" "$base"
  [[ "$edge" != - ]] && printf '  (edge %s:%s)' "$host" "$edge"
  echo
done
case "$FLOWMESH_SINK_TYPE" in
  log) echo "  messages: the sink's log, $run/sink.log" ;;
  file) echo "  messages: $FLOWMESH_SINK_PATH (NDJSON${FLOWMESH_SINK_MAX_FILE_BYTES:+, rotated at $FLOWMESH_SINK_MAX_FILE_BYTES})" ;;
  blackhole) echo "  messages: discarded (blackhole sink)" ;;
esac
echo "  logs:     $run"
echo "Ctrl-C stops everything."

# sums TEXT NAME...: the sum of the samples of each NAME in Prometheus text, space-separated
# (one awk for all of them: the progress loop forks as little as it can).
sums() {
  local text="$1"; shift
  awk -v names="$*" '
    BEGIN { n = split(names, m, " ") }
    { for (i = 1; i <= n; i++) if ($1 == m[i] || index($1, m[i] "{") == 1) s[i] += $NF }
    END { for (i = 1; i <= n; i++) printf "%s%.3f", (i > 1 ? " " : ""), s[i]; print "" }' <<<"$text"
}
# rate COUNT PREV_COUNT UPTIME PREV_UPTIME: per second, rounded (bash has no floating point).
rate() { awk -v n="$1" -v p="$2" -v t="$3" -v q="$4" 'BEGIN { d = t - q; printf "%.0f", (d > 0 ? (n - p) / d : 0) }'; }
# now_ms: REPLY = milliseconds since the epoch (whole seconds on a bash without EPOCHREALTIME).
now_ms() {
  if [[ -n "${EPOCHREALTIME:-}" ]]; then
    local t="${EPOCHREALTIME/[.,]/}"
    REPLY=$((10#$t / 1000))
  else
    REPLY=$(($(date +%s) * 1000))
  fi
}
# json_field NAME JSON: the first value of "NAME": in compact JSON (a number or true/false).
json_field() {
  local rest="${2#*\"$1\":}"
  [[ "$rest" == "$2" ]] && return 1
  rest="${rest%%[,\}]*}"
  echo "$rest"
}

# fetch URL...: the bodies in parallel (a round costs the slowest request, not their sum), into
# polled_0, polled_1, ... (empty when a request failed).
fetch() {
  local i=0 url pids=()
  for url in "$@"; do
    { http_get "$url" >"$run/.poll-$i" 2>/dev/null || : >"$run/.poll-$i"; } &
    pids+=("$!")
    i=$((i + 1))
  done
  wait "${pids[@]}" 2>/dev/null || true
  for ((i = 0; i < $#; i++)); do
    printf -v "polled_$i" '%s' "$(cat "$run/.poll-$i" 2>/dev/null)"
    rm -f "$run/.poll-$i"
  done
}

last_message() {
  local line=""
  case "$FLOWMESH_SINK_TYPE" in
    log) line="$(tail -n 200 "$run/sink.log" 2>/dev/null | grep '^id=' | tail -n 1 || true)" ;;
    file) [[ -n "${FLOWMESH_SINK_PATH:-}" ]] && line="$(tail -n 1 "$FLOWMESH_SINK_PATH" 2>/dev/null || true)" ;;
  esac
  [[ -n "$line" ]] && printf ' | last: %.90s' "$line"
}

# The progress loop wakes on a fixed schedule (start + k × interval), so the time its requests
# take does not stretch the interval. Rates divide by the services' own process_uptime_seconds.
step_ms=$((interval > 0 ? interval * 1000 : 1000))
now_ms; started_ms=$REPLY; next_ms=$REPLY
fetch "$source_url/metrics" "$sink_url/metrics"
read -r prev_src prev_src_up <<<"$(sums "$polled_0" flowmesh_source_messages_total process_uptime_seconds)"
read -r prev_sink prev_sink_up <<<"$(sums "$polled_1" flowmesh_sink_messages_total process_uptime_seconds)"
reported=" "
complete=false
while ! $stop_requested; do
  next_ms=$((next_ms + step_ms))
  now_ms
  if ((next_ms > REPLY)); then
    wait_ms=$((next_ms - REPLY))
    pause "$((wait_ms / 1000)).$(printf '%03d' $((wait_ms % 1000)))"
  else
    next_ms=$REPLY   # a late round: start the schedule again from now rather than catch up
  fi
  $stop_requested && break
  for name in "${names[@]}"; do
    if ! alive "$name" && [[ "$reported" != *" $name "* ]]; then
      status=0; wait "$(pid_of "$name")" 2>/dev/null || status=$?
      echo "run-local: $name exited with status $status; see $run/$name.log"
      reported="$reported$name "
    fi
  done
  if ! alive source && ! alive map && ! alive sink; then
    echo "run-local: every service has exited"
    break
  fi
  $complete && continue
  if ((interval > 0)); then
    fetch "$source_url/status" "$sink_url/metrics" "$source_url/metrics" "$map_url/metrics"
  else
    fetch "$source_url/status" "$sink_url/metrics"
  fi
  src_status="$polled_0"
  read -r written sink_up lag <<<"$(sums "$polled_1" \
    flowmesh_sink_messages_total process_uptime_seconds flowmesh_sink_watermark_lag_milliseconds)"
  if [[ "$src_status" == *'"complete":true'* ]]; then
    complete=true
    case "$FLOWMESH_SINK_TYPE" in
      log) where="; messages in $run/sink.log" ;;
      file) where="; messages in $FLOWMESH_SINK_PATH" ;;
      *) where="" ;;
    esac
    printf 'run-local: run complete: %s produced, %s acked; the sink wrote %.0f%s\n' \
      "$(json_field produced "$src_status")" "$(json_field acked "$src_status")" "$written" "$where"
    $keep_running || break
    echo "run-local: --keep-running: the services stay up; Ctrl-C stops them"
    continue
  fi
  ((interval > 0)) || continue
  $stop_requested && break
  silent=""
  [[ -z "$polled_1" ]] && silent="$silent sink"
  [[ -z "$polled_2" ]] && silent="$silent source"
  [[ -z "$polled_3" ]] && silent="$silent map"
  if [[ -n "$silent" ]]; then  # no figures rather than zeros; the next round counts from the last good one
    now_ms
    printf '[%5ds] no answer within 2 s from /metrics of:%s\n' "$(((REPLY - started_ms) / 1000))" "$silent"
    continue
  fi
  read -r produced src_up <<<"$(sums "$polled_2" flowmesh_source_messages_total process_uptime_seconds)"
  read -r inflight <<<"$(sums "$polled_3" flowmesh_map_inflight)"
  now_ms
  printf '[%5ds] source %.0f (%s/s) | map in-flight %.0f | sink %.0f (%s/s), watermark lag %.0f ms%s\n' \
    "$(((REPLY - started_ms) / 1000))" "$produced" "$(rate "$produced" "$prev_src" "$src_up" "$prev_src_up")" "$inflight" \
    "$written" "$(rate "$written" "$prev_sink" "$sink_up" "$prev_sink_up")" "$lag" "$(last_message)"
  prev_src=$produced prev_src_up=$src_up prev_sink=$written prev_sink_up=$sink_up
done

stop_all
exit 0

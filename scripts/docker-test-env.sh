#!/usr/bin/env bash
# Gets a Docker engine and the base images that the compose test (ComposeRunTest) needs, on a
# machine where no image registry can be reached. Users with a normal Docker never need this.
set -euo pipefail

usage() {
  cat <<'EOF'
Usage: scripts/docker-test-env.sh [start|stop|-h]

start (default)
  1. Finds a Docker engine that answers: $DOCKER_HOST, /var/run/docker.sock, or one this
     script started earlier. Failing that, installs docker.io, docker-compose and debootstrap
     with apt-get (root only) if dockerd is missing, and starts
       dockerd --storage-driver=overlay2 --data-root=CACHE/data --exec-root=CACHE/exec \
               -H unix://CACHE/docker.sock
  2. Makes the base images when their tag is missing (cached: later runs reuse them):
       BASE  Debian bookworm minbase + openjdk-17-jdk-headless, maven, curl, prometheus
             (debootstrap, then `docker import`): stands in for maven:3.9-eclipse-temurin-17
             and eclipse-temurin:17-jre
       PROM  BASE with ENTRYPOINT /usr/bin/prometheus: stands in for prom/prometheus
       KAFKA BASE with the jars of kafka-broker/target/kafka-lib (so `mvn package` first) and
             scripts/docker-test-kafka/: stands in for apache/kafka (same env contract);
             tagged by a hash of those files, so a new Kafka version or recipe builds anew
  3. Prints for the caller, one per line:
       DOCKER_HOST=unix://...     the engine to use
       COMPOSE=docker compose     or docker-compose (v1), whichever is installed
       MAVEN_IMAGE=... JRE_IMAGE=... PROMETHEUS_IMAGE=... KAFKA_IMAGE=...
                                  build args / compose variables (KAFKA_IMAGE is empty, with
                                  a line on stderr, when kafka-broker is not built)
       JARS=maven|prebuilt        maven when a container here can reach Maven Central (the
                                  Dockerfile compiles), else prebuilt (it takes the jars that
                                  `mvn package` built on the host); $JARS set wins
       STARTED=yes|no             yes: this script started the daemon; stop it when done
  Exit status 3, with one line "docker-test-env: no Docker engine: WHY" on stdout, when no
  engine can be had here (not root, no apt-get, dockerd refuses to start, ...).

stop
  Stops the daemon this script started (its pid file in CACHE), and waits for it to exit.

Then, as the test does:
  mvn -B -q package -DskipTests     # for JARS=prebuilt
  eval "$(scripts/docker-test-env.sh)"; export DOCKER_HOST MAVEN_IMAGE JRE_IMAGE PROMETHEUS_IMAGE KAFKA_IMAGE JARS
  $COMPOSE up --build

Environment:
  FLOWMESH_DOCKER_CACHE   where the daemon's data, the socket and the logs live
                          (default /var/cache/flowmesh-docker; images survive between runs)
  FLOWMESH_DEBIAN_MIRROR  debootstrap's mirror (default http://deb.debian.org/debian)
EOF
}

log() { echo "docker-test-env: $*" >&2; }
no_engine() { echo "docker-test-env: no Docker engine: $*"; exit 3; }

cache="${FLOWMESH_DOCKER_CACHE:-/var/cache/flowmesh-docker}"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
mirror="${FLOWMESH_DEBIAN_MIRROR:-http://deb.debian.org/debian}"
# Bump a recipe number when what goes into that image changes: the new tag is then built once.
base_recipe=1 prom_recipe=2
base_image="flowmesh-test/debian-jdk17:bookworm-$base_recipe"
prom_image="flowmesh-test/prometheus:bookworm-$base_recipe.$prom_recipe"
sock="$cache/docker.sock"
pidfile="$cache/dockerd.pid"

answers() { DOCKER_HOST="$1" timeout 20 docker version --format '{{.Server.Version}}' >/dev/null 2>&1; }

is_root() { [[ "$(id -u)" == 0 ]]; }

apt_install() {
  is_root || return 1
  command -v apt-get >/dev/null 2>&1 || return 1
  log "installing $* (apt-get)"
  {
    apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$@"
  } >"$cache/apt.log" 2>&1
}

ours_running() {
  [[ -f "$pidfile" ]] && kill -0 "$(cat "$pidfile")" 2>/dev/null \
    && grep -q -- "--data-root=$cache/data" "/proc/$(cat "$pidfile")/cmdline" 2>/dev/null
}

find_or_start_engine() {
  started=no
  if [[ -n "${DOCKER_HOST:-}" ]] && command -v docker >/dev/null 2>&1 && answers "$DOCKER_HOST"; then
    host="$DOCKER_HOST"; return
  fi
  if command -v docker >/dev/null 2>&1 && [[ -S /var/run/docker.sock ]] && answers unix:///var/run/docker.sock; then
    host=unix:///var/run/docker.sock; return
  fi
  host="unix://$sock"
  if ours_running && answers "$host"; then
    started=yes   # left by an earlier run that could not stop it: adopt it, so it is stopped
    return
  fi
  if ! command -v dockerd >/dev/null 2>&1 || ! command -v docker >/dev/null 2>&1; then
    is_root || no_engine "dockerd is not installed and installing it needs root"
    command -v apt-get >/dev/null 2>&1 || no_engine "dockerd is not installed and there is no apt-get to install it"
    apt_install docker.io docker-compose debootstrap \
      || no_engine "apt-get install docker.io failed: $(tail -n 1 "$cache/apt.log")"
  fi
  is_root || no_engine "no engine answers and starting dockerd needs root"
  mkdir -p "$cache/data" "$cache/exec"
  rm -f "$sock"
  log "starting dockerd (data in $cache/data, log $cache/dockerd.log)"
  setsid dockerd --storage-driver=overlay2 --data-root="$cache/data" --exec-root="$cache/exec" \
    -H "unix://$sock" --pidfile="$pidfile" >"$cache/dockerd.log" 2>&1 </dev/null &
  local pid=$!
  for _ in $(seq 300); do
    answers "$host" && { started=yes; return; }
    kill -0 "$pid" 2>/dev/null || no_engine "dockerd exited at start: $(tail -n 1 "$cache/dockerd.log")"
    sleep 0.1
  done
  kill "$pid" 2>/dev/null || true
  no_engine "dockerd did not answer within 30 s: $(tail -n 1 "$cache/dockerd.log")"
}

find_compose() {
  if [[ -n "${COMPOSE:-}" ]]; then
    return
  elif docker compose version >/dev/null 2>&1; then
    COMPOSE="docker compose"
  elif command -v docker-compose >/dev/null 2>&1; then
    COMPOSE=docker-compose
  elif apt_install docker-compose; then
    COMPOSE=docker-compose
  else
    log "neither 'docker compose' nor docker-compose is installed"
    exit 1
  fi
}

has_image() { docker image inspect "$1" >/dev/null 2>&1; }

make_images() {
  if ! has_image "$base_image"; then
    command -v debootstrap >/dev/null 2>&1 || apt_install debootstrap || { log "debootstrap is missing"; exit 1; }
    local rootfs="$cache/rootfs.$$"
    rm -rf "$rootfs"
    log "making $base_image: debootstrap bookworm (a few minutes; log $cache/debootstrap.log)"
    if ! debootstrap --variant=minbase --include=openjdk-17-jdk-headless,maven,curl,prometheus \
        bookworm "$rootfs" "$mirror" >"$cache/debootstrap.log" 2>&1; then
      log "debootstrap failed: $(tail -n 1 "$cache/debootstrap.log")"
      rm -rf "$rootfs"
      exit 1
    fi
    rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/*
    tar -C "$rootfs" -c . | docker import --change 'CMD ["bash"]' - "$base_image" >/dev/null
    rm -rf "$rootfs"
  fi
  if ! has_image "$prom_image"; then
    log "making $prom_image"
    # Like prom/prometheus, the compose command gives the flags. Debian's build keeps its data in
    # /var/lib/prometheus/metrics2 by default, owned by the user the package made.
    docker build -q -t "$prom_image" - >/dev/null <<EOF
FROM $base_image
RUN mkdir -p /prometheus && chown prometheus:prometheus /prometheus
WORKDIR /prometheus
USER prometheus
ENTRYPOINT ["/usr/bin/prometheus"]
CMD ["--config.file=/etc/prometheus/prometheus.yml"]
EOF
  fi
  make_kafka_image
}

# The apache/kafka stand-in: Kafka's own jars (kafka-broker's build) on the base image.
make_kafka_image() {
  kafka_image=""
  local lib="$root/kafka-broker/target/kafka-lib" recipe="$root/scripts/docker-test-kafka"
  if ! compgen -G "$lib/kafka_*.jar" >/dev/null; then
    log "no $lib: no apache/kafka stand-in (build it: mvn -B -q package -DskipTests)"
    return
  fi
  local sum
  sum="$( (cd "$lib" && ls -l --time-style=+ .; cd "$recipe" && cat Dockerfile run kafka-tool log4j2-*.properties) | sha256sum | cut -c1-12)"
  kafka_image="flowmesh-test/kafka:bookworm-$base_recipe.$sum"
  has_image "$kafka_image" && return
  log "making $kafka_image"
  local ctx="$cache/kafka-context.$$"
  rm -rf "$ctx"
  mkdir -p "$ctx"
  cp -r "$lib" "$ctx/libs"
  cp "$recipe/Dockerfile" "$recipe/run" "$recipe/kafka-tool" "$recipe"/log4j2-*.properties "$ctx/"
  docker build -q --build-arg BASE="$base_image" -t "$kafka_image" "$ctx" >/dev/null
  rm -rf "$ctx"
}

# Can a build container fetch from Maven Central (network and TLS)? One small request.
pick_jars() {
  if [[ -n "${JARS:-}" ]]; then
    jars="$JARS"
  elif docker run --rm "$base_image" curl -fsS -o /dev/null --max-time 15 \
      https://repo.maven.apache.org/maven2/org/apache/maven/plugins/maven-jar-plugin/maven-metadata.xml >/dev/null 2>&1; then
    jars=maven
  else
    log "a container here cannot fetch from Maven Central: JARS=prebuilt (the jars built on the host)"
    jars=prebuilt
  fi
}

stop_ours() {
  if ours_running; then
    local pid
    pid="$(cat "$pidfile")"
    log "stopping dockerd (pid $pid)"
    kill -TERM "$pid"
    for _ in $(seq 300); do
      kill -0 "$pid" 2>/dev/null || return 0
      sleep 0.1
    done
    log "dockerd (pid $pid) did not exit within 30 s"
    return 1
  fi
}

case "${1:-start}" in
  -h|--help) usage ;;
  start)
    mkdir -p "$cache" 2>/dev/null || true
    # one run at a time prepares the engine and the images (a user who cannot write the cache
    # locks in /tmp, and will be told below that starting an engine needs root)
    { exec 9>"$cache/lock"; } 2>/dev/null || exec 9>"${TMPDIR:-/tmp}/flowmesh-docker-test-env.lock"
    flock 9
    find_or_start_engine
    export DOCKER_HOST="$host"
    find_compose
    make_images
    pick_jars
    # Only on the daemon this script owns: stand-ins of older recipes, and the images left
    # untagged by rebuilds of flowmesh:local.
    if [[ "$host" == "unix://$sock" ]]; then
      for img in $(docker images --filter 'reference=flowmesh-test/*' --format '{{.Repository}}:{{.Tag}}'); do
        [[ "$img" == "$base_image" || "$img" == "$prom_image" || "$img" == "$kafka_image" ]] || docker rmi "$img" >/dev/null 2>&1 || true
      done
      docker image prune -f >/dev/null 2>&1 || true
    fi
    echo "DOCKER_HOST=$host"
    echo "COMPOSE=$COMPOSE"
    echo "MAVEN_IMAGE=$base_image"
    echo "JRE_IMAGE=$base_image"
    echo "PROMETHEUS_IMAGE=$prom_image"
    echo "KAFKA_IMAGE=$kafka_image"
    echo "JARS=$jars"
    echo "STARTED=$started"
    ;;
  stop) stop_ours ;;
  *) usage >&2; exit 2 ;;
esac

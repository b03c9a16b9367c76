#!/usr/bin/env bash
# Runs a pipeline spec on this machine: every UDF the spec gives a command or builtin for, then
# every vertex's service, as local processes; waits until all are ready, prints the endpoints and a
# progress line per vertex and the web console's URL (the graph with live numbers; --no-console: none),
# and stops everything on Ctrl-C or SIGTERM (sources first), or by itself once every source has every
# message acked. The spec format: docs/pipelines.md.
#
#   scripts/run-spec.sh examples/pipelines/three-maps.yaml
#   scripts/run-spec.sh --set in:source.count=10000 examples/pipelines/default.yaml
#   scripts/run-spec.sh --dry-run my-pipeline.yaml        # check it (every vertex's settings by its service's
#                                                         # own --check) and print what would start
#   scripts/run-spec.sh --render compose --out pipeline-compose.yml examples/pipelines/even-odd.yaml
#   scripts/run-spec.sh --render helm-values --out even-odd.values.yaml examples/pipelines/even-odd.yaml   # for deploy/helm/flowmesh
#
# Builds the jars first when one is missing (or with --build). JAVA_OPTS: JVM options for every
# service and builtin UDF. java -jar pipeline/target/flowmesh-pipeline.jar --help lists the options.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"

build=false
render=false
console=true
args=()
for a in "$@"; do
  if [[ "$a" == --build ]]; then build=true; else args+=("$a"); fi
  if [[ "$a" == --render ]]; then render=true; fi
  if [[ "$a" == --no-console ]]; then console=false; fi
done

java_bin="${JAVA_HOME:+$JAVA_HOME/bin/}java"
command -v "$java_bin" >/dev/null 2>&1 || { echo "run-spec: java not found: install a JDK 17+ or set JAVA_HOME" >&2; exit 2; }

jars=("$root/pipeline/target/flowmesh-pipeline.jar" "$root/source-service/target/source-service.jar"
  "$root/map-service/target/map-service.jar" "$root/sink-service/target/sink-service.jar"
  "$root/examples/udf-server/target/flowmesh-udf.jar")
# the console's jar only when a console is started (a missing one is not worth a build then);
# rendering needs the services' and UDFs' jars too: they check every vertex's configuration first
if $console && ! $render; then jars+=("$root/console/target/flowmesh-console.jar"); fi
for jar in "${jars[@]}"; do [[ -f "$jar" ]] || build=true; done
if $build; then
  command -v mvn >/dev/null 2>&1 || { echo "run-spec: jars missing and mvn not found: install Maven 3.8+ to build" >&2; exit 2; }
  echo "run-spec: building (mvn -B -q package -DskipTests) ..."
  (cd "$root" && mvn -B -q package -DskipTests) || { echo "run-spec: build failed" >&2; exit 2; }
fi

# exec: the runner's JVM gets Ctrl-C and SIGTERM itself and stops its children in order.
exec "$java_bin" -Xmx128m -Dflowmesh.root="$root" -jar "$root/pipeline/target/flowmesh-pipeline.jar" ${args[@]+"${args[@]}"}

#!/usr/bin/env bash
# Runs a real single-node Apache Kafka broker (KRaft) on this machine, from Kafka's Maven
# artifacts (no download beyond Maven): for trying Flowmesh with Kafka in and out.
#
#   scripts/kafka-local.sh                                  # broker on 127.0.0.1:9092, data in .run/kafka
#   scripts/kafka-local.sh --topic in:4 --topic out:4       # and create these topics (NAME:PARTITIONS)
#
# Ctrl-C stops it; the data stays in the folder (delete it to start empty).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
port=9092 controller_port=9093 dir="$root/.run/kafka"
args=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    -h|--help)
      sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//'
      echo "Options: --port PORT (9092)  --controller-port PORT (9093)  --dir DIR (.run/kafka)  --topic NAME:PARTITIONS ..."
      exit 0 ;;
    --port) port="$2"; shift 2 ;;
    --controller-port) controller_port="$2"; shift 2 ;;
    --dir) dir="$2"; shift 2 ;;
    --topic) args+=(--topic "$2"); shift 2 ;;
    *) echo "kafka-local: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done

lib="$root/kafka-broker/target/kafka-lib"
classes="$root/kafka-broker/target/classes"
if [[ ! -d "$lib" || ! -d "$classes" ]]; then
  echo "kafka-local: building the broker's classpath (mvn -B -q package -DskipTests -pl kafka-broker -am)"
  (cd "$root" && mvn -B -q package -DskipTests -pl kafka-broker -am)
fi
exec java -cp "$classes:$lib/*" io.flowmesh.kafka.broker.Main --dir "$dir" --port "$port" \
  --controller-port "$controller_port" "${args[@]}"

#!/usr/bin/env bash
# The whole test suite: unit, in-JVM and process-level tests, from a fresh clone with a JDK 17+ and Maven.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
exec mvn -B verify "$@"

#!/usr/bin/env bash
# The test suite, from a fresh clone with a JDK 17+ and Maven.
#   scripts/test.sh          everything: unit, in-JVM and process-level tests (mvn -B verify); what CI runs
#   scripts/test.sh --fast   unit and in-JVM tests only: every module but system-tests
# Further arguments go to Maven, e.g. scripts/test.sh --fast -o (offline)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
case "${1:-}" in
  --fast)
    shift
    exec mvn -B verify -pl '!system-tests' "$@"
    ;;
  -h|--help)
    sed -n '2,5s/^# \{0,1\}//p' "$0"
    exit 0
    ;;
esac
exec mvn -B verify "$@"

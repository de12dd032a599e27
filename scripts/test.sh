#!/usr/bin/env bash
# The project's test command (README, .ci/run): starts the real parts the tests need (scripts/test-env.sh),
# then runs every module's tests. Extra arguments go to Maven (e.g. -pl registry-client).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/test-env.sh --docker --ci
./mvnw -B verify "$@"

#!/usr/bin/env bash
# The project's test command (README, .ci/run): starts the real parts the tests need (scripts/test-env.sh),
# runs every module's tests on bookworm's dockerd 20.10, then the engine tests (cli, ci-templates and what they
# build on) again on trixie's dockerd 26 (DEJA_TEST_ENGINE=current): the engines CI runners have, old and current.
# DEJA_TEST_ENGINES=classic skips the second pass. Extra arguments go to Maven (e.g. -pl registry-client).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/test-env.sh --docker --ci
./mvnw -B verify "$@"
if [ "${DEJA_TEST_ENGINES:-classic,current}" != classic ] && [ $# -eq 0 ]; then
  echo "== the engine tests again, on the current engine (dockerd 26)"
  DEJA_TEST_ENGINE=current ./mvnw -B verify -pl cli,ci-templates -am
fi

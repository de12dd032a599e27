#!/usr/bin/env bash
# The main job on the bundled example, for real: starts what it needs (scripts/test-env.sh --docker: a registry,
# dockerd, buildx, the local busybox base image), then runs `deja build --push` on examples/monorepo twice —
# the first run builds every image in dependency order, the second reuses every one of them.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/test-env.sh --docker
. .test-env/env
export DOCKER_HOST=$DEJA_TEST_DOCKER_HOST
# The example's base image is served by the test registry standing in for Docker Hub: deja resolves its tag there.
export DEJA_REGISTRY_MIRRORS=$DEJA_TEST_MIRRORS
registry="$DEJA_TEST_REGISTRY/deja-example-$(date +%s)"
echo
echo "== deja plan (nothing in $registry yet)"
./deja -C examples/monorepo --registry "$registry" plan
echo
echo "== deja build --push, first run: builds (build logs on stderr, prefixed [image])"
./deja -C examples/monorepo --registry "$registry" build --push 2>/dev/null
echo
echo "== deja build --push, second run: everything reused"
./deja -C examples/monorepo --registry "$registry" build --push
echo
echo "== the builder image exported its files to examples/monorepo/dist/wheels:"
ls -l examples/monorepo/dist/wheels

#!/usr/bin/env bash
# Start-up benchmark of the ways deja ships, measured in one run on this machine (medians of ROUNDS runs each):
#   deja --version   java -jar (the peer), the checkout's ./deja, the release tarball's bin/deja, deja's image
#                    (docker run --rm --network host; beside it `--entrypoint true` of the same image: what a
#                    container costs before deja starts)
#   all reused       `deja build --push` of a 20-image monorepo whose images are all in the registry already, from
#                    the checkout's ./deja, the tarball and the image (the daemon's socket mounted, host network)
# The image is built by deja from this repository's deja.yaml on the test env's local bases, the tarball by
# scripts/release.sh --no-image.
#
#   bench/startup-bench.sh [ROUNDS]
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-7}
work=$(mkdir -p "${DEJA_BENCH_WORK:-bench/work-startup}" && cd "${DEJA_BENCH_WORK:-bench/work-startup}" && pwd)
scripts/test-env.sh --docker >/dev/null 2>&1
. .test-env/env
export DOCKER_HOST=$DEJA_TEST_DOCKER_HOST DEJA_REGISTRY_MIRRORS=$DEJA_TEST_MIRRORS DEJA_DIGEST_CACHE=off
export DEJA_IMAGE_REGISTRY=$DEJA_TEST_REGISTRY/startup-bench DEJA_IMAGE_JDK=deja-jdk:latest \
  DEJA_IMAGE_DOCKER_CLI=deja-docker-cli:latest DEJA_IMAGE_BASE=deja-debian:bookworm

echo "startup-bench: the tarball and the image (once per jar)" >&2
# The tarball's runtime from a JDK 25+ when this machine has one (its archive of deja's classes is then made at
# release, as the image's is), else from the JDK on PATH.
for jdk in /usr/lib/jvm/temurin-2[5-9]*; do [ -x "$jdk/bin/jlink" ] && export DEJA_RUNTIME_JDK=$jdk; done
DEJA_DIST="$work/dist" scripts/release.sh 0.0.0-bench --no-image >/dev/null 2>&1
rm -rf "$work/tarball" && mkdir -p "$work/tarball"
tar -C "$work/tarball" -xzf "$work"/dist/deja-0.0.0-bench-linux-*.tar.gz
tarball=$work/tarball/deja-0.0.0-bench/bin/deja
./deja --version >/dev/null
./deja build --push --report "$work/image.json" deja >/dev/null 2>&1 || { ./deja build --push deja >&2; exit 1; }
image=$DEJA_IMAGE_REGISTRY/deja:$(python3 -c 'import json,sys; print([i["state"] for i in json.load(open(sys.argv[1]))["images"] if i["name"]=="deja"][0])' "$work/image.json")
docker pull -q "$image" >/dev/null

# The monorepo: 20 independent images, pushed once.
repo=$work/repo
. bench/lib.sh
flat_monorepo "$repo" 20 '${BENCH_REGISTRY}'
export BENCH_REGISTRY=$DEJA_TEST_REGISTRY/startup-bench-repo
./deja -C "$repo" build --push >/dev/null 2>&1

socket=${DEJA_TEST_DOCKER_HOST#unix://}
in_image=(docker run --rm --network host -v "$socket:/var/run/docker.sock" -v "$repo:/src"
  -e DEJA_REGISTRY_MIRRORS -e BENCH_REGISTRY -e DEJA_DIGEST_CACHE "$image")

median() { # command… -> median wall time of ROUNDS runs, in seconds (one warm-up run first)
  local times=() start end
  "$@" >/dev/null 2>&1 || { echo "startup-bench: failed: $*" >&2; "$@" >&2 || true; exit 1; }
  for _ in $(seq 1 "$rounds"); do
    start=$(date +%s%N)
    "$@" >/dev/null 2>&1
    end=$(date +%s%N)
    times+=("$(( (end - start) / 1000000 ))")
  done
  printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {m = NR % 2 ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2; printf "%.3f", m/1000}'
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f", a / b}'; }

java_jar=$(median java -jar cli/target/deja.jar --version)
checkout=$(median ./deja --version)
tar_version=$(median "$tarball" --version)
container=$(median docker run --rm --network host --entrypoint true "$image")
image_version=$(median docker run --rm --network host "$image" --version)
echo "deja --version (median of $rounds, $(nproc) cores):"
printf '  %-34s %6ss\n' "java -jar deja.jar (peer)" "$java_jar"
printf '  %-34s %6ss  %sx the peer\n' "checkout ./deja" "$checkout" "$(ratio "$checkout" "$java_jar")"
printf '  %-34s %6ss  %sx the peer\n' "tarball bin/deja" "$tar_version" "$(ratio "$tar_version" "$java_jar")"
printf '  %-34s %6ss  %sx the peer\n' "image (docker run --rm)" "$image_version" "$(ratio "$image_version" "$java_jar")"
printf '  %-34s %6ss  (the container alone)\n' "image, entrypoint true" "$container"
printf '  %-34s %6ss  %sx the peer\n' "image minus the container" \
  "$(awk -v a="$image_version" -v b="$container" 'BEGIN {printf "%.3f", a - b}')" \
  "$(awk -v a="$image_version" -v b="$container" -v p="$java_jar" 'BEGIN {printf "%.2f", (a - b) / p}')"

reused_checkout=$(median ./deja -C "$repo" build --push)
reused_tarball=$(median "$tarball" -C "$repo" build --push)
reused_image=$(median "${in_image[@]}" build --push)
echo "all reused, 20 images, deja build --push (median of $rounds):"
printf '  %-34s %6ss\n' "checkout ./deja (peer)" "$reused_checkout"
printf '  %-34s %6ss  %sx the peer\n' "tarball bin/deja" "$reused_tarball" "$(ratio "$reused_tarball" "$reused_checkout")"
printf '  %-34s %6ss  %sx the peer (target: <= 1.20)\n' "image (docker run --rm)" "$reused_image" \
  "$(ratio "$reused_image" "$reused_checkout")"

#!/usr/bin/env bash
# Build benchmark on the real dockerd + buildx + registry.
#
# 1. Hit path: a generated 20-image monorepo (a base, 4 images FROM it, 15 FROM those), every image already in
#    the registry, a fresh daemon (this benchmark's images and the build cache removed before each run):
#    `deja build --push` vs `docker buildx bake --push` over an equivalent bake file (same contexts, the parents
#    passed as build args, cache from the images' own tags).  Target: deja >= 10x faster.
#    Every image also copies a file from a base of its own (20 distinct bases, "upstream" in the registry):
#    the same hit path under `bases: track` (20 tags resolved to digests, the default) and under `bases: lock`
#    (digests from deja.lock, no request; the same states). Target: track <= 1.10x lock.
# 2. Miss path: one changed image built by deja vs a bare `docker buildx build --push` of the same context with
#    the same --cache-from. Target: deja's overhead <= 10% + JVM start. As the builders' own times swing by tenths of
#    a second between runs, deja's time outside the builder it ran (--debug times it) is printed too.
#
# Before each timed run the previous run's writes are waited for (`settle`: dirty pages flushed, the registries and
# daemons idle), and the wait is printed. deja's peak RSS on the miss path is printed too (target <= 300 MB).
# DEJA names the deja to measure (default: this checkout's ./deja; the release tarball's bin/deja runs on its own
# JDK 25 runtime with an AOT cache).
#
#   [DEJA=…/bin/deja] bench/bake-bench.sh [ROUNDS] [LAYER_MB] [all|miss]
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
rounds=${1:-3}
layer_mb=${2:-4}
only=${3:-all}
work=${DEJA_BENCH_WORK:-bench/work-bake}
mkdir -p "$work"
scripts/test-env.sh --docker >/dev/null 2>&1
. .test-env/env
export DOCKER_HOST=$DEJA_TEST_DOCKER_HOST
export DEJA_REGISTRY_MIRRORS=$DEJA_TEST_MIRRORS
reg=$DEJA_TEST_REGISTRY
ns=bake-bench-$(date +%s)
deja=${DEJA:-./deja}
$deja --version >/dev/null

repo=$(cd "$work" && pwd)/repo
rm -rf "$repo"
mkdir -p "$repo"
names=(base)
{
  echo "registry: $reg/$ns"
  echo "tags: {commit: true, branch: true}"
  echo "images:"
} > "$repo/deja.yaml"
image() { # name parent -> an image with its own LAYER_MB MB file and a RUN step
  local name=$1 parent=$2
  mkdir -p "$repo/$name"
  head -c $((layer_mb * 1024 * 1024)) /dev/urandom > "$repo/$name/payload.bin"
  printf 'ARG PARENT=%s\nFROM ${PARENT}\nRUN mkdir -p /opt/%s && echo %s > /opt/%s/name\nCOPY payload.bin /opt/%s/\n' \
    "$parent" "$name" "$name" "$name" "$name" > "$repo/$name/Dockerfile"
  # A base of its own, from outside the repository: deja resolves its tag to a digest on every run (bases: track).
  printf 'COPY --from=%s/upstream-%s/%s:1 /bin/busybox /opt/%s/busybox\n' "$reg" "$ns" "$name" "$name" \
    >> "$repo/$name/Dockerfile"
  docker tag deja-busybox:latest "$reg/upstream-$ns/$name:1"
  docker push -q "$reg/upstream-$ns/$name:1" >/dev/null
  echo "  $name: {dockerfile: $name/Dockerfile}" >> "$repo/deja.yaml"
}
image base deja-busybox:latest
for i in 1 2 3 4; do image "mid$i" base; names+=("mid$i"); done
for i in $(seq 1 15); do image "leaf$i" "mid$(( (i - 1) % 4 + 1 ))"; names+=("leaf$i"); done
# The same project under bases: lock (-c names it): the lock written once, the states the same as under track.
sed 's/^tags:/bases: lock\ntags:/' "$repo/deja.yaml" > "$repo/deja-lock.yaml"
$deja -C "$repo" -c "$repo/deja-lock.yaml" lock >/dev/null
git -C "$repo" init -q -b main
git_commit() { git -C "$repo" -c user.email=b@example.com -c user.name=bench commit -q --allow-empty -am "$1"; }
git -C "$repo" add -A && git_commit seed

# The equivalent bake file: the same contexts; each parent by its bake tag (bake orders nothing by itself, so
# the first seeding builds level by level; afterwards every target is in the registry).
bake="$work/docker-bake.json"
python3 - "$repo" "$reg/$ns" "${names[@]}" > "$bake" <<'PY'
import json, re, sys
repo, prefix, names = sys.argv[1], sys.argv[2], sys.argv[3:]
targets = {}
for n in names:
    parent = re.search(r'ARG PARENT=(\S+)', open(f"{repo}/{n}/Dockerfile").read()).group(1)
    ref = f"{prefix}/{n}:bake"
    targets[n] = {"context": f"{repo}/{n}", "dockerfile": "Dockerfile", "tags": [ref],
                  "cache-from": [f"type=registry,ref={ref}"], "cache-to": ["type=inline"],
                  "args": {"PARENT": parent if parent.startswith("deja-") else f"{prefix}/{parent}:bake"}}
print(json.dumps({"group": {"default": {"targets": names}}, "target": targets}, indent=1))
PY
levels=("base" "mid1 mid2 mid3 mid4" "$(printf 'leaf%d ' $(seq 1 15))")
echo "seeding: deja build --push and bake --push, level by level ($((${#names[@]})) images of ${layer_mb} MB)" >&2
$deja -C "$repo" build --push >/dev/null 2>"$work/seed-deja.log"
for level in "${levels[@]}"; do
  # shellcheck disable=SC2086
  docker buildx bake -f "$bake" --push $level >/dev/null 2>"$work/seed-bake.log"
done

fresh_daemon() {
  docker images --format '{{.Repository}}:{{.Tag}}' | grep "/$ns/" | xargs -r docker rmi -f >/dev/null 2>&1 || true
  docker builder prune -af >/dev/null 2>&1 || true
}
now() { date +%s.%N; }
median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }

declare -a t_deja=() t_bake=() t_version=() t_lock=()
hit_deja() { # config -> seconds
  fresh_daemon
  settle >/dev/null   # the daemon's clean-up done: it would otherwise share the cores with the timed run
  local s; s=$(now); $deja -C "$repo" -c "$repo/$1" build --push >"$work/hit-deja.out" 2>&1; echo "$(now) - $s" | bc
  grep -q ' built ' "$work/hit-deja.out" && { echo "deja built something on the hit path ($1)" >&2; exit 1; }
  return 0
}
for ((r = 1; r <= rounds; r++)); do
  [ "$only" = miss ] && break
  git_commit "hit round $r"
  if ((r % 2)); then
    t_deja+=("$(hit_deja deja.yaml)"); t_lock+=("$(hit_deja deja-lock.yaml)")
  else
    t_lock+=("$(hit_deja deja-lock.yaml)"); t_deja+=("$(hit_deja deja.yaml)")
  fi
  fresh_daemon
  settle >/dev/null
  s=$(now); docker buildx bake -f "$bake" --push >/dev/null 2>"$work/hit-bake.log"
  t_bake+=("$(echo "$(now) - $s" | bc)")
  printf 'hit round %d: deja %.2f s (bases: lock %.2f s)  bake %.2f s\n' "$r" "${t_deja[-1]}" "${t_lock[-1]}" "${t_bake[-1]}"
done
for ((r = 1; r <= rounds; r++)); do
  s=$(now); $deja --version >/dev/null; t_version+=("$(echo "$(now) - $s" | bc)")
done
jvm=$(median "${t_version[@]}")
if [ "$only" != miss ]; then
md=$(median "${t_deja[@]}"); mb=$(median "${t_bake[@]}"); ml=$(median "${t_lock[@]}")
printf 'hit path, %d images in the registry, fresh daemon: deja %.2f s | bake %.2f s | bake/deja = %.1fx (target >= 10)\n' \
  "${#names[@]}" "$md" "$mb" "$(echo "$mb / $md" | bc -l)"
printf 'bases, 20 distinct resolved per run: bases: track %.2f s | bases: lock %.2f s | track/lock = %.3fx (target <= 1.10)\n' \
  "$md" "$ml" "$(echo "$md / $ml" | bc -l)"
fi

# Miss path: leaf1 changes; deja builds it (its parents are reused), buildx builds the same context with the same
# parent and cache source. BuildKit's export time swings between runs: the order alternates per round, and each
# timed run starts once the previous one's writes are done (settle).
declare -a m_deja=() m_buildx=() m_rss=() m_wait=() m_own=() m_start=()
miss_deja() {
  head -c $((layer_mb * 1024 * 1024)) /dev/urandom > "$repo/leaf1/payload.bin"
  git_commit "miss round $r"
  m_wait+=("$(settle)")
  s=$(now)
  /usr/bin/time -f %M -o "$work/miss-rss" $deja -C "$repo" --debug build --push leaf1 >"$work/miss-deja.out" \
    2>"$work/miss-deja.log"
  m_deja+=("$(echo "$(now) - $s" | bc)"); m_rss+=("$(cat "$work/miss-rss")")
  # deja's own time: the whole run less its builder's (--debug times the builder command it runs).
  local builder
  builder=$(sed -n 's/.*leaf1: docker[ -]buildx[a-z ]* exited with 0 after \([0-9.]*\) s.*/\1/p' "$work/miss-deja.log")
  m_own+=("$(echo "${m_deja[-1]} - ${builder:-0}" | bc)")
  # When its builder started, in seconds since the process did (--debug's stamp): deja's work before the build,
  # free of the builder's own swings.
  m_start+=("$(sed -n 's/^deja: debug: \[\([0-9.]*\) s\] leaf1: running .*docker.*/\1/p' "$work/miss-deja.log" | head -1)")
  grep -q '^leaf1 *built' "$work/miss-deja.out" || { echo "deja did not build leaf1" >&2; cat "$work/miss-deja.out"; exit 1; }
}
miss_buildx() {
  head -c $((layer_mb * 1024 * 1024)) /dev/urandom > "$repo/leaf1/payload.bin"
  mid=$($deja -C "$repo" state mid1 | cut -d' ' -f2)
  m_wait+=("$(settle)")
  s=$(now)
  docker buildx build --progress plain --push -t "$reg/$ns/leaf1:bare-$r" --cache-to type=inline \
    --cache-from "type=registry,ref=$reg/$ns/leaf1:main" --build-arg "PARENT=$reg/$ns/mid1:$mid" \
    "$repo/leaf1" >/dev/null 2>"$work/miss-buildx.log"
  m_buildx+=("$(echo "$(now) - $s" | bc)")
  git -C "$repo" checkout -q -- leaf1/payload.bin
}
for ((r = 1; r <= rounds * 2 - 1; r++)); do
  if ((r % 2)); then miss_deja; miss_buildx; else miss_buildx; miss_deja; fi
  printf 'miss round %d: deja %.2f s  bare buildx %.2f s  (waited %.2f s and %.2f s for the writes before)\n' \
    "$r" "${m_deja[-1]}" "${m_buildx[-1]}" "${m_wait[-2]}" "${m_wait[-1]}"
done
mmd=$(median "${m_deja[@]}"); mmb=$(median "${m_buildx[@]}"); mmo=$(median "${m_own[@]}")
printf 'miss path, one image: deja %.2f s | bare buildx %.2f s | JVM start %.2f s | overhead beyond JVM start %.1f%% (target <= 10%%)\n' \
  "$mmd" "$mmb" "$jvm" "$(echo "($mmd - $jvm - $mmb) * 100 / $mmb" | bc -l)"
# The same overhead without the builders' own swings (BuildKit's export time varies by tenths between runs): deja's
# time outside the builder it ran, against the JVM's start, as a share of bare buildx.
printf 'miss path, deja outside its builder: %.2f s | JVM start %.2f s | its own work %.2f s = %.1f%% of bare buildx\n' \
  "$mmo" "$jvm" "$(echo "$mmo - $jvm" | bc -l)" "$(echo "($mmo - $jvm) * 100 / $mmb" | bc -l)"
mms=$(median "${m_start[@]}")
printf 'miss path, builder started at %.2f s after deja did (JVM start %.2f s): %.2f s of deja before its build\n' \
  "$mms" "$jvm" "$(echo "$mms - $jvm" | bc -l)"
echo "peak RSS of deja on the miss path: $(($(printf '%s\n' "${m_rss[@]}" | sort -n | tail -1) / 1024)) MB (target <= 300 MB)"

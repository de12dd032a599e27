#!/bin/sh
# make-runtime.sh HOME [--archive|--relocatable-archive]: beside HOME/lib/deja.jar, HOME/runtime: a Java runtime jlinked from the JDK on PATH
# with only the modules the jar needs (jdeps) plus TLS's elliptic curves, and its own class-data archive. With
# --archive, also HOME/lib/deja.aot (JDK 25+: classes loaded and linked, profiles kept) or HOME/lib/deja.jsa (earlier:
# a dynamic CDS archive), from the run a CI job makes most: `deja build --push` with every image reused, against a
# registry that holds every image (TrainingRegistry.java, beside this script, run by the JDK's java). An archive made
# on JDK 25+ stays valid where the folder is copied whole, one made earlier only where it was made:
# --relocatable-archive makes one only on JDK 25+ (the tarball, unpacked anywhere). bin/deja makes one in the user's
# cache on the first run where there is none.
# Used by scripts/release.sh (the tarball) and cli/src/main/docker/Dockerfile (the image).
set -eu
home=${1:?usage: make-runtime.sh HOME [--archive|--relocatable-archive]}
jar=$home/lib/deja.jar
modules=$(jdeps --multi-release 17 --print-module-deps --ignore-missing-deps "$jar")
# Java debug attributes only: --strip-debug also strips the native libraries with objcopy, which a JDK image may lack.
jlink --add-modules "$modules,jdk.crypto.ec" --strip-java-debug-attributes --no-header-files --no-man-pages \
  --output "$home/runtime"
"$home/runtime/bin/java" -Xshare:dump >/dev/null
case ${2:-} in --archive | --relocatable-archive) ;; *) exit 0 ;; esac

train=$(mktemp -d)
if "$home/runtime/bin/java" -XX:AOTCacheOutput="$train/probe.aot" -version >/dev/null 2>&1; then
  make="-XX:AOTCacheOutput=$home/lib/deja.aot"
elif [ "$2" = --archive ]; then
  make="-XX:ArchiveClassesAtExit=$home/lib/deja.jsa"
else
  rm -rf "$train"
  exit 0
fi
port=47813
java "$(dirname "$0")/TrainingRegistry.java" "$port" "$train/ready" > "$train/registry.log" 2>&1 &
registry=$!
trap 'kill "$registry" 2>/dev/null || true; rm -rf "$train"' EXIT
for _ in $(seq 1 100); do [ -f "$train/ready" ] && break; sleep 0.1; done
mkdir -p "$train/project/base" "$train/project/app"
printf 'registry: 127.0.0.1:%s/train\nbases: ignore\nimages:\n' "$port" > "$train/project/deja.yaml"
printf '  base: {dockerfile: base/Dockerfile}\n  app: {dockerfile: app/Dockerfile}\n' >> "$train/project/deja.yaml"
printf 'FROM scratch\nCOPY . /\n' > "$train/project/base/Dockerfile"
printf 'FROM base\nCOPY . /app\n' > "$train/project/app/Dockerfile"
echo data > "$train/project/app/data"
# A CI job's most common run, in a fresh clone that carries its digest cache: every state known from git's word
# (the index read, the racy entries checked, the tree's key looked up), every image reused and tagged with the
# commit and the branch. A first run, not recorded, fills the cache. Without git (a machine that only packages), or
# with a git that will not commit, the project is no checkout and the states are walked: trained on less, never
# failed for it.
(
  git -C "$train/project" init -q -b main
  git -C "$train/project" add -A
  git -C "$train/project" -c user.email=train@deja.invalid -c user.name=train -c commit.gpgsign=false \
    -c core.hooksPath=/dev/null commit -q -m train
) >/dev/null 2>&1 || rm -rf "$train/project/.git"
export DEJA_DIGEST_CACHE="$train/digest-cache"
DEJA_ARCHIVE=off DEJA_JAVA_OPTS="-Ddeja.registry.attempts=1" "$home/bin/deja" -C "$train/project" state > "$train/log" 2>&1 \
  || { echo "make-runtime: the training's first run failed:" >&2; cat "$train/log" >&2; exit 1; }
DEJA_ARCHIVE=off DEJA_JAVA_OPTS="$make -Ddeja.registry.attempts=1 -Ddeja.archive.training=true" "$home/bin/deja" -C "$train/project" \
  build --push --tag train > "$train/log" 2>&1 || { echo "make-runtime: the training run failed:" >&2; cat "$train/log" "$train/registry.log" >&2; exit 1; }
[ -s "$home/lib/deja.aot" ] || [ -s "$home/lib/deja.jsa" ] || { echo "make-runtime: no archive made:" >&2; cat "$train/log" >&2; exit 1; }

#!/bin/sh
# make-runtime.sh HOME [--archive]: beside HOME/lib/deja.jar, HOME/runtime: a Java runtime jlinked from the JDK on PATH
# with only the modules the jar needs (jdeps) plus TLS's elliptic curves, and its own class-data archive. With
# --archive, also HOME/lib/deja.aot (JDK 25+: classes loaded and linked, profiles kept) or HOME/lib/deja.jsa (earlier:
# a dynamic CDS archive), from a run that starts the CLI, reads a project and asks a registry (refused: nothing
# listens on that port). An archive names the jar by its path: make it only where deja stays (deja's image);
# bin/deja makes one in the user's cache on the first run elsewhere.
# Used by scripts/release.sh (the tarball) and cli/src/main/docker/Dockerfile (the image).
set -eu
home=${1:?usage: make-runtime.sh HOME [--archive]}
jar=$home/lib/deja.jar
modules=$(jdeps --multi-release 17 --print-module-deps --ignore-missing-deps "$jar")
# Java debug attributes only: --strip-debug also strips the native libraries with objcopy, which a JDK image may lack.
jlink --add-modules "$modules,jdk.crypto.ec" --strip-java-debug-attributes --no-header-files --no-man-pages \
  --output "$home/runtime"
"$home/runtime/bin/java" -Xshare:dump >/dev/null
[ "${2:-}" = --archive ] || exit 0

train=$(mktemp -d)
trap 'rm -rf "$train"' EXIT
if "$home/runtime/bin/java" -XX:AOTCacheOutput="$train/probe.aot" -version >/dev/null 2>&1; then
  make="-XX:AOTCacheOutput=$home/lib/deja.aot"
else
  make="-XX:ArchiveClassesAtExit=$home/lib/deja.jsa"
fi
printf 'registry: 127.0.0.1:9/train\nbases: ignore\nimages:\n  app:\n    dockerfile: Dockerfile\n' > "$train/deja.yaml"
printf 'FROM scratch\nCOPY . /\n' > "$train/Dockerfile"
DEJA_ARCHIVE=off DEJA_JAVA_OPTS="$make -Ddeja.registry.attempts=1" "$home/bin/deja" -C "$train" plan \
  > "$train/log" 2>&1 || true
[ -s "$home/lib/deja.aot" ] || [ -s "$home/lib/deja.jsa" ] || { echo "make-runtime: no archive made:" >&2; cat "$train/log" >&2; exit 1; }

#!/usr/bin/env bash
# Release artifacts of deja VERSION, into dist/ (or $DEJA_DIST):
#   deja-VERSION.jar                     the runnable jar (needs a Java 17+ on the machine)
#   deja-VERSION-linux-<arch>.tar.gz     deja-VERSION/{bin/deja, lib/deja.jar, runtime/}: a jlinked Java runtime
#                                        with only the modules deja uses and its class-data archive made here (deja's
#                                        own classes are archived on the first run), so no JDK is needed where it runs
#   SHA256SUMS                           sha256sum -c checks both
#
#   scripts/release.sh VERSION
set -euo pipefail
cd "$(dirname "$0")/.."
version=${1:?usage: scripts/release.sh VERSION (for example 0.3.0)}
case $version in
  *[!A-Za-z0-9.+-]* | "") echo "release: '$version' is not a version (letters, digits, . + -)" >&2; exit 2 ;;
esac
dist=${DEJA_DIST:-dist}
arch=$(uname -m)
name=deja-$version
for tool in jlink jdeps; do
  command -v "$tool" >/dev/null || { echo "release: $tool is missing: a full JDK 17+ is needed to release" >&2; exit 2; }
done

echo "release: building the jar ($version)" >&2
./mvnw -B -q -DskipTests -Ddeja.version="$version" package >&2
jar=cli/target/deja.jar

rm -rf "$dist/$name" && mkdir -p "$dist/$name/bin" "$dist/$name/lib"
cp "$jar" "$dist/$name.jar"
cp "$jar" "$dist/$name/lib/deja.jar"

modules=$(jdeps --multi-release 17 --print-module-deps --ignore-missing-deps "$jar")
echo "release: jlink $modules" >&2
jlink --add-modules "$modules,jdk.crypto.ec" --strip-debug --no-header-files --no-man-pages --compress=2 \
  --output "$dist/$name/runtime"

# The launcher: its own folder found through symlinks, the bundled runtime, the class-data archive beside the jar.
cat > "$dist/$name/bin/deja" <<'LAUNCHER'
#!/bin/sh
# deja, with its own Java runtime: nothing else needed on the machine.
set -eu
self=$0
while [ -L "$self" ]; do
  target=$(readlink "$self")
  case $target in /*) self=$target ;; *) self=${self%/*}/$target ;; esac
done
case $self in */*) bin=${self%/*} ;; *) bin=. ;; esac
home=$(cd "$bin/.." && pwd)
# The runtime ships its own class-data archive; deja's classes get one on the first run, per install folder (an
# archive names the jar by its path), in the user's cache. Best effort: without it deja only starts slower.
cache=${XDG_CACHE_HOME:-${HOME:-/tmp}/.cache}/deja
archive=$cache/cds-$(printf '%s' "$home" | cksum | cut -d' ' -f1).jsa
if [ -f "$archive" ]; then
  cds="-XX:SharedArchiveFile=$archive"
elif mkdir -p "$cache" 2>/dev/null && [ -w "$cache" ]; then
  cds="-XX:ArchiveClassesAtExit=$archive"
else
  cds=""
fi
exec "$home/runtime/bin/java" -XX:+UseSerialGC -Xmx192m -Xshare:auto -Xlog:cds=off -Xlog:cds+dynamic=off $cds \
  -XX:TieredStopAtLevel=1 ${DEJA_JAVA_OPTS:-} -jar "$home/lib/deja.jar" "$@"
LAUNCHER
chmod 0755 "$dist/$name/bin/deja"

# The runtime's own class-data archive (jlink leaves it out): the JDK's classes mapped at start, wherever it lies.
"$dist/$name/runtime/bin/java" -Xshare:dump >/dev/null

tar -C "$dist" --sort=name --owner=0 --group=0 --numeric-owner --mtime=@0 -czf "$dist/$name-linux-$arch.tar.gz" "$name"
(cd "$dist" && sha256sum "$name.jar" "$name-linux-$arch.tar.gz" > SHA256SUMS)
echo "release: $(cd "$dist" && ls "$name.jar" "$name-linux-$arch.tar.gz" SHA256SUMS | tr '\n' ' ')in $dist" >&2

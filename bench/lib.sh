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

#!/usr/bin/env bash
# Dev loop benchmark on the real dockerd: an image whose full build compiles FILES C sources with gcc (a base image
# made from Debian packages: debootstrap --variant=minbase with gcc, libc6-dev and make, imported once and cached
# under .test-env/dev-bench), one source line changed per round:
#   deja dev      copies the changed file into the image's dev container, runs `make -j2` there (one object
#                 recompiled, the program linked again) and commits app:dev;
#   buildx        `docker buildx build --load` of the same image with its layer cache (COPY src changed: `make`
#                 compiles every file again, as a Dockerfile build does).
# Order alternates per round. Target: the dev loop >= 10x faster than the build, and under 3 s whole.
#
#   bench/dev-bench.sh [ROUNDS] [FILES]
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-3}
files=${2:-500}
work=${DEJA_BENCH_WORK:-bench/work-dev}
scripts/test-env.sh --docker >/dev/null 2>&1
. .test-env/env
export DOCKER_HOST=$DEJA_TEST_DOCKER_HOST
base=deja-gcc:bookworm
cache=.test-env/dev-bench
if ! docker image inspect "$base" >/dev/null 2>&1; then
  if [ ! -f "$cache/rootfs.tar" ]; then
    command -v debootstrap >/dev/null || { apt-get update -q >&2; apt-get install -y -q debootstrap >&2; }
    mirror=$(cat /etc/apt/sources.list.d/*.sources /etc/apt/sources.list 2>/dev/null \
      | awk '($1 == "URIs:" || $1 == "deb") && $2 !~ /security/ {print $2; exit}')
    echo "dev-bench: debootstrap bookworm with gcc from $mirror (once)" >&2
    rm -rf "$cache/rootfs" && mkdir -p "$cache"
    debootstrap --variant=minbase --include=gcc,libc6-dev,make bookworm "$cache/rootfs" "$mirror" >"$cache/debootstrap.log"
    tar -C "$cache/rootfs" -c . > "$cache/rootfs.tar"
  fi
  docker import -c 'CMD ["/bin/bash"]' "$cache/rootfs.tar" "$base" >/dev/null
fi
./deja --version >/dev/null

repo=$(mkdir -p "$work" && cd "$work" && pwd)/repo
rm -rf "$repo" && mkdir -p "$repo/app/src"
cat > "$repo/deja.yaml" <<YAML
# The base is local only (made above): nothing to resolve.
bases: ignore
images:
  app:
    dockerfile: app/Dockerfile
    dev: {command: make -j2, sync: [app/src]}
YAML
cat > "$repo/app/Dockerfile" <<'DOCKERFILE'
FROM deja-gcc:bookworm
WORKDIR /app
COPY Makefile /app/Makefile
COPY src /app/src
RUN make -j2
CMD ["/app/prog"]
DOCKERFILE
printf 'SRC := $(wildcard src/*.c)\nOBJ := $(SRC:.c=.o)\nprog: $(OBJ)\n\tgcc -o $@ $(OBJ)\n%%.o: %%.c\n\tgcc -O2 -c -o $@ $<\n' \
  > "$repo/app/Makefile"
# Each file: a few functions with loops gcc -O2 works on for a while.
for ((i = 0; i < files; i++)); do
  {
    echo "static const int scale$i = 1;"
    for f in 0 1 2 3 4 5 6 7; do
      echo "static long f${i}_$f(long n) { long s = 0; for (long k = 0; k < n; k++) { s += (k * $f) ^ (s >> 3); if (s % 7 == $((f % 7))) s -= k; } return s; }"
    done
    echo "long unit$i(long n) { return scale$i * (f${i}_0(n) + f${i}_1(n) + f${i}_2(n) + f${i}_3(n) + f${i}_4(n) + f${i}_5(n) + f${i}_6(n) + f${i}_7(n)); }"
  } > "$repo/app/src/unit$i.c"
done
{
  for ((i = 0; i < files; i++)); do echo "long unit$i(long);"; done
  echo '#include <stdio.h>'
  echo 'int main(void) { long s = 0;'
  for ((i = 0; i < files; i++)); do echo "  s += unit$i(10);"; done
  echo '  printf("%ld\n", s); return 0; }'
  echo "/* run $(date +%s%N) */"
} > "$repo/app/src/main.c"
git -C "$repo" init -q -b main
git -C "$repo" add -A && git -C "$repo" -c user.email=b@example.com -c user.name=bench commit -qm seed

# Values no earlier run used: BuildKit's cache would otherwise serve the build from a previous run of this benchmark.
salt=$(( $(date +%s) % 10000000 * 100 ))
now() { date +%s.%N; }
median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
change() { sed -i "s/static const int scale17 = [0-9]*;/static const int scale17 = $1;/" "$repo/app/src/unit17.c"; }

echo "seeding: deja build (the image) and deja dev (its dev container), $files sources" >&2
./deja -C "$repo" dev app --clean >/dev/null 2>&1 || true
s=$(now); ./deja -C "$repo" build >"$work/seed.out" 2>"$work/seed.log"; seed=$(echo "$(now) - $s" | bc)
./deja -C "$repo" dev app >/dev/null 2>>"$work/seed.log"
printf 'full build (deja build, cold): %.1f s\n' "$seed"

declare -a t_dev=() t_build=() t_copy=() t_command=() t_commit=()
dev_round() {
  change "$((salt + 2 * r))"
  sync; local s; s=$(now)
  ./deja -C "$repo" dev app >"$work/dev.out" 2>"$work/dev.log"
  t_dev+=("$(echo "$(now) - $s" | bc)")
  local line; line=$(tail -1 "$work/dev.out")
  grep -q 'copied 1, removed 0' <<<"$line" || { echo "deja dev did not copy exactly one file: $line" >&2; exit 1; }
  t_copy+=("$(sed -E 's/.*copy ([0-9.]+) s.*/\1/' <<<"$line")")
  t_command+=("$(sed -E 's/.*command ([0-9.]+) s.*/\1/' <<<"$line")")
  t_commit+=("$(sed -E 's/.*commit ([0-9.]+) s.*/\1/' <<<"$line")")
}
build_round() {
  change "$((salt + 2 * r + 1))"
  sync; local s; s=$(now)
  docker buildx build --load -t app:bench "$repo/app" >"$work/build.log" 2>&1
  t_build+=("$(echo "$(now) - $s" | bc)")
}
for ((r = 1; r <= rounds; r++)); do
  if ((r % 2)); then dev_round; build_round; else build_round; dev_round; fi
  printf 'round %d: deja dev %.2f s (copy %.2f, command %.2f, commit %.2f)  docker buildx build %.2f s\n' \
    "$r" "${t_dev[-1]}" "${t_copy[-1]}" "${t_command[-1]}" "${t_commit[-1]}" "${t_build[-1]}"
done
# The same sources: the dev loop's image computes what the built one does.
change "$((salt + 99))"
./deja -C "$repo" dev app >/dev/null 2>&1
docker buildx build --load -t app:bench "$repo/app" >/dev/null 2>&1
test "$(docker run --rm app:dev)" = "$(docker run --rm app:bench)" || {
  echo "app:dev and the built image disagree" >&2; exit 1; }
md=$(median "${t_dev[@]}"); mb=$(median "${t_build[@]}")
printf 'dev loop, one line of %d sources changed: deja dev %.2f s (copy %.2f, command %.2f, commit %.2f) | docker buildx build %.2f s | build/dev = %.1fx (target >= 10, dev < 3 s)\n' \
  "$files" "$md" "$(median "${t_copy[@]}")" "$(median "${t_command[@]}")" "$(median "${t_commit[@]}")" "$mb" \
  "$(echo "$mb / $md" | bc -l)"
./deja -C "$repo" dev app --clean >/dev/null 2>&1 || true

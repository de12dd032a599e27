#!/usr/bin/env bash
# State benchmark: deja's state of a 1 GB / 50,000-file context (whole process, JVM start included)
# against the standard pipelines `tar | openssl dgst -sha256` and `tar | sha256sum`, in the same run,
# page cache warm for all. deja is measured twice: cold (no digest cache, every byte read and hashed,
# what a fresh CI clone pays) and cached (its digest cache from the previous round, what a developer
# or a CI runner that keeps its workspace pays). Prints medians, ratios and deja's peak RSS.
#
#   bench/state-bench.sh [ROUNDS] [FILES] [BYTES]
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-5}
files=${2:-50000}
bytes=${3:-1000000000}
work=${DEJA_BENCH_WORK:-bench/work}
ctx="$work/ctx"
cache="$work/digest-cache"

if [ ! -f "$work/.generated-$files-$bytes" ]; then
  rm -rf "$work" && mkdir -p "$work"
  python3 bench/gen-context.py "$ctx" "$files" "$bytes"
  touch "$work/.generated-$files-$bytes"
  sleep 3   # files younger than 2 s are never cached (racy); let the newest age
fi
printf 'images:\n  big:\n    dockerfile: ctx/Dockerfile\n' > "$work/deja.yaml"
./deja --version >/dev/null   # builds the jar (and its class-data archive) if needed, outside the measurement

now() { date +%s.%N; }
elapsed() { echo "$2 - $1" | bc; }
cold() { DEJA_DIGEST_CACHE=off ./deja -C "$work" state; }
cached() { DEJA_DIGEST_CACHE="$cache" ./deja -C "$work" state; }

# Warm-up: the page cache for everyone, the digest cache for the cached runs.
tar -cf - -C "$ctx" . | openssl dgst -sha256 >/dev/null
cold >/dev/null
rm -rf "$cache"; cached >/dev/null

declare -a t_cold t_cached t_openssl t_sha rss
for ((r = 1; r <= rounds; r++)); do
  s=$(now); tar -cf - -C "$ctx" . | openssl dgst -sha256 >/dev/null; t_openssl+=("$(elapsed "$s" "$(now)")")
  s=$(now); tar -cf - -C "$ctx" . | sha256sum >/dev/null; t_sha+=("$(elapsed "$s" "$(now)")")
  s=$(now); DEJA_DIGEST_CACHE=off /usr/bin/time -f %M -o "$work/rss" ./deja -C "$work" state >"$work/cold.out"
  t_cold+=("$(elapsed "$s" "$(now)")"); rss+=("$(cat "$work/rss")")
  s=$(now); DEJA_DIGEST_CACHE="$cache" /usr/bin/time -f %M -o "$work/rss" ./deja -C "$work" state >"$work/cached.out"
  t_cached+=("$(elapsed "$s" "$(now)")"); rss+=("$(cat "$work/rss")")
  cmp -s "$work/cold.out" "$work/cached.out" || { echo "cold and cached states differ" >&2; exit 1; }
  printf 'round %d: deja cold %.2f s  deja cached %.2f s  tar|openssl %.2f s  tar|sha256sum %.2f s\n' \
    "$r" "${t_cold[-1]}" "${t_cached[-1]}" "${t_openssl[-1]}" "${t_sha[-1]}"
done

median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
mc=$(median "${t_cold[@]}"); mk=$(median "${t_cached[@]}"); mo=$(median "${t_openssl[@]}"); ms=$(median "${t_sha[@]}")
max_rss=$(printf '%s\n' "${rss[@]}" | sort -n | tail -1)
ratio() { printf '%.2f' "$(echo "$1 / $2" | bc -l)"; }
echo
echo "context: $(find "$ctx" -type f | wc -l) files, $(du -sb "$ctx" | cut -f1) bytes; $(nproc) cores; $rounds rounds; $(java -version 2>&1 | head -1)"
echo "state:   $(cat "$work/cold.out")"
printf 'median   deja cold %.2f s | deja cached %.2f s | tar|openssl %.2f s | tar|sha256sum %.2f s\n' "$mc" "$mk" "$mo" "$ms"
echo "ratio    deja cold / tar|openssl = $(ratio "$mc" "$mo")   deja cached / tar|openssl = $(ratio "$mk" "$mo")   (target <= 1.00)"
echo "ratio    deja cold / tar|sha256sum = $(ratio "$mc" "$ms")   deja cached / tar|sha256sum = $(ratio "$mk" "$ms")"
echo "peak RSS of deja: $((max_rss / 1024)) MB (target < 300 MB)"

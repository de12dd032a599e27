#!/usr/bin/env bash
# State benchmark: deja's state of a 1 GB / 50,000-file context (whole process, JVM start included)
# against the standard pipelines `tar | openssl dgst -sha256` and `tar | sha256sum`, measured in the
# same run, page cache warm for all. Prints medians, ratios and deja's peak RSS.
#
#   bench/state-bench.sh [ROUNDS] [FILES] [BYTES]
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-5}
files=${2:-50000}
bytes=${3:-1000000000}
work=bench/work
ctx="$work/ctx"

if [ ! -f "$work/.generated-$files-$bytes" ]; then
  rm -rf "$work" && mkdir -p "$work"
  python3 bench/gen-context.py "$ctx" "$files" "$bytes"
  touch "$work/.generated-$files-$bytes"
fi
printf 'images:\n  big:\n    dockerfile: ctx/Dockerfile\n' > "$work/deja.yaml"
./deja --version >/dev/null   # builds the jar if needed, outside the measurement

now() { date +%s.%N; }
declare -a t_deja t_openssl t_sha rss
for cmd in deja openssl sha; do :; done
# One warm-up of each, so every contender reads from the page cache.
tar -cf - -C "$ctx" . | openssl dgst -sha256 >/dev/null
./deja -C "$work" state >/dev/null

for ((r = 1; r <= rounds; r++)); do
  s=$(now); tar -cf - -C "$ctx" . | openssl dgst -sha256 >/dev/null; e=$(now)
  t_openssl+=("$(echo "$e - $s" | bc)")
  s=$(now); tar -cf - -C "$ctx" . | sha256sum >/dev/null; e=$(now)
  t_sha+=("$(echo "$e - $s" | bc)")
  s=$(now); /usr/bin/time -f %M -o "$work/rss" ./deja -C "$work" state >"$work/state.out"; e=$(now)
  t_deja+=("$(echo "$e - $s" | bc)")
  rss+=("$(cat "$work/rss")")
  printf 'round %d: deja %.2f s  tar|openssl %.2f s  tar|sha256sum %.2f s  deja peak RSS %d MB\n' \
    "$r" "${t_deja[-1]}" "${t_openssl[-1]}" "${t_sha[-1]}" "$(( ${rss[-1]} / 1024 ))"
done

median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
md=$(median "${t_deja[@]}"); mo=$(median "${t_openssl[@]}"); ms=$(median "${t_sha[@]}")
max_rss=$(printf '%s\n' "${rss[@]}" | sort -n | tail -1)
echo
echo "context: $(find "$ctx" -type f | wc -l) files, $(du -sb "$ctx" | cut -f1) bytes; $(nproc) cores; $rounds rounds"
echo "state:   $(cat "$work/state.out")"
printf 'median  deja %.2f s | tar|openssl %.2f s | tar|sha256sum %.2f s\n' "$md" "$mo" "$ms"
printf 'ratio   deja / tar|openssl = %.2f   deja / tar|sha256sum = %.2f   (target: <= 1.00 against openssl)\n' \
  "$(echo "$md / $mo" | bc -l)" "$(echo "$md / $ms" | bc -l)"
printf 'peak RSS of deja: %d MB (target: < 300 MB)\n' "$((max_rss / 1024))"

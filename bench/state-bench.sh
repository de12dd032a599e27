#!/usr/bin/env bash
# State benchmark: deja's state of a 1 GB / 50,000-file context (whole process, JVM start included)
# against the standard pipelines `tar | openssl dgst -sha256` and `tar | sha256sum`, in the same run,
# page cache warm for all. deja is measured three ways:
#   cold         no digest cache: every byte read and hashed
#   warm         its digest cache from the previous round (a developer, a CI runner that keeps its workspace), the
#                tree clean: git vouches for every file, so the state is known without walking
#   warm, one untracked file
#                the same with one untracked file in the context, so that git does not vouch for the context as a
#                whole: deja lists it from git's index (the files git vouches for are neither stat'ed nor read, the
#                untracked one is), every file looked up by its blob; against a `find -printf '%s %T@ %i'` walk of
#                the same tree plus the JVM's start (`deja --version`)
#   warm, walked the same with git out of reach (GIT_DIR=/nonexistent: a context outside any checkout), which makes
#                deja walk it: every entry stat'ed and looked up by its stamp; against the same
#   fresh clone  the generated tree is a git repository; a second clone of it (new paths, inodes, times) with
#                only the cache file carried from the first: what a CI job pays that restores its cache
#   new commit   a third clone, of a commit that changed one file, with the first checkout's cache file: what a CI
#                job pays on a commit that changes its context (the state is new; git vouches for the other files,
#                which are listed from its index and known by their blobs)
#   many images  30 images over the same context (their Dockerfiles apart, as a monorepo gives its root to every
#                service), cold: against one image's cold state (deja walks and hashes the context once for all)
# Two floors are measured in the same run, for what no JVM program can beat: bench/floor/ContextFloor.java walks the
# tree and hashes every file on every core and does nothing else (the cold floor), and without an argument only starts
# (a JVM's start), which with the `git status` that vouching for a clone's files needs is the fresh clone's floor.
# That floor is of wall time, one step after the other. The fresh clone's CPU is measured too, with the parts no run
# that vouches for a clone can skip (deja's own start, git's status and its untracked listing): on a machine of few
# cores, the CPU a run needs bounds its wall from below however its steps overlap.
# Prints medians, ratios and deja's peak RSS. DEJA names the deja to measure (default: this checkout's ./deja; the
# release tarball's bin/deja runs on its own JDK 25 runtime with an AOT cache).
#
#   [DEJA=…/bin/deja] bench/state-bench.sh [ROUNDS] [FILES] [BYTES]
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-5}
files=${2:-50000}
bytes=${3:-1000000000}
work=${DEJA_BENCH_WORK:-bench/work}
ctx="$work/ctx"
cache="$work/digest-cache"

clone="$work-clone"
if [ ! -f "$work/.generated-$files-$bytes" ]; then
  rm -rf "$work" "$clone" && mkdir -p "$work"
  python3 bench/gen-context.py "$ctx" "$files" "$bytes"
  printf 'images:\n  big:\n    dockerfile: ctx/Dockerfile\n' > "$work/deja.yaml"
  printf '.generated-*\nrss\n*.out\ndigest-cache*/\nmany/\nmany.yaml\n' > "$work/.gitignore"
  # The repository the clone comes from (stored, not compressed: made once, in seconds).
  git -C "$work" init -q
  git -C "$work" -c core.compression=0 add -A
  git -C "$work" -c user.email=b@example.com -c user.name=bench commit -q -m generated
  touch "$work/.generated-$files-$bytes"
  sleep 3   # files younger than 2 s are never cached (racy); let the newest age
fi
# Cloned through git's transport, as a CI job's clone is: its objects in a pack (a local clone copies them loose, and
# reading 5,000 loose trees costs git twice the time).
if ! ls "$clone"/.git/objects/pack/*.pack >/dev/null 2>&1; then
  rm -rf "$clone" && git clone -q --no-local "$work" "$clone"
fi
deja=${DEJA:-./deja}
# A clone of a new commit that changed one file of the context.
changed="$work-changed"
if ! ls "$changed"/.git/objects/pack/*.pack >/dev/null 2>&1; then
  rm -rf "$changed" && git clone -q --no-local "$work" "$changed"
  echo "changed by a new commit" >> "$changed/$(git -C "$changed" ls-files ctx | sed -n 100p)"
  git -C "$changed" -c user.email=b@example.com -c user.name=bench commit -q -a -m "one file changed"
  rm -f "$work/changed-cold.out"
fi
# Many images over one context, as a monorepo gives its root to every service: 30 images whose Dockerfiles lie
# outside the generated context, which they all take (deja walks it once for all, cold here).
many_images=30
if [ ! -f "$work/many.yaml" ]; then
  { echo "images:"
    for i in $(seq -w 1 "$many_images"); do
      mkdir -p "$work/many/s$i"
      printf 'FROM scratch\nCOPY . /s%s/\n' "$i" > "$work/many/s$i/Dockerfile"
      printf '  s%s:\n    dockerfile: many/s%s/Dockerfile\n    context: ctx\n' "$i" "$i"
    done
  } > "$work/many.yaml"
fi
floor_classes="$work-floor"
if [ ! -f "$floor_classes/ContextFloor.class" ] || [ bench/floor/ContextFloor.java -nt "$floor_classes/ContextFloor.class" ]; then
  mkdir -p "$floor_classes" && javac -d "$floor_classes" bench/floor/ContextFloor.java
fi
# The floor runs as deja's launcher runs deja: its heap (huge pages too), and C2 kept for SHA-256 alone (without these directives C2
# compiles the walk too, and that costs a quarter of the floor's CPU: it would not be a floor).
floor_jvm="-XX:+UseSerialGC -Xmx288m -Xmn160m -XX:+UseTransparentHugePages -Xlog:pagesize=off -XX:+UnlockDiagnosticVMOptions"
floor_jvm="$floor_jvm -XX:CompilerDirectivesFile=cli/src/main/jvm/c2-directives.json -XX:CompileThresholdScaling=3"
floor_jvm="$floor_jvm -XX:-DisplayVMOutput"
floor() { java $floor_jvm -Xshare:auto -cp "$floor_classes" ContextFloor "$@"; }
# What vouching for the clone's files asks git: its status against a copy of the index, written now, so that git reads
# none of the files its checkout wrote in the index's second (racy; deja checks those by their times to the nanosecond).
clone_index="$work-floor/clone-index"
clone_status() {
  cp "$clone/.git/index" "$clone_index"
  GIT_INDEX_FILE=$(cd "$(dirname "$clone_index")" && pwd)/$(basename "$clone_index") git -C "$clone" --no-optional-locks status --porcelain=v1 -z --untracked-files=no \
    --ignore-submodules=all
}
# The untracked listing vouching asks beside the status (every folder read; ignored files too, which the ignore rules
# of the context decide on, not git's).
clone_untracked() { git -C "$clone" ls-files --others --directory -z --full-name -- :/; }
# CPU time (user + sys, the processes it waited for included) of a command or of one of the functions above, in seconds.
export clone clone_index
export -f clone_status clone_untracked
cpu_of() { /usr/bin/time -f '%U %S' -o "$work/cpu.out" "$@" >/dev/null; awk '{print $1 + $2}' "$work/cpu.out"; }
# How many of the clone's entries are racy (their mtime the index's second): a clone's own, by how fast it was written.
clone_racy=$(git -C "$clone" ls-files --debug | awk -v s="$(stat -c %Y "$clone/.git/index")" \
  '$1 == "mtime:" { split($2, t, ":"); if (t[1] >= s) n++ } END { print n + 0 }')
$deja --version >/dev/null   # builds the jar (and its class-data archive) if needed, outside the measurement

# Some machines page out file pages idle for a minute (proactive reclaim: DAMON's pageout, which this kind of VM runs
# with a 60 s age), so the tree read at the start is back on disk later in the run, and a timed run would pay the
# disk. Every timed run that reads the tree's content (or the clone's git data) comes right after one untimed read of
# it; each round says how much of the tree was in memory before its cold run.
reclaim=$(cat /sys/kernel/mm/damon/admin/kdamonds/*/state 2>/dev/null | grep -c '^on' || true)
warm_ctx() { tar -cf - -C "$ctx" . | cat >/dev/null; }
# A checkout's git data a state reads: the index, the pack's index and the trees in the pack (a fresh CI clone's are
# in memory, just written; a developer's, used all day), and the digest cache file read with them.
warm_git() { cat "$1/.git/index" "$1"/.git/objects/pack/*.idx "$cache/digests.bin" >/dev/null; git -C "$1" ls-tree -r -d HEAD >/dev/null; }
resident_mb() {
  if command -v fincore >/dev/null; then
    find "$ctx" -type f -print0 | xargs -0 fincore -b -n -o RES 2>/dev/null | awk '{s += $1} END {printf "%d", s / 1e6}'
  else
    echo "?"
  fi
}
now() { date +%s.%N; }
elapsed() { echo "$2 - $1" | bc; }
cold() { DEJA_DIGEST_CACHE=off $deja -C "$work" state; }
cached() { DEJA_DIGEST_CACHE="$cache" $deja -C "$work" state; }
carried="$work/digest-cache-carried"
fresh_clone() { # the clone with only the cache file of the first checkout, as a CI job restores it
  rm -rf "$carried" && mkdir -p "$carried" && cp "$cache/digests.bin" "$carried/digests.bin"
  DEJA_DIGEST_CACHE="$carried" $deja -C "$clone" state
}

# Warm-up: the page cache for everyone, the digest cache for the cached runs.
tar -cf - -C "$ctx" . | openssl dgst -sha256 >/dev/null
cold >/dev/null
rm -rf "$cache"; cached >/dev/null

fresh_clone >/dev/null
[ -f "$work/changed-cold.out" ] || DEJA_DIGEST_CACHE=off $deja -C "$changed" state >"$work/changed-cold.out"
find "$ctx" -printf '%s %T@ %i\n' >/dev/null

marker="$ctx/untracked-marker.txt"   # not ignored: the context holds it, git does not track it
rm -f "$marker"
declare -a resident t_cold t_cached t_listed t_walked t_changed t_openssl t_sha t_clone t_find t_jvm t_floor t_start t_status t_many rss
declare -a c_clone c_jvm c_status c_untracked
for ((r = 1; r <= rounds; r++)); do
  s=$(now); find "$ctx" -printf '%s %T@ %i\n' >/dev/null; t_find+=("$(elapsed "$s" "$(now)")")
  s=$(now); $deja --version >/dev/null; t_jvm+=("$(elapsed "$s" "$(now)")")
  s=$(now); floor >/dev/null; t_start+=("$(elapsed "$s" "$(now)")")
  warm_git "$clone"; s=$(now); clone_status >/dev/null; t_status+=("$(elapsed "$s" "$(now)")")
  warm_ctx; s=$(now); floor "$ctx" >/dev/null; t_floor+=("$(elapsed "$s" "$(now)")")
  rm -rf "$carried" && mkdir -p "$carried" && cp "$cache/digests.bin" "$carried/digests.bin"
  warm_git "$clone"; s=$(now); DEJA_DIGEST_CACHE="$carried" /usr/bin/time -f '%M %U %S' -o "$work/rss" $deja -C "$clone" state >"$work/clone.out"
  t_clone+=("$(elapsed "$s" "$(now)")"); rss+=("$(cut -d' ' -f1 "$work/rss")"); c_clone+=("$(awk '{print $2 + $3}' "$work/rss")")
  # What that run's CPU is made of (untimed runs of its parts): the JVM's start, and git's two traversals of the clone.
  c_jvm+=("$(cpu_of $deja --version)"); c_status+=("$(cpu_of bash -c clone_status)")
  c_untracked+=("$(cpu_of bash -c clone_untracked)")
  rm -rf "$carried" && mkdir -p "$carried" && cp "$cache/digests.bin" "$carried/digests.bin"
  warm_git "$changed"
  s=$(now); DEJA_DIGEST_CACHE="$carried" /usr/bin/time -f %M -o "$work/rss" $deja -C "$changed" state >"$work/changed.out"
  t_changed+=("$(elapsed "$s" "$(now)")"); rss+=("$(cat "$work/rss")")
  cmp -s "$work/changed.out" "$work/changed-cold.out" || { echo "the new commit's state is not its cold one" >&2; exit 1; }
  warm_ctx; s=$(now); tar -cf - -C "$ctx" . | openssl dgst -sha256 >/dev/null; t_openssl+=("$(elapsed "$s" "$(now)")")
  warm_ctx; s=$(now); tar -cf - -C "$ctx" . | sha256sum >/dev/null; t_sha+=("$(elapsed "$s" "$(now)")")
  warm_git "$work"; s=$(now); DEJA_DIGEST_CACHE="$cache" /usr/bin/time -f %M -o "$work/rss" $deja -C "$work" state >"$work/cached.out"
  t_cached+=("$(elapsed "$s" "$(now)")"); rss+=("$(cat "$work/rss")")
  cmp -s "$work/clone.out" "$work/cached.out" || { echo "the clone's state differs" >&2; exit 1; }
  echo "$r" > "$marker"
  warm_ctx; resident+=("$(resident_mb)")
  s=$(now); DEJA_DIGEST_CACHE=off /usr/bin/time -f %M -o "$work/rss" $deja -C "$work" state >"$work/cold.out"
  t_cold+=("$(elapsed "$s" "$(now)")"); rss+=("$(cat "$work/rss")")
  warm_git "$work"; s=$(now); DEJA_DIGEST_CACHE="$cache" /usr/bin/time -f %M -o "$work/rss" $deja -C "$work" state >"$work/listed.out"
  t_listed+=("$(elapsed "$s" "$(now)")"); rss+=("$(cat "$work/rss")")
  s=$(now); GIT_DIR=/nonexistent DEJA_DIGEST_CACHE="$cache" /usr/bin/time -f %M -o "$work/rss" $deja -C "$work" state >"$work/walked.out"
  t_walked+=("$(elapsed "$s" "$(now)")"); rss+=("$(cat "$work/rss")")
  rm -f "$marker"
  cmp -s "$work/cold.out" "$work/listed.out" || { echo "cold and listed states differ" >&2; exit 1; }
  cmp -s "$work/cold.out" "$work/walked.out" || { echo "cold and walked states differ" >&2; exit 1; }
  warm_ctx; s=$(now); DEJA_DIGEST_CACHE=off /usr/bin/time -f %M -o "$work/rss" $deja -C "$work" -c many.yaml state \
    >"$work/many.out"
  t_many+=("$(elapsed "$s" "$(now)")"); rss+=("$(cat "$work/rss")")
  [ "$(wc -l < "$work/many.out")" -eq "$many_images" ] || { echo "not $many_images states for the many images" >&2; exit 1; }
  DEJA_DIGEST_CACHE=off $deja -C "$work" state >"$work/clean.out"
  cmp -s "$work/clean.out" "$work/cached.out" || { echo "the known state is not the walked one" >&2; exit 1; }
  printf 'round %d: deja cold %.2f s  warm %.2f s  warm, untracked file %.2f s  warm, walked %.2f s  fresh clone %.2f s  tar|openssl %.2f s  tar|sha256sum %.2f s  find %.2f s  --version %.2f s  floor %.2f s  empty JVM %.2f s  git status %.2f s  new commit %.2f s  %d images %.2f s  (%s MB of the tree in memory before the cold run)\n' \
    "$r" "${t_cold[-1]}" "${t_cached[-1]}" "${t_listed[-1]}" "${t_walked[-1]}" "${t_clone[-1]}" "${t_openssl[-1]}" "${t_sha[-1]}" "${t_find[-1]}" "${t_jvm[-1]}" \
    "${t_floor[-1]}" "${t_start[-1]}" "${t_status[-1]}" "${t_changed[-1]}" "$many_images" "${t_many[-1]}" "${resident[-1]}"
done

median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
mc=$(median "${t_cold[@]}"); mk=$(median "${t_cached[@]}"); mwk=$(median "${t_walked[@]}"); mls=$(median "${t_listed[@]}"); mo=$(median "${t_openssl[@]}"); ms=$(median "${t_sha[@]}")
mf=$(median "${t_clone[@]}"); mw=$(median "${t_find[@]}"); mj=$(median "${t_jvm[@]}")
mfl=$(median "${t_floor[@]}"); mst=$(median "${t_start[@]}"); mgs=$(median "${t_status[@]}")
mm=$(median "${t_many[@]}"); mch=$(median "${t_changed[@]}")
max_rss=$(printf '%s\n' "${rss[@]}" | sort -n | tail -1)
ratio() { printf '%.2f' "$(echo "$1 / $2" | bc -l)"; }
echo
echo "context: $(find "$ctx" -type f | wc -l) files, $(du -sb "$ctx" | cut -f1) bytes; $(nproc) cores; $rounds rounds; $(java -version 2>&1 | head -1)"
[ "$reclaim" -gt 0 ] && echo "page cache: proactive reclaim (DAMON) is on here; the tree was read again before each timed run that reads it"
echo "deja:    $deja, $($deja --version | tr '\n' ' ')"
echo "state:   $(cat "$work/clean.out")"
printf 'median   deja cold %.2f s | warm %.2f s | warm, untracked file %.2f s | warm, walked %.2f s | fresh clone, cache carried %.2f s | tar|openssl %.2f s | tar|sha256sum %.2f s | find -printf %.2f s | deja --version %.2f s\n' \
  "$mc" "$mk" "$mls" "$mwk" "$mf" "$mo" "$ms" "$mw" "$mj"
echo "cold:        deja / tar|openssl = $(ratio "$mc" "$mo")   (target <= 1.00); deja / tar|sha256sum = $(ratio "$mc" "$ms")"
echo "fresh clone: $(printf '%.2f' "$mf") s (target <= 0.50 s); tar|openssl / deja = $(ratio "$mo" "$mf") (target >= 4); $clone_racy of its entries racy"
mcc=$(median "${c_clone[@]}"); mcj=$(median "${c_jvm[@]}"); mcs=$(median "${c_status[@]}"); mcu=$(median "${c_untracked[@]}")
parts=$(echo "$mcj + $mcs + $mcu" | bc -l); cores=$(nproc)
printf 'fresh clone CPU: %.2f s (user + sys, git included) on %d cores, so %.2f s of wall at least; of it deja --version %.2f s, git status %.2f s, its untracked listing %.2f s: %.2f s = %.2f s of wall at least on %d cores, tar|openssl / that = %.2f\n' \
  "$mcc" "$cores" "$(echo "$mcc / $cores" | bc -l)" "$mcj" "$mcs" "$mcu" "$parts" "$(echo "$parts / $cores" | bc -l)" "$cores" \
  "$(echo "$mo / ($parts / $cores)" | bc -l)"
echo "new commit:  a clone of a commit that changed one file, cache carried: $(printf '%.2f' "$mch") s; tar|openssl / deja = $(ratio "$mo" "$mch")"
echo "cold floor:  a JVM that only walks and hashes $(printf '%.2f' "$mfl") s = $(ratio "$mfl" "$mo") x tar|openssl; deja cold / that floor = $(ratio "$mc" "$mfl")"
echo "clone floor: an empty JVM $(printf '%.2f' "$mst") s + git status of the clone $(printf '%.2f' "$mgs") s = $(printf '%.2f' "$(echo "$mst + $mgs" | bc -l)") s; tar|openssl / that floor = $(ratio "$mo" "$(echo "$mst + $mgs" | bc -l)") (the 4x target needs >= 4)"
echo "warm:        deja / (find -printf + deja --version) = $(ratio "$mk" "$(echo "$mw + $mj" | bc -l)")   (target <= 2.00)"
echo "warm, untracked file: deja / (find -printf + deja --version) = $(ratio "$mls" "$(echo "$mw + $mj" | bc -l)")   (target <= 2.00; listed from git's index, the untracked file walked)"
echo "warm, walked: deja / (find -printf + deja --version) = $(ratio "$mwk" "$(echo "$mw + $mj" | bc -l)")   (the walk itself: no git, one untracked file in the context)"
echo "many images: $many_images images sharing the context, cold $(printf '%.2f' "$mm") s = $(ratio "$mm" "$mc") x one image's cold (a walk each: about $many_images x)"
echo "peak RSS of deja: $((max_rss / 1024)) MB (target < 300 MB)"

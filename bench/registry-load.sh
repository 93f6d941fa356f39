#!/usr/bin/env bash
# Loading a large registry: `mr list` (reads the registry, checks each directory is there,
# prints one line per repository) on registries of 1,000, 10,000 and 100,000 repositories.
#   bench/registry-load.sh [SIZES...]        (default: 1000 10000 100000; needs build/mr)
# Each registry is common.sh's make_registry N. list opens no repository but does stat
# each directory, so the directories exist, as plain empty ones.
# Two rows per size: the registry trusted (listed in ~/.mrtrust) and not trusted (each
# repository's path is then resolved, symlinks followed, to check it stays inside).
# Prints the median of RUNS (default 5) runs: wall time, CPU time (user + system: the wall
# time on a busy machine says little) and peak RSS.
. "$(dirname "$0")/common.sh"
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(1000 10000 100000)
runs=${RUNS:-5}

# time_list N TRUSTED: the median wall time and peak RSS of `mr list` over $runs runs.
time_list() {
  local n=$1 trusted=$2
  export DIR="$BENCH_DIR/reg-$n"
  # shellcheck source=env.sh
  . "$BENCH_HERE/env.sh"
  if [ "$trusted" = yes ]; then
    printf '%s\n' "$DIR/ws/.mrconfig.toml" >"$HOME/.mrtrust"
  else
    : >"$HOME/.mrtrust"
  fi
  cd "$DIR/ws"
  local lines
  lines=$("$MR_BIN" list | grep -c '^mr list: /')
  [ "$lines" -eq "$n" ] || { echo "bench: mr list printed $lines repositories, not $n" >&2; exit 1; }
  local samples=()
  for _ in $(seq "$runs"); do
    samples+=("$(/usr/bin/time -f '%e %U %S %M' "$MR_BIN" list 2>&1 >/dev/null | tail -n 1)")
  done
  printf '%s\n' "${samples[@]}" | python3 -c '
import statistics, sys
rows = [line.split() for line in sys.stdin if line.strip()]
wall = statistics.median(float(r[0]) for r in rows)
cpu = statistics.median(float(r[1]) + float(r[2]) for r in rows)
rss = statistics.median(int(r[3]) for r in rows)
print(f"{sys.argv[1]:>7} repos  trusted={sys.argv[2]:3}  mr list  {wall:6.2f} s wall  {cpu:6.2f} s cpu  {rss / 1024:7.1f} MB")
' "$n" "$trusted"
}

for n in "${sizes[@]}"; do
  make_registry "$n"
done
echo "mr list, median of $runs runs (wall, peak RSS), $("$MR_BIN" --version 2>/dev/null | head -n 1)"
for n in "${sizes[@]}"; do
  (time_list "$n" yes)
  (time_list "$n" no)
done

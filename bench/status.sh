#!/usr/bin/env bash
# `mr status` and `mr summary` against the peers, in one run on this machine:
#   bench/status.sh [SIZES...]          (default: 100 1000; needs a built build/mr)
# For each size N, a workspace of N repositories of 20 files (bench/mkworkspace.sh, reused
# when present) is timed by bench/peers.sh: the lstat floor (bench/floor.c, compiled with
# cc -O2), a `git status` loop, myrepos `mr status` and `mr -j2 status`,
# `gita ll`, `vcs status`, and this mr's status, -j2 status and summary. Medians of RUNS
# (default 5) runs after one warm-up, whole-process wall time and peak RSS.
# BIG=10000 adds a workspace of that many repositories timed for mr and the floor only
# (the peers take minutes there), for the peak-RSS target.
# Prints each size's table, then mr's ratios to the floor and to each peer.
. "$(dirname "$0")/common.sh"
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(100 1000)
export RUNS=${RUNS:-5} WARMUP=${WARMUP:-1} SKIP_UPDATE=1 MR_BIN
need gita gita
need vcs vcstool
need /usr/bin/time time
[ -x "$MYREPOS" ] || need mr myrepos
[ -x "$MR_BIN" ] || { echo "bench: build mr first (scripts/build.sh)" >&2; exit 1; }

run_size() {
  local n=$1 only=$2
  make_workspace "$n" 20
  echo "== $n repositories ($WS_DIR)" >&2
  TAG="status" ONLY="$only" bash "$BENCH_HERE/peers.sh" "$WS_DIR"
  echo
  echo "mr against the others ($n repositories, medians):"
  ratios "$WS_DIR/results-status"
  echo
}

for n in "${sizes[@]}"; do
  run_size "$n" '^(floor|git status|mr |gita|vcs|new mr)'
done
if [ -n "${BIG:-}" ]; then
  RUNS=${BIG_RUNS:-3} run_size "$BIG" '^(floor -j2|new mr)'
fi

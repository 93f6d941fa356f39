#!/usr/bin/env bash
# `mr update` against the peers, in one run on this machine:
#   bench/update.sh [SIZES...]          (default: 100 1000; needs a built build/mr)
# For each size N, a workspace of N repositories of 20 files with local bare remotes, 10 %
# of them behind (bench/mkworkspace.sh, reused when present), is timed by
# bench/peers.sh: a `git pull` loop two at a time, myrepos `mr -j2 update`,
# `vcs pull`, `gita pull` and this mr's `-j2 update`, each on a fresh copy of the
# workspace every run (copying is not timed). Medians of RUNS (default 5) runs after one
# warm-up, whole-process wall time and peak RSS. Prints each size's table, then mr's
# ratios to each peer.
. "$(dirname "$0")/common.sh"
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(100 1000)
export RUNS=${RUNS:-5} WARMUP=${WARMUP:-1} SKIP_UPDATE=0 MR_BIN
need gita gita
need vcs vcstool
need /usr/bin/time time
[ -x "$MYREPOS" ] || need mr myrepos
[ -x "$MR_BIN" ] || { echo "bench: build mr first (scripts/build.sh)" >&2; exit 1; }

for n in "${sizes[@]}"; do
  make_workspace "$n" 20
  echo "== $n repositories ($WS_DIR)" >&2
  TAG="update" ONLY='^(git pull|mr -j2 update|vcs pull|gita pull|new mr -j2 update)' \
    bash "$BENCH_HERE/peers.sh" "$WS_DIR"
  echo
  echo "mr against the others ($n repositories, medians):"
  ratios "$WS_DIR/results-update"
  echo
done

#!/usr/bin/env bash
# `mr status` against the floor and the peers, in one run on this machine, with the
# targets of the status-at-the-floor work printed beside the measured ratios:
#   bench/status.sh [SIZE[:FILES]...]     (default: 100 1000 10000; needs a built build/mr)
# 1. For each SIZE, a workspace of SIZE repositories of FILES (default 20) files
#    (bench/mkworkspace.sh, reused when present) timed by bench/peers.sh: the lstat floor
#    (bench/floor.c), a `git status` loop (serial, and two at a time), myrepos `mr -j2
#    status`, `vcs status`, and this mr's status, -j2 status, status kept off its fast path
#    (MR_STATUS_SLOW=1) and summary. Above PEERS_MAX repositories (default 1000) myrepos and
#    vcstool are left out (they take minutes there), and so is the serial git loop; gita
#    only with GITA=1 (11 s at 1,000 repositories).
# 2. Unless SKIP_BIG=1: 3 repositories of 100,000 files (bench/mkbig.sh big, reused when
#    present): mr -j1 and -j2 status, the slow path, `git status -s` one repository after
#    another and two at a time, the floor.
# 3. Unless SKIP_UNTRACKED=1: one repository with 100,000 untracked files in one directory
#    and 100,000 more in an untracked tree (bench/mkbig.sh untracked): mr status and
#    status -uall against git status -s and -s -uall.
# Medians of RUNS (default 5; BIG_RUNS, default 3, for 2., 3. and sizes above PEERS_MAX)
# runs after one warm-up: whole-process wall time and peak RSS. Workspaces go under
# BENCH_DIR (default /tmp/mr-bench); generating them is one-time (10,000 repositories:
# about 20 minutes on 2 CPUs).
. "$(dirname "$0")/common.sh"
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(100 1000 10000)
export RUNS=${RUNS:-5} WARMUP=${WARMUP:-1} SKIP_UPDATE=1 MR_BIN
BIG_RUNS=${BIG_RUNS:-3} PEERS_MAX=${PEERS_MAX:-1000}
need vcs vcstool
need /usr/bin/time time
[ -x "$MYREPOS" ] || need mr myrepos
[ "${GITA:-0}" = 1 ] && need gita gita
[ -x "$MR_BIN" ] || { echo "bench: build mr first (scripts/build.sh)" >&2; exit 1; }
results=() # what the targets are read from: LABEL=RESULTS_DIR
notes=()

run_size() { # N FILES
  local n=$1 files=$2 only='^(floor|git status|mr -j2 status|vcs|new mr'
  [ "${GITA:-0}" = 1 ] && only+='|gita'
  only+=')'
  local runs=$RUNS
  if [ "$n" -gt "$PEERS_MAX" ]; then
    only='^(floor|git status, xargs|new mr)'
    runs=$BIG_RUNS
    notes+=("$n repositories: myrepos, vcstool, gita and the serial git loop left out (minutes each)")
  fi
  make_workspace "$n" "$files"
  echo "== $n repositories of $files files ($WS_DIR)" >&2
  RUNS=$runs TAG="status" ONLY="$only" bash "$BENCH_HERE/peers.sh" "$WS_DIR"
  echo
  echo "mr against the others ($n repositories, medians):"
  ratios "$WS_DIR/results-status"
  echo
  results+=("repos-$n=$WS_DIR/results-status")
}

for spec in "${sizes[@]}"; do
  [[ $spec =~ ^([1-9][0-9]*)(:([0-9]+))?$ ]] || { echo "bench: SIZE[:FILES], not $spec" >&2; exit 2; }
  run_size "${BASH_REMATCH[1]}" "${BASH_REMATCH[3]:-20}"
done

# A workspace of bench/mkbig.sh, reused when present: DIR KIND ARGS...
make_big() {
  local dir=$1
  shift
  [ -f "$dir/INFO" ] || bash "$BENCH_HERE/mkbig.sh" "$1" "$dir" "${@:2}" >/dev/null
  export DIR="$dir"
  # shellcheck source=env.sh
  . "$BENCH_HERE/env.sh"
}

if [ "${SKIP_BIG:-0}" != 1 ]; then
  big="$BENCH_DIR/big-3-100000"
  make_big "$big" big 3 100000
  heading="== 3 repositories of 100,000 files ($big)"
  echo "$heading" && echo "$heading" >&2
  mr="'$MR_BIN' -c '$big/ws/.mrconfig.toml'"
  RUNS=$BIG_RUNS time_rows "$big/results" "$big/ws" \
    "floor (lstat+readdir, 1 thread)" "'$FLOOR_BIN' '$big/ws' '$big/lists'" \
    "floor -j2" "'$FLOOR_BIN' -j2 '$big/ws' '$big/lists'" \
    "git status -s, one after another" 'for d in repo*; do git -C $d status -s; done' \
    "git status -s, xargs -P2" "printf '%s\0' repo* | xargs -0 -P2 -I{} git -C {} status -s" \
    "new mr -j1 status" "$mr -j1 status" \
    "new mr -j2 status" "$mr -j2 status" \
    "new mr -j2 status, slow path" "MR_STATUS_SLOW=1 $mr -j2 status"
  results+=("big=$big/results")
fi

if [ "${SKIP_UNTRACKED:-0}" != 1 ]; then
  untracked="$BENCH_DIR/untracked-100000"
  make_big "$untracked" untracked 100000
  heading="== 100,000 untracked files in one directory, 100,000 in an untracked tree ($untracked)"
  echo "$heading" && echo "$heading" >&2
  mr="'$MR_BIN' -c '$untracked/ws/.mrconfig.toml'"
  RUNS=$BIG_RUNS time_rows "$untracked/results" "$untracked/ws" \
    "git status -s" "git -C repo1 status -s" \
    "git status -s -uall" "git -C repo1 status -s -uall" \
    "new mr status" "$mr status" \
    "new mr status -uall" "$mr status -uall" \
    "new mr status, slow path" "MR_STATUS_SLOW=1 $mr status"
  results+=("untracked=$untracked/results")
fi

echo
for note in "${notes[@]}"; do echo "note: $note"; done
targets "${results[@]}"

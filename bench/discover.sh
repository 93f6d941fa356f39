#!/usr/bin/env bash
# `mr discover` over many repositories:
#   bench/discover.sh [N]          (default: 10000; needs a built build/mr)
# The workspace is bench/mkworkspace.sh's, N repositories of 3 files (reused when present).
# Timed, each RUNS times (default 3) after one warm-up: the medians of whole-process wall
# time and CPU time (user + system: what a loaded machine does not inflate), peak RSS: `mr discover --dry-run` of the workspace, the real discover into an empty registry
# (~/.mrconfig.toml, removed before each run), and discover again once all are registered.
. "$(dirname "$0")/common.sh"
N=${1:-10000}
RUNS=${RUNS:-3}
need /usr/bin/time time
[ -x "$MR_BIN" ] || { echo "bench: build mr first (scripts/build.sh)" >&2; exit 1; }
make_workspace "$N" 3
out="$WS_DIR/results-discover"
mkdir -p "$out"
# ~/.mrconfig.toml, the registry mr trusts without asking (another file may only list
# repositories beside it), with discover run from $HOME.
reg="$HOME/.mrconfig.toml"
cd "$HOME"

median() {
  printf '%s\n' "$@" | sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'
}

# timed NAME PREPARE CMD...: the median wall time and peak RSS of CMD over RUNS runs, each
# after PREPARE (a shell snippet); checks that every run found N repositories.
timed() {
  local name=$1 prepare=$2
  shift 2
  local walls=() cpus=() rss=0 i
  for ((i = 0; i <= RUNS; i++)); do
    eval "$prepare"
    /usr/bin/time -f '%e %M %U %S' -o "$out/time" "$@" >"$out/stdout" 2>"$out/stderr" || {
      echo "bench: $name failed:" >&2
      cat "$out/stderr" >&2
      exit 1
    }
    grep -qE "^mr discover: ([0-9]+) (added|to add), ([0-9]+) already registered" "$out/stdout" || {
      echo "bench: $name: no summary line" >&2
      exit 1
    }
    local summary total
    summary=$(tail -n 1 "$out/stdout")
    # added (or to add) + already registered
    total=$(echo "$summary" | grep -oE '[0-9]+' | head -n 2 | paste -sd+ | bc)
    [ "$total" -eq "$N" ] || { echo "bench: $name found $total of $N: $summary" >&2; exit 1; }
    [ "$i" -eq 0 ] && continue # the warm-up
    read -r wall kb user sys <"$out/time"
    walls+=("$wall")
    cpus+=("$(echo "$user + $sys" | bc)")
    [ "$kb" -gt "$rss" ] && rss=$kb
  done
  printf '  %-34s %6.2f s wall %6.2f s CPU %7d KiB peak RSS   (%s)\n' "$name" \
    "$(median "${walls[@]}")" "$(median "${cpus[@]}")" "$rss" "$summary"
}

echo "mr discover, $N repositories ($WS_DIR/ws), medians of $RUNS runs:"
timed "discover --dry-run" "rm -f '$reg'" "$MR_BIN" discover --dry-run "$WS_DIR/ws"
timed "discover (writes $N entries)" "rm -f '$reg'" "$MR_BIN" discover "$WS_DIR/ws"
timed "discover again (all registered)" ":" "$MR_BIN" discover "$WS_DIR/ws"
echo "  registry written: $(wc -c <"$reg") bytes, $(grep -c '^\[repos\.' "$reg") tables"

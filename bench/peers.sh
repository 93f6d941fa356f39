#!/usr/bin/env bash
# Times mr and the tools it is compared with on a workspace made by bench/mkworkspace.sh:
#   bench/peers.sh WORKSPACE
# Settings, from the environment:
#   RUNS (3)          timed runs per row, after WARMUP (1) untimed ones
#   CAP_S (90)        a row whose warm-up takes longer gets a single timed run ("capped")
#   ONLY (.)          a regular expression: only the rows whose name matches it
#   SKIP_UPDATE (0)   1: leave out the update rows
#   TAG               results go to WORKSPACE/results-TAG (else WORKSPACE/results)
#   MR_BIN            this mr: adds its rows, run with -c ws/.mrconfig.toml (one of them
#                     with MR_STATUS_SLOW=1, which keeps status off its fast path)
#   FLOOR_BIN         where bench/floor.c is compiled (default /tmp/mr-bench/floor)
# myrepos is /usr/bin/mr. Each run is timed by a nanosecond clock around /usr/bin/time,
# which also reports the peak RSS (of the largest single process of the tree, as wait4
# gives it, not a sum) and the user and system CPU time of the whole tree. Update rows
# run on a fresh copy of ws/ every time (upd/ws: work trees hard-linked, each .git
# copied); making the copy is not timed.
# Writes, in the results directory: raw.tsv (one line per run; run 0 is the warm-up),
# table.md (medians, also printed), env.txt (machine and versions), and ROW.out/ROW.err
# of each row's first run.
set -euo pipefail
[ $# -eq 1 ] || { echo "usage: $0 WORKSPACE" >&2; exit 2; }
DIR=$(realpath -- "$1")
HERE=$(cd "$(dirname "$0")" && pwd)
RUNS=${RUNS:-3} WARMUP=${WARMUP:-1} CAP_S=${CAP_S:-90} ONLY=${ONLY:-.}
SKIP_UPDATE=${SKIP_UPDATE:-0}
[ -f "$DIR/ws/.mrconfig" ] || { echo "$0: $DIR is not made by bench/mkworkspace.sh" >&2; exit 1; }
export DIR
# shellcheck source=env.sh
. "$HERE/env.sh"

FLOOR=${FLOOR_BIN:-/tmp/mr-bench/floor}
if [ ! -x "$FLOOR" ] || [ "$HERE/floor.c" -nt "$FLOOR" ]; then
  mkdir -p "$(dirname "$FLOOR")"
  cc -O2 -pthread -o "$FLOOR" "$HERE/floor.c"
fi

RES="$DIR/results${TAG:+-$TAG}"
mkdir -p "$RES"
RAW="$RES/raw.tsv"
printf 'row\tkind\trun\twall_s\ttime_e_s\tmaxrss_kb\tuser_s\tsys_s\trc\n' >"$RAW"
REPOS=$(find "$DIR/ws" -mindepth 1 -maxdepth 1 -type d -name 'repo*' | wc -l)
WS="$DIR/ws"
UPD="$DIR/upd/ws"

# Brings every index in a tree up to date (untimed), so no timed run starts with stale
# stat data to re-hash.
refresh_indexes() { # TREE
  printf '%s\0' "$1"/repo* |
    xargs -0 -P "$(nproc)" -I{} git -C {} update-index -q --refresh >/dev/null 2>&1 || true
}

# A fresh copy of ws/ for one update run. Work-tree files are hard links (git replaces a
# file it updates, it never writes one in place); each .git is a real copy (git appends
# to reflogs in place). Linking changes ctimes, so both trees get their indexes refreshed.
fresh_copy() {
  rm -rf "$DIR/upd"
  mkdir -p "$DIR/upd"
  cp -al "$WS" "$UPD"
  rm -rf "$UPD"/repo*/.git
  (cd "$WS" && tar cf - repo*/.git) | (cd "$UPD" && tar xpf -)
  refresh_indexes "$UPD"
  refresh_indexes "$WS"
  sync
}

median() {
  sort -g | awk '{ v[NR] = $1 }
    END { if (NR == 0) print "nan"; else if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

slug() { printf '%s' "$1" | tr -c 'A-Za-z0-9_.-' '_'; }

ROWS=()
# row NAME KIND(status|update) DIRECTORY COMMAND: WARMUP + RUNS runs of COMMAND (bash -c)
# in DIRECTORY, one line each in raw.tsv.
row() {
  local name=$1 kind=$2 cwd=$3 cmd=$4
  [[ $name =~ $ONLY ]] || return 0
  [ "$kind" = update ] && [ "$SKIP_UPDATE" = 1 ] && return 0
  local times="$RES/.time" runs=$((WARMUP + RUNS)) capped=0 i out err start end rc wall
  local file
  file=$(slug "$name")
  echo "[$(date +%T)] $name ($kind): $cmd" >&2
  for ((i = 1; i <= runs; i++)); do
    [ "$kind" = update ] && fresh_copy
    out=/dev/null err="$RES/.err"
    if [ "$i" -eq 1 ]; then out="$RES/$file.out" err="$RES/$file.err"; fi
    start=$(date +%s%N)
    rc=0
    (cd "$cwd" && /usr/bin/time -o "$times" -f '%e %M %U %S' bash -c "$cmd" </dev/null >"$out" 2>"$err") ||
      rc=$?
    end=$(date +%s%N)
    wall=$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.4f", (b - a) / 1e9 }')
    # After a non-zero exit, time writes a line of its own before the numbers.
    local elapsed rss user sys
    read -r elapsed rss user sys < <(tail -n 1 "$times")
    local number=$((i <= WARMUP ? 0 : i - WARMUP))
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' \
      "$name" "$kind" "$number" "$wall" "$elapsed" "$rss" "$user" "$sys" "$rc" >>"$RAW"
    echo "    run $number: ${wall}s, ${rss} KB, user ${user}s, sys ${sys}s, exit $rc" >&2
    if [ "$i" -eq "$WARMUP" ] && [ "$RUNS" -gt 1 ] &&
      awk -v w="$wall" -v c="$CAP_S" 'BEGIN { exit !(w > c) }'; then
      capped=1
      runs=$((WARMUP + 1))
      echo "    the warm-up took over ${CAP_S}s: one timed run" >&2
    fi
  done
  ROWS+=("$name|$kind|$capped")
}

version_of() { dpkg-query -W -f='${Version}' "$1" 2>/dev/null || echo none; }
cat >"$RES/env.txt" <<EOF
date_utc=$(date -u +%FT%TZ)
nproc=$(nproc)
cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //')
mem=$(free -g | awk '/Mem:/ { print $2 " GiB" }')
kernel=$(uname -r)
loadavg_start=$(cat /proc/loadavg)
git=$(git --version | awk '{ print $3 }')
myrepos=$(version_of myrepos)
gita=$(version_of gita)
vcstool=$(version_of vcstool)
workspace=$(tr '\n' ' ' <"$DIR/WORKSPACE-INFO" 2>/dev/null || true)
runs=$RUNS warmup=$WARMUP cap_s=$CAP_S
EOF

rm -rf "$DIR/upd"
refresh_indexes "$WS"
sync
mr_new=${MR_BIN:+"'$MR_BIN' -c"}

# What a status costs, from nothing at all to each tool.
row "harness overhead (bash -c true)" status "$WS" "true"
row "floor (lstat+readdir, 1 thread)" status "$WS" "'$FLOOR' '$WS' '$DIR/lists'"
row "floor -j2" status "$WS" "'$FLOOR' -j2 '$WS' '$DIR/lists'"
row "floor -m -j2 (+read .git/index,HEAD)" status "$WS" "'$FLOOR' -m -j2 '$WS' '$DIR/lists'"
row "git status loop, serial" status "$DIR" \
  'for d in ws/*; do git -C $d status --porcelain=v1 -b >/dev/null; done'
row "git status, xargs -P2" status "$DIR" \
  "printf '%s\0' ws/* | xargs -0 -P2 -I{} git -C {} status --porcelain=v1 -b >/dev/null"
row "mr status" status "$WS" "/usr/bin/mr status"
row "mr -j2 status" status "$WS" "/usr/bin/mr -j2 status"
row "gita ll" status "$WS" "gita ll"
row "vcs status (2 workers=default)" status "$WS" "vcs status"
if [ -n "$mr_new" ]; then
  row "new mr status" status "$WS" "$mr_new '$WS/.mrconfig.toml' status"
  row "new mr -j2 status" status "$WS" "$mr_new '$WS/.mrconfig.toml' -j2 status"
  # The same, kept off the proven-clean fast path: every repository through libgit2.
  row "new mr status, slow path" status "$WS" \
    "MR_STATUS_SLOW=1 $mr_new '$WS/.mrconfig.toml' status"
  row "new mr summary" status "$WS" "$mr_new '$WS/.mrconfig.toml' summary"
fi

# Updates, each run on a fresh copy.
row "git pull, xargs -P2" update "$DIR/upd" \
  "printf '%s\0' ws/* | xargs -0 -P2 -I{} git -C {} pull -q"
row "mr -j2 update" update "$UPD" "/usr/bin/mr -j2 update"
row "vcs pull (2 workers=default)" update "$UPD" "vcs pull"
row "gita pull" update "$UPD" "XDG_CONFIG_HOME='$DIR/xdg-upd' gita pull"
if [ -n "$mr_new" ]; then
  row "new mr -j2 update" update "$UPD" "$mr_new '$UPD/.mrconfig.toml' -j2 update"
fi
rm -rf "$DIR/upd"
refresh_indexes "$WS"
echo "loadavg_end=$(cat /proc/loadavg)" >>"$RES/env.txt"

# The table: medians over the timed runs.
column() { # ROW FIELD
  awk -F'\t' -v r="$1" -v f="$2" '$1 == r && $3 > 0 { print $f }' "$RAW"
}
{
  files=$(grep -o 'FILES=[0-9]*' "$DIR/WORKSPACE-INFO" 2>/dev/null || true)
  echo "N=$REPOS repos; $files files/repo; runs=$RUNS after $WARMUP warm-up; $(nproc) CPUs"
  echo
  echo "| command | kind | wall median s | wall min–max s | CPU user+sys s | max RSS MB | ms/repo | rc | stderr lines |"
  echo "|---|---|---:|---:|---:|---:|---:|---:|---:|"
  for entry in "${ROWS[@]}"; do
    IFS='|' read -r name kind capped <<<"$entry"
    wall=$(column "$name" 4 | median)
    low=$(column "$name" 4 | sort -g | head -n 1)
    high=$(column "$name" 4 | sort -g | tail -n 1)
    cpu=$(awk -F'\t' -v r="$name" '$1 == r && $3 > 0 { print $7 + $8 }' "$RAW" | median)
    rss=$(column "$name" 6 | median)
    codes=$(column "$name" 9 | sort -u | tr '\n' ' ' | sed 's/ $//')
    errors=$(wc -l <"$RES/$(slug "$name").err")
    note=""
    [ "$capped" = 1 ] && note=" (capped: 1 run)"
    printf '| %s%s | %s | %.3f | %.3f–%.3f | %.2f | %.1f | %.2f | %s | %s |\n' \
      "$name" "$note" "$kind" "$wall" "$low" "$high" "$cpu" \
      "$(awk -v k="$rss" 'BEGIN { print k / 1024 }')" \
      "$(awk -v m="$wall" -v n="$REPOS" 'BEGIN { print 1000 * m / n }')" "$codes" "$errors"
  done
} | tee "$RES/table.md"

# shellcheck shell=bash
# Sourced by the bench scripts: paths, the workspace (bench/mkworkspace.sh), the ratios.
set -euo pipefail
BENCH_HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_ROOT=$(cd "$BENCH_HERE/.." && pwd)
MR_BIN=${MR_BIN:-$REPO_ROOT/build/mr}
MYREPOS=${MYREPOS:-/usr/bin/mr}
BENCH_DIR=${BENCH_DIR:-/tmp/mr-bench}
export FLOOR_BIN=${FLOOR_BIN:-$BENCH_DIR/floor}

need() {
  command -v "$1" >/dev/null 2>&1 && return 0
  if [ "$(id -u)" -eq 0 ]; then
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$2" >/dev/null
  else
    echo "bench: $1 is missing (apt-get install $2)" >&2
    exit 1
  fi
}

# make_workspace N FILES: bench/mkworkspace.sh's workspace of N repos, reused when present;
# then the isolated environment of bench/env.sh for it.
make_workspace() {
  local n=$1 files=$2
  WS_DIR="$BENCH_DIR/ws-$n-$files"
  if [ ! -f "$WS_DIR/ws/.mrconfig.toml" ]; then
    bash "$BENCH_HERE/mkworkspace.sh" "$WS_DIR" "$n" "$files" >/dev/null
  fi
  export DIR="$WS_DIR"
  # shellcheck source=env.sh
  . "$BENCH_HERE/env.sh"
}

# ratios RESULTS_DIR: mr's rows against the floor and the peers, from peers.sh's raw.tsv.
ratios() {
  python3 - "$1/raw.tsv" <<'PY'
import csv, statistics, sys
runs = {}
for row in csv.DictReader(open(sys.argv[1]), delimiter="\t"):
    if row["run"] != "0":
        runs.setdefault(row["row"], []).append(float(row["wall_s"]))
med = {k: statistics.median(v) for k, v in runs.items()}
mine = [k for k in med if k.startswith("new mr")]
others = [k for k in med if not k.startswith("new mr") and not k.startswith("harness")]
for m in mine:
    print(f"  {m}: {med[m]:.3f} s")
    for o in others:
        r = med[o] / med[m]
        print(f"      {o:42} {med[o]:8.3f} s  " + (f"{r:6.1f}x faster" if r >= 1 else f"{1/r:6.2f}x the time"))
PY
}

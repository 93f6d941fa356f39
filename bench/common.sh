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

# The floor program (bench/floor.c), compiled when missing or older than its source.
build_floor() {
  if [ ! -x "$FLOOR_BIN" ] || [ "$BENCH_HERE/floor.c" -nt "$FLOOR_BIN" ]; then
    mkdir -p "$(dirname "$FLOOR_BIN")"
    cc -O2 -pthread -o "$FLOOR_BIN" "$BENCH_HERE/floor.c"
  fi
}

# time_rows RESULTS_DIR DIRECTORY NAME COMMAND [NAME COMMAND...]: each COMMAND (bash -c,
# output discarded) run WARMUP (1) + RUNS (3) times in DIRECTORY, timed as bench/peers.sh
# times its rows (wall clock around /usr/bin/time, which gives the peak RSS), into
# RESULTS_DIR/raw.tsv in peers.sh's format (run 0 is the warm-up); then the medians.
time_rows() {
  local res=$1 cwd=$2 runs=$((${WARMUP:-1} + ${RUNS:-3})) name cmd i start end rc wall
  shift 2
  build_floor
  mkdir -p "$res"
  printf 'row\tkind\trun\twall_s\ttime_e_s\tmaxrss_kb\tuser_s\tsys_s\trc\n' >"$res/raw.tsv"
  while [ $# -ge 2 ]; do
    name=$1 cmd=$2
    shift 2
    echo "[$(date +%T)] $name: $cmd" >&2
    for ((i = 1; i <= runs; i++)); do
      start=$(date +%s%N)
      rc=0
      (cd "$cwd" && /usr/bin/time -o "$res/.time" -f '%e %M %U %S' bash -c "$cmd" \
        </dev/null >/dev/null 2>"$res/.err") || rc=$?
      end=$(date +%s%N)
      wall=$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.4f", (b - a) / 1e9 }')
      local elapsed rss user sys number=$((i <= ${WARMUP:-1} ? 0 : i - ${WARMUP:-1}))
      read -r elapsed rss user sys < <(tail -n 1 "$res/.time")
      printf '%s\tstatus\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' \
        "$name" "$number" "$wall" "$elapsed" "$rss" "$user" "$sys" "$rc" >>"$res/raw.tsv"
      echo "    run $number: ${wall}s, ${rss} KB, exit $rc" >&2
    done
  done
  python3 - "$res/raw.tsv" <<'PY' | tee "$res/table.md"
import csv, statistics, sys
rows = {}
for r in csv.DictReader(open(sys.argv[1]), delimiter="\t"):
    if r["run"] != "0":
        rows.setdefault(r["row"], []).append(r)
print("| command | wall median s | wall min–max s | CPU user+sys s | max RSS MB | rc |")
print("|---|---:|---:|---:|---:|---:|")
for name, rs in rows.items():
    wall = [float(r["wall_s"]) for r in rs]
    cpu = statistics.median(float(r["user_s"]) + float(r["sys_s"]) for r in rs)
    rss = statistics.median(int(r["maxrss_kb"]) for r in rs) / 1024
    codes = " ".join(sorted({r["rc"] for r in rs}))
    print(f"| {name} | {statistics.median(wall):.3f} | {min(wall):.3f}–{max(wall):.3f} "
          f"| {cpu:.2f} | {rss:.1f} | {codes} |")
PY
}

# targets LABEL=RESULTS_DIR...: the status targets beside this run's medians. Labels:
# repos-N (bench/peers.sh rows), big and untracked (time_rows rows of bench/status.sh).
targets() {
  python3 - "$@" <<'PY'
import csv, os, statistics, sys
def medians(d):
    runs = {}
    path = os.path.join(d, "raw.tsv")
    if not os.path.exists(path):
        return {}
    for r in csv.DictReader(open(path), delimiter="\t"):
        if r["run"] != "0":
            runs.setdefault(r["row"], []).append((float(r["wall_s"]), int(r["maxrss_kb"])))
    return {k: (statistics.median(w for w, _ in v), statistics.median(m for _, m in v) / 1024)
            for k, v in runs.items()}
def line(label, mine, other, target, m):
    if mine not in m or other not in m:
        print(f"  {label:44} (not measured)")
        return
    (a, rss), (b, _) = m[mine], m[other]
    goal = "no target" if target is None else \
        f"target <= {target:g}x: " + ("met" if a / b <= target else "NOT met")
    print(f"  {label:44} {a:7.3f} s / {b:7.3f} s = {a / b:5.2f}x  "
          f"({goal}; mr peak RSS {rss:.0f} MB)")
print("Targets (this run, medians; ratio = mr / reference):")
for arg in sys.argv[1:]:
    label, d = arg.split("=", 1)
    m = medians(d)
    if label.startswith("repos-"):
        n = int(label[6:])
        goal = 2 if n >= 1000 else None  # the targets are for 1,000 and 10,000
        line(f"{n:,} repos: mr status / floor -j2", "new mr status", "floor -j2", goal, m)
        line(f"{n:,} repos: slow path / floor -j2", "new mr status, slow path", "floor -j2",
             goal, m)
        if n >= 10000 and "new mr status" in m:
            rss = m["new mr status"][1]
            print(f"  {'10,000 repos: mr status peak RSS':44} {rss:7.1f} MB "
                  f"(target < 50 MB: {'met' if rss < 50 else 'NOT met'})")
    elif label == "big":
        line("3 x 100,000 files: mr -j1 / git loop", "new mr -j1 status",
             "git status -s, one after another", 1, m)
        line("3 x 100,000 files: mr -j2 / git -P2", "new mr -j2 status",
             "git status -s, xargs -P2", 1, m)
        line("3 x 100,000 files: slow -j2 / git -P2", "new mr -j2 status, slow path",
             "git status -s, xargs -P2", 1, m)
        line("3 x 100,000 files: mr -j2 / floor -j2", "new mr -j2 status", "floor -j2", 2, m)
    elif label == "untracked":
        line("100,000 untracked: mr / git status -s", "new mr status", "git status -s", 1, m)
        line("200,000 untracked -uall: mr / git", "new mr status -uall",
             "git status -s -uall", 1, m)
        for mine, other in (("new mr status", "git status -s"),
                            ("new mr status -uall", "git status -s -uall")):
            if mine in m and other in m:
                print(f"  {'  peak RSS ' + mine[4:] + ' / ' + other:44} "
                      f"{m[mine][1]:7.1f} MB / {m[other][1]:5.1f} MB")
PY
}

# make_registry N: $BENCH_DIR/reg-N/ws/.mrconfig.toml, made once and reused: N tables
# [repos."gGGG/repoK"] (1,000 repositories per group directory) with a url, every third
# with tags, every fifth with a branch; each directory exists, empty.
make_registry() { # N: $BENCH_DIR/reg-N, reused when complete
  local n=$1 dir="$BENCH_DIR/reg-$1"
  [ -f "$dir/READY" ] && return 0
  rm -rf "$dir"
  mkdir -p "$dir/ws" "$dir/home"
  python3 - "$dir" "$n" <<'PY'
import os, sys
dir, n = sys.argv[1], int(sys.argv[2])
with open(f"{dir}/ws/.mrconfig.toml", "w") as out:
    out.write(f"# bench/registry-load.sh: {n} repositories\n")
    for k in range(1, n + 1):
        path = f"g{(k - 1) // 1000:03d}/repo{k}"
        os.makedirs(f"{dir}/ws/{path}")
        out.write(f'[repos."{path}"]\nurl = "https://git.example.invalid/group/repo{k}.git"\n')
        if k % 3 == 0:
            out.write(f'tags = ["bench", "t{k % 7}"]\n')
        if k % 5 == 0:
            out.write('branch = "main"\n')
        out.write("\n")
PY
  touch "$dir/READY"
}

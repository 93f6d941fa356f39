#!/usr/bin/env bash
# Per-repo overhead of the executor: `mr -jN run true` against myrepos' `mr -jN run true`
# on the same repositories, N = 1 and 2, in one hyperfine run on this machine.
#   bench/run-overhead.sh [REPOS]        (default 1000; needs a built build/mr)
# Prints hyperfine's table, then the per-repo cost of each command.
. "$(dirname "$0")/common.sh"
n=${1:-1000}
need hyperfine hyperfine
[ -x "$MYREPOS" ] || { echo "bench: myrepos is not installed (apt-get install myrepos)" >&2; exit 1; }
make_workspace "$n" 3
cd "$WS_DIR/ws"
"$MR_BIN" list | tail -n 1
out="$BENCH_DIR/run-overhead-$n.json"
hyperfine -N --warmup 1 --runs "${RUNS:-5}" --export-json "$out" \
  -n "mr -j1 run true" "$MR_BIN -j1 run true" \
  -n "mr -j2 run true" "$MR_BIN -j2 run true" \
  -n "myrepos -j1 run true" "$MYREPOS -j1 run true" \
  -n "myrepos -j2 run true" "$MYREPOS -j2 run true" \
  -n "floor: find -exec true (one fork+exec per repo, serial)" \
     "find . -mindepth 1 -maxdepth 1 -type d -exec true ;"
python3 - "$out" "$n" <<'PY'
import json, sys
data = json.load(open(sys.argv[1])); n = int(sys.argv[2])
t = {r["command"]: r["median"] for r in data["results"]}
print(f"\n{'command':58} {'median s':>9} {'per repo ms':>12}")
for name, median in t.items():
    print(f"{name:58} {median:9.3f} {median / n * 1000:12.3f}")
for j in ("1", "2"):
    print(f"-j{j}: mr is {t[f'myrepos -j{j} run true'] / t[f'mr -j{j} run true']:.1f}x faster than myrepos")
PY

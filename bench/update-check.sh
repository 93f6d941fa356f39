#!/usr/bin/env bash
# Does `mr update` leave the benchmark workspace as myrepos' `git pull` does?
#   bench/update-check.sh [N]           (default: 1000; needs a built build/mr)
# Makes two fresh copies of the workspace bench/update.sh times (hard-linked work trees,
# copied .git, as peers.sh makes them), runs this mr's `-j2 update` in one and myrepos'
# `mr -j2 update` in the other, then compares every repository's HEAD and
# `git status --porcelain`. Prints how many repositories mr moved and how many differ;
# exits 1 if any differs.
. "$(dirname "$0")/common.sh"
n=${1:-1000}
[ -x "$MYREPOS" ] || need mr myrepos
[ -x "$MR_BIN" ] || { echo "bench: build mr first (scripts/build.sh)" >&2; exit 1; }
make_workspace "$n" 20
check="$BENCH_DIR/update-check-$n"
for who in mr myrepos; do
  rm -rf "${check:?}/$who"
  mkdir -p "$check/$who"
  cp -al "$WS_DIR/ws" "$check/$who/ws"
  rm -rf "$check/$who"/ws/repo*/.git
  (cd "$WS_DIR/ws" && tar cf - repo*/.git) | (cd "$check/$who/ws" && tar xpf -)
done
(cd "$check/mr/ws" && "$MR_BIN" -c .mrconfig.toml -j2 update >"$check/mr.out" 2>&1) ||
  echo "mr update failed: see $check/mr.out" >&2
(cd "$check/myrepos/ws" && "$MYREPOS" -j2 update >"$check/myrepos.out" 2>&1) ||
  echo "myrepos update failed: see $check/myrepos.out" >&2
moved=0
differ=0
for dir in "$WS_DIR"/ws/repo*; do
  name=$(basename "$dir")
  a=$(git -C "$check/mr/ws/$name" rev-parse HEAD)
  b=$(git -C "$check/myrepos/ws/$name" rev-parse HEAD)
  [ "$(git -C "$dir" rev-parse HEAD)" = "$a" ] || moved=$((moved + 1))
  if [ "$a" != "$b" ] ||
    [ "$(git -C "$check/mr/ws/$name" status --porcelain)" != \
      "$(git -C "$check/myrepos/ws/$name" status --porcelain)" ]; then
    differ=$((differ + 1))
    echo "differs: $name" >&2
  fi
done
echo "$n repositories: mr moved $moved; $differ differ from myrepos"
[ "$differ" -eq 0 ]

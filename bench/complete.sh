#!/usr/bin/env bash
# How long a shell completion waits for mr: `mr --complete WHAT` (the query every TAB
# asks, completions/) on registries of 1,000 and 10,000 repositories (common.sh's
# make_registry), against `mr --version` (starting the binary, no registry) and
# /bin/true (starting any process), in the same run.
#   bench/complete.sh [SIZES...]       (default: 1000 10000; needs build/mr)
# Prints the mean over RUNS (default 50) calls, in milliseconds. The goal: under 20 ms
# on 1,000 repositories.
. "$(dirname "$0")/common.sh"
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(1000 10000)
runs=${RUNS:-50}

# mean_ms CMD...: the mean wall time of $runs runs of CMD, in ms.
mean_ms() {
  "$@" >/dev/null 2>&1 || true
  local start end
  start=$(date +%s%N)
  for _ in $(seq "$runs"); do "$@" >/dev/null 2>&1 || true; done
  end=$(date +%s%N)
  python3 -c "import sys; print(f'{(int(sys.argv[2]) - int(sys.argv[1])) / int(sys.argv[3]) / 1e6:7.2f}')" \
    "$start" "$end" "$runs"
}

for n in "${sizes[@]}"; do
  make_registry "$n"
done
echo "mean of $runs calls, ms; $("$MR_BIN" --version | head -n 1)"
printf '%-40s %8s\n' "baseline" "ms"
printf '%-40s %8s\n' "/bin/true" "$(mean_ms /bin/true)"
printf '%-40s %8s\n' "mr --version" "$(mean_ms "$MR_BIN" --version)"
for n in "${sizes[@]}"; do
  (
    export DIR="$BENCH_DIR/reg-$n"
    # shellcheck source=env.sh
    . "$BENCH_HERE/env.sh"
    printf '%s\n' "$DIR/ws/.mrconfig.toml" >"$HOME/.mrtrust"
    cd "$DIR/ws"
    count=$("$MR_BIN" --complete repos g000/ | wc -l)
    [ "$count" -ge 1 ] || { echo "bench: --complete repos found nothing" >&2; exit 1; }
    for query in "actions" "action st" "repos g000/repo1" "tags"; do
      # shellcheck disable=SC2086 # the query's words
      printf '%-40s %8s\n' "$n repos: --complete $query" "$(mean_ms "$MR_BIN" --complete $query)"
    done
  )
done

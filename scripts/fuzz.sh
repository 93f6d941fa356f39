#!/bin/sh
# Builds the libFuzzer targets (the fuzz preset: clang 14 with ASan + UBSan, into
# build-fuzz/; only mr_core and the targets) and, for each target, replays the committed
# crash regressions (fuzz/regressions/TARGET/), then fuzzes it for SECONDS (default 20).
# Fails on any crash, sanitizer report, leak, timeout (10 s for one input) or out-of-memory
# (2 GB). New coverage is kept in build-fuzz/corpus/TARGET, so later runs start from
# there; a failing input is saved as build-fuzz/artifacts/TARGET/crash-* (or leak-,
# timeout-, oom-); replay it with build-fuzz/fuzz/mr_fuzz_TARGET FILE.
# Extra libFuzzer options come from $MR_FUZZ_FLAGS (e.g. -runs=10000000 with SECONDS 0,
# which means no time limit). $MR_FUZZ_SANITIZERS=undefined builds the targets without
# AddressSanitizer (into build-fuzz-undefined/, sharing build-fuzz/corpus): about 2.5 times
# as many inputs a second, for long runs on a small machine.
#   scripts/fuzz.sh [SECONDS [TARGET...]]      targets: registry edit cli select import
set -eu
cd "$(dirname "$0")/.."
seconds="${1:-20}"
[ $# -gt 0 ] && shift
targets="${*:-registry edit cli select import}"

sanitizers="${MR_FUZZ_SANITIZERS:-address,undefined}"
if [ "$sanitizers" = "address,undefined" ]; then
  build=build-fuzz
  scripts/build.sh fuzz
else
  build="build-fuzz-$(echo "$sanitizers" | tr ',' '-')"
  cmake --preset fuzz -B "$build" -DMR_FUZZ_SANITIZERS="$sanitizers" >/dev/null
  cmake --build "$build" --target mr_fuzz_registry mr_fuzz_edit mr_fuzz_cli mr_fuzz_select \
    mr_fuzz_import
fi

# The targets write their scratch files here (a tmpfs: they write on every input).
shm=/dev/shm
[ -d "$shm" ] && [ -w "$shm" ] || shm="${TMPDIR:-/tmp}"
scratch=$(mktemp -d "$shm/mr-fuzz.XXXXXX")
trap 'rm -rf "$scratch"' EXIT
trap 'exit 130' INT TERM
export MR_FUZZ_TMP="$scratch"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"

max_len() {
  case "$1" in
  registry | edit | import) echo 8192 ;; # registries are small
  select) echo 1024 ;;
  *) echo 512 ;;
  esac
}

dict() {
  case "$1" in
  edit) echo fuzz/dict/registry.dict ;;
  *) echo "fuzz/dict/$1.dict" ;;
  esac
}

for t in $targets; do
  bin="$build/fuzz/mr_fuzz_$t"
  [ -x "$bin" ] || { echo "error: no fuzz target '$t' (registry, edit, cli, select, import)" >&2; exit 2; }
  mkdir -p "build-fuzz/corpus/$t" "build-fuzz/artifacts/$t"
  if [ -d "fuzz/regressions/$t" ]; then
    echo "== $t: replay fuzz/regressions/$t" >&2
    "$bin" -artifact_prefix="build-fuzz/artifacts/$t/" "fuzz/regressions/$t"/*
  fi
  echo "== $t: fuzz for ${seconds}s" >&2
  "$bin" -max_total_time="$seconds" -max_len="$(max_len "$t")" -timeout=10 \
    -rss_limit_mb=2048 -dict="$(dict "$t")" -artifact_prefix="build-fuzz/artifacts/$t/" \
    -print_final_stats=1 ${MR_FUZZ_FLAGS:-} "build-fuzz/corpus/$t" "fuzz/corpus/$t"
done

#!/bin/sh
# Builds mr and runs every test through ctest: the plain build, then the whole suite again
# under AddressSanitizer + UndefinedBehaviorSanitizer, and under ThreadSanitizer (the
# executor, the process runner and the signal thread are concurrent); then fuzzes each
# fuzz target for 15 seconds (scripts/fuzz.sh). This is what CI runs (.ci/run). A
# sanitizer report fails the test that triggered it.
set -eu
cd "$(dirname "$0")/.."
scripts/install-deps.sh
# The sanitizer options (halting on a report, the suppression files tests/lsan.supp and
# tests/tsan.supp) come with the test presets in CMakePresets.json.
for preset in default asan tsan; do
  echo "== $preset: build" >&2
  scripts/build.sh "$preset"
  echo "== $preset: test" >&2
  ctest --preset "$preset"
done
echo "== fuzz" >&2
scripts/fuzz.sh 15

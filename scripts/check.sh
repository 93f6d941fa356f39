#!/bin/sh
# Builds mr and runs every test through ctest: the plain build, then the whole suite again
# under AddressSanitizer + UndefinedBehaviorSanitizer, and the concurrent parts under
# ThreadSanitizer (everything but the byte-for-byte comparisons with git's output, which
# run one mr at a time on one repository); then fuzzes each fuzz target for a few seconds
# after replaying its regressions (scripts/fuzz.sh). This is what CI runs (.ci/run). A
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
  if [ "$preset" = tsan ]; then
    ctest --preset tsan --exclude-regex '^cli\.States/'
  else
    ctest --preset "$preset"
  fi
done
echo "== fuzz" >&2
scripts/fuzz.sh 5

#!/bin/sh
# Builds mr and runs every test through ctest: the plain build, then the whole suite again
# under AddressSanitizer + UndefinedBehaviorSanitizer. This is what CI runs (.ci/run).
set -eu
cd "$(dirname "$0")/.."
scripts/install-deps.sh
for preset in default asan; do
  echo "== $preset: build" >&2
  scripts/build.sh "$preset"
  echo "== $preset: test" >&2
  ctest --preset "$preset"
done

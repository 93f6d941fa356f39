#!/bin/sh
# Configures and builds one CMake preset (default: "default", into build/).
#   scripts/build.sh [default|asan|tsan]
set -eu
cd "$(dirname "$0")/.."
preset="${1:-default}"
cmake --preset "$preset" >/dev/null
cmake --build --preset "$preset"

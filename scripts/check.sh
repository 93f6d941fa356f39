#!/bin/sh
# Builds mr and runs every test through ctest: the plain build, then the whole suite again
# under AddressSanitizer + UndefinedBehaviorSanitizer, and the concurrent parts under
# ThreadSanitizer (below); then fuzzes each fuzz target for a few seconds after replaying
# its regressions (scripts/fuzz.sh). This is what CI runs (.ci/run). A sanitizer report
# fails the test that triggered it.
set -eu
cd "$(dirname "$0")/.."
scripts/install-deps.sh
# The sanitizer options (halting on a report, the suppression files tests/lsan.supp and
# tests/tsan.supp) come with the test presets in CMakePresets.json.
# Under ThreadSanitizer, what runs mr's threads side by side: the unit tests (the task
# group, executor, deadlines, processes, output buffers), the safety tests of cancellation,
# orphans, bounded output and write errors, and the command-line suites that run many
# repositories at once, cancel, or talk to servers. The rest run one repository in one task
# (their races are between processes, on files), and run in the plain and ASan builds.
tsan_tests='^(unit\.|safety\.(CancelSafety|Orphans|OutputBound|WriteError)\.|cli\.(StatusFastPath|Run|Cancel|ConcurrentRegister|Network|NetworkLimits|Ssh|SshInput|Http|Helpers|Secrets|List|BrokenRepos|CheckoutNested|ShellDefaults)\.)'
# The plain and ASan suites run four tests at a time on CI's two cores (CMakePresets.json):
# most of a test's time is spent waiting for the processes it starts, so that is ~40 %
# faster under ASan; TSan, which slows every thread, keeps two.
# Each step says how long it took, so that a slow step shows in CI's log.
started=$(date +%s)
step() {
  now=$(date +%s)
  echo "== $1 (previous step: $((now - started)) s)" >&2
  started=$now
}
for preset in default asan tsan; do
  step "$preset: build"
  scripts/build.sh "$preset"
  step "$preset: test"
  if [ "$preset" = tsan ]; then
    ctest --preset tsan --tests-regex "$tsan_tests"
  else
    ctest --preset "$preset"
  fi
done
step fuzz
scripts/fuzz.sh 5
step done

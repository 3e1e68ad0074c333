#!/usr/bin/env bash
# Builds the unit and integration tests with AddressSanitizer + UndefinedBehaviorSanitizer (build/asan) and runs them.
# Any report fails the run. Usage: scripts/sanitize.sh [ctest -R pattern]
set -euo pipefail
cd "$(dirname "$0")/.."
jobs=$(nproc 2>/dev/null || echo 2)
[ -f build/asan/CMakeCache.txt ] || cmake -S . -B build/asan -DCMAKE_BUILD_TYPE=RelWithDebInfo -DOAI_SANITIZE=ON \
  -DOAI_BUILD_DESKTOP=OFF >/dev/null
cmake --build build/asan -j"$jobs"
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:strict_string_checks=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
# The hostile-request catalog spends most of its minute waiting on read timeouts; the plain build runs it.
(cd build/asan && ctest --output-on-failure -j"$jobs" --timeout 600 -E 'Hostile' ${1:+-R "$1"})

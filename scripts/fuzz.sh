#!/usr/bin/env bash
# Builds the libFuzzer targets with clang (ASan + UBSan) and runs each for a bounded time.
# Usage: scripts/fuzz.sh [SECONDS_PER_TARGET]   (default 20; scripts/test.sh runs it with 15)
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-20}
jobs=$(nproc 2>/dev/null || echo 2)
[ -f build/fuzz/CMakeCache.txt ] || CC=clang CXX=clang++ cmake -S . -B build/fuzz -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DOAI_FUZZ=ON -DOAI_BUILD_TESTS=OFF -DOAI_BUILD_DESKTOP=OFF >/dev/null
cmake --build build/fuzz -j"$jobs" --target fuzz_request fuzz_chunking
for target in request chunking; do
  work="build/fuzz/corpus-$target"
  mkdir -p "$work"
  echo "== fuzz_$target for ${seconds}s"
  # New inputs go to the build folder; the checked-in seeds are read only.
  build/fuzz/tests/fuzz/fuzz_$target "$work" "tests/fuzz/corpus/$target" -max_total_time="$seconds" -seed=1 \
    -print_final_stats=1 2>&1 | grep -E '^(stat::number_of_executed_units|stat::peak_rss_mb|==|SUMMARY)|Done [0-9]+ runs' || true
  # libFuzzer exits non-zero and leaves a crash-* file when it finds a bug.
  if ls crash-* leak-* timeout-* >/dev/null 2>&1; then echo "fuzz_$target found a failing input:"; ls crash-* leak-* timeout-* 2>/dev/null; exit 1; fi
done

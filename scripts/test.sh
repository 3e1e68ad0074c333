#!/usr/bin/env bash
# Installs what is missing, builds both targets and runs every test: ctest (unit, integration, headless UI, desktop
# smoke under Xvfb) and the browser end-to-end tests (Debian's Chromium driven by playwright-core).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD

scripts/install-deps.sh --test
scripts/build.sh

# Test servers never outlive the tests: every redis-server and PostgreSQL cluster (postgres) a suite starts is gone
# once it has ended.
servers_left() { echo $(( $(pgrep -xc redis-server || true) + $(pgrep -xc postgres || true) )); }
check_servers() {
  for _ in $(seq 50); do [ "$(servers_left)" -le "$1" ] && return 0; sleep 0.1; done
  echo "FAIL: $(( $(servers_left) - $1 )) redis-server or postgres processes started by the tests are still running" >&2
  exit 1
}
servers_before=$(servers_left)

echo "== ctest (native)"
(cd build/native && ctest --output-on-failure -j2 --timeout 600)
check_servers "$servers_before"

echo "== answer evaluation, end to end (tests/data/answers: the dev splits and the frozen test split) and engine diagnostics"
build/native/tests/engine/oai_engine_tests --gtest_filter='AnswerEvaluation.*:Evaluation.*' --gtest_brief=1 |
  grep -E '^\[(answers|retrieval|routing|follow-ups)\] [a-z0-9]'

echo "== sanitizers: unit and integration tests under ASan + UBSan (build/asan)"
scripts/sanitize.sh
check_servers "$servers_before"

echo "== fuzzing: request parsing and markdown chunking, 15 s each (longer: scripts/fuzz.sh 600)"
scripts/fuzz.sh 15

echo "== ctest (WebAssembly engine tests under Node)"
(cd build/web && ctest --output-on-failure --timeout 600)

echo "== browser end-to-end (node --test)"
(cd tests/e2e && ORCHESTRATAI_ROOT="$ROOT" node --test --test-concurrency=1 ./*.test.mjs)

echo "== benchmarks run once on tiny inputs (the real run: scripts/bench.sh)"
scripts/bench.sh --smoke

#!/usr/bin/env bash
# Builds both targets: native (server, desktop UI, tests) in build/native and the web page in build/web/dist.
# Usage: scripts/build.sh [--native-only|--web-only] [--app-only]
#   --app-only   only what scripts/run.sh serves: the server and the page (no tests, no desktop app)
# Assumes scripts/install-deps.sh has run (run.sh and test.sh call it first).
set -euo pipefail
cd "$(dirname "$0")/.."

native=1; web=1; app_only=0
for a in "$@"; do
  case "$a" in
    --native-only) web=0 ;;
    --web-only) native=0 ;;
    --app-only) app_only=1 ;;
    *) echo "build.sh: unknown option $a" >&2; exit 2 ;;
  esac
done
jobs=$(nproc 2>/dev/null || echo 2)

if [ "$native" = 1 ]; then
  [ -f build/native/CMakeCache.txt ] || cmake -S . -B build/native -DCMAKE_BUILD_TYPE=Release >/dev/null
  if [ "$app_only" = 1 ]; then
    cmake --build build/native -j"$jobs" --target orchestratai-server
  else
    cmake --build build/native -j"$jobs"
  fi
fi

if [ "$web" = 1 ]; then
  # Debian's emscripten runs on the machine's Node, which does not look in /usr/share/nodejs by itself.
  export NODE_PATH=/usr/share/nodejs${NODE_PATH:+:$NODE_PATH}
  [ -f build/web/CMakeCache.txt ] || emcmake cmake -S . -B build/web -DCMAKE_BUILD_TYPE=Release >/dev/null
  if [ "$app_only" = 1 ]; then
    cmake --build build/web -j"$jobs" --target orchestratai-web
  else
    cmake --build build/web -j"$jobs"
  fi
fi

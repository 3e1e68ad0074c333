#!/usr/bin/env bash
# Desktop smoke test: a real window under Xvfb (Mesa's software OpenGL) talks to a real server over loopback, sends one
# question through the app and exits cleanly once the answer is drawn.
# Usage: smoke.sh SERVER_BINARY DESKTOP_BINARY
set -euo pipefail
server_bin=$1
desktop_bin=$2
tmp=$(mktemp -d)
server_pid=""
cleanup() {
  if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
    kill -TERM "$server_pid"
    wait "$server_pid" || true
  fi
  rm -rf "$tmp"
}
trap cleanup EXIT

"$server_bin" --port 0 --db "$tmp/sessions.db" >"$tmp/server.out" 2>"$tmp/server.err" &
server_pid=$!
url=""
for _ in $(seq 1 300); do
  url=$(grep -o 'http://127\.0\.0\.1:[0-9]*' "$tmp/server.err" "$tmp/server.out" 2>/dev/null | head -n1 | sed 's/^[^:]*://' || true)
  [ -n "$url" ] && break
  kill -0 "$server_pid" 2>/dev/null || { cat "$tmp/server.err"; echo "server exited"; exit 1; }
  sleep 0.1
done
[ -n "$url" ] || { echo "server did not print its address"; cat "$tmp/server.err"; exit 1; }
echo "server at $url"

out=$(xvfb-run -a -s "-screen 0 1400x900x24" "$desktop_bin" --server "$url" --storage "$tmp/desktop.json" \
      --ask "What are the API rate limits?" --timeout 60)
echo "$out"
echo "$out" | grep -q '"role":"assistant"' || { echo "no assistant message in the desktop app's state"; exit 1; }
echo "$out" | grep -q '"agent":"technical"' || { echo "the answer did not come from the technical agent"; exit 1; }
grep -q "session_id" "$tmp/desktop.json" || grep -q "orchestratai" "$tmp/desktop.json" || { echo "session id not stored"; exit 1; }
echo "desktop smoke test passed"

#!/usr/bin/env bash
# Installs what is missing, builds, and serves OrchestratAI at http://127.0.0.1:8080 (embedded defaults: no Redis, no
# LLM needed). Arguments go to the server: scripts/run.sh --port 9000, scripts/run.sh --help.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh --web >&2
scripts/build.sh --app-only >&2
# Sessions go to build/orchestratai.db unless --db or ORCHESTRATAI_DB says otherwise.
db_args=(--db build/orchestratai.db)
for a in "$@"; do case "$a" in --db|--db=*) db_args=() ;; esac; done
[ -n "${ORCHESTRATAI_DB:-}" ] && db_args=()
exec build/native/server/orchestratai-server --web-root build/web/dist "${db_args[@]}" "$@"

#!/usr/bin/env bash
# Benchmarks with the team's targets: the server under load (wrk), the engine (Google Benchmark, callgrind) and the
# page (sizes, headless Chromium). Installs what is missing, builds release binaries, prints one table and writes it
# to build/bench/report.md (raw figures next to it as JSON).
#
# Usage: scripts/bench.sh [--duration SECONDS] [--only server,engine,page] [--smoke]
#   --duration  seconds of load per wrk run (default 10, after a 2 s warm-up)
#   --only      run some sections; the report shows the others as not measured
#   --smoke     every section once on tiny inputs (what scripts/test.sh runs to keep this script working)
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
OUT=build/bench
DURATION=10
WARMUP=2
SECTIONS=server,engine,page
SMOKE=0
while [ $# -gt 0 ]; do
  case "$1" in
    --duration) DURATION=${2:?--duration needs seconds}; shift 2 ;;
    --duration=*) DURATION=${1#*=}; shift ;;
    --only) SECTIONS=${2:?--only needs a list}; shift 2 ;;
    --only=*) SECTIONS=${1#*=}; shift ;;
    --smoke) SMOKE=1; shift ;;
    -h|--help) sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "bench.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done
case "$DURATION" in ''|*[!0-9]*) echo "bench.sh: --duration wants whole seconds, got '$DURATION'" >&2; exit 2 ;; esac
for s in ${SECTIONS//,/ }; do
  case "$s" in server|engine|page) ;; *) echo "bench.sh: unknown section '$s' (server, engine, page)" >&2; exit 2 ;; esac
done
want() { case ",$SECTIONS," in *",$1,"*) return 0 ;; *) return 1 ;; esac; }
if [ "$SMOKE" = 1 ]; then DURATION=1; WARMUP=1; OUT=build/bench-smoke; fi

scripts/install-deps.sh --bench
scripts/build.sh
NATIVE=build/native
BIN=$NATIVE/tests/bench
mkdir -p "$OUT"
rm -f "$OUT"/*.json "$OUT"/*.jsonl "$OUT"/report.md
echo "{\"smoke\": $SMOKE, \"duration_s\": $DURATION, \"cores\": $(nproc), \"date\": \"$(date -u +%Y-%m-%dT%H:%M:%SZ)\"}" > "$OUT/meta.json"

PIDS=()
as_pg=()  # the command prefix that runs PostgreSQL programs as the postgres account (set below when root)
cleanup() {
  for p in "${PIDS[@]:-}"; do [ -n "$p" ] && kill "$p" 2>/dev/null || true; done
  if [ -n "${PGBIN:-}" ] && [ -f "$TMP/pg/data/postmaster.pid" ]; then
    "${as_pg[@]}" "$PGBIN/pg_ctl" -D "$TMP/pg/data" -m immediate -w stop >/dev/null 2>&1 || true
  fi
  rm -rf "$TMP"
}
TMP=$(mktemp -d)
trap cleanup EXIT

free_port() {
  node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'
}
wait_http() {  # url
  for _ in $(seq 1 200); do
    curl -s -o /dev/null "$1" && return 0
    sleep 0.05
  done
  echo "bench.sh: nothing answers at $1" >&2
  return 1
}
peak_rss_kb() { awk '/^VmHWM:/ {print $2}' "/proc/$1/status" 2>/dev/null || echo 0; }

# wrk against a fresh process: NAME URL COMMAND...; appends {"name", wrk figures, "rss_kb"} to server.jsonl. CONNS
# (default 32) is wrk's connection count.
load_run() {
  local name=$1 url=$2; shift 2
  local conns=${CONNS:-32}
  "$@" > "$TMP/$name.out" 2> "$TMP/$name.err" &
  local pid=$!
  PIDS+=("$pid")
  wait_http "${url%%/api/*}/api/health"  # any HTTP answer will do (the ceiling answers 404)
  wrk -t2 -c"$conns" -d"${WARMUP}s" -s tests/bench/chat.lua "$url" > /dev/null
  # The warm-up's last streams run to their end after wrk hangs up (their answers are kept) and count against the
  # open-stream limit until then: the measured run starts once they are done (the server's own gauge; up to 5 s).
  for _ in $(seq 1 100); do
    open=$(curl -s "${url%%/api/*}/metrics" | awk '/^orchestratai_active_streams / { print $2 }')
    [ "${open:-0}" = 0 ] && break
    sleep 0.05
  done
  wrk -t2 -c"$conns" -d"${DURATION}s" --latency -s tests/bench/chat.lua "$url" > "$TMP/$name.wrk"
  local rss; rss=$(peak_rss_kb "$pid")
  # The store's mean time per turn written (the server's own /metrics; the ceiling has none).
  local append_ms
  append_ms=$(curl -s "${url%%/api/*}/metrics" | awk -F'[ ]' '
    /^orchestratai_store_duration_seconds_sum\{.*op="append_turn"\}/ { sum = $2 }
    /^orchestratai_store_duration_seconds_count\{.*op="append_turn"\}/ { n = $2 }
    END { if (n > 0) printf "%.3f", 1000 * sum / n; else print "null" }')
  kill -TERM "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  local figures; figures=$(sed -n 's/^WRK_JSON //p' "$TMP/$name.wrk")
  [ -n "$figures" ] || { echo "bench.sh: wrk printed no figures for $name" >&2; cat "$TMP/$name.wrk" >&2; exit 1; }
  echo "{\"name\": \"$name\", \"connections\": $conns, \"rss_kb\": ${rss:-0}, \"append_turn_ms\": ${append_ms:-null}, \"wrk\": $figures}" >> "$OUT/server.jsonl"
  printf '  %-22s %s\n' "$name" "$figures"
}

if want server; then
  echo "== server under load: wrk -t2 -c32, ${DURATION} s per run (questions and sessions rotate: tests/bench/chat.lua)"
  SERVER=$NATIVE/server/orchestratai-server
  port=$(free_port)
  load_run ceiling "http://127.0.0.1:$port/api/chat" "$BIN/oai_httplib_ceiling" --port "$port"
  for endpoint in chat stream; do
    path=/api/chat; [ "$endpoint" = stream ] && path=/api/chat/stream
    rm -f "$TMP"/bench.db*
    port=$(free_port)
    load_run "$endpoint-sqlite" "http://127.0.0.1:$port$path" env RATE_LIMIT=0 "$SERVER" --port "$port" --db "$TMP/bench.db"
  done
  # What sets the tail: the same turns with 256 connections, and the worker-thread count (--threads, 64 by default)
  # at 32 and 256 connections.
  rm -f "$TMP"/bench.db*
  port=$(free_port)
  CONNS=256 load_run chat-sqlite-c256 "http://127.0.0.1:$port/api/chat" env RATE_LIMIT=0 "$SERVER" --port "$port" --db "$TMP/bench.db"
  if [ "$SMOKE" != 1 ]; then
    for conns in 32 256; do
      for threads in 16 32 128 256; do
        rm -f "$TMP"/bench.db*
        port=$(free_port)
        CONNS=$conns load_run "threads-$threads-c$conns" "http://127.0.0.1:$port/api/chat" env RATE_LIMIT=0 "$SERVER" \
          --port "$port" --db "$TMP/bench.db" --threads "$threads"
      done
    done
  fi
  rport=$(free_port)
  redis-server --port "$rport" --bind 127.0.0.1 --save '' --appendonly yes --appendfsync everysec --dir "$TMP" \
    --daemonize no > "$TMP/redis.log" 2>&1 &
  PIDS+=("$!")
  for _ in $(seq 1 100); do redis-cli -p "$rport" ping >/dev/null 2>&1 && break; sleep 0.05; done
  for endpoint in chat stream; do
    path=/api/chat; [ "$endpoint" = stream ] && path=/api/chat/stream
    redis-cli -p "$rport" flushall >/dev/null
    port=$(free_port)
    load_run "$endpoint-redis" "http://127.0.0.1:$port$path" env RATE_LIMIT=0 REDIS_URL="redis://127.0.0.1:$rport" \
      "$SERVER" --port "$port"
  done
  # PostgreSQL: a throwaway cluster with the defaults (every commit flushed to disk), run as the postgres account when
  # this runs as root (PostgreSQL refuses root).
  PGBIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
  if [ -n "$PGBIN" ]; then
    PGDIR=$TMP/pg
    mkdir -p "$PGDIR/data" "$PGDIR/socket"
    as_pg=()
    if [ "$(id -u)" = 0 ]; then chown -R postgres: "$PGDIR"; chmod 755 "$TMP"; as_pg=(runuser -u postgres --); fi
    "${as_pg[@]}" "$PGBIN/initdb" -D "$PGDIR/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
    pport=$(free_port)
    "${as_pg[@]}" "$PGBIN/pg_ctl" -D "$PGDIR/data" -l "$PGDIR/log" -w -o \
      "-p $pport -k $PGDIR/socket -c listen_addresses=127.0.0.1 -c max_connections=300" start >/dev/null
    for endpoint in chat stream; do
      path=/api/chat; [ "$endpoint" = stream ] && path=/api/chat/stream
      port=$(free_port)
      load_run "$endpoint-postgresql" "http://127.0.0.1:$port$path" env RATE_LIMIT=0 \
        DATABASE_URL="postgresql://postgres@127.0.0.1:$pport/postgres" "$SERVER" --port "$port" --db :memory:
    done
    "${as_pg[@]}" "$PGBIN/pg_ctl" -D "$PGDIR/data" -m fast -w stop >/dev/null
  fi
fi

if want engine; then
  echo "== engine: Google Benchmark"
  chunks=1000,10000,100000
  extra=()
  [ "$SMOKE" = 1 ] && { chunks=300; extra=(--benchmark_min_time=0.001); }
  "$BIN/oai_engine_bench" --chunks=$chunks "${extra[@]}" --benchmark_out="$OUT/engine.json" --benchmark_out_format=json \
    | grep -E '^(retrieval|index|route)'
  echo "== one chat turn under callgrind (instructions, repeatable on a busy machine)"
  kinds="rag cached greeting"
  [ "$SMOKE" = 1 ] && kinds=rag
  for kind in $kinds; do
    rm -f "$TMP"/turn.db*
    valgrind --tool=callgrind --collect-atstart=no --instr-atstart=no --callgrind-out-file="$TMP/cg-$kind.out" \
      "$BIN/oai_turn_profile" --db "$TMP/turn.db" --kind "$kind" > "$TMP/turn-$kind.txt" 2> "$TMP/cg-$kind.log"
    callgrind_annotate --inclusive=yes --threshold=100 "$TMP/cg-$kind.out" > "$TMP/cg-$kind.incl" 2>/dev/null
    callgrind_annotate --threshold=100 "$TMP/cg-$kind.out" > "$TMP/cg-$kind.self" 2>/dev/null
    # A part's inclusive count, 0 when the profile has no such function (the report reads JSON numbers).
    part() { awk -v pat="$1" 'index($0, pat) { gsub(",", "", $1); print $1; found = 1; exit } END { if (!found) print 0 }' "$TMP/cg-$kind.incl"; }
    total=$(awk '/PROGRAM TOTALS/ { gsub(",", "", $1); print $1; exit }' "$TMP/cg-$kind.incl")
    top=$(awk '/file:function/ {f=1; getline; next} f && NF >= 3 && n < 8 { c=$1; gsub(",", "", c);
            sub(/^ *[0-9,]+ +\( *[0-9.]+%\) +/, ""); sub(/ \[.*$/, ""); gsub(/"/, "\\\""); gsub(/\\/, "\\\\"); printf "%s{\"ir\": %s, \"fn\": \"%s\"}", (n++ ? ", " : ""), c, substr($0, 1, 400) }' \
            "$TMP/cg-$kind.self")
    record="{\"kind\": \"$kind\", \"question\": \"$(sed -n "s/^turn '\(.*\)'.*/\1/p" "$TMP/turn-$kind.txt")\", \"total\": ${total:-0},
      \"parse\": $(part BenchParseRequest || echo 0), \"serialize\": $(part BenchSerializeAnswer || echo 0),
      \"turn\": $(part 'RunChatTurn(' || echo 0), \"engine\": $(part '::Answer(oai::engine::TurnInput' || echo 0),
      \"store_read\": $(part 'RecentMessages(' || echo 0), \"store_write\": $(part 'AppendTurnWithLogText(' || echo 0),
      \"self_top\": [$top]}"
    echo "$record" | tr '\n' ' ' >> "$OUT/callgrind.jsonl"
    echo >> "$OUT/callgrind.jsonl"
    printf '  %-9s %s instructions\n' "$kind" "$total"
  done
  # How the RAG turn's cost grows with the knowledge base, the session's length and the stored sessions. The store
  # (and the synthetic base) is filled natively first; only the measured turn runs under callgrind.
  echo "== how a RAG turn's cost grows (callgrind)"
  if [ "$SMOKE" = 1 ]; then growth="kb-x3:--kb-scale:3"; else
    growth="kb-x100:--kb-scale:100 history-10000:--history:10000 sessions-100000:--sessions:100000"; fi
  for g in $growth; do
    IFS=: read -r name flag value <<< "$g"
    rm -f "$TMP"/growth.db*
    "$BIN/oai_turn_profile" --db "$TMP/growth.db" "$flag" "$value" --prepare > /dev/null
    valgrind --tool=callgrind --collect-atstart=no --instr-atstart=no --callgrind-out-file="$TMP/cg-$name.out" \
      "$BIN/oai_turn_profile" --db "$TMP/growth.db" "$flag" "$value" > /dev/null 2> "$TMP/cg-$name.log"
    callgrind_annotate "$TMP/cg-$name.out" > "$TMP/cg-$name.incl" 2>/dev/null
    total=$(awk '/PROGRAM TOTALS/ { gsub(",", "", $1); print $1; exit }' "$TMP/cg-$name.incl")
    echo "{\"name\": \"$name\", \"flag\": \"$flag\", \"value\": $value, \"total\": ${total:-0}}" >> "$OUT/growth.jsonl"
    printf '  %-16s %s instructions\n' "$name" "$total"
  done
  rm -f "$TMP"/growth.db* && rm -rf "$TMP"/kb-x*
  # GET /api/insights for the last 30 days over a SQLite file with 10k and 1M messages (filled natively, then the
  # report built once under callgrind).
  echo "== insights report over the stored messages (callgrind)"
  sizes="10000 1000000"
  [ "$SMOKE" = 1 ] && sizes=2000
  for n in $sizes; do
    rm -f "$TMP"/insights.db*
    "$BIN/oai_insights_bench" --db "$TMP/insights.db" --messages "$n" --prepare
    valgrind --tool=callgrind --collect-atstart=no --instr-atstart=no --callgrind-out-file="$TMP/cg-insights-$n.out" \
      "$BIN/oai_insights_bench" --db "$TMP/insights.db" --messages "$n" > "$TMP/insights-$n.txt" 2> "$TMP/cg-insights-$n.log"
    callgrind_annotate "$TMP/cg-insights-$n.out" > "$TMP/cg-insights-$n.incl" 2>/dev/null
    total=$(awk '/PROGRAM TOTALS/ { gsub(",", "", $1); print $1; exit }' "$TMP/cg-insights-$n.incl")
    ms=$("$BIN/oai_insights_bench" --db "$TMP/insights.db" --messages "$n" | sed -n 's/.*: \([0-9.]*\) ms median.*/\1/p')
    echo "{\"messages\": $n, \"total\": ${total:-0}, \"ms\": ${ms:-0}}" >> "$OUT/insights.jsonl"
    printf '  %-9s messages: %s instructions, %s ms\n' "$n" "$total" "$ms"
  done
  rm -f "$TMP"/insights.db*
fi

if want page; then
  echo "== page: sizes, then headless Chromium (first frame, interactive, CPU per frame, idle frames)"
  ORCHESTRATAI_ROOT="$ROOT" BENCH_OUT="$OUT" BENCH_SMOKE=$SMOKE node tests/bench/page_bench.mjs
fi

node tests/bench/report.mjs "$OUT"

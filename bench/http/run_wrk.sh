#!/usr/bin/env bash
# Sustained load on `winnow serve` with wrk, keep-alive connections, loopback only:
#   1. POST /v1/search (BM25, k=10) with 256 and with 1,000 connections
#   2. GET /healthz with 256 and 1,000 connections: the server's raw capacity
# usage: bench/http/run_wrk.sh            (env: DOCS=20000 DURATION=20s PORT=18080)
#        DATA=DIR QUERIES=queries.jsonl bench/http/run_wrk.sh
#   With DATA, serve that (already ingested and encoded) data dir instead of a
#   fresh synthetic corpus, and take the search texts from QUERIES (BEIR
#   queries.jsonl): no ingest, so no background encoding shares the cores.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
bin=${WINNOW_BIN:-$root/build/app/winnow}
port=${PORT:-18080}
docs=${DOCS:-20000}
duration=${DURATION:-20s}
url="http://127.0.0.1:$port"   # never anything but loopback
work=$(mktemp -d)
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"

"$bin" serve --data "${DATA:-$work/data}" --listen "127.0.0.1:$port" > "$work/serve.log" 2>&1 &
pid=$!
cleanup() { kill -TERM "$pid" 2>/dev/null; wait "$pid" 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
for _ in $(seq 100); do curl -sf "$url/healthz" > /dev/null && break; sleep 0.1; done

if [ -n "${DATA:-}" ]; then
  for _ in $(seq 600); do curl -sf "$url/readyz" > /dev/null && break; sleep 0.1; done
  export WINNOW_WRK_QUERIES=${QUERIES:?QUERIES=queries.jsonl is needed with DATA}
  echo "== serving $DATA, queries from $QUERIES; $(nproc) cores; $(date -u +%Y-%m-%dT%H:%MZ)"
else
  python3 "$root/bench/http/gen_corpus.py" "$work/corpus" "$docs" 1000
  for f in "$work/corpus"/*.ndjson; do
    curl -sf -H 'Content-Type: application/x-ndjson' --data-binary "@$f" "$url/v1/documents" > /dev/null
  done
  echo "== $docs documents ingested; $(nproc) cores; $(date -u +%Y-%m-%dT%H:%MZ)"
fi

for c in 256 1000; do
  echo "== POST /v1/search, $c connections, $duration"
  wrk -t2 -c"$c" -d"$duration" --latency -s "$root/bench/http/search.lua" "$url"
done
for c in 256 1000; do
  echo "== GET /healthz, $c connections, $duration"
  wrk -t2 -c"$c" -d"$duration" --latency "$url/healthz"
done

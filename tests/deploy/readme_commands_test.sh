#!/usr/bin/env bash
# Every usage command the README shows, as written, against a fresh data
# directory: gen-catalogue (with its queries and qrels), ingest (.jsonl.gz),
# search, search --json, eval (+ --json, --run), serve, and a short load test
# with the repository's own profiles. Bounded: a 1,000-item catalogue, a 3 s
# load test at 20 req/s; under 2 minutes.
#
#   readme_commands_test.sh WINNOW_BINARY SOURCE_DIR
#
# Like the README, it runs from the repository root (the model is found at
# models/ there). The data directory is a temporary winnow-data/ with the file
# names scripts/run gives the catalogue, and the profiles are copied beside it
# as bench/loadtest/profiles/, so their relative paths (../../../winnow-data/...)
# are tested exactly as written.
set -euo pipefail
winnow=$(realpath "$1")
src=$(realpath "$2")
cd "$src"

test_name=readme_commands_test
# shellcheck source=serve_harness.sh
. "$(dirname "$0")/serve_harness.sh"
step() { echo "--- $*"; }

data="$tmp/winnow-data"
mkdir -p "$data"
catalogue="$data/catalogue-100000-seed42.jsonl"   # scripts/run's name (fewer items here)
queries="$data/catalogue-100000-seed42.queries.jsonl"
qrels="$data/catalogue-100000-seed42.qrels.tsv"

step "gen-catalogue"
"$winnow" gen-catalogue --count 1000 --seed 42 --queries 100 "$catalogue"
for f in "$catalogue" "$queries" "$qrels"; do [ -s "$f" ] || fail "gen-catalogue did not write $f"; done
[ "$(wc -l < "$catalogue")" -eq 1000 ] || fail "catalogue has $(wc -l < "$catalogue") lines, expected 1000"
[ "$(wc -l < "$queries")" -eq 100 ] || fail "queries file has $(wc -l < "$queries") lines, expected 100"

step "ingest (.jsonl.gz, with passage vectors)"
gzip -c "$catalogue" > "$tmp/catalogue.jsonl.gz"
out=$("$winnow" ingest --data "$data" "$tmp/catalogue.jsonl.gz")
echo "$out"
echo "$out" | grep -q "ingested 1000 documents" || fail "ingest did not report 1000 documents"

step "search"
out=$("$winnow" search --data "$data" -k 10 "waterproof hiking boot")
echo "$out" | head -5
echo "$out" | grep -q "p0" || fail "search printed no catalogue id"

step "search --json"
out=$("$winnow" search --data "$data" --json "oak desk lamp")
echo "$out" | python3 -c 'import json,sys; r=json.load(sys.stdin); assert r["hits"], "no hits"' ||
  fail "search --json is not one JSON object with hits: ${out:0:300}"

step "eval (the catalogue's own queries and qrels)"
out=$("$winnow" eval --data "$data" --queries "$queries" --qrels "$qrels")
echo "$out"
echo "$out" | grep -q "nDCG@10" || fail "eval printed no nDCG@10"
out=$("$winnow" eval --data "$data" --queries "$queries" --qrels "$qrels" --json --run "$tmp/run.trec")
echo "$out" | python3 -c '
import json, sys
r = json.load(sys.stdin)
assert r["queries"] == 100, r
# Each query names its item by brand, material and kind: BM25 should find it.
assert r["ndcg@10"] > 0.5, r' || fail "eval --json: $out"
[ -s "$tmp/run.trec" ] || fail "eval --run wrote no run file"

step "serve"
start_serve 60 "$winnow" serve --data "$data" --listen 127.0.0.1:0
echo "serving on $url"
curl -sf "$url/readyz" > /dev/null || fail "$url/readyz did not answer 200"
curl -sf "$url/v1/search" -d '{"query": "waterproof hiking boot", "k": 5, "mode": "bm25"}' | grep -q '"results"' ||
  fail "POST /v1/search gave no results"

step "loadtest (the repository's profiles, relative paths as written)"
mkdir -p "$tmp/bench/loadtest"
cp -r "$src/bench/loadtest/profiles" "$tmp/bench/loadtest/"
for profile in mixed search; do
  out=$("$winnow" loadtest --url "$url" --profile "$tmp/bench/loadtest/profiles/$profile.toml" \
          --rate 20 --duration 3 --json 2> "$tmp/loadtest.err") ||
    { cat "$tmp/loadtest.err" >&2; fail "loadtest --profile $profile.toml failed"; }
  # Every class got answers: the profile's query and corpus files were read and used.
  echo "$out" | python3 -c '
import json, sys
r = json.load(sys.stdin)
for c in r["classes"]:
    assert c["ok"] > 0, (c["name"], "no request answered", c)' || fail "loadtest --json: ${out:0:600}"
  echo "$profile.toml: ok"
done
out=$("$winnow" loadtest --url "$url" --profile "$tmp/bench/loadtest/profiles/step.toml" \
        --duration 2 --json 2> "$tmp/loadtest.err") ||
  { cat "$tmp/loadtest.err" >&2; fail "loadtest --profile step.toml failed"; }
echo "step.toml: ok"
# --corpus takes the .jsonl.gz that ingest takes.
"$winnow" loadtest --url "$url" --profile "$tmp/bench/loadtest/profiles/mixed.toml" \
  --corpus "$tmp/catalogue.jsonl.gz" --rate 20 --duration 2 --json > /dev/null 2> "$tmp/loadtest.err" ||
  { cat "$tmp/loadtest.err" >&2; fail "loadtest --corpus FILE.jsonl.gz failed"; }
echo "--corpus catalogue.jsonl.gz: ok"

step "SIGTERM: graceful stop"
stop_serve
grep -q "stopped" "$tmp/serve.err" || fail "serve did not report a clean stop"
echo "readme_commands_test: all commands worked"

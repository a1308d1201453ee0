-- wrk script: POST /v1/search with a rotating set of two-word BM25 queries.
--   wrk -t2 -c256 -d20s --latency -s bench/http/search.lua http://127.0.0.1:PORT
-- The words are those of the synthetic corpus (bench/http/corpus.hpp).
local words = {"river", "granite", "engine", "protein", "market", "orbit", "violin",
  "harbor", "glacier", "circuit", "forest", "ledger", "canyon", "pollen", "saddle",
  "thunder", "lantern", "quartz", "meadow", "falcon", "copper", "signal", "garden",
  "harvest", "island", "jungle", "kettle", "ladder", "mirror", "needle", "oyster"}
local bodies = {}
-- WINNOW_WRK_QUERIES=queries.jsonl: the "text" of each line instead (texts
-- with quotes or backslashes are skipped rather than re-escaped).
local queries = os.getenv("WINNOW_WRK_QUERIES")
if queries then
  for line in io.lines(queries) do
    local text = line:match('"text"%s*:%s*"([^"\\]*)"')
    if text then bodies[#bodies + 1] = '{"query":"' .. text .. '","k":10,"mode":"bm25"}' end
  end
  assert(#bodies > 0, "no usable queries in " .. queries)
else
  math.randomseed(7)
  for i = 1, 512 do
    local q = words[math.random(#words)] .. " " .. words[math.random(#words)]
    bodies[i] = '{"query":"' .. q .. '","k":10,"mode":"bm25"}'
  end
end
local n = 0
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"

request = function()
  n = n + 1
  return wrk.format(nil, "/v1/search", nil, bodies[(n % #bodies) + 1])
end

done = function(summary, latency, requests)
  io.write(string.format("search: p50 %.2f ms, p99 %.2f ms\n",
    latency:percentile(50) / 1000, latency:percentile(99) / 1000))
end

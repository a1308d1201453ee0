#pragma once
// query_router — one query end to end (architecture.md §1):
//   1. in parallel: BM25 on every shard (qstats from all, then search with the
//      summed statistics [GLOBAL_STATS]) and the query's encoding at the
//      gpu_batcher in the query's priority class;
//   2. merge the shards' top lists into the best `candidates`;
//   3. rerank (bm25 | dense | hybrid) and fetch titles/snippets.
// Every query has a deadline [QUERY_DEADLINE] (its budget_ms, else its class's
// timeout_ms): when the encoding is not back by then, the answer is the BM25
// order with degraded = true (counted in router_stats::degraded) instead of
// an error or a late answer. The per-query bookkeeping is
// actors/policy/query_join.hpp.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <caf/all.hpp>

#include "actors/coarse_ranker.hpp"
#include "actors/gpu_batcher.hpp"
#include "actors/messages.hpp"
#include "actors/reranker.hpp"
#include "config/engine_config.hpp"

namespace winnow::actors {

using query_router_actor = caf::typed_actor<
    caf::replies_to<search_atom, search_query>::with<search_result>,
    caf::replies_to<stats_atom>::with<router_stats>>;

struct query_router_options {
  std::vector<coarse_ranker_actor> shards;
  std::optional<gpu_batcher_actor> batcher;   // none: bm25 mode only
  reranker_actor reranker;
  uint32_t candidates = 100;                  // BM25 candidates handed to the reranker
  query_mode default_mode = query_mode::hybrid;
  std::string default_class = "interactive";
  std::map<std::string, uint64_t> class_timeout_ms;  // every configured class
  std::chrono::milliseconds stage_timeout{5000};     // coarse, rerank, fetch requests
};

query_router_actor spawn_query_router(caf::actor_system& sys, query_router_options options);

}  // namespace winnow::actors

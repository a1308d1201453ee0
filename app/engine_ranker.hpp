#pragma once
// A query_ranker over the actor engine: `winnow search` and `winnow eval`
// rank through query_router (BM25 on every shard + encoding → rerank), in
// the requested mode. Queries whose encoding missed the deadline come back
// degraded (BM25 order); degraded_count() says how many, so that an
// evaluation can report it instead of hiding it.

#include <atomic>
#include <cstdint>

#include "actors/engine.hpp"
#include "app/query_ranker.hpp"

namespace winnow::app {

class engine_ranker final : public query_ranker {
 public:
  // `e` must outlive the ranker. budget_ms 0 = the class's timeout.
  engine_ranker(actors::engine& e, ranking_mode mode, uint32_t budget_ms = 0)
      : engine_(e), mode_(mode), budget_ms_(budget_ms) {}

  status_or<std::vector<index::hit>> rank(std::string_view query, size_t k) const override;
  // The full response (titles, snippets, stage timings) for `winnow search`.
  status_or<actors::search_result> search(std::string_view query, size_t k) const;

  uint64_t degraded_count() const { return degraded_.load(); }

 private:
  actors::engine& engine_;
  ranking_mode mode_;
  uint32_t budget_ms_;
  mutable std::atomic<uint64_t> degraded_{0};
};

}  // namespace winnow::app

#include "app/engine_ranker.hpp"

namespace winnow::app {

status_or<actors::search_result> engine_ranker::search(std::string_view query, size_t k) const {
  actors::search_query q;
  q.text = std::string(query);
  q.k = static_cast<uint32_t>(k);
  q.mode = static_cast<actors::query_mode>(mode_);  // same order: bm25, dense, hybrid
  q.budget_ms = budget_ms_;
  WINNOW_ASSIGN_OR_RETURN(auto r, engine_.search(std::move(q)));
  if (r.degraded) ++degraded_;
  return r;
}

status_or<std::vector<index::hit>> engine_ranker::rank(std::string_view query, size_t k) const {
  WINNOW_ASSIGN_OR_RETURN(auto r, search(query, k));
  std::vector<index::hit> out;
  out.reserve(r.hits.size());
  for (const auto& h : r.hits) out.push_back(index::hit{h.id, static_cast<float>(h.score)});
  return out;
}

}  // namespace winnow::app

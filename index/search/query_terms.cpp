#include "index/search/query_terms.hpp"

#include <unordered_map>

namespace winnow::index {

std::vector<query_term> collapse_query_terms(const std::vector<std::string>& analyzed) {
  std::vector<query_term> out;
  std::unordered_map<std::string_view, size_t> pos;  // views of `analyzed`
  for (const auto& t : analyzed) {
    auto [it, inserted] = pos.try_emplace(t, out.size());
    if (inserted) out.push_back({t, 1, 0});
    else ++out[it->second].qtf;
  }
  return out;
}

void weigh_query_terms(const bm25_params& p, const bm25_stats& stats, std::vector<query_term>* terms) {
  const uint64_t n = stats.total_docs();
  for (auto& q : *terms) {
    const uint64_t df = stats.doc_freq(q.term);
    q.weight = df == 0 || n == 0 ? 0.f
                                 : static_cast<float>(q.qtf) * bm25_idf(n, df) * (p.k1 + 1.f);
  }
}

}  // namespace winnow::index

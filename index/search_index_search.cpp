// search_index — the read side: search and statistics.
#include <algorithm>

#include "index/search_index.hpp"
#include "index/search/max_score_scorer.hpp"
#include "index/search/query_terms.hpp"
#include "index/search/top_k_collector.hpp"
#include "index/search_index_impl.hpp"

namespace winnow::index {

namespace {

std::vector<hit> run_search(const index_snapshot& snap, std::vector<query_term> terms, size_t k,
                            const bm25_params& params, const bm25_stats& stats) {
  std::vector<hit> out;
  if (k == 0 || terms.empty() || stats.total_docs() == 0) return out;
  // The collector reserves k slots: never more than there are documents.
  uint64_t docs = 0;
  for (const auto& r : snap.readers) docs += r.seg->doc_count();
  k = static_cast<size_t>(std::min<uint64_t>(k, docs));
  if (k == 0) return out;
  weigh_query_terms(params, stats, &terms);
  const bm25_norm_table norms = make_bm25_norm_table(
      params, static_cast<double>(stats.total_tokens()) / static_cast<double>(stats.total_docs()));
  top_k_collector collector(k);
  for (const auto& r : snap.readers) max_score_search(r, terms, norms, &collector);
  for (const auto& d : collector.harvest()) out.push_back({std::string(d.id), d.score});
  return out;
}

}  // namespace

status_or<std::vector<hit>> search_index::search(std::string_view query, size_t k) const {
  WINNOW_ASSIGN_OR_RETURN(auto analyzed, impl_->analyze_query(query));
  auto snap = impl_->snapshot();
  snapshot_bm25_stats stats(*snap);
  return run_search(*snap, collapse_query_terms(analyzed), k, impl_->options_.bm25, stats);
}

status_or<std::vector<hit>> search_index::search(std::string_view query, size_t k,
                                                 const bm25_stats& stats) const {
  WINNOW_ASSIGN_OR_RETURN(auto analyzed, impl_->analyze_query(query));
  auto snap = impl_->snapshot();
  return run_search(*snap, collapse_query_terms(analyzed), k, impl_->options_.bm25, stats);
}

status_or<query_statistics> search_index::query_stats(std::string_view query) const {
  WINNOW_ASSIGN_OR_RETURN(auto analyzed, impl_->analyze_query(query));
  auto snap = impl_->snapshot();
  snapshot_bm25_stats stats(*snap);
  query_statistics out;
  out.total_docs = stats.total_docs();
  out.total_tokens = stats.total_tokens();
  for (const auto& q : collapse_query_terms(analyzed)) out.doc_freqs.emplace_back(q.term, stats.doc_freq(q.term));
  return out;
}

}  // namespace winnow::index

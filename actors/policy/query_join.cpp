#include "actors/policy/query_join.hpp"

#include <algorithm>

namespace winnow::actors::policy {

void add_statistics(index::query_statistics& acc, const index::query_statistics& x) {
  acc.total_docs += x.total_docs;
  acc.total_tokens += x.total_tokens;
  for (const auto& [term, df] : x.doc_freqs) {
    auto it = std::find_if(acc.doc_freqs.begin(), acc.doc_freqs.end(),
                           [&](const auto& p) { return p.first == term; });
    if (it == acc.doc_freqs.end()) {
      acc.doc_freqs.emplace_back(term, df);
    } else {
      it->second += df;
    }
  }
}

std::vector<index::hit> merge_hits(const std::vector<std::vector<index::hit>>& lists, size_t n) {
  std::vector<index::hit> all;
  for (const auto& l : lists) all.insert(all.end(), l.begin(), l.end());
  auto better = [](const index::hit& a, const index::hit& b) {
    return a.score != b.score ? a.score > b.score : a.id < b.id;
  };
  if (all.size() > n) {
    std::partial_sort(all.begin(), all.begin() + static_cast<std::ptrdiff_t>(n), all.end(), better);
    all.resize(n);
  } else {
    std::sort(all.begin(), all.end(), better);
  }
  return all;
}

bool query_join::add_stats(const index::query_statistics& s) {
  add_statistics(stats_, s);
  return ++stats_seen_ == shards_;
}

bool query_join::stats_failed(uint32_t shard) {
  mark_failed(shard);
  return ++stats_seen_ == shards_;
}

bool query_join::add_hits(uint32_t shard, std::vector<index::hit> hits) {
  if (shard < hits_.size()) hits_[shard] = std::move(hits);
  return ++hits_seen_ == shards_;
}

bool query_join::hits_failed(uint32_t shard) {
  mark_failed(shard);
  return ++hits_seen_ == shards_;
}

void query_join::mark_failed(uint32_t shard) {
  if (std::find(failed_shards_.begin(), failed_shards_.end(), shard) == failed_shards_.end()) {
    failed_shards_.push_back(shard);
    std::sort(failed_shards_.begin(), failed_shards_.end());
  }
}

}  // namespace winnow::actors::policy

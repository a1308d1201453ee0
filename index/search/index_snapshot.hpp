#pragma once
// What one search sees: an immutable list of segment readers and their
// statistics. Published by the index writer; searches hold a shared_ptr.

#include <cstdint>
#include <memory>
#include <string_view>
#include <vector>

#include "index/scoring/bm25.hpp"
#include "index/segment/segment_reader.hpp"

namespace winnow::index {

struct index_snapshot {
  std::vector<segment_reader> readers;
  uint64_t total_docs = 0;    // documents in segments, deleted ones included
  uint64_t total_tokens = 0;
};

// Local statistics of a snapshot [GLOBAL_STATS].
class snapshot_bm25_stats final : public bm25_stats {
 public:
  explicit snapshot_bm25_stats(const index_snapshot& s) : s_(s) {}
  uint64_t total_docs() const override { return s_.total_docs; }
  uint64_t total_tokens() const override { return s_.total_tokens; }
  uint64_t doc_freq(std::string_view term) const override {
    uint64_t df = 0;
    for (const auto& r : s_.readers) {
      if (const term_info* t = r.seg->find_term(term)) df += t->df;
    }
    return df;
  }

 private:
  const index_snapshot& s_;
};

}  // namespace winnow::index

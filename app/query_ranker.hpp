#pragma once
// The seam between `winnow search` / `winnow eval` and the ranking stack:
// evaluate() ranks through a query_ranker. The CLI's implementation is
// engine_ranker (the actor engine, every mode); the BM25 comparison bench
// (bench/bm25/) plugs in its own over one index and over Xapian.

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/status_or.hpp"
#include "index/search_index.hpp"

namespace winnow::app {

enum class ranking_mode { bm25, dense, hybrid };

// Parses "bm25" | "dense" | "hybrid"; anything else is invalid_argument.
status_or<ranking_mode> parse_ranking_mode(std::string_view text);
const char* to_string(ranking_mode mode);

class query_ranker {
 public:
  virtual ~query_ranker() = default;
  // The best `k` documents for `query`, best first.
  virtual status_or<std::vector<index::hit>> rank(std::string_view query, size_t k) const = 0;
};

}  // namespace winnow::app

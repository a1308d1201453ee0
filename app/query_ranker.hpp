#pragma once
// The seam between `winnow search` / `winnow eval` and the ranking stack.
// `bm25` is the coarse ranker alone; `dense` (vector search) and `hybrid`
// (BM25 top 100 re-ranked by the int8 encoder) plug in here: add a class
// implementing query_ranker and a case in make_query_ranker.

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/status_or.hpp"
#include "index/search_index.hpp"

namespace winnow::app {

enum class ranking_mode { bm25, dense, hybrid };

struct ranker_options {
  ranking_mode mode = ranking_mode::bm25;
  std::string model_dir;            // dense / hybrid: the encoder's model files
  std::string precision = "int8";   // dense / hybrid: "int8" or "fp32"
};

// Parses "bm25" | "dense" | "hybrid"; anything else is invalid_argument.
status_or<ranking_mode> parse_ranking_mode(std::string_view text);
const char* to_string(ranking_mode mode);

class query_ranker {
 public:
  virtual ~query_ranker() = default;
  // The best `k` documents for `query`, best first.
  virtual status_or<std::vector<index::hit>> rank(std::string_view query, size_t k) const = 0;
};

// REQUIRES: `index` outlives the returned ranker. Modes this build cannot
// serve yet are `unsupported` with a message naming the mode.
status_or<std::unique_ptr<query_ranker>> make_query_ranker(const index::search_index& index,
                                                           const ranker_options& options);

}  // namespace winnow::app

#pragma once
// score_fusion — the reranker's decision: how BM25 candidates and their
// cosine similarities to the query become one ranking (architecture.md §1).
//
// Modes (config [ranking]):
//   bm25    the candidates' BM25 order.
//   dense   cosine similarity to the query, best first; candidates without a
//           stored vector go after all that have one, in BM25 order.
//   hybrid  fusion of both, either
//             score: alpha * minmax(cosine) + (1 - alpha) * minmax(bm25), where
//                    minmax maps the candidates' scores onto [0, 1] (a candidate
//                    without a vector gets 0 for the dense part), or
//             rrf:   alpha / (rrf_k + dense_rank) + (1 - alpha) / (rrf_k + bm25_rank),
//                    1-based ranks; no dense term without a vector. alpha = 0.5
//                    is plain reciprocal rank fusion (scaled by 1/2).
// Ties keep the input (BM25) order, which is itself ordered by score then id,
// so results are reproducible.
//
// Plain class, no CAF; immutable after construction, so thread-safe.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/status.hpp"
#include "config/engine_config.hpp"

namespace winnow::actors::policy {

struct fusion_params {
  config::ranking_mode mode = config::ranking_mode::hybrid;
  config::fusion_kind kind = config::fusion_kind::score;
  double alpha = 0.5;    // weight of the dense side, [0, 1]
  uint32_t rrf_k = 60;   // >= 1
};

// From the validated [ranking] section (mode may be overridden per query).
fusion_params fusion_params_from(const config::ranking_section& r);

// invalid_argument naming the field when alpha is outside [0, 1] or rrf_k is 0.
status validate(const fusion_params& p);

struct fusion_candidate {
  std::string id;
  float bm25 = 0;                // the coarse score (global statistics)
  std::optional<float> cosine;   // absent when the document has no stored vector
};

struct fused_hit {
  std::string id;
  double score = 0;              // the fused score the list is ordered by
  float bm25 = 0;
  std::optional<float> cosine;
};

class score_fusion {
 public:
  // REQUIRES: validate(params).ok().
  explicit score_fusion(fusion_params params) : params_(params) {}

  // The best `k` candidates. `candidates` are in BM25 order, best first.
  std::vector<fused_hit> rank(const std::vector<fusion_candidate>& candidates, size_t k) const;

  const fusion_params& params() const { return params_; }

 private:
  fusion_params params_;
};

// Cosine similarity of two vectors of equal length (0 when either is zero or
// the lengths differ).
float cosine_similarity(const std::vector<float>& a, const std::vector<float>& b);

}  // namespace winnow::actors::policy

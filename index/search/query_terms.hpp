#pragma once
// A query as scored: its distinct analyzed terms in order of first occurrence
// (the order scores are summed in, so that every path — MaxScore and the
// exhaustive oracle in the tests — adds the same floats in the same order)
// with their BM25 weights qtf · idf · (k1 + 1).

#include <cstdint>
#include <string>
#include <vector>

#include "index/scoring/bm25.hpp"

namespace winnow::index {

struct query_term {
  std::string term;
  uint32_t qtf = 1;
  float weight = 0;  // 0 when the term is in no document
};

// Distinct terms of `analyzed`, first-occurrence order, with their counts.
std::vector<query_term> collapse_query_terms(const std::vector<std::string>& analyzed);

// Fills each weight from `stats`.
void weigh_query_terms(const bm25_params& p, const bm25_stats& stats, std::vector<query_term>* terms);

}  // namespace winnow::index

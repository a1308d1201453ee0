#pragma once
// Top-k over one segment by MaxScore (Turtle & Flood), without scoring every
// posting: query terms are ordered by their score upper bound in this
// segment (from the per-block bounds, [POSTINGS_LAYOUT]); the low-bound terms
// whose bounds together cannot reach the current top-k threshold are
// "non-essential": only documents found in the other (essential) lists are
// candidates, and non-essential lists are only probed (seek) for candidates
// that can still qualify. The threshold comes from a collector shared over
// all segments of a search, so later segments prune with it from the start.

#include <vector>

#include "index/scoring/bm25.hpp"
#include "index/search/query_terms.hpp"
#include "index/search/top_k_collector.hpp"
#include "index/segment/segment_reader.hpp"

namespace winnow::index {

// Adds the segment's qualifying documents to `collector`. A document's score
// is the sum, in `terms` order, of bm25_term_score(weight, tf, norms[code]).
void max_score_search(const segment_reader& reader, const std::vector<query_term>& terms,
                      const bm25_norm_table& norms, top_k_collector* collector);

}  // namespace winnow::index

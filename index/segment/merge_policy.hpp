#pragma once
// A log-structured (tiered) merge policy: segments are grouped into levels by
// size (level = floor(log_factor(live_docs / min_segment_docs))); when a level
// holds `merge_factor` segments they are merged into one of the next level.
// Each document is thus rewritten O(log n) times. A segment with too many
// deletes is rewritten alone to reclaim space and keep statistics honest.

#include <cstdint>
#include <vector>

#include "index/search_index.hpp"

namespace winnow::index {

struct merge_candidate {
  uint64_t id;
  uint32_t live_docs;
  uint32_t deleted_docs;
};

// Returns the ids of the segments to merge next (in the given order), or an
// empty vector when no merge is due. Pure function of its inputs.
std::vector<uint64_t> pick_merge(const std::vector<merge_candidate>& segments, const merge_options& o);

}  // namespace winnow::index

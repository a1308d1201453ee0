#include "index/segment/merge_policy.hpp"

#include <algorithm>
#include <map>

namespace winnow::index {

std::vector<uint64_t> pick_merge(const std::vector<merge_candidate>& segments, const merge_options& o) {
  const uint32_t factor = std::max<uint32_t>(o.merge_factor, 2);
  const uint32_t floor_docs = std::max<uint32_t>(o.min_segment_docs, 1);
  std::map<uint32_t, std::vector<uint64_t>> levels;
  for (const auto& s : segments) {
    const uint32_t total = s.live_docs + s.deleted_docs;
    if (total > 0 && s.deleted_docs > o.max_deleted_fraction * total) return {s.id};
    uint64_t size = std::max(s.live_docs, floor_docs) / floor_docs;
    uint32_t level = 0;
    while (size >= factor) {
      size /= factor;
      ++level;
    }
    levels[level].push_back(s.id);
  }
  for (const auto& [level, ids] : levels) {
    if (ids.size() >= factor) return std::vector<uint64_t>(ids.begin(), ids.begin() + factor);
  }
  return {};
}

}  // namespace winnow::index

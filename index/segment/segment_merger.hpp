#pragma once

#include <string>
#include <vector>

#include "index/segment/segment_reader.hpp"

namespace winnow::index {

// Serializes the live documents of `inputs` (in input order, each segment's
// docs in local order) as one new segment; deleted documents are dropped.
// Returns an empty string when no live document is left.
std::string merge_segments(const std::vector<segment_reader>& inputs);

}  // namespace winnow::index

#pragma once
// A segment plus the deletes that apply to it: what a search snapshot holds.

#include <memory>

#include "index/segment/live_docs.hpp"
#include "index/segment/segment.hpp"

namespace winnow::index {

struct segment_reader {
  std::shared_ptr<const segment> seg;
  std::shared_ptr<const live_docs> deletes;  // nullptr: nothing deleted

  bool is_deleted(uint32_t doc) const { return deletes && deletes->is_deleted(doc); }
  uint32_t live_count() const { return seg->doc_count() - (deletes ? deletes->deleted_count() : 0); }
};

}  // namespace winnow::index

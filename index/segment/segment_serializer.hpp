#pragma once
// Writes a segment [SEGMENT_LAYOUT]: documents first, then terms in ascending
// order, then finish(). Used by the segment writer and by merges.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace winnow::index {

class segment_serializer {
 public:
  segment_serializer() = default;
  segment_serializer(const segment_serializer&) = delete;
  segment_serializer& operator=(const segment_serializer&) = delete;

  // REQUIRES: before any add_term(); local doc ids are assigned in call order.
  void add_doc(std::string_view id, uint32_t length);
  // REQUIRES: terms strictly ascending; n > 0; docs strictly ascending local ids.
  void add_term(std::string_view term, const uint32_t* docs, const uint32_t* tfs, uint32_t n);
  // The segment bytes. The serializer is spent afterwards.
  std::string finish();

  uint32_t doc_count() const { return static_cast<uint32_t>(norms_.size()); }

 private:
  std::string ids_, lengths_, dict_, postings_;
  std::vector<uint8_t> norms_;
  uint64_t total_tokens_ = 0, total_postings_ = 0;
  uint32_t term_count_ = 0;
  uint64_t last_postings_offset_ = 0;
  std::string last_term_;
};

}  // namespace winnow::index

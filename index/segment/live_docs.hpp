#pragma once
// Which documents of a segment are deleted: a bitmap (bit set = deleted).
// Copy-on-write by the index writer: a published live_docs is never changed.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/status_or.hpp"

namespace winnow::index {

class live_docs {
 public:
  explicit live_docs(uint32_t doc_count) : doc_count_(doc_count), bits_((doc_count + 63) / 64, 0) {}

  bool is_deleted(uint32_t doc) const { return (bits_[doc >> 6] >> (doc & 63)) & 1; }
  // Returns true when the document was live before.
  bool mark_deleted(uint32_t doc) {
    uint64_t& w = bits_[doc >> 6];
    const uint64_t m = 1ull << (doc & 63);
    if (w & m) return false;
    w |= m;
    ++deleted_;
    return true;
  }
  uint32_t deleted_count() const { return deleted_; }
  uint32_t doc_count() const { return doc_count_; }

  std::string serialize() const;
  // corruption naming `name` when the size does not match doc_count.
  static status_or<live_docs> parse(std::string_view bytes, uint32_t doc_count, std::string_view name);

 private:
  uint32_t doc_count_;
  uint32_t deleted_ = 0;
  std::vector<uint64_t> bits_;
};

}  // namespace winnow::index

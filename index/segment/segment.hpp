#pragma once
// An immutable segment [SEGMENT_LAYOUT] loaded into memory: term dictionary,
// postings, document lengths/norms and external ids. Doc ids are local,
// in [0, doc_count()). Thread-safe (read-only after parse).

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "common/status_or.hpp"
#include "index/postings/postings_iterator.hpp"

namespace winnow::index {

struct term_info {
  uint64_t offset = 0;  // of the term's postings, from the start of the segment bytes
  uint32_t df = 0;
};

class segment {
 public:
  segment(const segment&) = delete;
  segment& operator=(const segment&) = delete;

  // Validates and indexes `bytes`; corruption naming `name` when they do not
  // form a segment (bad magic/version/checksum, offsets out of range).
  static status_or<std::shared_ptr<const segment>> parse(uint64_t id, std::string_view name,
                                                         std::string bytes);

  uint64_t id() const { return id_; }
  uint32_t doc_count() const { return static_cast<uint32_t>(ids_.size()); }
  uint32_t term_count() const { return static_cast<uint32_t>(terms_.size()); }
  uint64_t total_tokens() const { return total_tokens_; }
  uint64_t total_postings() const { return total_postings_; }
  size_t byte_size() const { return bytes_.size(); }

  // nullptr when the term is absent.
  const term_info* find_term(std::string_view term) const {
    auto it = dict_.find(term);
    return it == dict_.end() ? nullptr : &it->second;
  }
  // Terms in ascending byte order.
  const std::vector<std::pair<std::string_view, term_info>>& terms() const { return terms_; }
  postings_iterator postings(const term_info& t) const {
    return postings_iterator(reinterpret_cast<const uint8_t*>(bytes_.data()) + t.offset, t.df);
  }

  std::string_view external_id(uint32_t doc) const { return ids_[doc]; }
  std::optional<uint32_t> find_doc(std::string_view id) const {
    auto it = id_map_.find(id);
    if (it == id_map_.end()) return std::nullopt;
    return it->second;
  }
  uint32_t length(uint32_t doc) const { return lengths_[doc]; }
  const uint8_t* norms() const { return norms_.data(); }

 private:
  segment() = default;

  uint64_t id_ = 0;
  std::string bytes_;
  uint64_t total_tokens_ = 0, total_postings_ = 0;
  std::vector<std::string_view> ids_;  // views into bytes_
  std::unordered_map<std::string_view, uint32_t> id_map_;
  std::vector<uint32_t> lengths_;
  std::vector<uint8_t> norms_;
  std::vector<std::pair<std::string_view, term_info>> terms_;
  std::unordered_map<std::string_view, term_info> dict_;
};

}  // namespace winnow::index

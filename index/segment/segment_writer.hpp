#pragma once
// The in-memory write buffer of a shard: analyzed documents accumulate here
// until finish() serializes them as one segment. Not thread-safe (the index
// writer owns it).

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace winnow::index {

class segment_writer {
 public:
  segment_writer() = default;
  segment_writer(const segment_writer&) = delete;
  segment_writer& operator=(const segment_writer&) = delete;

  // Adds a document with its analyzed terms; an earlier buffered document
  // with the same id is dropped first.
  void add(std::string_view id, const std::vector<std::string>& terms);
  // Drops a buffered document; returns false when it is not buffered.
  bool remove(std::string_view id);

  uint32_t live_docs() const { return live_; }
  bool empty() const { return live_ == 0; }
  // A rough estimate of the memory held, in bytes (drives auto-flush).
  uint64_t estimated_bytes() const { return estimated_bytes_; }

  // Drops everything buffered (live and dropped documents alike).
  void clear();

  // Serializes the live documents (in insertion order) as a segment and
  // appends their ids to *ids. The writer is empty afterwards.
  std::string finish(std::vector<std::string>* ids);

 private:
  struct term_postings {
    std::vector<uint32_t> docs;
    std::vector<uint32_t> tfs;
  };
  std::unordered_map<std::string, uint32_t> term_ids_;
  std::vector<std::string_view> term_names_;  // views of term_ids_ keys (stable in a node map)
  std::vector<term_postings> postings_;
  std::vector<std::string> ids_;
  std::vector<uint32_t> lengths_;
  std::vector<bool> dead_;
  std::unordered_map<std::string, uint32_t> id_map_;  // live buffered docs
  uint32_t live_ = 0;
  uint64_t estimated_bytes_ = 0;
  std::vector<uint32_t> scratch_;
};

}  // namespace winnow::index

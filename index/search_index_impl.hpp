#pragma once
// Internal: the state behind search_index (split over search_index.cpp,
// search_index_write.cpp and search_index_search.cpp).

#include <atomic>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_set>
#include <vector>

#include "index/analyzer/analyzer.hpp"
#include "index/search/index_snapshot.hpp"
#include "index/search_index.hpp"
#include "index/segment/live_docs.hpp"
#include "index/segment/segment_writer.hpp"
#include "storage/index_manifest.hpp"

namespace winnow::index {

class search_index::impl {
 public:
  impl(storage::db& db, index_options o) : db_(db), options_(std::move(o)) {}

  std::string segment_key(uint64_t id) const;
  std::string deletes_key(uint64_t id) const;
  std::string manifest_key() const;

  // Writer side. REQUIRES: writer_mu_ held.
  status flush_locked();
  status merge_locked(const std::vector<uint64_t>& ids);
  void publish_locked();

  // Query analyzers: libstemmer is not thread-safe, so each concurrent search
  // borrows its own analyzer from a small pool.
  std::unique_ptr<analyzer> borrow_analyzer() const;
  void return_analyzer(std::unique_ptr<analyzer> a) const;
  status_or<std::vector<std::string>> analyze_query(std::string_view query) const;

  std::shared_ptr<const index_snapshot> snapshot() const {
    std::lock_guard<std::mutex> l(snapshot_mu_);
    return snapshot_;
  }

  storage::db& db_;
  index_options options_;

  std::mutex writer_mu_;
  std::unique_ptr<analyzer> writer_analyzer_;
  segment_writer buffer_;
  std::atomic<uint64_t> buffered_docs_{0};  // buffer_.live_docs(), readable without writer_mu_
  std::unordered_set<std::string> pending_deletes_;   // ids to delete from persisted segments
  std::vector<std::string> pending_absorbed_;         // ids whose deleted marker the next commit clears
  storage::index_manifest manifest_;
  std::vector<segment_reader> readers_;               // the writer's current view (= published)

  mutable std::mutex snapshot_mu_;
  std::shared_ptr<const index_snapshot> snapshot_;

  mutable std::mutex pool_mu_;
  mutable std::vector<std::unique_ptr<analyzer>> pool_;
};

}  // namespace winnow::index

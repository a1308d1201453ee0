#pragma once
// query_join — the bookkeeping of one query in the query_router: the BM25
// stage (statistics from every shard, then a top-k search on every shard
// with the summed statistics [GLOBAL_STATS]) and the query's encoding run in
// parallel; this class says when the reranker may run and what it gets.
//
// [GLOBAL_STATS] decision: shards are scored with global statistics (document
// count, token count and document frequencies summed over all shards), so the
// per-shard BM25 scores are comparable and the merged top-k is the same as a
// single index over all documents would give. The price is one extra round
// trip to every shard (microseconds in one process).
//
// Deadline: the query either has its encoding by the deadline or is answered
// in BM25 order with degraded() = true. A shard that fails makes the answer
// partial() (its shard id is listed), not an error, unless every shard failed.
//
// Plain class, no CAF, not thread-safe (one router handler at a time).

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/status.hpp"
#include "index/search_index.hpp"

namespace winnow::actors::policy {

// Adds `x` into `acc` (document counts, token counts and per-term document
// frequencies; terms keep acc's order, new ones are appended).
void add_statistics(index::query_statistics& acc, const index::query_statistics& x);

// The best `n` hits of all lists by score, ties by ascending id.
std::vector<index::hit> merge_hits(const std::vector<std::vector<index::hit>>& lists, size_t n);

class query_join {
 public:
  query_join(uint32_t shards, bool wants_encoding)
      : shards_(shards), wants_encoding_(wants_encoding), hits_(shards) {}

  // ---- phase 1: statistics -------------------------------------------------
  // Returns true when this completes phase 1 (all shards answered or failed).
  bool add_stats(const index::query_statistics& s);
  bool stats_failed(uint32_t shard);
  const index::query_statistics& global_stats() const { return stats_; }

  // ---- phase 2: per-shard top-k -------------------------------------------
  // Returns true when this completes the coarse stage.
  bool add_hits(uint32_t shard, std::vector<index::hit> hits);
  bool hits_failed(uint32_t shard);
  bool coarse_done() const { return hits_seen_ == shards_; }

  // ---- encoding -----------------------------------------------------------
  void set_encoding(std::vector<float> v) { encoding_ = std::move(v); encoding_done_ = true; }
  // The encoding missed the deadline or failed: the answer will be degraded.
  void encoding_failed(status why) { encoding_error_ = std::move(why); encoding_done_ = true; }
  bool encoding_done() const { return !wants_encoding_ || encoding_done_; }

  // Both stages are in (successfully or not): rerank now.
  bool ready() const { return coarse_done() && encoding_done(); }
  // The query wanted an encoding and did not get one.
  bool degraded() const { return wants_encoding_ && encoding_done_ && !encoding_; }
  const status& encoding_error() const { return encoding_error_; }
  const std::optional<std::vector<float>>& encoding() const { return encoding_; }

  bool partial() const { return !failed_shards_.empty(); }
  bool all_shards_failed() const { return failed_shards_.size() == shards_ && shards_ > 0; }
  const std::vector<uint32_t>& failed_shards() const { return failed_shards_; }

  // The merged candidates (best `n`). REQUIRES: coarse_done().
  std::vector<index::hit> candidates(size_t n) const { return merge_hits(hits_, n); }

 private:
  void mark_failed(uint32_t shard);

  uint32_t shards_;
  bool wants_encoding_;
  uint32_t stats_seen_ = 0;
  index::query_statistics stats_;
  uint32_t hits_seen_ = 0;
  std::vector<std::vector<index::hit>> hits_;
  std::vector<uint32_t> failed_shards_;
  bool encoding_done_ = false;
  std::optional<std::vector<float>> encoding_;
  status encoding_error_;
};

}  // namespace winnow::actors::policy

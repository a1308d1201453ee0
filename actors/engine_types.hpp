#pragma once
// The plain data the engine takes and gives: queries, results, ingest acks,
// statistics. No CAF here: app/ and http/ use these through actors/engine.hpp;
// their CAF `inspect` overloads (so they can cross the network) are in
// actors/messages.hpp.

#include <cstdint>
#include <string>
#include <vector>

namespace winnow::actors {

// bm25 | dense | hybrid as in config::ranking_mode; kept as a byte so the
// message layout does not depend on config's enum.
enum class query_mode : uint8_t { bm25 = 0, dense = 1, hybrid = 2, config_default = 255 };

struct search_query {
  std::string text;
  uint32_t k = 10;
  query_mode mode = query_mode::config_default;
  std::string class_name;   // "" = the engine's default_class
  uint32_t budget_ms = 0;   // 0 = the class's timeout_ms [QUERY_DEADLINE]
};

struct result_hit {
  std::string id;
  std::string title;
  std::string snippet;
  double score = 0;      // what the list is ordered by
  float bm25 = 0;        // the coarse BM25 score (global statistics)
  float cosine = 0;      // valid when has_cosine
  bool has_cosine = false;
};

struct stage_timings {
  int64_t coarse_us = 0;
  int64_t encode_us = 0;  // queueing + device time; 0 when not encoded
  int64_t rerank_us = 0;
  int64_t fetch_us = 0;
  int64_t total_us = 0;
};

struct search_result {
  std::vector<result_hit> hits;  // best first
  stage_timings timings;
  bool degraded = false;         // encoding missed the deadline: BM25 order
  bool partial = false;          // some shards did not answer
  std::vector<uint32_t> missing_shards;
  std::string degraded_reason;   // why, when degraded
  // dense / hybrid with a model: how much of the corpus has passage vectors
  // (policy::vector_coverage), so a caller knows the dense stage saw only
  // vectors_encoded of vectors_total documents while a catalogue encodes.
  bool has_vector_counts = false;
  uint64_t vectors_encoded = 0;
  uint64_t vectors_total = 0;
};

// Per-document outcome of an ingest call: "accepted" (durable) or "rejected".
struct doc_ack {
  std::string id;
  std::string state;
  std::string error;
};

struct ingest_ack {
  std::vector<doc_ack> docs;
};

// Documents per storage state (storage::doc_state).
struct state_counts {
  uint64_t accepted = 0;
  uint64_t indexed = 0;
  uint64_t encoded = 0;
  uint64_t searchable = 0;
  uint64_t deleted = 0;
};

// A histogram as the scheduler keeps it (scheduler/fixed_histogram.hpp):
// counts[i] observations with value <= bounds[i] and > bounds[i-1]; the last
// count (counts.size() == bounds.size() + 1) is above every bound. Per bucket,
// not cumulative. Empty bounds and counts = nothing recorded.
struct histogram_snapshot {
  std::vector<double> bounds;
  std::vector<uint64_t> counts;
  double sum = 0;
};

// Batches sent to one device for one class: requests per batch and padded
// tokens per batch.
struct batch_histograms {
  std::string class_name;
  std::string device;
  histogram_snapshot size;
  histogram_snapshot tokens;
};

struct class_stats {
  std::string name;
  uint64_t queue_depth = 0;
  uint64_t enqueued = 0;
  uint64_t rejected_queue_full = 0;
  uint64_t rejected_timeout = 0;
  uint64_t rejected_late = 0;  // refused on arrival: would have missed its deadline
  uint64_t demoted_out = 0;
  uint64_t requeued = 0;
  uint64_t sent_batches = 0;
  uint64_t sent_requests = 0;
  double device_seconds = 0;
  double cost_usd = 0;
  histogram_snapshot queue_wait_seconds;  // enqueue → batch start, per sent request
};

struct device_stats {
  std::string name;
  std::string backend;
  std::string state;       // up | draining | down | left
  uint64_t batches = 0;
  uint64_t failures = 0;
  double device_seconds = 0;
  double cost_usd = 0;
};

struct batcher_stats {
  std::vector<class_stats> classes;
  std::vector<device_stats> devices;
  uint64_t in_flight_batches = 0;
  std::vector<batch_histograms> batches;  // one per (class, device)
};

struct router_stats {
  uint64_t queries = 0;
  uint64_t degraded = 0;   // answered in BM25 order because encoding missed the deadline
  uint64_t partial = 0;
  uint64_t failed = 0;
};

struct ingest_stats {
  uint64_t accepted_total = 0;   // acknowledged by this process
  uint64_t pending_index = 0;    // accepted, waiting for the shard writer
  uint64_t pending_encode = 0;   // waiting for (or at) the batcher
  uint64_t encode_retries = 0;
  uint64_t recovered = 0;        // picked up again at start
  uint64_t rejected_backlog_full = 0;  // ingest calls refused: max_pending_encode reached
};

struct engine_stats {
  state_counts states;
  router_stats queries;
  ingest_stats ingest;
  batcher_stats batcher;
};

}  // namespace winnow::actors

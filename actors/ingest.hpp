#pragma once
// ingest — the write path (architecture.md §1, §4):
//   durable put_documents → ack "accepted" → the document's shard
//   (shard_of(id) % n) → encoding in the ingest class (bulk) → put_vectors.
// Storage derives each document's state from its markers: accepted →
// indexed / encoded → searchable (storage/doc_state.hpp); counts per state
// and per document are observable here. On start, recover replays what a
// crash left behind: every shard catches up from storage (documents accepted
// but not in a persisted segment), and documents without a vector are queued
// for encoding again.
//
// Spawned detached: put_documents / put_vectors are synced RocksDB writes.
// Flow control toward the batcher: actors/policy/encode_backlog.hpp.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <caf/all.hpp>

#include "actors/coarse_ranker.hpp"
#include "actors/gpu_batcher.hpp"
#include "actors/messages.hpp"
#include "actors/policy/vector_coverage.hpp"
#include "storage/db.hpp"

namespace winnow::actors {

using ingest_actor = caf::typed_actor<
    // One doc_ack per input document, in order ("accepted" or "rejected" with
    // the reason). An error means none was stored: resource_exhausted when
    // the encode backlog is full (max_pending_encode).
    caf::replies_to<ingest_atom, std::vector<storage::document>>::with<ingest_ack>,
    caf::replies_to<remove_atom, std::vector<std::string>>::with<uint64_t>,
    caf::replies_to<get_atom, std::string>::with<storage::document>,
    caf::replies_to<state_atom, std::string>::with<std::string>,
    caf::replies_to<counts_atom>::with<state_counts>,
    caf::replies_to<stats_atom>::with<ingest_stats>,
    // Crash replay; answers when the shards have caught up (encoding of the
    // replayed documents continues in the background). Replies the number of
    // documents replayed into the index plus those queued for encoding.
    caf::replies_to<recover_atom>::with<uint64_t>,
    caf::reacts_to<retry_atom>>;

struct ingest_options {
  storage::db* db = nullptr;                  // outlives the actor
  std::vector<coarse_ranker_actor> shards;
  std::optional<gpu_batcher_actor> batcher;   // none: documents are indexed, never encoded
  std::string ingest_class = "bulk";
  size_t encode_chunk = 32;                   // texts per encode request
  size_t encode_in_flight = 256;              // texts at the batcher at once
  // Documents waiting for encoding (queued + at the batcher), at most: an
  // ingest whose valid documents would exceed it is refused whole with
  // resource_exhausted (nothing stored), so the backlog stays bounded and the
  // HTTP layer answers 429. Only with a batcher (without one nothing waits).
  size_t max_pending_encode = 100000;
  std::chrono::milliseconds retry_delay{250};
  // Kept up to date as documents are stored, encoded and deleted (counted
  // from storage at recovery); searches read it. Optional.
  std::shared_ptr<policy::vector_coverage> coverage;
};

ingest_actor spawn_ingest(caf::actor_system& sys, ingest_options options);

}  // namespace winnow::actors

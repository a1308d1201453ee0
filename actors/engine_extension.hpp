#pragma once
// engine_extension — the one extension point of actors::engine for code that
// changes how the engine's actors are wired without editing the engine: the
// cluster node (actors/cluster/cluster_node.hpp) uses it to load CAF's network
// modules, to open only the shards this node owns, to hand the router and
// ingest stand-ins for remote coarse_rankers and gpu_batchers, and to put a
// gate in front of ingest. engine::open() calls the hooks in this order:
//
//   configure(cfg)            before the actor system exists
//   local_shard(s)            for each shard id: open an index + coarse_ranker here?
//   wire(sys, db, shards, b)  after the local actors exist, before router/ingest
//   wrap_ingest(sys, ingest)  after ingest is spawned, before crash replay
//   stop()                    first thing when the engine shuts down
//
// Errors from configure/wire fail engine::open with that status. Every actor
// the extension spawns (and every local actor handed to it that the engine no
// longer references) is the extension's to stop in stop().

#include <cstdint>
#include <optional>
#include <vector>

#include <caf/all.hpp>

#include "actors/coarse_ranker.hpp"
#include "actors/gpu_batcher.hpp"
#include "actors/ingest.hpp"
#include "common/status.hpp"
#include "common/status_or.hpp"
#include "storage/db.hpp"

namespace winnow::actors {

// What the router and ingest use: one handle per shard id (size = [engine]
// shards) and the batcher (none: bm25 only).
struct engine_wiring {
  std::vector<coarse_ranker_actor> shards;
  std::optional<gpu_batcher_actor> batcher;
};

class engine_extension {
 public:
  virtual ~engine_extension() = default;

  virtual status configure(caf::actor_system_config& cfg) = 0;
  virtual bool local_shard(uint32_t shard) const = 0;
  // `local_shards` has one entry per shard id, null where local_shard() was false.
  virtual status_or<engine_wiring> wire(caf::actor_system& sys, storage::db& db,
                                        const std::vector<coarse_ranker_actor>& local_shards,
                                        const std::optional<gpu_batcher_actor>& local_batcher) = 0;
  virtual ingest_actor wrap_ingest(caf::actor_system& sys, ingest_actor inner) = 0;
  virtual void stop() = 0;
};

}  // namespace winnow::actors

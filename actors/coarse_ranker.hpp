#pragma once
// coarse_ranker — one BM25 shard (architecture.md §1). Searches run on the
// shared scheduler threads against the index's immutable snapshots; writes
// (add / remove / crash replay), which do synced RocksDB commits, are
// delegated to the shard's detached shard_writer, so that a bulk ingest never
// holds a query behind a disk write (search_index allows one writer
// concurrently with searches).
//
// Scoring uses global statistics [GLOBAL_STATS] (actors/policy/query_join.hpp):
// the router first asks every shard for qstats, sums them, and passes the sum
// with search.

#include <cstdint>
#include <string>
#include <vector>

#include <caf/all.hpp>

#include "actors/messages.hpp"
#include "index/search_index.hpp"

namespace winnow::actors {

using shard_writer_actor = caf::typed_actor<
    // Adds and flushes (visible to search when answered); replies the count.
    caf::replies_to<add_atom, std::vector<storage::document>>::with<uint64_t>,
    caf::replies_to<remove_atom, std::vector<std::string>>::with<uint64_t>,
    // Crash replay of this shard (shard id, shard count); replies the count.
    caf::replies_to<recover_atom, uint32_t, uint32_t>::with<uint64_t>>;

using coarse_ranker_actor = caf::typed_actor<
    caf::replies_to<qstats_atom, std::string>::with<index::query_statistics>,
    caf::replies_to<search_atom, std::string, uint32_t, index::query_statistics>::with<
        std::vector<index::hit>>,
    caf::replies_to<add_atom, std::vector<storage::document>>::with<uint64_t>,
    caf::replies_to<remove_atom, std::vector<std::string>>::with<uint64_t>,
    caf::replies_to<recover_atom, uint32_t, uint32_t>::with<uint64_t>>;

// REQUIRES: `index` outlives the actors (the engine stops them first).
coarse_ranker_actor spawn_coarse_ranker(caf::actor_system& sys, index::search_index* index);

}  // namespace winnow::actors

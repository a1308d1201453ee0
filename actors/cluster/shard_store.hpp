#pragma once
// shard_store — the write path of a shard on a shard node. The frontend keeps
// the document store that answers fetches; a shard node keeps its own copy of
// the documents of its shards, because search_index::add requires them in
// the index's db and its crash replay (catch_up) reads them from there. So
// add = put_documents (synced) then the coarse_ranker's add; remove =
// delete_documents then the ranker's remove; everything else goes to the
// ranker unchanged. Spawned detached (synced RocksDB writes).

#include <caf/all.hpp>

#include "actors/coarse_ranker.hpp"
#include "storage/db.hpp"

namespace winnow::actors::cluster {

// REQUIRES: `db` outlives the actor.
coarse_ranker_actor spawn_shard_store(caf::actor_system& sys, storage::db* db,
                                      coarse_ranker_actor ranker);

}  // namespace winnow::actors::cluster

#pragma once
// shard_slot — the router's and ingest's handle for one shard id on a node
// that does not own it: it speaks coarse_ranker_actor, and forwards each
// request to the owning node's coarse_ranker (searches) or shard store
// (writes) through CAF proxies, so the router treats local and remote shards
// alike. While the owner is unreachable every request fails at once with
// `unavailable` naming the shard and the node (the router then answers
// partial = true with this shard missing); when the node watcher sees the
// owner go down, requests in flight fail at once instead of waiting for
// their timeout — except adds: documents already accepted (durable at the
// frontend) whose add was in flight are parked and sent again when the owner
// is back, so a shard node lost mid-ingest loses no accepted document (the
// ingest gate refuses new ones for it meanwhile).

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include <caf/all.hpp>

#include "actors/cluster/cluster_messages.hpp"
#include "actors/cluster/cluster_view.hpp"
#include "actors/coarse_ranker.hpp"

namespace winnow::actors::cluster {

using shard_slot_actor = coarse_ranker_actor::extend<
    // The owner is reachable: (node name, ranker, store), both coarse_ranker_actor.
    caf::reacts_to<attach_atom, std::string, caf::actor, caf::actor>,
    // The owner is gone (reason for the error text).
    caf::reacts_to<detach_atom, std::string>>;

struct shard_slot_options {
  uint32_t shard = 0;
  std::shared_ptr<cluster_view> view;  // set_up() on attach/detach
  std::chrono::milliseconds search_timeout{10000};
  std::chrono::milliseconds write_timeout{120000};
};

shard_slot_actor spawn_shard_slot(caf::actor_system& sys, shard_slot_options options);

}  // namespace winnow::actors::cluster

#pragma once
// The cluster's own messages (on top of actors/messages.hpp): what a node's
// published agent tells a peer about itself, and the control messages between
// the node watcher and the local stand-ins (shard_slot, gpu_dispatcher).
// register_cluster_types() must run on every node's actor_system_config, after
// register_message_types() (the names are the wire contract).

#include <cstdint>
#include <string>
#include <vector>

#include <caf/all.hpp>

#include "actors/messages.hpp"

namespace winnow::actors::cluster {

using node_atom = caf::atom_constant<caf::atom("node")>;
using attach_atom = caf::atom_constant<caf::atom("attach")>;
using detach_atom = caf::atom_constant<caf::atom("detach")>;

// A node's published actors. `rankers[i]` / `stores[i]` serve shard
// `shard_ids[i]`: searches go to the ranker, writes to the store (which puts
// documents into the node's own storage before indexing them).
struct node_info {
  std::string name;
  std::vector<uint32_t> shard_ids;
  std::vector<caf::actor> rankers;  // coarse_ranker_actor
  std::vector<caf::actor> stores;   // coarse_ranker_actor (write path)
  caf::actor batcher;               // gpu_batcher_actor, or null
  std::vector<uint8_t> tiers;       // config::device_tier of the node's devices
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, node_info& x) {
  return f(caf::meta::type_name("node_info"), x.name, x.shard_ids, x.rankers, x.stores, x.batcher,
           x.tiers);
}

// Published on every node (one per port): a peer connects, asks `node`, then
// monitors this actor as the node's liveness proxy.
using node_agent_actor = caf::typed_actor<caf::replies_to<node_atom>::with<node_info>>;

void register_cluster_types(caf::actor_system_config& cfg);

}  // namespace winnow::actors::cluster

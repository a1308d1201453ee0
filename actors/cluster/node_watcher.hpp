#pragma once
// node_watcher — the frontend's view of its peers (architecture.md §5). For
// every shard or gpu node of [cluster] it connects through the middleman
// actor (a request with a timeout, never the unbounded blocking
// remote_actor), asks the node's published agent what it serves, attaches the
// shard slots and the gpu dispatcher to the remote actors, and monitors the
// agent: one proxy per peer. With the middleman's heartbeat and connection
// timeout on, a killed peer (TCP reset) and a frozen or cut-off one (no
// traffic for connection_timeout_ms) both end in a down_msg; the watcher then
// detaches the slots (queries become partial, ingest for those shards is
// refused) and the dispatcher (the node's GPU work is re-queued), logs the
// loss, and keeps reconnecting every retry_delay until the node is back,
// when it is attached again — without restarting anything else.
//
// Every connection state change is one line on the log (stderr).

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <caf/all.hpp>
#include <caf/io/middleman_actor.hpp>

#include "actors/cluster/gpu_dispatcher.hpp"
#include "actors/cluster/shard_slot.hpp"
#include "config/engine_config.hpp"

namespace winnow::actors::cluster {

struct node_watcher_options {
  std::vector<config::node_config> peers;
  caf::io::middleman_actor middleman;           // plain or OpenSSL
  std::vector<shard_slot_actor> slots;          // by shard id
  std::optional<gpu_dispatcher_actor> dispatcher;
  std::chrono::milliseconds connect_timeout{2000};
  std::chrono::milliseconds retry_delay{500};
  bool tls = false;
  std::function<void(const std::string&)> log;
};

// get → how many peers have had their first connection attempt settled
// (connected or failed), so start-up can wait for the first round.
using node_watcher_actor = caf::typed_actor<caf::replies_to<get_atom>::with<uint32_t>,
                                            caf::reacts_to<retry_atom, uint32_t>>;

node_watcher_actor spawn_node_watcher(caf::actor_system& sys, node_watcher_options options);

}  // namespace winnow::actors::cluster

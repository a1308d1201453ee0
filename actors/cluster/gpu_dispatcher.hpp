#pragma once
// gpu_dispatcher — the frontend's gpu_batcher_actor: the router and ingest
// send encode requests here exactly as to a local gpu_batcher, and the
// dispatcher hands each request to one gpu node's batcher (a CAF proxy, or
// the frontend's own batcher when it has the "gpu" role):
//   * the right tier for the request's class (its preferred_tier) first, any
//     tier otherwise;
//   * among those, the least loaded: fewest texts this dispatcher has in
//     flight there (its own view; remote queues are not polled per request);
//   * a request whose node is lost (detach from the node watcher, or an
//     `unavailable` error) is sent again to another node, or waits for one
//     to come back: nothing is dropped. Replies of a superseded attempt are
//     ignored. A request with a budget still fails with deadline_exceeded
//     once its budget is spent.

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include <caf/all.hpp>

#include "actors/cluster/cluster_messages.hpp"
#include "actors/gpu_batcher.hpp"
#include "config/engine_config.hpp"

namespace winnow::actors::cluster {

using gpu_dispatcher_actor = gpu_batcher_actor::extend<
    // A gpu node is reachable: (node name, gpu_batcher_actor, its device tiers).
    caf::reacts_to<attach_atom, std::string, caf::actor, std::vector<uint8_t>>,
    // A gpu node is gone: (node name, reason).
    caf::reacts_to<detach_atom, std::string, std::string>,
    // Internal: dispatch request `id` again (after a lost attempt).
    caf::reacts_to<retry_atom, uint64_t>>;

struct gpu_dispatcher_options {
  std::map<std::string, config::device_tier> class_tier;  // every configured class
  // Bound on one attempt of a request without a budget (ingest work); a
  // timed-out attempt is re-queued like a lost node's.
  std::chrono::milliseconds attempt_timeout{120000};
  // Pause before a lost attempt is sent again (the watcher may not have
  // noticed the node's loss yet; this avoids a tight retry loop).
  std::chrono::milliseconds retry_delay{200};
  // Told how many requests a lost node's loss re-queued (may be empty).
  std::function<void(const std::string&)> log;
};

gpu_dispatcher_actor spawn_gpu_dispatcher(caf::actor_system& sys, gpu_dispatcher_options options);

}  // namespace winnow::actors::cluster

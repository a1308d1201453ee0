#pragma once
// gpu_batcher — dynamic batching over the device pool (architecture.md §3).
// Wiring only: the decisions are scheduler::batch_former's (token budgets,
// length buckets, class priorities, device tiers, timeouts, failure
// re-queue, cost charging). On every event (encode request, device result,
// device failure, timer tick) the batcher calls next(now) until it says
// wait or idle, sends each batch to its device worker, arms one delayed tick
// tagged with a generation counter (stale ticks are ignored: CAF 0.17 cannot
// cancel a delayed_send), and answers callers whose requests were rejected.
//
// A failed batch marks its device down (batch_former re-queues the batch,
// nothing lost); after `readmit_delay` its worker runs a health probe
// (device_runner::probe: backend and weights rebuilt) and the device is
// re-admitted only if that passes, else probed again after a delay that
// doubles with each failed probe (at most 128 x readmit_delay).

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include <caf/all.hpp>

#include "actors/device_worker.hpp"
#include "actors/messages.hpp"
#include "config/engine_config.hpp"
#include "model/tokenizer.hpp"

namespace winnow::actors {

using gpu_batcher_actor = caf::typed_actor<
    // One unit vector per text, in order; an error fails the whole request:
    // invalid_argument (unknown class), resource_exhausted (queue full),
    // deadline_exceeded (timed out in the queue, on_timeout = reject).
    caf::replies_to<encode_atom, encode_request>::with<embedding_batch>,
    caf::reacts_to<tick_atom, uint64_t>,
    caf::reacts_to<readmit_atom, uint32_t>,
    // Fault injection: the named device's next batch fails.
    caf::reacts_to<fail_atom, std::string>,
    caf::replies_to<stats_atom>::with<batcher_stats>>;

struct gpu_batcher_options {
  std::vector<config::class_config> classes;
  std::vector<config::device_config> devices;   // same order as `workers`
  std::vector<device_worker_actor> workers;
  std::shared_ptr<const model::tokenizer> tokenizer;
  int max_tokens = 256;                         // per text, incl. [CLS]/[SEP]
  std::chrono::milliseconds readmit_delay{200};
};

gpu_batcher_actor spawn_gpu_batcher(caf::actor_system& sys, gpu_batcher_options options);

}  // namespace winnow::actors

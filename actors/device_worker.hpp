#pragma once
// device_worker — one device of the pool (CPU, CUDA, or simulated), owning a
// device_runner. Spawned detached: run() blocks on compute (and, for
// simulated devices, on the simulated card's timing) [SIM_DEVICE].
// A failed batch is answered with an error; the gpu_batcher then marks the
// device down and re-queues the batch, and before re-admitting it asks for a
// health probe (device_runner::probe: backend and weights rebuilt), answered
// with the runner's rebuild count or the probe's error.

#include <memory>

#include <caf/all.hpp>

#include "actors/device_runner.hpp"
#include "actors/messages.hpp"

namespace winnow::actors {

using device_worker_actor = caf::typed_actor<
    caf::replies_to<batch_atom, token_batch>::with<embedding_batch>,
    // Fault injection (tests, drills): the next batch fails with device_error.
    caf::reacts_to<fail_atom>,
    caf::replies_to<probe_atom>::with<uint64_t>>;

device_worker_actor spawn_device_worker(caf::actor_system& sys,
                                        std::shared_ptr<device_runner> runner);

}  // namespace winnow::actors

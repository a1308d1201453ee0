#pragma once
// device_runner — what one device worker owns and does: a kernels backend
// (made by kernels::make_backend: "cpu" or "cuda:N"), the encoder whose int8
// weights live in that backend's memory, and, for a "sim:" device, the simulated card's
// timing model [SIM_DEVICE]: the CPU encoder computes the vectors, then run()
// waits until the simulated card would have finished the batch, so callers
// see that card's latency (the vectors are real; only the speed is modelled).
//
// Plain class, no CAF. run() blocks (compute, and for sim devices sleeps);
// the device worker actor that owns it is spawned detached. One thread at a
// time (the backend's rule).

#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

#include "common/status_or.hpp"
#include "config/engine_config.hpp"
#include "kernels/backend.hpp"
#include "model/encoder.hpp"
#include "scheduler/simulated_device.hpp"

namespace winnow::actors {

class device_runner {
 public:
  device_runner(const device_runner&) = delete;
  device_runner& operator=(const device_runner&) = delete;
  ~device_runner();

  // Loads the model onto the device. cpu and sim:* use the CPU backend
  // (device.threads threads, 0 = 1); cuda:N runs on CUDA device N or fails
  // (docs/gpu.md: no silent CPU stand-in): without a GPU, or in a build
  // without CUDA, the error is unavailable and says why. A CUDA device is
  // then timed on a fixed workload (which also builds its cuBLASLt plans)
  // and device().tokens_per_s is the measured speed, the scheduler's start
  // value. Errors name the device and the model file.
  static status_or<std::unique_ptr<device_runner>> open(const config::device_config& device,
                                                        const config::model_section& model);

  // The health probe before a failed device is re-admitted: drops the
  // encoder and the backend (a faulted CUDA context cannot be trusted, and
  // the weight buffers belonged to it), then builds both again and runs one
  // sequence through them. ok: the device can take batches. Any error: it
  // stays down (the caller probes again later). Old weights are freed before
  // the old backend, new ones live in the new backend only. The precision
  // decided at open (int8 quality gate) is kept; the gate is not rerun.
  status probe();

  // Encodes `sequences` synthetic sequences of `tokens` tokens once to warm
  // up, then `runs` times; returns padded tokens per second.
  status_or<double> measure_tokens_per_s(int sequences, int tokens, int runs);
  // Encodes one text per query bucket twice (CUDA devices, at start-up and
  // after a health probe): the query path's CUDA graphs are then captured.
  status warm_query_path();

  // How many times probe() rebuilt the backend and weights (tests, stats).
  uint64_t rebuilds() const { return rebuilds_; }

  // Encodes the sequences (token ids with [CLS]/[SEP]); one unit vector each.
  // A device fault is device_error; so is an injected fault (fail_next()).
  status_or<std::vector<std::vector<float>>> run(const std::vector<model::token_ids>& batch);

  // The outcome of applying the device's os_nice to the threads that compute
  // its batches (done in the first run(), on the worker thread): ok before
  // that, when os_nice is 0, or when it was applied. A failure is printed
  // once to stderr and the device keeps running at normal priority.
  const status& os_priority() const { return os_priority_; }

  // Fault injection for tests and drills: the next run() fails with
  // device_error without computing anything.
  void fail_next() { fail_next_ = true; }

  const config::device_config& device() const { return device_; }
  const model::encoder& encoder() const { return *encoder_; }

 private:
  device_runner() = default;
  status load();  // (re)builds backend_ and encoder_ for device_ / model_

  config::device_config device_;
  config::model_section model_;
  std::unique_ptr<kernels::backend> backend_;  // declared before encoder_: outlives it
  std::unique_ptr<model::encoder> encoder_;
  std::optional<scheduler::simulated_device> sim_;
  bool fail_next_ = false;
  uint64_t rebuilds_ = 0;
  std::optional<model::precision> settled_;  // the first load's precision decision
  bool os_priority_applied_ = false;
  status os_priority_;
};

}  // namespace winnow::actors

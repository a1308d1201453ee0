#pragma once
// The set of devices the encoder runs on, with what the scheduler needs to
// choose among them: tier, free memory, measured speed and health
// (architecture.md §3). A plain class: no threads, no CAF; the device actors
// and the GPU batcher drive it.
//
// Lifecycle of a device: add_device() builds its backend through a factory
// and calibrates it (a caller-supplied workload, timed with the injected
// clock) -> up. A call that fails with device_error marks it down and hands
// back every work item in flight on it, the failed one included, so the
// caller re-queues them: work is never dropped. probe() rebuilds the backend
// (a lost CUDA context is unusable) and recalibrates; success brings the
// device back up.
//
// Thread-safety: all methods may be called from any thread; the pool's state
// is guarded by one mutex that is never held while a backend runs. A backend
// itself still serves one thread at a time: callers serialize work per device
// (one device actor per device).

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "common/clock.hpp"
#include "common/status_or.hpp"
#include "kernels/backend.hpp"

namespace winnow::kernels {

enum class device_tier : uint8_t {
  cpu,
  a100_class,     // sm_80
  rtx4090_class,  // sm_89
  h100_class,     // sm_90 (H100, H200)
  other_gpu,      // any other compute capability: usable, not profiled
};
const char* to_string(device_tier t);  // "a100-class", ...

// sm_80 -> a100_class, sm_89 -> rtx4090_class, sm_90 -> h100_class; a CPU
// device -> cpu. A simulated device maps by its compute_capability.
device_tier tier_of(const device_info& info);

enum class device_health : uint8_t { up, down };
const char* to_string(device_health h);

// The start-up workload timed on every device: it must run `tokens` tokens
// through the backend and leave the device idle (sync) when it returns.
struct calibration_workload {
  std::function<status(backend&)> run;
  int64_t tokens = 0;
  int warmup_runs = 1;  // untimed, pays for lazy initialization (cuBLASLt plans, pinned buffers)
  int timed_runs = 2;
};

using work_id = uint64_t;
using device_id = int;

struct device_status {
  device_id id = -1;
  std::string name;
  device_kind kind = device_kind::cpu;
  device_tier tier = device_tier::cpu;
  device_health health = device_health::down;
  size_t free_memory_bytes = 0;   // as of the last successful run() or calibration
  double tokens_per_second = 0.0;  // from the last successful calibration; 0 if none
  uint64_t failures = 0;           // device_errors seen so far
  std::string last_error;          // the most recent device_error / failed probe
  size_t in_flight = 0;
};

class device_pool {
 public:
  using backend_factory = std::function<status_or<std::unique_ptr<backend>>()>;

  // `clk` must outlive the pool.
  device_pool(const clock& clk, calibration_workload calibration);
  device_pool(const device_pool&) = delete;
  device_pool& operator=(const device_pool&) = delete;
  ~device_pool();

  // Adds a device and calibrates it. Always returns a new id: a device whose
  // factory or calibration fails is added down, with the reason in
  // last_error, so a later probe() can still bring it up.
  device_id add_device(std::string name, backend_factory factory);

  size_t size() const;
  device_status get_status(device_id id) const;  // REQUIRES: id < size()
  std::vector<device_status> snapshot() const;
  std::vector<device_id> up_devices() const;

  // Result of running one work item.
  struct run_result {
    status result;
    // Work to re-queue: filled only when the device went down (`result` is
    // then device_error or unavailable); holds `work` and everything else
    // that was in flight on the device.
    std::vector<work_id> handed_back;
  };

  // Runs `fn` for work item `work` on device `id`. A down device runs
  // nothing: unavailable, with `work` handed back. device_error from `fn`
  // marks the device down (see the class comment). Any other error is the
  // work item's own (bad input) and leaves the device up.
  run_result run(device_id id, work_id work, const std::function<status(backend&)>& fn);

  // Tracks a work item dispatched elsewhere (an async stream) on device `id`:
  // begin() before, finish() with the outcome after. finish() has run()'s
  // semantics for its `outcome`.
  status begin(device_id id, work_id work);
  run_result finish(device_id id, work_id work, const status& outcome);

  // Marks a device down from outside (e.g. the scheduler saw a timeout);
  // returns the work in flight on it.
  std::vector<work_id> mark_down(device_id id, const std::string& reason);

  // For a down device: rebuild the backend and recalibrate; up on success.
  // An up device is left alone (ok).
  status probe(device_id id);

 private:
  struct device;
  status calibrate(device& d);  // REQUIRES: d.backend set; called without mu_
  std::vector<work_id> mark_down_locked(device& d, const std::string& reason);
  device_status status_locked(const device& d) const;

  const clock& clock_;
  calibration_workload calibration_;
  mutable std::mutex mu_;
  std::vector<std::unique_ptr<device>> devices_;
};

}  // namespace winnow::kernels

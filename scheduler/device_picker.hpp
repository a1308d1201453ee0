#pragma once
// device_picker — which device a ready batch goes to, or none yet.
//
// Each device runs at most one batch at a time. Its speed is a timing model,
// duration = launch_overhead + padded_tokens / tokens_per_s, started from the
// config (or the simulated profile) and refined from measured completions
// (scheduler/throughput_estimate.hpp).
//
// Placement rules (architecture.md §3):
//  * a class preferring the high tier goes to the high-tier device that would
//    finish first; it spills to a low-tier device only when that device's
//    estimated finish (queue included) is strictly sooner, and never to a
//    device with os_nice > 0 (a background device: urgent work there would
//    run at the lowest OS priority; issue 17) while its own tier has a usable
//    device;
//  * a class preferring the low tier uses a free low-tier device, and borrows a
//    high-tier device only while that device is idle and no class preferring
//    the high tier has queued work, and only if the class's
//    borrow_higher_tier allows it; when the pool has no usable low-tier
//    device at all (e.g. one CPU) it runs on the high tier under the same
//    idle rule whatever borrow_higher_tier says (there is nowhere else);
//  * a high class whose tier has no usable device runs on the lower tier;
//  * a starving class (its minimum-share turn, batch_former.hpp rule 3) may use any device,
//    earliest finish first — except the higher tier when its
//    borrow_higher_tier is false and its own tier has a usable device;
//  * a batch is placed only on a free device: if the device with the best
//    estimate is busy, the batch waits for it rather than take a slower one.
//
// Plain class, not thread-safe. Owned by batch_former, which keeps the
// in-flight bookkeeping consistent; read-only use from outside.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "config/engine_config.hpp"
#include "scheduler/batch.hpp"
#include "scheduler/device_state.hpp"
#include "scheduler/request.hpp"
#include "scheduler/throughput_estimate.hpp"

namespace winnow::scheduler {

class device_picker {
 public:
  struct in_flight {
    batch work;
    time_point_ns start_ns = 0;
    time_point_ns estimated_finish_ns = 0;
  };

  struct device {
    config::device_config config;
    device_state state = device_state::up;
    throughput_estimate speed{1.0, 0};  // current estimate (measured once batches complete)
    std::optional<in_flight> running; // the batch on the device, if any
    uint64_t completed_batches = 0;

    bool usable() const { return state == device_state::up; }
    bool free() const { return usable() && !running; }
  };

  explicit device_picker(const std::vector<config::device_config>& devices);

  size_t size() const { return devices_.size(); }
  const device& at(device_id d) const { return devices_.at(d); }
  device& at(device_id d) { return devices_.at(d); }
  const std::vector<device>& all() const { return devices_; }

  // The index of the device called `name`, or nullopt.
  std::optional<device_id> find(const std::string& name) const;

  // Model duration of `padded_tokens` on device `d`, in ns.
  int64_t duration_ns(device_id d, uint64_t padded_tokens) const;

  // When a batch of `padded_tokens` would finish on `d` if sent at `now`
  // (after the running batch). Meaningless for unusable devices.
  time_point_ns estimated_finish_ns(device_id d, uint64_t padded_tokens, time_point_ns now) const;

  // The device for a ready batch, or nullopt (wait for a completion).
  // `high_tier_work_queued`: some class preferring the high tier has queued
  // requests (besides this batch). `starving`: the class's minimum-share turn.
  std::optional<device_id> pick(const config::class_config& cls, uint64_t padded_tokens,
                                time_point_ns now, bool high_tier_work_queued,
                                bool starving) const;

  // The token budget of one batch of class `cls` under its max_batch_ms:
  // max_batch_ms × the estimated speed of the slowest usable device the class
  // may be placed on (own tier; the other tier too where spilling, borrowing or
  // an empty own tier allows it), launch overhead deducted; at most
  // max_batch_tokens and at least 1 (a request longer than the budget then runs
  // alone). max_batch_tokens when max_batch_ms is 0 or no device is usable.
  uint64_t batch_budget_tokens(const config::class_config& cls) const;

  // Folds one measured batch into the device's speed estimate.
  void observe(device_id d, uint64_t padded_tokens, int64_t elapsed_ns);

  bool any_usable() const;
  bool any_usable_in(config::device_tier tier) const;

 private:
  std::optional<device_id> earliest_of(const std::vector<device_id>& candidates,
                                       uint64_t padded_tokens, time_point_ns now) const;
  std::vector<device> devices_;
};

}  // namespace winnow::scheduler

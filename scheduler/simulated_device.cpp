#include "scheduler/simulated_device.hpp"

#include <algorithm>

#include "common/assert.hpp"

namespace winnow::scheduler {

status_or<simulated_device> simulated_device::from_config(const config::device_config& cfg) {
  if (cfg.kind != config::backend_kind::simulated) {
    return status::invalid_argument("device '" + cfg.name + "' (backend \"" + cfg.backend +
                                    "\") is not a simulated device");
  }
  return simulated_device("simulated " + cfg.sim_profile + " (" + cfg.name + ")", cfg.tokens_per_s,
                          static_cast<int64_t>(cfg.launch_overhead_us) * 1000);
}

simulated_device::simulated_device(std::string name, double tokens_per_s,
                                   int64_t launch_overhead_ns)
    : name_(std::move(name)), tokens_per_s_(tokens_per_s), launch_overhead_ns_(launch_overhead_ns) {
  WINNOW_ASSERT(tokens_per_s_ > 0 && launch_overhead_ns_ >= 0, "bad simulated timing model");
}

int64_t simulated_device::duration_ns(uint64_t padded_tokens) const {
  return launch_overhead_ns_ +
         static_cast<int64_t>(static_cast<double>(padded_tokens) * 1e9 / tokens_per_s_);
}

time_point_ns simulated_device::submit(uint64_t padded_tokens, time_point_ns now_ns) {
  time_point_ns start = std::max(now_ns, busy_until_ns_);
  busy_until_ns_ = start + duration_ns(padded_tokens);
  return busy_until_ns_;
}

}  // namespace winnow::scheduler

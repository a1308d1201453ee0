#include "scheduler/throughput_estimate.hpp"

#include "common/assert.hpp"

namespace winnow::scheduler {

throughput_estimate::throughput_estimate(double initial_tokens_per_s, int64_t launch_overhead_ns,
                                         double weight)
    : tokens_per_s_(initial_tokens_per_s), launch_overhead_ns_(launch_overhead_ns), weight_(weight) {
  WINNOW_ASSERT(initial_tokens_per_s > 0, "throughput_estimate needs a positive initial speed");
  WINNOW_ASSERT(launch_overhead_ns >= 0, "throughput_estimate: negative launch overhead");
  WINNOW_ASSERT(weight > 0 && weight <= 1, "throughput_estimate: weight must be in (0, 1]");
}

int64_t throughput_estimate::duration_ns(uint64_t tokens) const {
  return launch_overhead_ns_ +
         static_cast<int64_t>(static_cast<double>(tokens) * 1e9 / tokens_per_s_);
}

uint64_t throughput_estimate::tokens_within(int64_t budget_ns) const {
  int64_t compute_ns = budget_ns - launch_overhead_ns_;
  if (compute_ns <= 0) return 0;
  return static_cast<uint64_t>(static_cast<double>(compute_ns) * tokens_per_s_ / 1e9);
}

void throughput_estimate::observe(uint64_t tokens, int64_t elapsed_ns) {
  int64_t compute_ns = elapsed_ns - launch_overhead_ns_;
  if (compute_ns <= 0 || tokens == 0) return;
  double measured = static_cast<double>(tokens) * 1e9 / static_cast<double>(compute_ns);
  tokens_per_s_ = (1 - weight_) * tokens_per_s_ + weight_ * measured;
  ++samples_;
}

}  // namespace winnow::scheduler

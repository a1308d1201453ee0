#pragma once
// throughput_estimate — a device's speed as the scheduler believes it:
// duration(tokens) = launch_overhead + tokens / tokens_per_s, with tokens_per_s
// started from the configuration (or the simulated profile) and refined by an
// exponential moving average of measured batches. The estimate follows a
// device that slows down (thermal throttling, a shared host) within a few
// batches without jumping on one outlier.
//
// Plain value type, no clock reads, not thread-safe.

#include <cstdint>

namespace winnow::scheduler {

class throughput_estimate {
 public:
  // Weight of each new measurement in the average.
  static constexpr double default_weight = 0.25;

  // REQUIRES: initial_tokens_per_s > 0, launch_overhead_ns >= 0, weight in (0, 1].
  throughput_estimate(double initial_tokens_per_s, int64_t launch_overhead_ns,
                      double weight = default_weight);

  double tokens_per_s() const { return tokens_per_s_; }
  int64_t launch_overhead_ns() const { return launch_overhead_ns_; }
  uint64_t samples() const { return samples_; }

  // Expected run time of a batch of `tokens` padded tokens, in ns.
  int64_t duration_ns(uint64_t tokens) const;

  // The most padded tokens a batch may hold to run within `budget_ns` (launch
  // overhead included); 0 when even the overhead does not fit.
  uint64_t tokens_within(int64_t budget_ns) const;

  // Folds in one measured batch: `tokens` padded tokens took `elapsed_ns`
  // (launch overhead included). Ignored when the compute part is not
  // positive or tokens is 0 (nothing to learn from).
  void observe(uint64_t tokens, int64_t elapsed_ns);

 private:
  double tokens_per_s_;
  int64_t launch_overhead_ns_;
  double weight_;
  uint64_t samples_ = 0;
};

}  // namespace winnow::scheduler

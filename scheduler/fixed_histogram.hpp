#pragma once
// fixed_histogram — counts of observations in fixed buckets, for the metrics
// the scheduler keeps about its own work (batch sizes, batch tokens, queue
// waits). Plain data, no Prometheus: the HTTP side copies the counts into its
// registry (app/engine_metrics_feeder.hpp), so the buckets here are the ones
// /metrics shows.
//
// Contract:
//  - bounds() are the inclusive upper bounds of the finite buckets, strictly
//    increasing; counts() has bounds().size() + 1 entries, the last one for
//    values above every bound (Prometheus' +Inf bucket). Counts are per
//    bucket, NOT cumulative (Prometheus' `le` buckets are the running sums).
//  - observe(v) puts v in the first bucket whose bound is >= v. A NaN is
//    ignored (it would poison sum()).
//  - Counts and sum only grow.
//
// Plain class, not thread-safe (one owner: the batch_former).

#include <cstdint>
#include <vector>

namespace winnow::scheduler {

class fixed_histogram {
 public:
  // REQUIRES: bounds strictly increasing (checked: WINNOW_ASSERT).
  explicit fixed_histogram(std::vector<double> bounds);

  void observe(double value);

  const std::vector<double>& bounds() const { return bounds_; }
  const std::vector<uint64_t>& counts() const { return counts_; }
  uint64_t count() const { return count_; }
  double sum() const { return sum_; }

  // Bucket bounds the scheduler uses (also what /metrics shows).
  static std::vector<double> batch_size_bounds();    // requests per batch: 1 .. 256
  static std::vector<double> batch_tokens_bounds();  // padded tokens per batch: 64 .. 16384
  static std::vector<double> wait_seconds_bounds();  // queue wait: 0.5 ms .. 10 s

 private:
  std::vector<double> bounds_;
  std::vector<uint64_t> counts_;
  uint64_t count_ = 0;
  double sum_ = 0;
};

}  // namespace winnow::scheduler

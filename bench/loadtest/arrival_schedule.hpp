#pragma once
// Open-loop arrivals: a (non-homogeneous) Poisson process following a
// rate_plan, each arrival assigned a request class by weight. Fully
// determined by the seed, so a run can be repeated arrival for arrival.
// Time is an offset from the run's start; nothing here reads a clock.
//
// Sampling: within a segment, candidates come at the segment's peak rate
// (exponential gaps) and are kept with probability rate(t)/peak (thinning),
// which is exact for ramps and reduces to plain exponential gaps for
// constant segments. At a segment boundary the process restarts, which is
// exact because the exponential distribution is memoryless.

#include <cstdint>
#include <optional>
#include <random>
#include <vector>

#include "bench/loadtest/rate_plan.hpp"

namespace winnow::loadtest {

struct arrival {
  uint64_t seq = 0;           // 0, 1, 2, ... in time order
  int64_t offset_ns = 0;      // scheduled send time since the start
  size_t class_index = 0;     // index into the weights given at construction
};

class arrival_schedule {
 public:
  // REQUIRES: class_weights non-empty, all ≥ 0, sum > 0.
  // Stops after max_requests arrivals or at the end of the plan, whichever first.
  arrival_schedule(rate_plan plan, std::vector<double> class_weights, uint64_t seed,
                   uint64_t max_requests);

  // The next arrival, or nullopt when the schedule is exhausted.
  std::optional<arrival> next();

 private:
  double uniform();  // in [0, 1)

  rate_plan plan_;
  std::vector<double> cumulative_;
  std::mt19937_64 rng_;
  uint64_t max_requests_;
  uint64_t emitted_ = 0;
  size_t segment_ = 0;
  int64_t segment_start_ns_ = 0;
  double t_in_segment_ns_ = 0;
};

}  // namespace winnow::loadtest

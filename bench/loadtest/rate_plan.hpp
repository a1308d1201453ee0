#pragma once
// The target arrival rate as a function of time since the start of a run:
// a list of segments, each constant or a linear ramp. Profiles build one of
// three shapes (constant, step, ramp); the arrival_schedule samples it.

#include <cstdint>
#include <string>
#include <vector>

#include "common/status_or.hpp"

namespace winnow::loadtest {

struct rate_segment {
  int64_t duration_ns = 0;
  double start_rate_per_s = 0;  // the rate at the segment's start...
  double end_rate_per_s = 0;    // ...and at its end; equal for a constant segment
};

class rate_plan {
 public:
  rate_plan() = default;

  // All rates ≥ 0 and finite, durations > 0; invalid_argument otherwise.
  static status_or<rate_plan> constant(double rate_per_s, int64_t duration_ns);
  // start, start+increment, ... up to end (clamped; the last step is `end`),
  // each held for step_ns. Works downwards too when end < start.
  static status_or<rate_plan> steps(double start_rate_per_s, double end_rate_per_s,
                                    double increment_per_s, int64_t step_ns);
  // A linear ramp from start to end over duration_ns.
  static status_or<rate_plan> ramp(double start_rate_per_s, double end_rate_per_s,
                                   int64_t duration_ns);

  const std::vector<rate_segment>& segments() const { return segments_; }
  int64_t duration_ns() const;
  // The target rate at t (0 outside the plan).
  double rate_at(int64_t t_ns) const;
  // The expected number of arrivals in [0, t_ns): the integral of the rate.
  double expected_arrivals(int64_t t_ns) const;
  // The plan cut at duration_ns (shorter only).
  rate_plan truncated(int64_t duration_ns) const;
  std::string describe() const;  // "constant 200/s for 10s", "steps 50→2000/s ..."

 private:
  std::vector<rate_segment> segments_;
  std::string description_;
};

}  // namespace winnow::loadtest

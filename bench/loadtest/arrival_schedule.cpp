#include "bench/loadtest/arrival_schedule.hpp"

#include <algorithm>
#include <cmath>

#include "common/assert.hpp"

namespace winnow::loadtest {

arrival_schedule::arrival_schedule(rate_plan plan, std::vector<double> class_weights,
                                   uint64_t seed, uint64_t max_requests)
    : plan_(std::move(plan)), rng_(seed), max_requests_(max_requests) {
  WINNOW_ASSERT(!class_weights.empty(), "arrival_schedule needs at least one class");
  double sum = 0;
  for (double w : class_weights) {
    WINNOW_ASSERT(w >= 0 && std::isfinite(w), "class weights must be >= 0");
    sum += w;
    cumulative_.push_back(sum);
  }
  WINNOW_ASSERT(sum > 0, "class weights must not all be 0");
}

double arrival_schedule::uniform() {
  // 53 random bits → a double in [0, 1): the same on every platform, unlike
  // std::uniform_real_distribution whose algorithm is implementation-defined.
  return static_cast<double>(rng_() >> 11) * (1.0 / 9007199254740992.0);
}

std::optional<arrival> arrival_schedule::next() {
  if (emitted_ >= max_requests_) return std::nullopt;
  const auto& segs = plan_.segments();
  while (segment_ < segs.size()) {
    const rate_segment& s = segs[segment_];
    const double peak = std::max(s.start_rate_per_s, s.end_rate_per_s);
    if (peak > 0) {
      // Exponential gap at the peak rate, in ns.
      t_in_segment_ns_ += -std::log(1.0 - uniform()) / peak * 1e9;
      if (t_in_segment_ns_ < static_cast<double>(s.duration_ns)) {
        const double f = t_in_segment_ns_ / static_cast<double>(s.duration_ns);
        const double rate = s.start_rate_per_s + (s.end_rate_per_s - s.start_rate_per_s) * f;
        // Thinning; for a constant segment rate == peak and every candidate is kept
        // without consuming a random number.
        if (rate < peak && uniform() * peak >= rate) continue;
        const double pick = uniform() * cumulative_.back();
        const size_t cls = static_cast<size_t>(
            std::upper_bound(cumulative_.begin(), cumulative_.end(), pick) - cumulative_.begin());
        arrival a;
        a.seq = emitted_++;
        a.offset_ns = segment_start_ns_ + static_cast<int64_t>(t_in_segment_ns_);
        a.class_index = std::min(cls, cumulative_.size() - 1);
        return a;
      }
    }
    segment_start_ns_ += s.duration_ns;
    t_in_segment_ns_ = 0;
    ++segment_;
  }
  return std::nullopt;
}

}  // namespace winnow::loadtest

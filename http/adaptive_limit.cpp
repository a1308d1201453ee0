#include "http/adaptive_limit.hpp"

#include <algorithm>
#include <cmath>

namespace winnow::http {

adaptive_limit::adaptive_limit(adaptive_limit_options o) : o_(o) {
  o_.max_limit = std::max<uint32_t>(1, o_.max_limit);
  o_.min_limit = std::clamp<uint32_t>(o_.min_limit, 1, o_.max_limit);
  o_.window = std::max<uint32_t>(1, o_.window);
  limit_ = o_.target_ns > 0 ? std::clamp(o_.initial_limit, o_.min_limit, o_.max_limit) : o_.max_limit;
}

bool adaptive_limit::try_acquire(limit_ticket* t) {
  if (in_flight_ >= limit_) {
    saturated_ = true;
    return false;
  }
  ++in_flight_;
  if (in_flight_ == limit_) saturated_ = true;
  t->epoch = epoch_;
  return true;
}

void adaptive_limit::release(const limit_ticket& t, int64_t latency_ns) {
  if (in_flight_ > 0) --in_flight_;
  if (o_.target_ns <= 0 || latency_ns < 0 || t.epoch != epoch_) return;
  ++judged_;
  if (latency_ns > o_.target_ns) ++slow_;
  if (judged_ >= o_.window) end_window();
}

void adaptive_limit::end_window() {
  const bool slow = static_cast<double>(slow_) > o_.slow_fraction * judged_;
  if (slow) {
    const auto shrunk = static_cast<uint32_t>(std::floor(limit_ * o_.decrease));
    limit_ = std::max(o_.min_limit, std::min(shrunk, limit_ - 1));
    ++epoch_;  // answers admitted under the old limit are not judged again
  } else if (saturated_) {
    limit_ = std::min(o_.max_limit, limit_ + 1);
  }
  judged_ = 0;
  slow_ = 0;
  saturated_ = in_flight_ >= limit_;
}

}  // namespace winnow::http

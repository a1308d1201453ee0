#include "bench/loadtest/capacity_search.hpp"

#include <algorithm>
#include <cmath>

#include "common/assert.hpp"

namespace winnow::loadtest {

capacity_search::capacity_search(size_t class_count, double start_rate, double max_rate, double resolution,
                                 int max_trials)
    : class_count_(class_count), start_rate_(start_rate), max_rate_(max_rate), resolution_(resolution),
      max_trials_(max_trials) {
  WINNOW_ASSERT(class_count >= 1 && start_rate > 0 && start_rate <= max_rate && resolution > 0,
                "capacity_search: bad arguments");
}

bool capacity_search::tested(double rate) const {
  for (const auto& e : history_)
    if (std::abs(e.rate - rate) <= 1e-9 * rate) return true;
  return false;
}

std::vector<class_capacity> capacity_search::capacities() const {
  std::vector<class_capacity> out(class_count_);
  for (size_t c = 0; c < class_count_; ++c) {
    class_capacity& cap = out[c];
    for (const auto& e : history_) {
      const auto& o = e.outcomes[c];
      if (!o.held) cap.first_failed_rate = std::min(cap.first_failed_rate, e.rate);
      if (o.had_errors) cap.errors_began_rate = std::min(cap.errors_began_rate, e.rate);
      if (o.had_rejections) cap.rejections_began_rate = std::min(cap.rejections_began_rate, e.rate);
    }
    for (const auto& e : history_)
      if (e.outcomes[c].held && e.rate < cap.first_failed_rate) cap.max_held_rate = std::max(cap.max_held_rate, e.rate);
  }
  return out;
}

std::optional<double> capacity_search::next_rate() const {
  if (history_.empty()) return start_rate_;
  if (static_cast<int>(history_.size()) >= max_trials_) return std::nullopt;
  const std::vector<class_capacity> caps = capacities();
  double highest = 0;
  for (const auto& e : history_) highest = std::max(highest, e.rate);
  // Doubling: some class has not failed yet.
  const bool unbounded = std::any_of(caps.begin(), caps.end(), [](const class_capacity& c) { return std::isinf(c.first_failed_rate); });
  if (unbounded && highest < max_rate_) return std::min(highest * 2, max_rate_);
  // Bisection: the widest bracket first (classes that held max_rate are done).
  std::optional<double> best;
  double widest = 0;
  for (const auto& c : caps) {
    if (std::isinf(c.first_failed_rate)) continue;
    double candidate;
    double width;
    if (c.max_held_rate <= 0) {
      // Failed even at the lowest rate tried: look lower, down to start/16.
      candidate = c.first_failed_rate / 2;
      if (candidate < start_rate_ / 16) continue;
      width = 2;
    } else {
      width = c.first_failed_rate / c.max_held_rate;
      if (width <= 1 + resolution_) continue;
      candidate = (c.max_held_rate + c.first_failed_rate) / 2;
    }
    if (tested(candidate)) continue;
    if (width > widest) {
      widest = width;
      best = candidate;
    }
  }
  return best;
}

void capacity_search::record(double rate, const std::vector<class_trial_outcome>& outcomes) {
  WINNOW_ASSERT(outcomes.size() == class_count_, "capacity_search::record: wrong class count");
  history_.push_back({rate, outcomes});
}

}  // namespace winnow::loadtest

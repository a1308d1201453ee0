#include "scheduler/fixed_histogram.hpp"

#include <algorithm>
#include <cmath>
#include <utility>

#include "common/assert.hpp"

namespace winnow::scheduler {

fixed_histogram::fixed_histogram(std::vector<double> bounds) : bounds_(std::move(bounds)) {
  for (size_t i = 1; i < bounds_.size(); ++i)
    WINNOW_ASSERT(bounds_[i - 1] < bounds_[i], "fixed_histogram bounds must be strictly increasing");
  counts_.assign(bounds_.size() + 1, 0);
}

void fixed_histogram::observe(double value) {
  if (std::isnan(value)) return;
  size_t i = static_cast<size_t>(std::lower_bound(bounds_.begin(), bounds_.end(), value) - bounds_.begin());
  ++counts_[i];
  ++count_;
  sum_ += value;
}

std::vector<double> fixed_histogram::batch_size_bounds() {
  return {1, 2, 4, 8, 16, 32, 64, 128, 256};
}

std::vector<double> fixed_histogram::batch_tokens_bounds() {
  return {64, 128, 256, 512, 1024, 2048, 4096, 8192, 16384};
}

std::vector<double> fixed_histogram::wait_seconds_bounds() {
  return {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
}

}  // namespace winnow::scheduler

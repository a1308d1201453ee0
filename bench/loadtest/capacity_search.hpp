#pragma once
// Finding the knee: which total arrival rate each class can take while
// holding its SLO. Pure decision logic (no I/O, no clock): the caller asks
// next_rate(), runs a trial at that rate, and reports each class's verdict
// with record(). The rate doubles from the start rate until every class has
// failed (or max_rate is reached), then bisects each class's bracket
// [highest passing rate below its lowest failing rate, lowest failing rate]
// until it is narrower than `resolution` (relative) or trials run out.
// Brackets come from the whole history, so a noisy, non-monotonic trial
// cannot wedge the search.

#include <cstddef>
#include <limits>
#include <optional>
#include <vector>

namespace winnow::loadtest {

struct class_trial_outcome {
  bool held = false;
  bool had_errors = false;
  bool had_rejections = false;
};

struct class_capacity {
  double max_held_rate = 0;  // highest total rate held (below the first failure); 0 = none
  double first_failed_rate = std::numeric_limits<double>::infinity();
  double errors_began_rate = std::numeric_limits<double>::infinity();
  double rejections_began_rate = std::numeric_limits<double>::infinity();
};

class capacity_search {
 public:
  // REQUIRES: class_count ≥ 1, 0 < start_rate ≤ max_rate, resolution > 0.
  capacity_search(size_t class_count, double start_rate, double max_rate, double resolution,
                  int max_trials);

  // The next total rate to try, or nullopt when done.
  std::optional<double> next_rate() const;
  // REQUIRES: outcomes.size() == class_count.
  void record(double rate, const std::vector<class_trial_outcome>& outcomes);

  std::vector<class_capacity> capacities() const;
  int trials() const { return static_cast<int>(history_.size()); }

 private:
  struct entry {
    double rate;
    std::vector<class_trial_outcome> outcomes;
  };
  bool tested(double rate) const;

  size_t class_count_;
  double start_rate_, max_rate_, resolution_;
  int max_trials_;
  std::vector<entry> history_;
};

}  // namespace winnow::loadtest

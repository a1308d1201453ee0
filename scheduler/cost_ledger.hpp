#pragma once
// cost_ledger — what the device time cost, per class and per device.
// Every batch is charged device_seconds × cost_per_hour / 3600 USD, where
// device_seconds is the time the device held the batch (start to completion,
// or to failure: a failed batch still occupied a billed device).
//
// Plain class, not thread-safe. Totals only grow.

#include <cstdint>
#include <map>
#include <string>

namespace winnow::scheduler {

struct cost_totals {
  double device_seconds = 0;
  double cost_usd = 0;
  uint64_t batches = 0;
  uint64_t requests = 0;
  uint64_t padded_tokens = 0;
};

class cost_ledger {
 public:
  // Charges one batch. REQUIRES: device_ns >= 0, cost_per_hour >= 0.
  void charge(const std::string& class_name, const std::string& device_name, int64_t device_ns,
              double cost_per_hour, uint64_t requests, uint64_t padded_tokens);

  // Totals for a class / device; all zero when nothing was charged to it.
  cost_totals by_class(const std::string& name) const;
  cost_totals by_device(const std::string& name) const;
  cost_totals total() const { return total_; }

  const std::map<std::string, cost_totals>& classes() const { return by_class_; }
  const std::map<std::string, cost_totals>& devices() const { return by_device_; }

 private:
  std::map<std::string, cost_totals> by_class_;
  std::map<std::string, cost_totals> by_device_;
  cost_totals total_;
};

}  // namespace winnow::scheduler

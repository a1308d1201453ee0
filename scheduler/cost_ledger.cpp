#include "scheduler/cost_ledger.hpp"

#include "common/assert.hpp"

namespace winnow::scheduler {
namespace {

void add(cost_totals& t, double seconds, double usd, uint64_t requests, uint64_t tokens) {
  t.device_seconds += seconds;
  t.cost_usd += usd;
  t.batches += 1;
  t.requests += requests;
  t.padded_tokens += tokens;
}

}  // namespace

void cost_ledger::charge(const std::string& class_name, const std::string& device_name,
                         int64_t device_ns, double cost_per_hour, uint64_t requests,
                         uint64_t padded_tokens) {
  WINNOW_ASSERT(device_ns >= 0 && cost_per_hour >= 0, "negative device time or price");
  double seconds = static_cast<double>(device_ns) / 1e9;
  double usd = seconds * cost_per_hour / 3600.0;
  add(by_class_[class_name], seconds, usd, requests, padded_tokens);
  add(by_device_[device_name], seconds, usd, requests, padded_tokens);
  add(total_, seconds, usd, requests, padded_tokens);
}

cost_totals cost_ledger::by_class(const std::string& name) const {
  auto it = by_class_.find(name);
  return it == by_class_.end() ? cost_totals{} : it->second;
}

cost_totals cost_ledger::by_device(const std::string& name) const {
  auto it = by_device_.find(name);
  return it == by_device_.end() ? cost_totals{} : it->second;
}

}  // namespace winnow::scheduler

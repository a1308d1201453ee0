#include "app/engine_metrics_feeder.hpp"

#include <algorithm>
#include <cmath>

namespace winnow::app {

namespace {
constexpr const char* k_all = "all";
}  // namespace

double engine_metrics_feeder::delta(const std::string& key, double value) {
  auto [it, inserted] = last_.try_emplace(key, 0.0);
  double d = value - it->second;
  it->second = value;
  // NaN or a shrink: nothing to add (a Prometheus counter must not go down).
  return (std::isfinite(d) && d > 0) ? d : 0.0;
}

std::optional<http::bucket_increments> engine_metrics_feeder::delta(
    const std::string& key, const actors::histogram_snapshot& h) {
  if (h.counts.size() != h.bounds.size() + 1) return std::nullopt;  // malformed: skip, keep baseline
  auto [it, inserted] = last_histograms_.try_emplace(key);
  actors::histogram_snapshot& prev = it->second;
  const bool comparable = !inserted && prev.bounds == h.bounds && prev.counts.size() == h.counts.size();
  http::bucket_increments out;
  out.bounds = h.bounds;
  out.increments.resize(h.counts.size());
  bool grew = false;
  bool shrank = !inserted && !comparable;  // bounds changed: only a new baseline
  for (size_t i = 0; i < h.counts.size(); ++i) {
    uint64_t before = comparable ? prev.counts[i] : 0;
    if (h.counts[i] < before) shrank = true;
    else if (h.counts[i] > before) grew = true;
    out.increments[i] = static_cast<double>(h.counts[i] - std::min(h.counts[i], before));
  }
  const double prev_sum = comparable ? prev.sum : 0;
  out.sum = std::max(0.0, h.sum - prev_sum);
  prev = h;
  if (shrank || !grew) return std::nullopt;
  return out;
}

void engine_metrics_feeder::update(const actors::engine_stats& s,
                                   std::chrono::steady_clock::time_point now) {
  double wall = have_previous_ ? std::chrono::duration<double>(now - previous_at_).count() : 0.0;

  for (const auto& c : s.batcher.classes) {
    metrics_.set_queue_depth(c.name, static_cast<double>(c.queue_depth));
    if (double d = delta("class_seconds/" + c.name, c.device_seconds); d > 0)
      metrics_.add_device_seconds(k_all, c.name, d);
    if (double d = delta("class_cost/" + c.name, c.cost_usd); d > 0)
      metrics_.add_cost_usd(k_all, c.name, d);
    if (double d = delta("rejected_queue_full/" + c.name, static_cast<double>(c.rejected_queue_full)); d > 0)
      metrics_.add_rejected(c.name, "queue_full", static_cast<uint64_t>(d));
    if (double d = delta("rejected_timeout/" + c.name, static_cast<double>(c.rejected_timeout)); d > 0)
      metrics_.add_rejected(c.name, "timeout", static_cast<uint64_t>(d));
    if (double d = delta("rejected_late/" + c.name, static_cast<double>(c.rejected_late)); d > 0)
      metrics_.add_rejected(c.name, "late", static_cast<uint64_t>(d));
    if (auto d = delta("queue_wait/" + c.name, c.queue_wait_seconds))
      metrics_.add_queue_wait(c.name, *d);
  }

  for (const auto& b : s.batcher.batches) {
    const std::string key = b.class_name + "/" + b.device;
    auto size = delta("batch_size/" + key, b.size);
    auto tokens = delta("batch_tokens/" + key, b.tokens);
    // Both grow together (one observation each per batch); feed them as a pair.
    if (size && tokens) metrics_.add_batches(b.class_name, b.device, *size, *tokens);
  }

  std::set<std::string> present;
  for (const auto& dev : s.batcher.devices) {
    present.insert(dev.name);
    devices_seen_.insert(dev.name);
    metrics_.set_device_up(dev.name, dev.state == "up");
    double seconds = delta("device_seconds/" + dev.name, dev.device_seconds);
    if (seconds > 0) metrics_.add_device_seconds(dev.name, k_all, seconds);
    if (double d = delta("device_cost/" + dev.name, dev.cost_usd); d > 0)
      metrics_.add_cost_usd(dev.name, k_all, d);
    if (wall > 0) metrics_.set_device_busy_fraction(dev.name, std::clamp(seconds / wall, 0.0, 1.0));
  }
  for (const auto& name : devices_seen_)
    if (present.count(name) == 0) metrics_.set_device_up(name, false);

  if (double d = delta("searchable", static_cast<double>(s.states.searchable)); d > 0)
    metrics_.add_documents_searchable(static_cast<uint64_t>(d));

  have_previous_ = true;
  previous_at_ = now;
}

}  // namespace winnow::app

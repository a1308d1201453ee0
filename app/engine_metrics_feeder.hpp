#pragma once
// engine_metrics_feeder — copies an actors::engine_stats snapshot into the
// process's http::metrics, so /metrics shows what the engine knows (queues,
// devices, cost, documents). Plain class, no CAF: `winnow serve` calls
// update() from engine_metrics_poller once a second; tests call it directly.
//
// Contract:
//  - Gauges are set to the snapshot's current value.
//  - Counters are advanced by the increase since the previous snapshot. A value
//    lower than the previous one (a device that left and came back, a count
//    that shrank) advances nothing and becomes the new baseline: counters never
//    go backwards. The first snapshot counts from zero, so what the engine did
//    before the feeder started (e.g. documents recovered at start) is counted.
//
// Mapping (stats field → series; labels the stats do not carry are "all"):
//   class_stats.queue_depth            → queue_depth{class}                 gauge
//   device_stats.state                 → device_up{device}                  gauge, 1 only for "up"
//                                        (draining/down/left → 0; a device missing from a
//                                        later snapshot → 0)
//   device_stats.device_seconds        → device_seconds_total{device,class="all"}
//   class_stats.device_seconds         → device_seconds_total{device="all",class}
//   device_stats.cost_usd              → cost_usd_total{device,class="all"}
//   class_stats.cost_usd               → cost_usd_total{device="all",class}
//     The engine accounts device time per device and per class separately, not
//     per (device, class); both views are exported, so sum over class="all"
//     series OR over device="all" series, never over both.
//   device_seconds delta / wall delta  → device_busy_fraction{device}       gauge, clamped to [0, 1]
//                                        (needs two snapshots; device time is charged when a batch
//                                        ends, so this is a per-interval estimate)
//   states.searchable                  → documents_searchable_total (increases of the searchable
//                                        count; a delete lowers the baseline, it does not count)
//   class_stats.rejected_queue_full    → rejected_total{class,reason="queue_full"}
//   class_stats.rejected_timeout       → rejected_total{class,reason="timeout"}
//     (the scheduler's refusals of encode work, searches and ingest alike; the HTTP
//     layer's refusals use reason="server_in_flight" and, for engine answers it
//     turned into 429/503, "resource_exhausted"/"unavailable" — a search refused
//     by the scheduler is answered degraded, not refused — so nothing is counted twice)
//   class_stats.queue_wait_seconds     → queue_wait_seconds{class}          histogram
//   batcher_stats.batches[].size       → batch_size{class,device}           histogram
//   batcher_stats.batches[].tokens     → batch_tokens{class,device}         histogram
//     The scheduler keeps these as per-bucket counts (scheduler/fixed_histogram.hpp);
//     each update adds the per-bucket increase since the previous snapshot
//     (ObserveMultiple), so the Prometheus series carry the scheduler's own
//     buckets and stay cumulative. A snapshot whose bounds changed or whose
//     counts shrank adds nothing and becomes the new baseline, as for counters.
// Not fed here: documents_accepted/rejected_total, degraded_total{class} and
// ingest_stats.rejected_backlog_full
// (the HTTP layer counts them per request, with the class; feeding the
// engine's totals too would count them twice; an ingest refused for a full
// backlog is the HTTP layer's 429, rejected_total{class,reason="resource_exhausted"});
// partial answers (no series).
//
// Thread-safety: update() is not reentrant; call it from one thread (the
// poller's). http::metrics itself is thread-safe.

#include <chrono>
#include <map>
#include <optional>
#include <set>
#include <string>

#include "actors/engine_types.hpp"
#include "http/metrics.hpp"

namespace winnow::app {

class engine_metrics_feeder {
 public:
  // `m` must outlive the feeder.
  explicit engine_metrics_feeder(http::metrics& m) : metrics_(m) {}

  // `now` is when the snapshot was taken (for device_busy_fraction).
  void update(const actors::engine_stats& s,
              std::chrono::steady_clock::time_point now = std::chrono::steady_clock::now());

 private:
  // The increase of the counter `key` from its previous value to `value`
  // (0 when it did not grow); records `value` as the new baseline.
  double delta(const std::string& key, double value);
  // The per-bucket increase of histogram `key` since its previous snapshot
  // (nullopt when nothing grew, or on a shrink / change of bounds); records
  // `h` as the new baseline.
  std::optional<http::bucket_increments> delta(const std::string& key,
                                               const actors::histogram_snapshot& h);

  http::metrics& metrics_;
  std::map<std::string, double> last_;        // counter key → previous value
  std::map<std::string, actors::histogram_snapshot> last_histograms_;
  std::set<std::string> devices_seen_;
  bool have_previous_ = false;
  std::chrono::steady_clock::time_point previous_at_{};
};

}  // namespace winnow::app

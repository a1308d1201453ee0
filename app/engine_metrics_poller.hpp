#pragma once
// engine_metrics_poller — a thread that takes an engine_stats snapshot every
// `interval` and hands it to an engine_metrics_feeder, so /metrics follows the
// engine without the HTTP path ever waiting on it.
//
// Contract: start() takes the first snapshot immediately, then one per
// interval, or per ten times the last snapshot's duration when that is longer
// (engine::stats() scans the store's state index on the ingest actor). stop() wakes the thread at once (condition variable) and joins it;
// it is idempotent and called by the destructor. Stop the poller before the
// engine behind `source` is destroyed. A snapshot that fails (status not ok,
// e.g. while the engine shuts down) is skipped; the next interval tries again.

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>

#include "actors/engine_types.hpp"
#include "app/engine_metrics_feeder.hpp"
#include "common/status_or.hpp"

namespace winnow::app {

class engine_metrics_poller {
 public:
  using stats_source = std::function<status_or<actors::engine_stats>()>;

  // `feeder` must outlive the poller.
  engine_metrics_poller(stats_source source, engine_metrics_feeder& feeder,
                        std::chrono::milliseconds interval = std::chrono::seconds(1));
  ~engine_metrics_poller();
  engine_metrics_poller(const engine_metrics_poller&) = delete;
  engine_metrics_poller& operator=(const engine_metrics_poller&) = delete;

  void start();
  void stop();

 private:
  void run();

  stats_source source_;
  engine_metrics_feeder& feeder_;
  std::chrono::milliseconds interval_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace winnow::app

#include "app/engine_metrics_poller.hpp"

#include <algorithm>
#include <utility>

namespace winnow::app {

engine_metrics_poller::engine_metrics_poller(stats_source source, engine_metrics_feeder& feeder,
                                             std::chrono::milliseconds interval)
    : source_(std::move(source)), feeder_(feeder), interval_(interval) {}

engine_metrics_poller::~engine_metrics_poller() { stop(); }

void engine_metrics_poller::start() {
  if (thread_.joinable()) return;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = false;
  }
  thread_ = std::thread([this] { run(); });
}

void engine_metrics_poller::stop() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void engine_metrics_poller::run() {
  for (;;) {
    // The snapshot is taken without the lock so stop() never waits on it
    // longer than one engine::stats() call.
    auto began = std::chrono::steady_clock::now();
    auto snapshot = source_();
    auto took = std::chrono::steady_clock::now() - began;
    if (snapshot.ok()) feeder_.update(snapshot.value());
    // A snapshot counts documents per state by scanning the store on the
    // ingest actor; on a large store that is not free, so the wait grows to
    // keep the snapshot's share of that actor's time under a tenth.
    auto wait = std::max<std::chrono::steady_clock::duration>(interval_, took * 10);
    std::unique_lock<std::mutex> lock(mutex_);
    if (wake_.wait_for(lock, wait, [this] { return stopping_; })) return;
  }
}

}  // namespace winnow::app

// engine_metrics_poller: snapshots reach the feeder, failed snapshots are
// skipped, and stop() ends a long wait at once instead of sleeping it out.
#include "app/engine_metrics_poller.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>

namespace winnow::app {
namespace {

using namespace std::chrono_literals;

// Counts calls; lets the test wait for the n-th one.
struct counting_source {
  std::mutex mutex;
  std::condition_variable cv;
  int calls = 0;
  bool fail_first = false;

  status_or<actors::engine_stats> next() {
    std::lock_guard<std::mutex> lock(mutex);
    ++calls;
    cv.notify_all();
    if (fail_first && calls == 1) return status::unavailable("engine stopping");
    actors::engine_stats s;
    actors::class_stats c;
    c.name = "interactive";
    c.queue_depth = static_cast<uint64_t>(calls);
    s.batcher.classes.push_back(c);
    return s;
  }
  void wait_for_calls(int n) {
    std::unique_lock<std::mutex> lock(mutex);
    cv.wait(lock, [&] { return calls >= n; });
  }
};

TEST(engine_metrics_poller, feeds_snapshots_until_stopped) {
  http::metrics m;
  engine_metrics_feeder feeder(m);
  counting_source src;
  engine_metrics_poller poller([&] { return src.next(); }, feeder, 1ms);
  poller.start();
  src.wait_for_calls(3);
  poller.stop();
  int calls = src.calls;
  EXPECT_NE(m.serialize().find("winnow_queue_depth{class=\"interactive\"} " +
                               std::to_string(calls)),
            std::string::npos)
      << m.serialize();
  // Stopped means stopped: no further snapshots.
  std::this_thread::sleep_for(20ms);
  EXPECT_EQ(src.calls, calls);
  poller.stop();  // idempotent
}

TEST(engine_metrics_poller, skips_a_failed_snapshot_and_stop_interrupts_a_long_interval) {
  http::metrics m;
  engine_metrics_feeder feeder(m);
  counting_source src;
  src.fail_first = true;
  // An hour between snapshots: only the first runs; stop() must not wait the hour.
  engine_metrics_poller poller([&] { return src.next(); }, feeder, std::chrono::hours(1));
  poller.start();
  src.wait_for_calls(1);
  poller.stop();
  EXPECT_EQ(src.calls, 1);
  EXPECT_EQ(m.serialize().find("winnow_queue_depth"), std::string::npos)
      << "a failed snapshot must not be fed";
}

}  // namespace
}  // namespace winnow::app

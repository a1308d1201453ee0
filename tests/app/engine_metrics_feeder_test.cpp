// engine_metrics_feeder: an engine_stats snapshot lands in a real
// http::metrics registry as the documented series; counters follow deltas and
// never go backwards.
#include "app/engine_metrics_feeder.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <sstream>
#include <string>

namespace winnow::app {
namespace {

using namespace std::chrono_literals;

// The value of the exposition line that starts with `series` (name and labels
// exactly as serialized), or NaN when there is none.
double value_of(const std::string& text, const std::string& series) {
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind(series + " ", 0) == 0) return std::stod(line.substr(series.size() + 1));
  }
  return std::nan("");
}

actors::engine_stats snapshot(uint64_t depth, double dev_seconds, double cost, uint64_t searchable,
                              const std::string& gpu_state) {
  actors::engine_stats s;
  actors::class_stats interactive;
  interactive.name = "interactive";
  interactive.queue_depth = depth;
  interactive.device_seconds = dev_seconds;
  interactive.cost_usd = cost;
  interactive.rejected_queue_full = 2;
  actors::class_stats bulk;
  bulk.name = "bulk";
  bulk.queue_depth = 7;
  s.batcher.classes = {interactive, bulk};
  actors::device_stats gpu;
  gpu.name = "gpu0";
  gpu.state = gpu_state;
  gpu.device_seconds = dev_seconds;
  gpu.cost_usd = cost;
  actors::device_stats cpu;
  cpu.name = "cpu0";
  cpu.state = "up";
  s.batcher.devices = {gpu, cpu};
  s.states.searchable = searchable;
  s.ingest.accepted_total = searchable + 1;
  s.queries.degraded = 3;
  return s;
}

TEST(engine_metrics_feeder, first_snapshot_sets_gauges_and_counts_from_zero) {
  http::metrics m;
  engine_metrics_feeder f(m);
  auto t0 = std::chrono::steady_clock::time_point{} + 100s;
  f.update(snapshot(4, 1.5, 0.25, 10, "up"), t0);
  std::string text = m.serialize();

  EXPECT_EQ(value_of(text, R"(winnow_queue_depth{class="interactive"})"), 4);
  EXPECT_EQ(value_of(text, R"(winnow_queue_depth{class="bulk"})"), 7);
  EXPECT_EQ(value_of(text, R"(winnow_device_up{device="gpu0"})"), 1);
  EXPECT_EQ(value_of(text, R"(winnow_device_up{device="cpu0"})"), 1);
  EXPECT_EQ(value_of(text, R"(winnow_device_seconds_total{class="all",device="gpu0"})"), 1.5);
  EXPECT_EQ(value_of(text, R"(winnow_device_seconds_total{class="interactive",device="all"})"), 1.5);
  EXPECT_EQ(value_of(text, R"(winnow_cost_usd_total{class="all",device="gpu0"})"), 0.25);
  EXPECT_EQ(value_of(text, R"(winnow_cost_usd_total{class="interactive",device="all"})"), 0.25);
  EXPECT_EQ(value_of(text, "winnow_documents_searchable_total"), 10);
  // Counted by the HTTP layer per request, not from the engine's totals.
  EXPECT_EQ(value_of(text, "winnow_documents_accepted_total"), 0);
  EXPECT_EQ(value_of(text, R"(winnow_rejected_total{class="interactive",reason="queue_full"})"), 2);
  EXPECT_TRUE(std::isnan(value_of(text, R"(winnow_degraded_total{class="all"})")));
  // Nothing to divide by yet: no busy fraction from a single snapshot.
  EXPECT_TRUE(std::isnan(value_of(text, R"(winnow_device_busy_fraction{device="gpu0"})")));
}

TEST(engine_metrics_feeder, counters_advance_by_delta_gauges_follow_current_value) {
  http::metrics m;
  engine_metrics_feeder f(m);
  auto t0 = std::chrono::steady_clock::time_point{} + 100s;
  f.update(snapshot(4, 1.5, 0.25, 10, "up"), t0);
  f.update(snapshot(1, 2.0, 0.5, 15, "draining"), t0 + 2s);
  std::string text = m.serialize();

  EXPECT_EQ(value_of(text, R"(winnow_queue_depth{class="interactive"})"), 1);
  EXPECT_EQ(value_of(text, R"(winnow_device_up{device="gpu0"})"), 0);
  EXPECT_EQ(value_of(text, R"(winnow_device_seconds_total{class="all",device="gpu0"})"), 2.0);
  EXPECT_EQ(value_of(text, R"(winnow_cost_usd_total{class="interactive",device="all"})"), 0.5);
  EXPECT_EQ(value_of(text, "winnow_documents_searchable_total"), 15);
  // Unchanged cumulative counts add nothing.
  EXPECT_EQ(value_of(text, R"(winnow_rejected_total{class="interactive",reason="queue_full"})"), 2);
  // 0.5 device seconds over 2 wall seconds.
  EXPECT_DOUBLE_EQ(value_of(text, R"(winnow_device_busy_fraction{device="gpu0"})"), 0.25);
  EXPECT_EQ(value_of(text, R"(winnow_device_busy_fraction{device="cpu0"})"), 0);
}

TEST(engine_metrics_feeder, shrinking_values_never_move_counters_backwards) {
  http::metrics m;
  engine_metrics_feeder f(m);
  auto t0 = std::chrono::steady_clock::time_point{} + 100s;
  f.update(snapshot(0, 5.0, 1.0, 20, "up"), t0);
  // Deletes lower the searchable count; a device's totals restart lower.
  f.update(snapshot(0, 1.0, 0.1, 12, "up"), t0 + 1s);
  std::string text = m.serialize();
  EXPECT_EQ(value_of(text, R"(winnow_device_seconds_total{class="all",device="gpu0"})"), 5.0);
  EXPECT_EQ(value_of(text, R"(winnow_cost_usd_total{class="all",device="gpu0"})"), 1.0);
  EXPECT_EQ(value_of(text, "winnow_documents_searchable_total"), 20);
  EXPECT_EQ(value_of(text, R"(winnow_device_busy_fraction{device="gpu0"})"), 0);

  // Growth after the shrink counts from the new, lower baseline.
  f.update(snapshot(0, 3.0, 0.3, 14, "up"), t0 + 2s);
  text = m.serialize();
  EXPECT_EQ(value_of(text, R"(winnow_device_seconds_total{class="all",device="gpu0"})"), 7.0);
  EXPECT_DOUBLE_EQ(value_of(text, R"(winnow_cost_usd_total{class="all",device="gpu0"})"), 1.2);
  EXPECT_EQ(value_of(text, "winnow_documents_searchable_total"), 22);
  // Device time charged in a lump can exceed the interval: clamped to 1.
  EXPECT_EQ(value_of(text, R"(winnow_device_busy_fraction{device="gpu0"})"), 1);
}

TEST(engine_metrics_feeder, a_device_that_leaves_the_snapshot_is_marked_down) {
  http::metrics m;
  engine_metrics_feeder f(m);
  f.update(snapshot(0, 0, 0, 0, "up"));
  auto s = snapshot(0, 0, 0, 0, "up");
  s.batcher.devices.erase(s.batcher.devices.begin());  // gpu0 gone
  f.update(s);
  std::string text = m.serialize();
  EXPECT_EQ(value_of(text, R"(winnow_device_up{device="gpu0"})"), 0);
  EXPECT_EQ(value_of(text, R"(winnow_device_up{device="cpu0"})"), 1);
}

// The scheduler's per-bucket histograms become cumulative Prometheus
// histograms: each update adds the per-bucket growth, a shrink re-baselines.
TEST(engine_metrics_feeder, histograms_follow_the_scheduler_buckets) {
  http::metrics m;
  engine_metrics_feeder f(m);
  auto s = snapshot(0, 0, 0, 0, "up");
  s.batcher.classes[1].queue_wait_seconds = {{0.001, 0.01}, {1, 2, 0}, 0.012};
  s.batcher.batches.push_back({"bulk", "gpu0", {{1, 2, 4}, {0, 1, 0, 0}, 2}, {{64, 128}, {0, 1, 0}, 100}});
  f.update(s);
  std::string text = m.serialize();
  EXPECT_EQ(value_of(text, R"(winnow_queue_wait_seconds_count{class="bulk"})"), 3);
  EXPECT_EQ(value_of(text, R"(winnow_queue_wait_seconds_bucket{class="bulk",le="0.001"})"), 1);
  EXPECT_EQ(value_of(text, R"(winnow_queue_wait_seconds_bucket{class="bulk",le="0.01"})"), 3);
  EXPECT_EQ(value_of(text, R"(winnow_queue_wait_seconds_bucket{class="bulk",le="+Inf"})"), 3);
  EXPECT_DOUBLE_EQ(value_of(text, R"(winnow_queue_wait_seconds_sum{class="bulk"})"), 0.012);
  EXPECT_EQ(value_of(text, R"(winnow_batch_size_count{class="bulk",device="gpu0"})"), 1);
  EXPECT_EQ(value_of(text, R"(winnow_batch_size_bucket{class="bulk",device="gpu0",le="2"})"), 1);
  EXPECT_EQ(value_of(text, R"(winnow_batch_tokens_sum{class="bulk",device="gpu0"})"), 100);
  // An empty histogram (the interactive class sent nothing) makes no series.
  EXPECT_TRUE(std::isnan(value_of(text, R"(winnow_queue_wait_seconds_count{class="interactive"})")));

  // The same snapshot again adds nothing; growth adds only the growth.
  f.update(s);
  s.batcher.classes[1].queue_wait_seconds = {{0.001, 0.01}, {1, 2, 4}, 40.012};
  s.batcher.batches[0].size = {{1, 2, 4}, {0, 1, 0, 1}, 12};
  s.batcher.batches[0].tokens = {{64, 128}, {0, 1, 1}, 1100};
  f.update(s);
  text = m.serialize();
  EXPECT_EQ(value_of(text, R"(winnow_queue_wait_seconds_count{class="bulk"})"), 7);
  EXPECT_EQ(value_of(text, R"(winnow_queue_wait_seconds_bucket{class="bulk",le="0.01"})"), 3);
  EXPECT_DOUBLE_EQ(value_of(text, R"(winnow_queue_wait_seconds_sum{class="bulk"})"), 40.012);
  EXPECT_EQ(value_of(text, R"(winnow_batch_size_count{class="bulk",device="gpu0"})"), 2);
  EXPECT_EQ(value_of(text, R"(winnow_batch_size_bucket{class="bulk",device="gpu0",le="4"})"), 1);
  EXPECT_EQ(value_of(text, R"(winnow_batch_tokens_count{class="bulk",device="gpu0"})"), 2);

  // A shrink (the batcher restarted) adds nothing and becomes the baseline.
  s.batcher.classes[1].queue_wait_seconds = {{0.001, 0.01}, {0, 1, 0}, 0.005};
  f.update(s);
  s.batcher.classes[1].queue_wait_seconds = {{0.001, 0.01}, {0, 2, 0}, 0.01};
  f.update(s);
  text = m.serialize();
  EXPECT_EQ(value_of(text, R"(winnow_queue_wait_seconds_count{class="bulk"})"), 8);

  // Counts that do not match the bounds are skipped, not half-applied.
  s.batcher.classes[1].queue_wait_seconds = {{0.001, 0.01}, {5, 5}, 1};
  f.update(s);
  EXPECT_EQ(value_of(m.serialize(), R"(winnow_queue_wait_seconds_count{class="bulk"})"), 8);
}

TEST(metrics, pre_bucketed_increments_with_other_bounds_are_refused) {
  http::metrics m;
  EXPECT_TRUE(m.add_queue_wait("bulk", {{0.1, 1}, {1, 0, 0}, 0.05}));
  EXPECT_FALSE(m.add_queue_wait("bulk", {{0.5, 1}, {1, 0, 0}, 0.2}));  // other bounds
  EXPECT_FALSE(m.add_queue_wait("bulk", {{0.1, 1}, {1, 0}, 0.05}));    // wrong count
  EXPECT_EQ(value_of(m.serialize(), R"(winnow_queue_wait_seconds_count{class="bulk"})"), 1);
}

}  // namespace
}  // namespace winnow::app

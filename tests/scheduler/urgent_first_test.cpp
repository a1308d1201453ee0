// Urgent first, always (batch_former.hpp, rules 1-4; issue 17): on the one
// device of the embedded default, a query never waits behind a backlog of
// bulk work however long that backlog has waited, and aging gives bulk a
// bounded minimum share instead of a rank above the queries.
//
// Before the rule, aging lifted bulk one priority level per aging_us up to the
// top, where its older requests won every tie: once a backlog had waited ten
// levels, every bulk batch went before every query and the queries timed out
// (issue 17: 30 of 40 hybrid searches degraded). The first test fails then.

#include "scheduler/batch_former.hpp"

#include <gtest/gtest.h>

#include "tests/scheduler/scheduler_fixture.hpp"

namespace winnow::scheduler {
namespace {

using namespace testing;  // NOLINT: test helpers
using config::device_tier;

constexpr class_id interactive = 0;
constexpr class_id bulk = 1;
constexpr int64_t s = 1000 * ms;

// The embedded default's two classes (config/load_config.cpp), one CPU device
// of the high tier at 2,000 tokens/s: an 80-token passage takes 40 ms.
std::vector<config::class_config> default_classes(uint64_t aging_us) {
  auto q = make_class("interactive", 0, 2048, 500, device_tier::high);
  q.timeout_ms = 200;
  auto b = make_class("bulk", 10, 8192, 20000, device_tier::low);
  b.max_queue = 100000;
  b.aging_us = aging_us;
  b.max_batch_ms = 50;
  return {q, b};
}

std::vector<config::device_config> one_cpu() {
  return {make_device("cpu", device_tier::high, 2000)};
}

struct query_outcome {
  time_point_ns enqueue_ns = 0;
  time_point_ns start_ns = no_deadline;  // no_deadline: never sent (rejected)
  int bulk_batches_ahead = 0;            // bulk batches started after it arrived, before it
};

// A backlog of `backlog` bulk passages (80 tokens) queued at 0; from
// `first_query` one 12-token query every 200 ms until `end`.
std::vector<query_outcome> queries_during_backlog(uint64_t aging_us, int backlog,
                                                  time_point_ns first_query, time_point_ns end) {
  batch_former bf(default_classes(aging_us), one_cpu());
  sim_driver sim(bf);
  request_id id = 1;
  for (int i = 0; i < backlog; ++i) EXPECT_OK(bf.enqueue(make_request(id++, bulk, 80), 0));
  sim.pump(0);
  std::vector<std::pair<request_id, time_point_ns>> asked;
  for (time_point_ns t = first_query; t < end; t += 200 * ms) {
    sim.run_until(t);
    asked.emplace_back(id, t);
    EXPECT_OK(bf.enqueue(make_request(id++, interactive, 12), t));
    sim.pump(t);
  }
  sim.run_until(end + 1 * s);
  std::vector<query_outcome> out;
  for (auto [qid, t] : asked) {
    query_outcome o;
    o.enqueue_ns = t;
    for (const auto& b : sim.sent) {
      bool mine = false;
      for (const auto& r : b.work.requests) mine = mine || r.id == qid;
      if (mine) o.start_ns = b.start_ns;
    }
    for (const auto& b : sim.sent) {
      if (b.work.cls == bulk && b.start_ns > t && b.start_ns < o.start_ns) ++o.bulk_batches_ahead;
    }
    out.push_back(o);
  }
  return out;
}

TEST(urgent_first, a_query_never_waits_behind_an_aged_bulk_backlog) {
  // The default's aging (1 s) and a backlog that has waited 20 s (20 levels)
  // by the time the queries come: the first minutes of scripts/run.
  auto out = queries_during_backlog(1'000'000, 5000, 20 * s, 30 * s);
  ASSERT_EQ(out.size(), 50u);
  for (const auto& o : out) {
    ASSERT_NE(o.start_ns, no_deadline) << "query at " << o.enqueue_ns / ms << " ms was never sent";
    // At most one bulk batch besides the one running when it came: its
    // wait is bounded by two bulk batches (max_batch_ms each) plus its delay.
    EXPECT_LE(o.bulk_batches_ahead, 1) << "query at " << o.enqueue_ns / ms << " ms";
    EXPECT_LE(o.start_ns - o.enqueue_ns, 2 * 50 * ms + 500 * us);
  }
}

TEST(urgent_first, no_batches_queue_at_a_device) {
  // Rule 1: however much work is ready, a device is sent its next batch only
  // after the running one completes.
  batch_former bf(default_classes(1'000'000), one_cpu());
  for (request_id i = 1; i <= 100; ++i) ASSERT_OK(bf.enqueue(make_request(i, bulk, 80), 0));
  decision d = bf.next(20 * ms);
  ASSERT_EQ(d.kind, decision_kind::send_now);
  EXPECT_NE(bf.next(20 * ms).kind, decision_kind::send_now);
  ASSERT_OK(bf.enqueue(make_request(1000, interactive, 12), 20 * ms));
  EXPECT_NE(bf.next(25 * ms).kind, decision_kind::send_now);  // the device is still busy
  EXPECT_EQ(bf.in_flight_batches(), 1u);
  ASSERT_OK(bf.complete(d.work.id, 60 * ms));
  decision next = bf.next(60 * ms);
  ASSERT_EQ(next.kind, decision_kind::send_now);
  EXPECT_EQ(next.work.cls, interactive);  // first once the device is free
}

// One device; interactive requests of 100 tokens (50 ms) arrive every 25 ms,
// so interactive work is always queued. Returns the start times of bulk batches.
std::vector<time_point_ns> bulk_starts_under_flood(uint64_t aging_us, time_point_ns end) {
  auto cls = default_classes(aging_us);
  cls[interactive].max_batch_tokens = 100;  // one request per batch
  cls[interactive].timeout_ms = 0;          // none is dropped: the flood stays
  batch_former bf(cls, one_cpu());
  sim_driver sim(bf);
  request_id id = 1;
  for (int i = 0; i < 1000; ++i) EXPECT_OK(bf.enqueue(make_request(id++, bulk, 80), 0));
  for (time_point_ns t = 0; t < end; t += 25 * ms) {
    sim.run_until(t);
    EXPECT_OK(bf.enqueue(make_request(id++, interactive, 100), t));
    sim.pump(t);
  }
  sim.run_until(end);
  std::vector<time_point_ns> starts;
  for (const auto& b : sim.sent) {
    if (b.work.cls == bulk) starts.push_back(b.start_ns);
  }
  return starts;
}

TEST(urgent_first, aging_gives_bulk_a_minimum_share_and_no_more_under_a_flood) {
  // 10 s of saturating interactive work with aging 500 ms: bulk is served one
  // batch per interval (about 20), never starved and never more.
  auto starts = bulk_starts_under_flood(500'000, 10 * s);
  EXPECT_GE(starts.size(), 18u);
  EXPECT_LE(starts.size(), 21u);
  for (size_t i = 1; i < starts.size(); ++i) {
    EXPECT_GE(starts[i] - starts[i - 1], 500 * ms);        // no more than its share
    EXPECT_LE(starts[i] - starts[i - 1], 500 * ms + 50 * ms);  // and no less: one batch late at most
  }
}

TEST(urgent_first, without_aging_bulk_waits_for_the_flood_to_end) {
  EXPECT_TRUE(bulk_starts_under_flood(0, 5 * s).empty());
}

}  // namespace
}  // namespace winnow::scheduler

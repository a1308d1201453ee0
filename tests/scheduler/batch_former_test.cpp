// Batch forming rules: preferred size, max batch tokens, max queue delay,
// length bucketing, priority order, queue full, timeout reject / demote.

#include "scheduler/batch_former.hpp"

#include <gtest/gtest.h>

#include "tests/scheduler/scheduler_fixture.hpp"

namespace winnow::scheduler {
namespace {

using namespace testing;  // NOLINT: test helpers
using config::device_tier;

std::vector<config::device_config> one_device() {
  return {make_device("sim-a100", device_tier::high, 1e6)};
}

TEST(batch_former, waits_for_the_max_queue_delay_then_sends_a_partial_batch) {
  fake_clock clock;
  batch_former bf({make_class("interactive", 0, 1024, 500)}, one_device());
  ASSERT_OK(bf.enqueue(make_request(1, 0, 10), clock.now_ns()));
  clock.advance_ns(100 * us);
  ASSERT_OK(bf.enqueue(make_request(2, 0, 12), clock.now_ns()));

  decision d = bf.next(clock.now_ns());
  ASSERT_EQ(d.kind, decision_kind::wait_for);
  EXPECT_EQ(d.wait_ns, 400 * us);  // the oldest request's delay runs out at 500 us

  clock.advance_ns(399 * us);
  EXPECT_EQ(bf.next(clock.now_ns()).kind, decision_kind::wait_for);
  clock.advance_ns(1 * us);
  d = bf.next(clock.now_ns());
  ASSERT_EQ(d.kind, decision_kind::send_now);
  EXPECT_EQ(ids_of(d.work), (std::vector<request_id>{1, 2}));
  EXPECT_EQ(d.work.max_tokens, 12u);
  EXPECT_EQ(bf.next(clock.now_ns()).kind, decision_kind::idle);
}

TEST(batch_former, zero_delay_sends_at_once) {
  fake_clock clock;
  batch_former bf({make_class("interactive", 0, 1024, 0)}, one_device());
  ASSERT_OK(bf.enqueue(make_request(1, 0, 10), clock.now_ns()));
  decision d = bf.next(clock.now_ns());
  ASSERT_EQ(d.kind, decision_kind::send_now);
  EXPECT_EQ(d.work.requests.size(), 1u);
}

TEST(batch_former, preferred_size_sends_before_the_delay) {
  fake_clock clock;
  auto c = make_class("interactive", 0, 1024, 10'000);
  c.preferred_batch_tokens = 64;
  batch_former bf({c}, one_device());
  for (request_id i = 1; i <= 3; ++i) ASSERT_OK(bf.enqueue(make_request(i, 0, 16), 0));
  EXPECT_EQ(bf.next(0).kind, decision_kind::wait_for);  // 48 tokens < 64
  ASSERT_OK(bf.enqueue(make_request(4, 0, 16), 0));
  decision d = bf.next(0);
  ASSERT_EQ(d.kind, decision_kind::send_now);  // 64 tokens reached, no waiting
  EXPECT_EQ(d.work.padded_tokens(), 64u);
  EXPECT_EQ(ids_of(d.work), (std::vector<request_id>{1, 2, 3, 4}));
}

TEST(batch_former, max_batch_tokens_caps_a_batch_and_sends_it_at_once) {
  fake_clock clock;
  batch_former bf({make_class("interactive", 0, 100, 10'000)},
                  {make_device("a", device_tier::high, 1e6), make_device("b", device_tier::high, 1e6)});
  // 7 requests of 30 tokens: 3 fit in 100 padded tokens.
  for (request_id i = 1; i <= 7; ++i) ASSERT_OK(bf.enqueue(make_request(i, 0, 30), 0));
  auto sent = send_all(bf, 0);
  ASSERT_EQ(sent.size(), 2u);  // two full batches go now, on both devices
  EXPECT_EQ(ids_of(sent[0].work), (std::vector<request_id>{1, 2, 3}));
  EXPECT_EQ(ids_of(sent[1].work), (std::vector<request_id>{4, 5, 6}));
  for (const auto& d : sent) EXPECT_LE(d.work.padded_tokens(), 100u);
  EXPECT_NE(sent[0].device, sent[1].device);
  // The seventh waits for its delay (not full, no preferred size).
  decision d = bf.next(0);
  ASSERT_EQ(d.kind, decision_kind::wait_for);
  EXPECT_EQ(d.wait_ns, 10 * ms);
}

TEST(batch_former, a_request_larger_than_the_budget_is_refused) {
  batch_former bf({make_class("interactive", 0, 100, 0)}, one_device());
  status s = bf.enqueue(make_request(1, 0, 101), 0);
  EXPECT_EQ(s.code(), status_code::invalid_argument);
  EXPECT_NE(s.message().find("class 'interactive' takes 1..100"), std::string::npos) << s.to_string();
  EXPECT_EQ(bf.enqueue(make_request(2, 0, 0), 0).code(), status_code::invalid_argument);
  EXPECT_EQ(bf.enqueue(make_request(3, 7, 10), 0).code(), status_code::invalid_argument);
  EXPECT_EQ(bf.queue_depth(0), 0u);
}

TEST(batch_former, length_bucketing_keeps_padding_small) {
  batch_former bf({make_class("bulk", 0, 4096, 0)}, one_device());
  // Interleaved short (10-14 tokens) and long (200-250 tokens) passages.
  std::vector<uint32_t> lengths = {10, 200, 12, 250, 14, 220, 11, 240};
  for (size_t i = 0; i < lengths.size(); ++i) {
    ASSERT_OK(bf.enqueue(make_request(i + 1, 0, lengths[i]), 0));
  }
  decision first = bf.next(0);
  ASSERT_EQ(first.kind, decision_kind::send_now);
  ASSERT_OK(bf.complete(first.work.id, 1));
  decision second = bf.next(1);
  ASSERT_EQ(second.kind, decision_kind::send_now);
  // The oldest request's bucket goes first, and no batch mixes the two lengths.
  EXPECT_EQ(ids_of(first.work), (std::vector<request_id>{1, 3, 5, 7}));
  EXPECT_EQ(ids_of(second.work), (std::vector<request_id>{2, 4, 6, 8}));
  for (const decision* d : {&first, &second}) {
    double waste = 1.0 - double(d->work.real_tokens()) / double(d->work.padded_tokens());
    EXPECT_LT(waste, 0.34);
  }
  // Without buckets, one batch of all eight would pad to 8 × 250 = 2000 tokens
  // for 957 real ones; bucketed it is 4 × 14 + 4 × 250 = 1056.
  EXPECT_EQ(first.work.padded_tokens() + second.work.padded_tokens(), 1056u);
}

TEST(batch_former, the_most_urgent_class_goes_first) {
  batch_former bf({make_class("bulk", 10, 1024, 0), make_class("interactive", 0, 1024, 0)},
                  one_device());
  ASSERT_OK(bf.enqueue(make_request(1, 0, 10), 0));  // bulk, older
  ASSERT_OK(bf.enqueue(make_request(2, 1, 10), 1));  // interactive, newer
  decision d = bf.next(2);
  ASSERT_EQ(d.kind, decision_kind::send_now);
  EXPECT_EQ(d.work.cls, 1u);
  EXPECT_EQ(ids_of(d.work), (std::vector<request_id>{2}));
  // The single device is busy: bulk waits for the completion, no timer needed.
  EXPECT_EQ(bf.next(2).kind, decision_kind::idle);
  ASSERT_OK(bf.complete(d.work.id, 10));
  d = bf.next(10);
  ASSERT_EQ(d.kind, decision_kind::send_now);
  EXPECT_EQ(d.work.cls, 0u);
}

TEST(batch_former, full_queue_rejects_at_once) {
  auto c = make_class("bulk", 0, 1024, 1000);
  c.max_queue = 2;
  batch_former bf({c}, one_device());
  ASSERT_OK(bf.enqueue(make_request(1, 0, 10), 0));
  ASSERT_OK(bf.enqueue(make_request(2, 0, 10), 0));
  status s = bf.enqueue(make_request(3, 0, 10), 0);
  EXPECT_EQ(s.code(), status_code::resource_exhausted);
  EXPECT_NE(s.message().find("class 'bulk' queue is full (max_queue = 2)"), std::string::npos);
  EXPECT_EQ(bf.queue_depth(0), 2u);
  EXPECT_EQ(bf.counters(0).rejected_queue_full, 1u);
  EXPECT_EQ(bf.counters(0).enqueued, 2u);
}

TEST(batch_former, timeout_rejects_with_deadline_exceeded) {
  auto c = make_class("interactive", 0, 1024, 0);
  c.timeout_ms = 5;
  batch_former bf({c}, one_device());
  ASSERT_OK(bf.enqueue(make_request(1, 0, 10), 0));
  ASSERT_OK(bf.enqueue(make_request(2, 0, 10), 1 * ms));
  decision d = bf.next(1 * ms);  // device takes both
  ASSERT_EQ(d.kind, decision_kind::send_now);
  ASSERT_OK(bf.enqueue(make_request(3, 0, 10), 2 * ms));
  ASSERT_OK(bf.enqueue(make_request(4, 0, 10), 4 * ms));
  // Device busy: 3 and 4 wait. The timer is their deadline.
  decision w = bf.next(4 * ms);
  ASSERT_EQ(w.kind, decision_kind::wait_for);
  EXPECT_EQ(w.wait_ns, 3 * ms);  // request 3 is due at 7 ms
  EXPECT_EQ(bf.next(7 * ms).kind, decision_kind::wait_for);
  auto rejected = bf.take_rejected();
  ASSERT_EQ(rejected.size(), 1u);
  EXPECT_EQ(rejected[0].req.id, 3u);
  EXPECT_EQ(rejected[0].reason.code(), status_code::deadline_exceeded);
  EXPECT_NE(rejected[0].reason.message().find("class 'interactive'"), std::string::npos);
  EXPECT_EQ(bf.counters(0).rejected_timeout, 1u);
  EXPECT_EQ(bf.queue_depth(0), 1u);
  EXPECT_TRUE(bf.take_rejected().empty());
}

TEST(batch_former, a_per_request_deadline_sooner_than_the_class_timeout_wins) {
  auto c = make_class("interactive", 0, 1024, 1'000);
  c.timeout_ms = 100;
  batch_former bf({c}, one_device());
  ASSERT_OK(bf.enqueue(make_request(1, 0, 10), 0));
  ASSERT_EQ(bf.next(1 * ms).kind, decision_kind::send_now);  // the device stays busy with it
  // Admitted (~1 ms to go, due in 2 ms), then kept waiting by the busy device.
  ASSERT_OK(bf.enqueue(make_request(2, 0, 10, /*deadline*/ 3 * ms), 1 * ms));
  EXPECT_EQ(bf.next(1 * ms).kind, decision_kind::wait_for);
  bf.next(3 * ms);
  auto rejected = bf.take_rejected();
  ASSERT_EQ(rejected.size(), 1u);  // at its own 3 ms, not the class's 100 ms
  EXPECT_EQ(rejected[0].req.id, 2u);
  EXPECT_EQ(rejected[0].reason.code(), status_code::deadline_exceeded);
}

// A request that the queue and the device speed say would be late is refused
// on arrival (on_timeout = reject): an overloaded class answers at once, not
// at its deadline; the refusal is counted apart from expiries.
TEST(batch_former, a_request_that_would_miss_its_deadline_is_refused_on_arrival) {
  auto c = make_class("interactive", 0, 1024, 0);
  c.timeout_ms = 10;
  // 100k tokens/s: 1,000 tokens take 10 ms.
  batch_former bf({c}, {make_device("slow", device_tier::high, 1e5)});
  ASSERT_OK(bf.enqueue(make_request(1, 0, 400), 0));  // ~4 ms
  ASSERT_OK(bf.enqueue(make_request(2, 0, 400), 0));  // ~4 ms behind it: ~8 ms
  status s = bf.enqueue(make_request(3, 0, 400), 0);  // ~12 ms > 10 ms
  EXPECT_EQ(s.code(), status_code::deadline_exceeded) << s.to_string();
  EXPECT_NE(s.message().find("class 'interactive' would finish in"), std::string::npos) << s.to_string();
  EXPECT_EQ(bf.counters(0).rejected_late, 1u);
  EXPECT_EQ(bf.counters(0).enqueued, 2u);
  EXPECT_EQ(bf.queue_depth(0), 2u);
  // A per-request deadline sooner than the class timeout is the one checked.
  EXPECT_EQ(bf.enqueue(make_request(4, 0, 10, /*deadline*/ 1 * ms), 0).code(), status_code::deadline_exceeded);
  EXPECT_EQ(bf.counters(0).rejected_late, 2u);
}

TEST(batch_former, a_demoting_class_is_queued_even_when_it_would_be_late) {
  auto interactive = make_class("interactive", 0, 1024, 0);
  interactive.timeout_ms = 1;
  interactive.on_timeout = config::timeout_action::demote;
  interactive.demote_to = "batch";
  auto batch_class = make_class("batch", 5, 1024, 0);
  batch_former bf({interactive, batch_class}, {make_device("slow", device_tier::high, 1e5)});
  ASSERT_OK(bf.enqueue(make_request(1, 0, 1000), 0));  // ~10 ms > 1 ms, but demote keeps it
  EXPECT_EQ(bf.counters(0).rejected_late, 0u);
  EXPECT_EQ(bf.queue_depth(0), 1u);
}

TEST(batch_former, timeout_demotes_to_the_named_class) {
  auto interactive = make_class("interactive", 0, 1024, 0);
  interactive.timeout_ms = 5;
  interactive.on_timeout = config::timeout_action::demote;
  interactive.demote_to = "batch";
  auto batch_class = make_class("batch", 5, 1024, 0);
  batch_class.timeout_ms = 50;
  batch_former bf({interactive, batch_class}, one_device());
  ASSERT_OK(bf.enqueue(make_request(1, 0, 10), 0));
  decision busy = bf.next(0);  // request 1 occupies the device
  ASSERT_EQ(busy.kind, decision_kind::send_now);
  ASSERT_OK(bf.enqueue(make_request(2, 0, 10), 1 * ms));
  EXPECT_EQ(bf.next(6 * ms).kind, decision_kind::wait_for);
  EXPECT_TRUE(bf.take_rejected().empty());  // demoted, not rejected
  EXPECT_EQ(bf.queue_depth(0), 0u);
  EXPECT_EQ(bf.queue_depth(1), 1u);
  EXPECT_EQ(bf.counters(0).demoted_out, 1u);
  ASSERT_OK(bf.complete(busy.work.id, 7 * ms));
  decision d = bf.next(7 * ms);
  ASSERT_EQ(d.kind, decision_kind::send_now);
  EXPECT_EQ(d.work.cls, 1u);
  ASSERT_EQ(d.work.requests.size(), 1u);
  EXPECT_EQ(d.work.requests[0].id, 2u);
  EXPECT_EQ(d.work.requests[0].demotions, 1u);
  EXPECT_EQ(d.work.requests[0].deadline_ns, 6 * ms + 50 * ms);  // the new class's timeout
}

TEST(batch_former, demotion_into_a_full_class_rejects) {
  auto interactive = make_class("interactive", 0, 1024, 0);
  interactive.timeout_ms = 1;
  interactive.on_timeout = config::timeout_action::demote;
  interactive.demote_to = "bulk";
  auto bulk = make_class("bulk", 5, 1024, 1'000'000);
  bulk.max_queue = 1;
  batch_former bf({interactive, bulk}, one_device());
  ASSERT_OK(bf.enqueue(make_request(1, 0, 10), 0));
  ASSERT_EQ(bf.next(0).kind, decision_kind::send_now);  // device busy from here on
  ASSERT_OK(bf.enqueue(make_request(2, 1, 10), 0));     // fills bulk
  ASSERT_OK(bf.enqueue(make_request(3, 0, 10), 0));
  bf.next(2 * ms);
  auto rejected = bf.take_rejected();
  ASSERT_EQ(rejected.size(), 1u);
  EXPECT_EQ(rejected[0].req.id, 3u);
  EXPECT_EQ(rejected[0].reason.code(), status_code::resource_exhausted);
  EXPECT_NE(rejected[0].reason.message().find("demote target 'bulk'"), std::string::npos);
}

TEST(batch_former, class_lookup_names_the_unknown_class) {
  batch_former bf({make_class("interactive", 0, 1024, 0), make_class("bulk", 5, 1024, 0)},
                  one_device());
  auto c = bf.class_of("bulk");
  ASSERT_OK(c);
  EXPECT_EQ(*c, 1u);
  auto missing = bf.class_of("fast");
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.get_status().message().find("unknown class 'fast' (classes: interactive, bulk)"),
            std::string::npos);
}

}  // namespace
}  // namespace winnow::scheduler

// Per-class admission at the HTTP server: the adaptive in-flight limit
// (additive increase, multiplicative decrease from measured latency) and the
// shedding of less urgent classes, driven by hand and by a fake clock.
#include <gtest/gtest.h>

#include <vector>

#include "http/adaptive_limit.hpp"
#include "http/class_admission.hpp"

namespace winnow::http {
namespace {

constexpr int64_t ms = 1'000'000;

adaptive_limit_options with_target(uint32_t max_limit, int64_t target_ns) {
  adaptive_limit_options o;
  o.max_limit = max_limit;
  o.target_ns = target_ns;
  o.initial_limit = max_limit;  // these tests start at the ceiling
  o.decrease = 0.75;
  o.window = 10;
  return o;
}

// Fills the limit, then answers every admitted request after `latency_ns`.
void round_trip(adaptive_limit& l, int64_t latency_ns) {
  std::vector<limit_ticket> tickets;
  limit_ticket t;
  while (l.try_acquire(&t)) tickets.push_back(t);
  for (const auto& x : tickets) l.release(x, latency_ns);
}

TEST(adaptive_limit, a_fixed_limit_admits_exactly_max_and_frees_on_release) {
  adaptive_limit_options o;
  o.max_limit = 3;
  adaptive_limit l(o);
  limit_ticket a, b, c, d;
  EXPECT_TRUE(l.try_acquire(&a));
  EXPECT_TRUE(l.try_acquire(&b));
  EXPECT_TRUE(l.try_acquire(&c));
  EXPECT_FALSE(l.try_acquire(&d));
  EXPECT_EQ(l.in_flight(), 3u);
  l.release(b, 500 * ms);  // slow, but a fixed limit never moves
  EXPECT_TRUE(l.try_acquire(&d));
  for (int i = 0; i < 50; ++i) round_trip(l, 900 * ms);
  EXPECT_EQ(l.limit(), 3u);
}

TEST(adaptive_limit, a_slow_window_shrinks_the_limit_by_the_decrease_factor) {
  adaptive_limit l(with_target(40, 30 * ms));
  round_trip(l, 80 * ms);  // 40 answers admitted under the same limit
  // Only the first window of 10 is judged; the other 30 answers were admitted
  // before the decrease and must not shrink the limit again.
  EXPECT_EQ(l.limit(), 30u);
}

TEST(adaptive_limit, a_few_slow_answers_in_a_window_do_not_shrink_it) {
  adaptive_limit l(with_target(8, 30 * ms));
  std::vector<limit_ticket> t(8);
  for (auto& x : t) ASSERT_TRUE(l.try_acquire(&x));
  l.release(t[0], 100 * ms);  // 1 of 10 slow = exactly the allowed share
  for (int i = 1; i < 8; ++i) l.release(t[i], 5 * ms);
  limit_ticket a, b;
  ASSERT_TRUE(l.try_acquire(&a));
  ASSERT_TRUE(l.try_acquire(&b));
  l.release(a, 5 * ms);
  l.release(b, 5 * ms);
  EXPECT_EQ(l.limit(), 8u);
}

TEST(adaptive_limit, never_shrinks_below_the_minimum) {
  adaptive_limit l(with_target(10, 30 * ms));
  for (int i = 0; i < 100; ++i) round_trip(l, 1000 * ms);
  EXPECT_EQ(l.limit(), 2u);
}

TEST(adaptive_limit, grows_by_one_per_fast_window_only_while_the_limit_is_reached) {
  adaptive_limit l(with_target(20, 30 * ms));
  for (int i = 0; i < 20; ++i) round_trip(l, 1000 * ms);
  ASSERT_EQ(l.limit(), 2u);
  // Fast answers but never more than one in flight: no reason to grow.
  limit_ticket t;
  for (int i = 0; i < 100; ++i) {
    ASSERT_TRUE(l.try_acquire(&t));
    l.release(t, 1 * ms);
  }
  EXPECT_EQ(l.limit(), 2u);
  // Fast answers with the limit reached: one more per window of 10 answers.
  int answers = 0;
  while (answers < 10) {
    const uint32_t before = l.limit();
    round_trip(l, 1 * ms);
    answers += static_cast<int>(before);
  }
  EXPECT_EQ(l.limit(), 3u);
  for (int i = 0; i < 200; ++i) round_trip(l, 1 * ms);
  EXPECT_EQ(l.limit(), 20u);  // capped at max
}

TEST(adaptive_limit, starts_low_and_grows_while_fast_and_saturated) {
  adaptive_limit_options o = with_target(64, 30 * ms);
  o.initial_limit = 8;
  adaptive_limit l(o);
  EXPECT_EQ(l.limit(), 8u);
  for (int i = 0; i < 100; ++i) round_trip(l, 1 * ms);
  EXPECT_GT(l.limit(), 20u);
}

TEST(adaptive_limit, settles_where_little_s_law_meets_the_target) {
  // A simulated server that finishes 200 requests per second: with n in
  // flight an answer takes n / 200 s. At a 30 ms target the limit must settle
  // around 200 x 0.030 = 6, not at the ceiling and not at the floor.
  adaptive_limit l(with_target(64, 30 * ms));
  std::vector<uint32_t> seen;
  for (int i = 0; i < 400; ++i) {
    const int64_t latency = static_cast<int64_t>(l.limit()) * 1000 * ms / 200;
    round_trip(l, latency);
    if (i >= 200) seen.push_back(l.limit());
  }
  for (uint32_t x : seen) {
    EXPECT_GE(x, 4u);
    EXPECT_LE(x, 7u);
  }
}

TEST(adaptive_limit, errors_free_the_slot_without_judging_latency) {
  adaptive_limit l(with_target(4, 30 * ms));
  for (int i = 0; i < 50; ++i) {
    limit_ticket t;
    ASSERT_TRUE(l.try_acquire(&t));
    l.release(t, -1);
  }
  EXPECT_EQ(l.in_flight(), 0u);
  EXPECT_EQ(l.limit(), 4u);
}

std::vector<class_limits> two_classes(uint32_t interactive_max) {
  return {{"interactive", interactive_max, 0}, {"bulk", 0, 0}};
}

TEST(class_admission, refuses_over_the_limit_and_names_the_class) {
  fake_clock clk;
  class_admission a(two_classes(2), clk, 1000 * ms);
  auto d1 = a.admit("interactive");
  auto d2 = a.admit("interactive");
  ASSERT_EQ(d1.outcome, admission_outcome::admitted);
  ASSERT_EQ(d2.outcome, admission_outcome::admitted);
  auto d3 = a.admit("interactive");
  EXPECT_EQ(d3.outcome, admission_outcome::over_limit);
  EXPECT_EQ(d3.slot, nullptr);
  EXPECT_NE(d3.detail.find("class 'interactive' has 2 requests in flight"), std::string::npos)
      << d3.detail;
  d1.slot.reset();  // destroying the slot frees the place
  EXPECT_EQ(a.admit("interactive").outcome, admission_outcome::admitted);
}

TEST(class_admission, sheds_less_urgent_classes_while_an_urgent_one_refuses) {
  fake_clock clk;
  class_admission a(two_classes(1), clk, 1000 * ms);
  auto held = a.admit("interactive");
  EXPECT_EQ(a.admit("bulk").outcome, admission_outcome::admitted);  // nothing refused yet
  ASSERT_EQ(a.admit("interactive").outcome, admission_outcome::over_limit);
  auto shed = a.admit("bulk");
  EXPECT_EQ(shed.outcome, admission_outcome::shed_for_urgent);
  EXPECT_NE(shed.detail.find("more urgent class 'interactive'"), std::string::npos) << shed.detail;
  clk.advance_ns(999 * ms);
  EXPECT_EQ(a.admit("bulk").outcome, admission_outcome::shed_for_urgent);
  clk.advance_ns(2 * ms);  // the window after the last refusal is over
  EXPECT_EQ(a.admit("bulk").outcome, admission_outcome::admitted);
}

TEST(class_admission, a_less_urgent_class_never_sheds_a_more_urgent_one) {
  fake_clock clk;
  class_admission a({{"interactive", 0, 0}, {"bulk", 1, 0}}, clk, 1000 * ms);
  auto held = a.admit("bulk");
  ASSERT_EQ(a.admit("bulk").outcome, admission_outcome::over_limit);
  EXPECT_EQ(a.admit("interactive").outcome, admission_outcome::admitted);
}

TEST(class_admission, classes_it_does_not_know_are_admitted_without_a_slot) {
  fake_clock clk;
  class_admission a(two_classes(1), clk, 1000 * ms);
  auto d = a.admit("batch");
  EXPECT_EQ(d.outcome, admission_outcome::admitted);
  EXPECT_EQ(d.slot, nullptr);
  EXPECT_EQ(a.limit("batch"), 0u);
}

TEST(class_admission, slow_answers_through_slots_shrink_the_class_limit) {
  fake_clock clk;
  class_admission a({{"interactive", 20, 30}}, clk, 1000 * ms);
  ASSERT_EQ(a.limit("interactive"), 8u);  // adaptive limits start low
  // Five full rounds of slow answers: the 40th answer ends the first window.
  for (int round = 0; round < 5; ++round) {
    std::vector<std::shared_ptr<admission_slot>> slots;
    for (int i = 0; i < 8; ++i) {
      auto d = a.admit("interactive");
      ASSERT_EQ(d.outcome, admission_outcome::admitted) << "round " << round << " request " << i;
      slots.push_back(d.slot);
    }
    for (auto& s : slots) s->finish(90 * ms);
    // Finished slots do not release twice when destroyed here.
  }
  EXPECT_EQ(a.limit("interactive"), 6u);
  std::vector<admission_decision> held;
  for (int i = 0; i < 6; ++i) {
    held.push_back(a.admit("interactive"));
    EXPECT_EQ(held.back().outcome, admission_outcome::admitted);
  }
  EXPECT_EQ(a.admit("interactive").outcome, admission_outcome::over_limit);
}

}  // namespace
}  // namespace winnow::http

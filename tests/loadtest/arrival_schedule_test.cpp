#include "bench/loadtest/arrival_schedule.hpp"

#include <cmath>

#include "tests/support/test_support.hpp"

namespace winnow::loadtest {
namespace {

constexpr int64_t s_ns = 1'000'000'000;

std::vector<arrival> all(arrival_schedule s) {
  std::vector<arrival> out;
  while (auto a = s.next()) out.push_back(*a);
  return out;
}

TEST(arrival_schedule, constant_rate_is_poisson_with_the_right_mean_and_spread) {
  const double rate = 1000;
  auto plan = rate_plan::constant(rate, 100 * s_ns).value();  // expect 100,000 arrivals
  const auto arrivals = all(arrival_schedule(plan, {1}, 42, 10'000'000));
  const double n = static_cast<double>(arrivals.size());
  // Poisson count: sd = sqrt(100000) ≈ 316; 5 sd.
  EXPECT_NEAR(n, 100000, 1600);

  // Inter-arrival gaps are exponential(rate): mean 1/rate, sd 1/rate,
  // P(gap > mean) = e^-1, P(gap > 3·mean) = e^-3.
  double sum = 0, sum_sq = 0;
  int over_mean = 0, over_3 = 0;
  const double mean_ns = 1e9 / rate;
  for (size_t i = 1; i < arrivals.size(); ++i) {
    ASSERT_GE(arrivals[i].offset_ns, arrivals[i - 1].offset_ns);
    ASSERT_EQ(arrivals[i].seq, i);
    const double gap = static_cast<double>(arrivals[i].offset_ns - arrivals[i - 1].offset_ns);
    sum += gap;
    sum_sq += gap * gap;
    over_mean += gap > mean_ns;
    over_3 += gap > 3 * mean_ns;
  }
  const double m = n - 1;
  const double mean = sum / m, sd = std::sqrt(sum_sq / m - mean * mean);
  EXPECT_NEAR(mean / mean_ns, 1.0, 0.02);
  EXPECT_NEAR(sd / mean_ns, 1.0, 0.03);  // coefficient of variation 1: not a fixed interval
  EXPECT_NEAR(over_mean / m, std::exp(-1.0), 0.01);
  EXPECT_NEAR(over_3 / m, std::exp(-3.0), 0.005);

  // Counts in 100 ms windows have variance ≈ mean (index of dispersion 1).
  std::vector<int> windows(1000, 0);
  for (const auto& a : arrivals) ++windows[static_cast<size_t>(a.offset_ns / (s_ns / 10))];
  double wm = 0, wv = 0;
  for (int c : windows) wm += c;
  wm /= windows.size();
  for (int c : windows) wv += (c - wm) * (c - wm);
  wv /= windows.size() - 1;
  EXPECT_NEAR(wv / wm, 1.0, 0.15);
}

TEST(arrival_schedule, same_seed_same_schedule_other_seed_differs) {
  auto plan = rate_plan::constant(500, 2 * s_ns).value();
  const auto a = all(arrival_schedule(plan, {4, 1}, 7, 1'000'000));
  const auto b = all(arrival_schedule(plan, {4, 1}, 7, 1'000'000));
  const auto c = all(arrival_schedule(plan, {4, 1}, 8, 1'000'000));
  ASSERT_EQ(a.size(), b.size());
  for (size_t i = 0; i < a.size(); ++i) {
    EXPECT_EQ(a[i].offset_ns, b[i].offset_ns);
    EXPECT_EQ(a[i].class_index, b[i].class_index);
  }
  ASSERT_FALSE(c.empty());
  EXPECT_NE(a[0].offset_ns, c[0].offset_ns);
}

TEST(arrival_schedule, class_mix_follows_weights) {
  auto plan = rate_plan::constant(2000, 20 * s_ns).value();
  const auto arrivals = all(arrival_schedule(plan, {80, 20, 0}, 3, 10'000'000));
  int64_t counts[3] = {};
  for (const auto& a : arrivals) ++counts[a.class_index];
  const double n = static_cast<double>(arrivals.size());
  EXPECT_NEAR(counts[0] / n, 0.8, 0.01);
  EXPECT_NEAR(counts[1] / n, 0.2, 0.01);
  EXPECT_EQ(counts[2], 0);  // weight 0: never picked
}

TEST(arrival_schedule, stops_at_max_requests_or_end_of_plan) {
  auto plan = rate_plan::constant(1000, 10 * s_ns).value();
  EXPECT_EQ(all(arrival_schedule(plan, {1}, 1, 123)).size(), 123u);
  const auto bounded = all(arrival_schedule(plan, {1}, 1, 10'000'000));
  EXPECT_LT(bounded.back().offset_ns, 10 * s_ns);
}

TEST(arrival_schedule, step_plan_rates_per_step) {
  auto plan = rate_plan::steps(100, 400, 100, 5 * s_ns).value();  // 100,200,300,400 × 5 s
  ASSERT_EQ(plan.segments().size(), 4u);
  EXPECT_EQ(plan.duration_ns(), 20 * s_ns);
  const auto arrivals = all(arrival_schedule(plan, {1}, 11, 10'000'000));
  int64_t per_step[4] = {};
  for (const auto& a : arrivals) ++per_step[a.offset_ns / (5 * s_ns)];
  for (int i = 0; i < 4; ++i) {
    const double expected = 5.0 * 100 * (i + 1);
    EXPECT_NEAR(per_step[i], expected, 5 * std::sqrt(expected)) << "step " << i;
  }
  EXPECT_NEAR(plan.expected_arrivals(20 * s_ns), 5000, 1e-6);
}

TEST(arrival_schedule, ramp_rate_grows_linearly) {
  auto plan = rate_plan::ramp(0, 2000, 10 * s_ns).value();
  EXPECT_DOUBLE_EQ(plan.rate_at(5 * s_ns), 1000);
  const auto arrivals = all(arrival_schedule(plan, {1}, 5, 10'000'000));
  int64_t first_half = 0, second_half = 0;
  for (const auto& a : arrivals) (a.offset_ns < 5 * s_ns ? first_half : second_half)++;
  // ∫ of the ramp: 2500 in the first half, 7500 in the second.
  EXPECT_NEAR(first_half, 2500, 5 * std::sqrt(2500.0));
  EXPECT_NEAR(second_half, 7500, 5 * std::sqrt(7500.0));
}

TEST(rate_plan, rejects_bad_shapes) {
  EXPECT_FALSE(rate_plan::constant(-1, s_ns).ok());
  EXPECT_FALSE(rate_plan::constant(NAN, s_ns).ok());
  EXPECT_FALSE(rate_plan::constant(10, 0).ok());
  EXPECT_FALSE(rate_plan::steps(50, 2000, 0, s_ns).ok());
  EXPECT_FALSE(rate_plan::ramp(10, 20, -1).ok());
  auto down = rate_plan::steps(300, 100, 100, s_ns).value();
  ASSERT_EQ(down.segments().size(), 3u);
  EXPECT_EQ(down.segments().back().start_rate_per_s, 100);
  auto uneven = rate_plan::steps(50, 120, 50, s_ns).value();  // 50, 100, then 120
  ASSERT_EQ(uneven.segments().size(), 3u);
  EXPECT_EQ(uneven.segments().back().start_rate_per_s, 120);
  auto cut = uneven.truncated(2 * s_ns + s_ns / 2);
  EXPECT_EQ(cut.duration_ns(), 2 * s_ns + s_ns / 2);
}

}  // namespace
}  // namespace winnow::loadtest

#include "bench/loadtest/capacity_search.hpp"

#include "bench/loadtest/slo.hpp"
#include "tests/support/test_support.hpp"

namespace winnow::loadtest {
namespace {

// Runs the search against classes whose true knees are known.
std::vector<class_capacity> search_with_knees(const std::vector<double>& knees, double start, double max_rate,
                                              int max_trials, int* trials) {
  capacity_search s(knees.size(), start, max_rate, 0.1, max_trials);
  while (auto rate = s.next_rate()) {
    std::vector<class_trial_outcome> out;
    for (double k : knees) out.push_back({*rate <= k, *rate > k * 0.9, *rate > k});
    s.record(*rate, out);
  }
  *trials = s.trials();
  return s.capacities();
}

TEST(capacity_search, doubles_then_bisects_each_class_to_its_knee) {
  int trials = 0;
  const auto caps = search_with_knees({730, 150}, 50, 100000, 30, &trials);
  ASSERT_EQ(caps.size(), 2u);
  for (size_t i = 0; i < 2; ++i) {
    const double knee = i == 0 ? 730 : 150;
    EXPECT_LE(caps[i].max_held_rate, knee);
    EXPECT_GT(caps[i].first_failed_rate, knee);
    EXPECT_LE(caps[i].first_failed_rate / caps[i].max_held_rate, 1.1 + 1e-9) << i;
  }
  EXPECT_LE(caps[0].rejections_began_rate, caps[0].first_failed_rate);
  EXPECT_GT(caps[0].errors_began_rate, 730 * 0.9);
  EXPECT_LE(trials, 20);
}

TEST(capacity_search, stops_at_max_rate_when_a_class_never_fails) {
  int trials = 0;
  const auto caps = search_with_knees({1e9, 300}, 100, 1600, 30, &trials);
  EXPECT_EQ(caps[0].max_held_rate, 1600);
  EXPECT_TRUE(std::isinf(caps[0].first_failed_rate));
  EXPECT_LE(caps[1].max_held_rate, 300);
  EXPECT_GT(caps[1].max_held_rate, 250);
}

TEST(capacity_search, looks_below_the_start_rate_and_respects_the_trial_budget) {
  int trials = 0;
  auto caps = search_with_knees({20}, 100, 1000, 30, &trials);
  EXPECT_GT(caps[0].max_held_rate, 0);
  EXPECT_LE(caps[0].max_held_rate, 20);
  caps = search_with_knees({1}, 100, 1000, 30, &trials);  // below start/16: gives up, capacity 0
  EXPECT_EQ(caps[0].max_held_rate, 0);
  search_with_knees({730}, 50, 100000, 4, &trials);
  EXPECT_EQ(trials, 4);
}

TEST(slo, parses_percentile_limit_unit_and_class) {
  auto s = parse_slo("p99=50ms");
  ASSERT_OK(s);
  EXPECT_EQ(s->percentile, 99);
  EXPECT_EQ(s->limit_us, 50000);
  EXPECT_EQ(s->class_name, "");
  s = parse_slo("bulk:p99.9=1.5s");
  ASSERT_OK(s);
  EXPECT_EQ(s->class_name, "bulk");
  EXPECT_DOUBLE_EQ(s->percentile, 99.9);
  EXPECT_EQ(s->limit_us, 1'500'000);
  EXPECT_EQ(parse_slo("p50=800us")->limit_us, 800);
  for (const char* bad : {"p99=50", "p99", "99=50ms", "p0=1ms", "p101=1ms", "p99=-1ms", "p99=abcms", ":p99=1ms",
                          "p99=50mss", "px=1ms"}) {
    auto r = parse_slo(bad);
    EXPECT_FALSE(r.ok()) << bad;
    if (!r.ok()) EXPECT_NE(r.get_status().message().find(bad), std::string::npos);
  }
}

TEST(slo, judges_latency_failures_and_client_saturation) {
  const slo s = parse_slo("p99=10ms").value();
  class_result c;
  c.counts.scheduled = 1000;
  c.counts[outcome::ok] = 1000;
  for (int i = 0; i < 1000; ++i) c.latency_us.record(i < 995 ? 2000 : 50000);
  EXPECT_TRUE(judge(s, c).held) << judge(s, c).why;
  c.latency_us.record(50000, 20);  // now >1% slow
  c.counts[outcome::ok] += 20;
  c.counts.scheduled += 20;
  EXPECT_FALSE(judge(s, c).held);
  EXPECT_NE(judge(s, c).why.find("p99"), std::string::npos);

  class_result shed;
  shed.counts.scheduled = 100;
  shed.counts[outcome::ok] = 90;
  shed.counts[outcome::rejected_429] = 10;
  shed.latency_us.record(100, 90);
  EXPECT_FALSE(judge(s, shed).held);
  EXPECT_NE(judge(s, shed).why.find("rejections"), std::string::npos);

  class_result sat = shed;
  sat.counts[outcome::rejected_429] = 0;
  sat.counts[outcome::ok] = 100;
  sat.counts.client_saturated = 1;
  EXPECT_FALSE(judge(s, sat).held);
  EXPECT_NE(judge(s, sat).why.find("client saturated"), std::string::npos);
}

}  // namespace
}  // namespace winnow::loadtest

#include "bench/loadtest/hdr_histogram.hpp"

#include <algorithm>
#include <cmath>
#include <random>

#include "tests/support/test_support.hpp"

namespace winnow::loadtest {
namespace {

int64_t exact_percentile(std::vector<int64_t> sorted, double p) {
  std::sort(sorted.begin(), sorted.end());
  return sorted[static_cast<size_t>(percentile_rank(p, static_cast<int64_t>(sorted.size())) - 1)];
}

// Against exact percentiles of seeded random latencies (log-uniform over the
// whole 1 µs..60 s range, and a realistic lognormal): never below the exact
// value, and within the promised relative error above it.
void check_accuracy(int digits, const std::vector<int64_t>& values) {
  auto h = hdr_histogram::create(1, 60'000'000, digits);
  ASSERT_OK(h);
  for (int64_t v : values) h->record(v);
  const double tolerance = std::pow(10.0, -digits);
  for (double p : {0.0, 1.0, 10.0, 25.0, 50.0, 75.0, 90.0, 99.0, 99.9, 99.99, 100.0}) {
    const int64_t exact = exact_percentile(values, p);
    const int64_t got = h->value_at_percentile(p);
    EXPECT_GE(got, exact) << "p" << p << " digits " << digits;
    EXPECT_LE(static_cast<double>(got), static_cast<double>(exact) * (1 + tolerance) + 1)
        << "p" << p << " digits " << digits;
  }
  EXPECT_EQ(h->count(), static_cast<int64_t>(values.size()));
  EXPECT_EQ(h->max(), *std::max_element(values.begin(), values.end()));
  EXPECT_EQ(h->min(), *std::min_element(values.begin(), values.end()));
  EXPECT_EQ(h->value_at_percentile(100), h->max());
}

TEST(hdr_histogram, percentiles_match_exact_within_precision_on_random_data) {
  auto rng = winnow::testing::seeded_rng(1234);
  std::uniform_real_distribution<double> log_uniform(0, std::log(60'000'000.0));
  std::lognormal_distribution<double> lognormal(std::log(5000.0), 1.0);
  std::vector<int64_t> wide, realistic;
  for (int i = 0; i < 50000; ++i) {
    wide.push_back(std::max<int64_t>(1, static_cast<int64_t>(std::exp(log_uniform(rng)))));
    realistic.push_back(std::clamp<int64_t>(static_cast<int64_t>(lognormal(rng)), 1, 60'000'000));
  }
  for (int digits : {1, 2, 3, 4}) {
    check_accuracy(digits, wide);
    check_accuracy(digits, realistic);
  }
}

TEST(hdr_histogram, every_value_lands_in_a_bucket_that_contains_it) {
  auto h = hdr_histogram::create(1, 60'000'000, 3).value();
  for (int64_t v = 1; v < 60'000'000; v = v * 3 / 2 + 1) {
    EXPECT_LE(h.lowest_equivalent(v), v);
    EXPECT_GE(h.highest_equivalent(v), v);
    EXPECT_LE(static_cast<double>(h.highest_equivalent(v) - h.lowest_equivalent(v) + 1),
              std::max(1.0, static_cast<double>(v) * 1e-3)) << v;
  }
  // Small values are exact.
  for (int64_t v = 1; v < 2048; ++v) EXPECT_EQ(h.lowest_equivalent(v), h.highest_equivalent(v));
}

TEST(hdr_histogram, merge_equals_recording_everything_in_one) {
  auto rng = winnow::testing::seeded_rng(99);
  std::lognormal_distribution<double> d(std::log(20000.0), 1.5);
  hdr_histogram a, b, all;
  for (int i = 0; i < 20000; ++i) {
    const int64_t v = std::clamp<int64_t>(static_cast<int64_t>(d(rng)), 1, 60'000'000);
    (i % 3 ? a : b).record(v);
    all.record(v);
  }
  ASSERT_OK(a.merge(b));
  EXPECT_EQ(a.count(), all.count());
  EXPECT_EQ(a.min(), all.min());
  EXPECT_EQ(a.max(), all.max());
  EXPECT_DOUBLE_EQ(a.mean(), all.mean());
  for (double p : {50.0, 90.0, 99.0, 99.9}) EXPECT_EQ(a.value_at_percentile(p), all.value_at_percentile(p));

  hdr_histogram empty;
  ASSERT_OK(empty.merge(all));
  EXPECT_EQ(empty.value_at_percentile(99), all.value_at_percentile(99));
  EXPECT_EQ(empty.min(), all.min());
}

TEST(hdr_histogram, merge_of_different_shapes_is_refused) {
  hdr_histogram a;
  auto b = hdr_histogram::create(1, 60'000'000, 2).value();
  b.record(5);
  auto s = a.merge(b);
  EXPECT_FALSE(s.ok());
  EXPECT_NE(s.message().find("different shape"), std::string::npos);
  EXPECT_EQ(a.count(), 0);
}

TEST(hdr_histogram, clamps_out_of_range_and_counts_saturation) {
  hdr_histogram h;
  h.record(0);
  h.record(-5);
  h.record(120'000'000);  // 2 minutes: beyond the 60 s range
  EXPECT_EQ(h.count(), 3);
  EXPECT_EQ(h.min(), 1);
  EXPECT_EQ(h.max(), 60'000'000);
  EXPECT_EQ(h.saturated_count(), 1);
  EXPECT_EQ(h.value_at_percentile(100), 60'000'000);
}

TEST(hdr_histogram, empty_and_bad_arguments) {
  hdr_histogram h;
  EXPECT_EQ(h.value_at_percentile(99), 0);
  EXPECT_EQ(h.max(), 0);
  EXPECT_EQ(h.mean(), 0);
  EXPECT_FALSE(hdr_histogram::create(0, 100, 3).ok());
  EXPECT_FALSE(hdr_histogram::create(10, 15, 3).ok());
  auto bad = hdr_histogram::create(1, 1000, 6);
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.get_status().message().find("significant digits"), std::string::npos);
}

TEST(hdr_histogram, counts_weighted_records_and_reset) {
  hdr_histogram h;
  h.record(100, 99);
  h.record(1'000'000, 1);
  EXPECT_EQ(h.count(), 100);
  EXPECT_EQ(h.value_at_percentile(99), 100);
  EXPECT_GE(h.value_at_percentile(99.5), 1'000'000);
  h.reset();
  EXPECT_EQ(h.count(), 0);
  EXPECT_EQ(h.value_at_percentile(50), 0);
}

}  // namespace
}  // namespace winnow::loadtest

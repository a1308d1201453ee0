#pragma once
// A high-dynamic-range histogram of non-negative integer values (the harness
// records latencies in microseconds). Buckets are log-linear: each power-of-two
// range is split into the same number of linear sub-buckets, chosen so that
// any recorded value is reported with a relative error below
// 10^-significant_digits, over the whole range, in memory that depends only on
// the range and the precision (about 40 KiB for 1 µs..60 s at 3 digits).
//
// Contract:
//  - record() clamps values below `lowest` up to `lowest` and above `highest`
//    down to `highest`; clamped-high values are counted in saturated_count()
//    so a report can say "latency ≥ the histogram's range".
//  - value_at_percentile(p) returns the highest value equivalent (same
//    bucket) to the smallest recorded value v such that at least p% of all
//    records are ≤ v — never below the exact percentile, at most one bucket
//    above it, and never above max().
//  - merge() requires identical (lowest, highest, digits).
// Not thread-safe; the harness keeps one per class per thread of I/O.

#include <cstdint>
#include <vector>

#include "common/status_or.hpp"

namespace winnow::loadtest {

// The 1-based rank of the p-th percentile among n sorted values: ceil(p/100·n),
// at least 1. REQUIRES: n ≥ 1.
int64_t percentile_rank(double p, int64_t n);

class hdr_histogram {
 public:
  static constexpr int64_t default_lowest_us = 1;
  static constexpr int64_t default_highest_us = 60'000'000;  // 60 s
  static constexpr int default_significant_digits = 3;

  // 1 µs..60 s at 3 significant digits.
  hdr_histogram();

  // REQUIRES nothing: bad arguments come back as invalid_argument naming them.
  // lowest ≥ 1, highest ≥ 2·lowest, 1 ≤ significant_digits ≤ 5.
  static status_or<hdr_histogram> create(int64_t lowest, int64_t highest, int significant_digits);

  void record(int64_t value, int64_t count = 1);
  status merge(const hdr_histogram& other);
  void reset();

  int64_t count() const { return total_count_; }
  int64_t min() const { return total_count_ ? min_ : 0; }
  int64_t max() const { return total_count_ ? max_ : 0; }
  double mean() const;
  int64_t saturated_count() const { return saturated_count_; }
  // p in [0, 100]; 0 when empty.
  int64_t value_at_percentile(double p) const;

  int64_t lowest() const { return lowest_; }
  int64_t highest() const { return highest_; }
  int significant_digits() const { return digits_; }
  // The [lowest, highest] range of values that share value's bucket.
  int64_t lowest_equivalent(int64_t value) const;
  int64_t highest_equivalent(int64_t value) const;

 private:
  hdr_histogram(int64_t lowest, int64_t highest, int digits);
  int bucket_of(int64_t value) const;
  int sub_bucket_of(int64_t value, int bucket) const;
  size_t index_of(int64_t value) const;
  int64_t value_at_index(size_t index) const;

  int64_t lowest_ = 1;
  int64_t highest_ = 1;
  int digits_ = 3;
  int unit_magnitude_ = 0;              // floor(log2(lowest))
  int sub_bucket_half_magnitude_ = 0;   // log2(sub_bucket_count) - 1
  int64_t sub_bucket_count_ = 0;        // linear slots per power of two (a power of two)
  int64_t sub_bucket_half_ = 0;
  int64_t sub_bucket_mask_ = 0;
  int bucket_count_ = 0;
  std::vector<int64_t> counts_;
  int64_t total_count_ = 0;
  int64_t min_ = 0;
  int64_t max_ = 0;
  double sum_ = 0;                      // of recorded (clamped) values, for mean()
  int64_t saturated_count_ = 0;
};

}  // namespace winnow::loadtest

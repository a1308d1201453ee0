#include "bench/loadtest/hdr_histogram.hpp"

#include <algorithm>
#include <cmath>
#include <string>

namespace winnow::loadtest {
namespace {

int floor_log2(uint64_t v) { return 63 - __builtin_clzll(v); }

}  // namespace

int64_t percentile_rank(double p, int64_t n) {
  // The epsilon keeps 99% of 1000 at rank 990 despite 0.99*1000 = 990.0000000000001.
  const double r = std::ceil(p / 100.0 * static_cast<double>(n) - 1e-9);
  return std::clamp<int64_t>(static_cast<int64_t>(r), 1, n);
}

hdr_histogram::hdr_histogram()
    : hdr_histogram(default_lowest_us, default_highest_us, default_significant_digits) {}

status_or<hdr_histogram> hdr_histogram::create(int64_t lowest, int64_t highest, int digits) {
  if (lowest < 1) return status::invalid_argument("hdr_histogram: lowest must be >= 1, got " + std::to_string(lowest));
  if (highest < 2 * lowest)
    return status::invalid_argument("hdr_histogram: highest must be >= 2*lowest, got " + std::to_string(highest));
  if (digits < 1 || digits > 5)
    return status::invalid_argument("hdr_histogram: significant digits must be 1..5, got " + std::to_string(digits));
  return hdr_histogram(lowest, highest, digits);
}

hdr_histogram::hdr_histogram(int64_t lowest, int64_t highest, int digits)
    : lowest_(lowest), highest_(highest), digits_(digits) {
  // Resolving 10^d distinct values inside every power of two needs 2·10^d
  // linear slots per doubling (the lower half of each is covered by the
  // previous bucket), rounded up to a power of two for shift arithmetic.
  const int64_t largest_single_unit = 2 * static_cast<int64_t>(std::pow(10, digits));
  const int count_magnitude = static_cast<int>(std::ceil(std::log2(static_cast<double>(largest_single_unit))));
  sub_bucket_half_magnitude_ = std::max(count_magnitude, 1) - 1;
  sub_bucket_count_ = int64_t{1} << (sub_bucket_half_magnitude_ + 1);
  sub_bucket_half_ = sub_bucket_count_ / 2;
  unit_magnitude_ = floor_log2(static_cast<uint64_t>(lowest));
  sub_bucket_mask_ = (sub_bucket_count_ - 1) << unit_magnitude_;
  // Buckets needed until the top one covers `highest`.
  int64_t smallest_untrackable = sub_bucket_count_ << unit_magnitude_;
  bucket_count_ = 1;
  while (smallest_untrackable <= highest) {
    if (smallest_untrackable > (INT64_MAX >> 1)) { ++bucket_count_; break; }
    smallest_untrackable <<= 1;
    ++bucket_count_;
  }
  counts_.assign(static_cast<size_t>((bucket_count_ + 1) * sub_bucket_half_), 0);
}

int hdr_histogram::bucket_of(int64_t value) const {
  return floor_log2(static_cast<uint64_t>(value | sub_bucket_mask_)) - unit_magnitude_ -
         sub_bucket_half_magnitude_;
}

int hdr_histogram::sub_bucket_of(int64_t value, int bucket) const {
  return static_cast<int>(value >> (bucket + unit_magnitude_));
}

size_t hdr_histogram::index_of(int64_t value) const {
  const int b = bucket_of(value);
  const int sub = sub_bucket_of(value, b);
  // Bucket 0 uses all its slots; later buckets only their upper half.
  return static_cast<size_t>(((static_cast<int64_t>(b) + 1) << sub_bucket_half_magnitude_) +
                             (sub - sub_bucket_half_));
}

int64_t hdr_histogram::value_at_index(size_t index) const {
  int64_t b = (static_cast<int64_t>(index) >> sub_bucket_half_magnitude_) - 1;
  int64_t sub = (static_cast<int64_t>(index) & (sub_bucket_half_ - 1)) + sub_bucket_half_;
  if (b < 0) {
    sub -= sub_bucket_half_;
    b = 0;
  }
  return sub << (b + unit_magnitude_);
}

int64_t hdr_histogram::lowest_equivalent(int64_t value) const {
  const int b = bucket_of(value);
  const int sub = sub_bucket_of(value, b);
  return static_cast<int64_t>(sub) << (b + unit_magnitude_);
}

int64_t hdr_histogram::highest_equivalent(int64_t value) const {
  const int b = bucket_of(value);
  const int sub = sub_bucket_of(value, b);
  const int shift = (sub >= sub_bucket_count_) ? b + 1 : b;
  return lowest_equivalent(value) + (int64_t{1} << (shift + unit_magnitude_)) - 1;
}

void hdr_histogram::record(int64_t value, int64_t count) {
  if (count <= 0) return;
  if (value < lowest_) value = lowest_;
  if (value > highest_) {
    value = highest_;
    saturated_count_ += count;
  }
  counts_[index_of(value)] += count;
  if (total_count_ == 0 || value < min_) min_ = value;
  if (total_count_ == 0 || value > max_) max_ = value;
  total_count_ += count;
  sum_ += static_cast<double>(value) * static_cast<double>(count);
}

status hdr_histogram::merge(const hdr_histogram& other) {
  if (other.lowest_ != lowest_ || other.highest_ != highest_ || other.digits_ != digits_) {
    return status::invalid_argument(
        "hdr_histogram: cannot merge histograms of different shape (" + std::to_string(lowest_) +
        ".." + std::to_string(highest_) + "@" + std::to_string(digits_) + " vs " +
        std::to_string(other.lowest_) + ".." + std::to_string(other.highest_) + "@" +
        std::to_string(other.digits_) + ")");
  }
  if (other.total_count_ == 0) return {};
  for (size_t i = 0; i < counts_.size(); ++i) counts_[i] += other.counts_[i];
  if (total_count_ == 0 || other.min_ < min_) min_ = other.min_;
  if (total_count_ == 0 || other.max_ > max_) max_ = other.max_;
  total_count_ += other.total_count_;
  sum_ += other.sum_;
  saturated_count_ += other.saturated_count_;
  return {};
}

void hdr_histogram::reset() {
  std::fill(counts_.begin(), counts_.end(), 0);
  total_count_ = 0;
  min_ = max_ = 0;
  sum_ = 0;
  saturated_count_ = 0;
}

double hdr_histogram::mean() const {
  return total_count_ ? sum_ / static_cast<double>(total_count_) : 0.0;
}

int64_t hdr_histogram::value_at_percentile(double p) const {
  if (total_count_ == 0) return 0;
  p = std::clamp(p, 0.0, 100.0);
  const int64_t target = percentile_rank(p, total_count_);
  int64_t seen = 0;
  for (size_t i = 0; i < counts_.size(); ++i) {
    seen += counts_[i];
    if (seen >= target) return std::min(highest_equivalent(value_at_index(i)), max_);
  }
  return max_;
}

}  // namespace winnow::loadtest

#include "bench/loadtest/run_result.hpp"

namespace winnow::loadtest {
namespace {

// 2 digits keep 600 one-second windows per class small (~28 KiB each).
hdr_histogram window_histogram() {
  return hdr_histogram::create(hdr_histogram::default_lowest_us, hdr_histogram::default_highest_us, 2).value();
}

}  // namespace

const char* to_string(outcome o) {
  switch (o) {
    case outcome::ok: return "ok";
    case outcome::rejected_429: return "rejected_429";
    case outcome::rejected_503: return "rejected_503";
    case outcome::error_4xx: return "error_4xx";
    case outcome::error_5xx: return "error_5xx";
    case outcome::error_connect: return "error_connect";
    case outcome::error_timeout: return "error_timeout";
    case outcome::error_io: return "error_io";
  }
  return "unknown";
}

int64_t outcome_counts::completed() const {
  int64_t n = 0;
  for (int64_t c : by_outcome) n += c;
  return n;
}

int64_t outcome_counts::errors() const {
  return (*this)[outcome::error_4xx] + (*this)[outcome::error_5xx] + (*this)[outcome::error_connect] +
         (*this)[outcome::error_timeout] + (*this)[outcome::error_io];
}

int64_t outcome_counts::rejections() const {
  return (*this)[outcome::rejected_429] + (*this)[outcome::rejected_503];
}

void outcome_counts::add(const outcome_counts& o) {
  scheduled += o.scheduled;
  for (int i = 0; i < outcome_count; ++i) by_outcome[i] += o.by_outcome[i];
  client_saturated += o.client_saturated;
  retried += o.retried;
}

window_stats::window_stats() : latency_us(window_histogram()) {}

}  // namespace winnow::loadtest

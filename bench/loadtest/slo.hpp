#pragma once
// A latency service-level objective, "p99=50ms": the given percentile of
// successful requests' latency (from scheduled send time) must be at or
// under the limit, and at most max_failure_fraction of the class's requests
// may end in an error or a rejection. Optionally scoped to one class:
// "interactive:p99=50ms".

#include <cstdint>
#include <string>
#include <string_view>

#include "bench/loadtest/run_result.hpp"
#include "common/status_or.hpp"

namespace winnow::loadtest {

struct slo {
  std::string class_name;            // "" = every class without its own
  double percentile = 99;
  int64_t limit_us = 50'000;
  double max_failure_fraction = 0.01;
  std::string text;                  // as given, for reports
};

// "p99=50ms", "p99.9=0.2s", "p50=800us", "bulk:p99=2s". Units: us, ms, s.
status_or<slo> parse_slo(std::string_view text);

struct slo_verdict {
  bool held = false;
  int64_t latency_us = 0;   // the class's latency at the SLO's percentile
  std::string why;          // "" when held, else the first reason it failed
};

// Did class c hold s? A class with no successful request, or whose requests
// waited for client connections (the measurement is then of the client),
// does not hold.
slo_verdict judge(const slo& s, const class_result& c);

}  // namespace winnow::loadtest

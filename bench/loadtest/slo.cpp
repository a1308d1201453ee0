#include "bench/loadtest/slo.hpp"

#include <cmath>
#include <cstdio>
#include <cstdlib>

namespace winnow::loadtest {

status_or<slo> parse_slo(std::string_view text) {
  slo s;
  s.text = std::string(text);
  const auto bad = [&](const std::string& why) {
    return status::invalid_argument("--slo '" + std::string(text) + "': " + why +
                                    " (expected e.g. p99=50ms or interactive:p99.9=200ms)");
  };
  std::string_view rest = text;
  const size_t colon = rest.find(':');
  if (colon != std::string_view::npos) {
    s.class_name = std::string(rest.substr(0, colon));
    if (s.class_name.empty()) return bad("empty class name");
    rest = rest.substr(colon + 1);
  }
  const size_t eq = rest.find('=');
  if (eq == std::string_view::npos || rest.empty() || rest[0] != 'p') return bad("missing pNN=");
  const std::string pct(rest.substr(1, eq - 1));
  char* end = nullptr;
  s.percentile = std::strtod(pct.c_str(), &end);
  if (pct.empty() || *end != '\0' || !(s.percentile > 0) || s.percentile > 100) return bad("bad percentile");
  std::string value(rest.substr(eq + 1));
  double scale_us = 0;
  const auto strip = [&](const char* unit, double us) {
    const std::string u(unit);
    if (scale_us == 0 && value.size() > u.size() && value.compare(value.size() - u.size(), u.size(), u) == 0) {
      value.resize(value.size() - u.size());
      scale_us = us;
    }
  };
  strip("us", 1);
  strip("ms", 1000);
  strip("s", 1'000'000);
  if (scale_us == 0) return bad("the limit needs a unit (us, ms or s)");
  const double v = std::strtod(value.c_str(), &end);
  if (value.empty() || *end != '\0' || !std::isfinite(v) || v <= 0) return bad("bad latency limit");
  s.limit_us = static_cast<int64_t>(std::llround(v * scale_us));
  if (s.limit_us < 1) return bad("limit below 1us");
  return s;
}

slo_verdict judge(const slo& s, const class_result& c) {
  slo_verdict v;
  v.latency_us = c.latency_us.value_at_percentile(s.percentile);
  const outcome_counts& k = c.counts;
  char buf[160];
  if (k[outcome::ok] == 0) {
    v.why = "no successful request";
    return v;
  }
  if (k.client_saturated > 0) {
    v.why = "client saturated (raise connections.max)";
    return v;
  }
  const double failed = static_cast<double>(k.errors() + k.rejections()) / static_cast<double>(k.scheduled);
  if (failed > s.max_failure_fraction) {
    std::snprintf(buf, sizeof buf, "%.1f%% errors+rejections", failed * 100);
    v.why = buf;
    return v;
  }
  if (v.latency_us > s.limit_us) {
    std::snprintf(buf, sizeof buf, "p%g %.2f ms > %.2f ms", s.percentile, v.latency_us / 1000.0, s.limit_us / 1000.0);
    v.why = buf;
    return v;
  }
  v.held = true;
  return v;
}

}  // namespace winnow::loadtest

#include "bench/loadtest/rate_plan.hpp"

#include <algorithm>
#include <cmath>
#include <sstream>

namespace winnow::loadtest {
namespace {

bool bad_rate(double r) { return !std::isfinite(r) || r < 0; }

std::string fmt(double v) {
  std::ostringstream o;
  o << v;
  return o.str();
}

std::string secs(int64_t ns) { return fmt(static_cast<double>(ns) / 1e9) + "s"; }

}  // namespace

status_or<rate_plan> rate_plan::constant(double rate, int64_t duration_ns) {
  if (bad_rate(rate)) return status::invalid_argument("rate must be a finite number >= 0, got " + fmt(rate));
  if (duration_ns <= 0) return status::invalid_argument("duration must be > 0");
  rate_plan p;
  p.segments_.push_back({duration_ns, rate, rate});
  p.description_ = "constant " + fmt(rate) + "/s for " + secs(duration_ns);
  return p;
}

status_or<rate_plan> rate_plan::steps(double start, double end, double increment, int64_t step_ns) {
  if (bad_rate(start) || bad_rate(end))
    return status::invalid_argument("step rates must be finite numbers >= 0");
  if (!std::isfinite(increment) || increment <= 0)
    return status::invalid_argument("step increment must be > 0, got " + fmt(increment));
  if (step_ns <= 0) return status::invalid_argument("step duration must be > 0");
  const double dir = end >= start ? 1.0 : -1.0;
  const double n_steps = std::floor(std::abs(end - start) / increment + 1e-9);
  if (n_steps > 100000) return status::invalid_argument("step plan has more than 100000 steps");
  rate_plan p;
  for (int i = 0; i <= static_cast<int>(n_steps); ++i) {
    const double r = start + dir * increment * i;
    p.segments_.push_back({step_ns, r, r});
  }
  if (std::abs(p.segments_.back().start_rate_per_s - end) > 1e-9) p.segments_.push_back({step_ns, end, end});
  p.description_ = "steps " + fmt(start) + "->" + fmt(end) + "/s by " + fmt(increment) + " every " + secs(step_ns);
  return p;
}

status_or<rate_plan> rate_plan::ramp(double start, double end, int64_t duration_ns) {
  if (bad_rate(start) || bad_rate(end))
    return status::invalid_argument("ramp rates must be finite numbers >= 0");
  if (duration_ns <= 0) return status::invalid_argument("ramp duration must be > 0");
  rate_plan p;
  p.segments_.push_back({duration_ns, start, end});
  p.description_ = "ramp " + fmt(start) + "->" + fmt(end) + "/s over " + secs(duration_ns);
  return p;
}

int64_t rate_plan::duration_ns() const {
  int64_t d = 0;
  for (const auto& s : segments_) d += s.duration_ns;
  return d;
}

double rate_plan::rate_at(int64_t t) const {
  if (t < 0) return 0;
  for (const auto& s : segments_) {
    if (t < s.duration_ns) {
      const double f = static_cast<double>(t) / static_cast<double>(s.duration_ns);
      return s.start_rate_per_s + (s.end_rate_per_s - s.start_rate_per_s) * f;
    }
    t -= s.duration_ns;
  }
  return 0;
}

double rate_plan::expected_arrivals(int64_t t) const {
  double total = 0;
  for (const auto& s : segments_) {
    if (t <= 0) break;
    const int64_t in = std::min(t, s.duration_ns);
    const double f = static_cast<double>(in) / static_cast<double>(s.duration_ns);
    const double end_rate = s.start_rate_per_s + (s.end_rate_per_s - s.start_rate_per_s) * f;
    total += (s.start_rate_per_s + end_rate) / 2 * static_cast<double>(in) / 1e9;
    t -= s.duration_ns;
  }
  return total;
}

rate_plan rate_plan::truncated(int64_t limit_ns) const {
  rate_plan p;
  p.description_ = description_;
  int64_t left = limit_ns;
  for (const auto& s : segments_) {
    if (left <= 0) break;
    if (s.duration_ns <= left) {
      p.segments_.push_back(s);
      left -= s.duration_ns;
    } else {
      const double f = static_cast<double>(left) / static_cast<double>(s.duration_ns);
      p.segments_.push_back({left, s.start_rate_per_s,
                             s.start_rate_per_s + (s.end_rate_per_s - s.start_rate_per_s) * f});
      left = 0;
    }
  }
  if (p.duration_ns() < duration_ns()) p.description_ += " (cut at " + secs(limit_ns) + ")";
  return p;
}

std::string rate_plan::describe() const { return description_; }

}  // namespace winnow::loadtest

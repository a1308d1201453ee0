#include "bench/loadtest/find_max.hpp"

#include <cmath>
#include <cstdio>
#include <sstream>
#include <thread>

#include <nlohmann/json.hpp>

namespace winnow::loadtest {
namespace {

nlohmann::json rate_or_null(double r) { return std::isinf(r) ? nlohmann::json(nullptr) : nlohmann::json(r); }

}  // namespace

status_or<std::vector<slo>> slos_per_class(const std::vector<slo>& slos, const std::vector<class_payload>& classes) {
  slo fallback;  // p99=50ms
  fallback.text = "p99=50ms";
  int unscoped = 0;
  for (const slo& s : slos) {
    if (s.class_name.empty()) {
      fallback = s;
      ++unscoped;
      continue;
    }
    bool found = false;
    for (const auto& c : classes) found = found || c.name == s.class_name;
    if (!found) return status::invalid_argument("--slo '" + s.text + "': no class named '" + s.class_name + "'");
  }
  if (unscoped > 1) return status::invalid_argument("--slo: give at most one SLO without a class prefix");
  std::vector<slo> out;
  for (const auto& c : classes) {
    slo chosen = fallback;
    for (const slo& s : slos)
      if (s.class_name == c.name) chosen = s;
    out.push_back(chosen);
  }
  return out;
}

status_or<find_max_result> find_max(const run_options& base, const find_max_options& o,
                                    const std::function<void(const find_max_trial&)>& on_trial) {
  if (!(o.start_rate > 0) || o.max_rate < o.start_rate)
    return status::invalid_argument("--find-max: need 0 < start rate <= max rate");
  if (o.trial_duration_ns <= 0) return status::invalid_argument("--find-max: trial duration must be > 0");
  find_max_result result;
  WINNOW_ASSIGN_OR_RETURN(result.class_slo, slos_per_class(o.slos, base.classes));
  double weight_sum = 0;
  for (const auto& c : base.classes) weight_sum += c.weight;
  for (const auto& c : base.classes) result.class_share.push_back(c.weight / weight_sum);

  if (o.warmup_ns > 0) {
    run_options warmup = base;
    WINNOW_ASSIGN_OR_RETURN(warmup.plan, rate_plan::constant(o.start_rate, o.warmup_ns));
    WINNOW_ASSIGN_OR_RETURN(run_result warm, run_load(warmup));
    result.warmup_requests = 0;
    for (const auto& c : warm.classes) result.warmup_requests += c.counts.scheduled;
    if (o.pause_ns > 0) std::this_thread::sleep_for(std::chrono::nanoseconds(o.pause_ns));
  }
  capacity_search search(base.classes.size(), o.start_rate, o.max_rate, o.resolution, o.max_trials);
  while (auto rate = search.next_rate()) {
    run_options trial_options = base;
    WINNOW_ASSIGN_OR_RETURN(trial_options.plan, rate_plan::constant(*rate, o.trial_duration_ns));
    trial_options.seed = base.seed + static_cast<uint64_t>(search.trials());
    WINNOW_ASSIGN_OR_RETURN(run_result r, run_load(trial_options));
    find_max_trial t;
    t.total_rate = *rate;
    std::vector<class_trial_outcome> outcomes;
    for (size_t i = 0; i < r.classes.size(); ++i) {
      const class_result& c = r.classes[i];
      slo_verdict v = judge(result.class_slo[i], c);
      outcomes.push_back({v.held, c.counts.errors() > 0, c.counts.rejections() > 0});
      t.verdicts.push_back(std::move(v));
    }
    t.send_lag_p99_us = r.send_lag_us.value_at_percentile(99);
    t.classes = std::move(r.classes);
    search.record(*rate, outcomes);
    if (on_trial) on_trial(t);
    result.trials.push_back(std::move(t));
    if (o.pause_ns > 0) std::this_thread::sleep_for(std::chrono::nanoseconds(o.pause_ns));
  }
  result.capacity = search.capacities();
  return result;
}

std::string find_max_json(const find_max_result& r, const std::string& url) {
  nlohmann::json trials = nlohmann::json::array();
  for (const auto& t : r.trials) {
    nlohmann::json classes = nlohmann::json::array();
    for (size_t i = 0; i < t.classes.size(); ++i) {
      const auto& c = t.classes[i];
      classes.push_back({{"name", c.name},
                         {"rate", t.total_rate * r.class_share[i]},
                         {"scheduled", c.counts.scheduled},
                         {"ok", c.counts[outcome::ok]},
                         {"errors", c.counts.errors()},
                         {"rejections", c.counts.rejections()},
                         {"client_saturated", c.counts.client_saturated},
                         {"p50_ms", c.latency_us.value_at_percentile(50) / 1000.0},
                         {"p99_ms", c.latency_us.value_at_percentile(99) / 1000.0},
                         {"slo_latency_ms", t.verdicts[i].latency_us / 1000.0},
                         {"held", t.verdicts[i].held},
                         {"why", t.verdicts[i].why}});
    }
    trials.push_back({{"total_rate", t.total_rate}, {"send_lag_p99_ms", t.send_lag_p99_us / 1000.0}, {"classes", classes}});
  }
  nlohmann::json capacity = nlohmann::json::array();
  for (size_t i = 0; i < r.capacity.size(); ++i) {
    const auto& c = r.capacity[i];
    const std::string name = r.trials.empty() ? "" : r.trials[0].classes[i].name;
    capacity.push_back({{"name", name},
                        {"slo", r.class_slo[i].text},
                        {"max_total_rate_held", c.max_held_rate},
                        {"max_class_rate_held", c.max_held_rate * r.class_share[i]},
                        {"first_failed_total_rate", rate_or_null(c.first_failed_rate)},
                        {"errors_began_total_rate", rate_or_null(c.errors_began_rate)},
                        {"rejections_began_total_rate", rate_or_null(c.rejections_began_rate)}});
  }
  return nlohmann::json{{"mode", "find_max"}, {"url", url}, {"latency_from", "scheduled_send_time"},
                        {"warmup_requests", r.warmup_requests}, {"capacity", capacity}, {"trials", trials}}
      .dump();
}

std::string find_max_table(const find_max_result& r) {
  std::ostringstream o;
  char line[256];
  std::snprintf(line, sizeof line, "%-12s %-24s %14s %14s %14s %14s %14s\n", "class", "slo", "held total/s",
                "held class/s", "failed at", "errors from", "rejects from");
  o << line;
  const auto fmt = [](double v) { return std::isinf(v) ? std::string("-") : std::to_string(static_cast<long long>(std::llround(v))); };
  for (size_t i = 0; i < r.capacity.size(); ++i) {
    const auto& c = r.capacity[i];
    const std::string name = r.trials.empty() ? "" : r.trials[0].classes[i].name;
    std::snprintf(line, sizeof line, "%-12.12s %-24.24s %14.0f %14.0f %14s %14s %14s\n", name.c_str(),
                  r.class_slo[i].text.c_str(), c.max_held_rate, c.max_held_rate * r.class_share[i],
                  fmt(c.first_failed_rate).c_str(), fmt(c.errors_began_rate).c_str(),
                  fmt(c.rejections_began_rate).c_str());
    o << line;
  }
  o << "rates are total offered req/s unless marked class/s; '-' = never within the rates tried\n";
  return o.str();
}

}  // namespace winnow::loadtest

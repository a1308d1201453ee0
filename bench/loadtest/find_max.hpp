#pragma once
// `--find-max`: drives capacity_search with real trials. Each trial is a
// fresh constant-rate run of `trial_duration_ns` at the proposed total rate,
// with the run's class mix; each class is judged against its SLO.

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "bench/loadtest/capacity_search.hpp"
#include "bench/loadtest/load_runner.hpp"
#include "bench/loadtest/slo.hpp"

namespace winnow::loadtest {

struct find_max_options {
  std::vector<slo> slos;          // at most one unscoped; scoped ones by class name
  double start_rate = 50;
  double max_rate = 100'000;
  double resolution = 0.1;        // stop bisecting when bracket hi/lo ≤ 1.1
  int max_trials = 14;
  int64_t trial_duration_ns = 10'000'000'000;
  int64_t pause_ns = 1'000'000'000;  // lets queues drain between trials
  // Load at start_rate for this long before the first trial, not judged: a
  // cold server (page cache, block cache, an adaptive admission limit at its
  // starting value) can fail the first trial, and the search only bisects
  // downward from a failure, so one cold trial would understate the knee.
  int64_t warmup_ns = 0;
};

struct find_max_trial {
  double total_rate = 0;
  std::vector<class_result> classes;  // histograms as measured
  std::vector<slo_verdict> verdicts;
  int64_t send_lag_p99_us = 0;  // > a few ms: the client lagged (see run_report.hpp)
};

struct find_max_result {
  std::vector<find_max_trial> trials;
  std::vector<class_capacity> capacity;  // per class, in total-rate terms
  std::vector<double> class_share;       // weight / sum of weights
  std::vector<slo> class_slo;            // the SLO each class was judged by
  int64_t warmup_requests = 0;           // sent during the unjudged warm-up
};

// The SLO that applies to each class; invalid_argument for a scoped SLO
// naming no class, or two unscoped SLOs.
status_or<std::vector<slo>> slos_per_class(const std::vector<slo>& slos, const std::vector<class_payload>& classes);

// `on_trial` (may be empty) is called after each trial, for progress output.
status_or<find_max_result> find_max(const run_options& base, const find_max_options& o,
                                    const std::function<void(const find_max_trial&)>& on_trial);

std::string find_max_json(const find_max_result& r, const std::string& url);
std::string find_max_table(const find_max_result& r);

}  // namespace winnow::loadtest

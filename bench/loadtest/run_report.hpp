#pragma once
// Turns a run_result into what people read: one JSON object, a terminal
// table, and a PNG chart (gnuplot) of latency percentiles and throughput per
// second per class. Latencies are reported in milliseconds.

#include <string>
#include <vector>

#include "bench/loadtest/acked_writes.hpp"
#include "bench/loadtest/run_result.hpp"
#include "common/status.hpp"

namespace winnow::loadtest {

struct run_context {
  std::string url;
  std::string schedule;   // rate_plan::describe()
  uint64_t seed = 0;
  std::string profile;    // file or "<default>"
  int64_t acked_documents = -1;          // ≥ 0: distinct documents acknowledged
  const verify_result* verified = nullptr;  // set when they were read back
};

// A run is client-bound when arrivals waited for a connection, or when the
// p99 delay between scheduled and actual send exceeds this (the client
// process could not keep up); its latencies then measure the client too.
constexpr int64_t client_lag_limit_us = 10'000;
bool client_bound(const run_result& r);

// One JSON object (no trailing newline).
std::string summary_json(const run_result& r, const run_context& ctx, const std::string& chart_path);

// A fixed-width table, one row per class, plus a client-saturation warning
// when the client was the bottleneck.
std::string terminal_table(const run_result& r);

// Writes out_dir/timeseries_<class>.tsv and out_dir/chart.gp, then runs
// gnuplot to make out_dir/chart.png (pngcairo when available, else png).
// Returns the PNG's path via *png_path. unavailable when gnuplot is missing
// or fails (the TSV files are still written).
status write_chart(const run_result& r, const std::string& out_dir, const std::string& title,
                   std::string* png_path);

}  // namespace winnow::loadtest

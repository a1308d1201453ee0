#pragma once
// `winnow loadtest`, minus the argument parsing (app/cmd_loadtest.cpp): checks
// the target first (loopback only, before anything else happens), builds the
// run from the profile and overrides, runs it (or --find-max), and reports.
// With `json`, `out` receives exactly one JSON object and nothing else; the
// table and progress go to `err`.

#include <cstdint>
#include <ostream>
#include <string>
#include <vector>

namespace winnow::loadtest {

struct loadtest_args {
  std::string url;
  std::string profile;            // TOML; empty = one search class from `queries`
  std::string queries;            // overrides every search class's query file
  std::string corpus;             // overrides every ingest class's corpus file
  double rate = 0;                // > 0: constant rate, replacing the profile's schedule
  double duration_s = 0;          // > 0: cut (or, for a constant rate, set) the schedule length
  int64_t requests = 0;           // > 0: max requests
  int64_t seed = -1;              // ≥ 0: overrides the profile's seed
  int max_connections = 0;        // > 0: overrides connections.max
  int64_t timeout_ms = 0;         // > 0: overrides timeout_ms
  std::vector<std::string> headers;  // "Name: value"
  bool json = false;
  std::string out_dir;            // summary.json, time series, chart.png
  bool no_chart = false;
  bool verify_acked = false;
  int server_pid = 0;             // > 0: sample the service's memory (/proc) every second      // after the run, GET every acknowledged document
  // --find-max
  bool find_max = false;
  std::vector<std::string> slos;  // default p99=50ms
  double max_rate = 100'000;
  double resolution = 0.1;
  int max_trials = 14;
  double warmup_s = 0;      // --find-max: unjudged load at the start rate first
};

// Returns the process exit code: 0 done, 1 the run could not be made,
// 2 bad arguments or profile (including a refused target).
int run_loadtest_command(const loadtest_args& args, std::ostream& out, std::ostream& err);

}  // namespace winnow::loadtest

#pragma once
// What a load run measured, per request class: outcome counts, the latency
// histogram of successful requests (µs, from the SCHEDULED send time), and
// per-second windows (by completion time) for the charts.

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "bench/loadtest/hdr_histogram.hpp"

namespace winnow::loadtest {

enum class outcome {
  ok,             // 2xx
  rejected_429,   // shed by admission control (Too Many Requests)
  rejected_503,   // shed with Service Unavailable
  error_4xx,      // other 4xx: the request was wrong (a harness or profile bug)
  error_5xx,      // other 5xx
  error_connect,  // could not open a connection
  error_timeout,  // no full response by scheduled time + timeout
  error_io,       // the connection broke mid-request
};
const char* to_string(outcome o);
constexpr int outcome_count = 8;

struct outcome_counts {
  int64_t scheduled = 0;          // arrivals of this class
  int64_t by_outcome[outcome_count] = {};
  int64_t client_saturated = 0;   // arrivals that found every connection busy at the cap
  int64_t retried = 0;            // resent once after a stale keep-alive connection failed

  int64_t& operator[](outcome o) { return by_outcome[static_cast<int>(o)]; }
  int64_t operator[](outcome o) const { return by_outcome[static_cast<int>(o)]; }
  int64_t completed() const;
  int64_t errors() const;         // 4xx + 5xx + connect + timeout + io
  int64_t rejections() const;     // 429 + 503
  void add(const outcome_counts& o);
};

struct window_stats {
  outcome_counts counts;
  hdr_histogram latency_us;  // successes completing in this second
  window_stats();
};

struct class_result {
  std::string name;
  outcome_counts counts;
  hdr_histogram latency_us;             // successes, whole run
  hdr_histogram rejection_latency_us;   // 429/503 answers: shedding must be fast
  std::vector<window_stats> windows;    // [i] = completions in second i of the run
  // Ingest classes: [i] = 2xx answers to bodies[i] (their documents were
  // acknowledged as written); empty for search classes.
  std::vector<int64_t> acked_per_body;
  // error_io by what broke, "<stage>: <system message>" (e.g. "read: Connection
  // reset by peer"), so a broken connection can be traced to a cause.
  std::map<std::string, int64_t> io_errors_by_cause;
};

// One request, kept only when run_options::keep_trace is set (tests).
struct request_record {
  uint64_t seq = 0;
  size_t class_index = 0;
  int64_t scheduled_ns = 0;  // absolute, monotonic_now_ns() clock
  int64_t sent_ns = 0;       // when its bytes were handed to the socket (0 if never)
  int64_t done_ns = 0;
  int http_status = 0;
  outcome result = outcome::ok;
};

struct run_result {
  std::vector<class_result> classes;
  int64_t start_ns = 0;             // monotonic_now_ns() at the run's time 0
  int64_t schedule_ns = 0;          // length of the schedule actually used
  int64_t wall_ns = 0;              // until the last response
  int64_t connections_opened = 0;
  int64_t peak_connections = 0;
  int64_t max_connections = 0;
  int64_t max_send_lag_us = 0;      // worst delay between scheduled and actual send
  hdr_histogram send_lag_us;        // scheduled → bytes handed to the socket, every send:
                                    // large values mean the client (CPU, connections) lags
  std::vector<request_record> trace;
  // With run_options::server_pid: resident memory per second (kB), and the
  // kernel's high-water mark at the end.
  std::vector<int64_t> server_rss_kb;
  int64_t server_peak_rss_kb = 0;
  bool interrupted = false;         // stopped early by SIGINT
};

}  // namespace winnow::loadtest

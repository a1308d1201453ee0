#pragma once
// Runs one open-loop load test: arrivals follow an arrival_schedule and are
// sent at their scheduled time whether or not earlier requests have been
// answered, over a pool of keep-alive HTTP/1.1 connections; latency is taken
// from the scheduled send time, so a stalled server shows up as the latency
// of every request scheduled during the stall (no coordinated omission).
//
// Connections: `initial_connections` are opened before time 0. An arrival
// takes an idle connection, or opens a new one while fewer than
// `max_connections` are open; at the cap it waits in a FIFO and its class's
// client_saturated count goes up — the delay still counts in its latency, and
// the report flags the run as client-bound.
//
// Only the addresses in `target.addresses` (vetted by parse_target_url) are
// dialled. run_load() blocks until every request has an outcome; each has a
// deadline of scheduled time + timeout_ms, so it always ends.

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "bench/loadtest/rate_plan.hpp"
#include "bench/loadtest/run_result.hpp"
#include "bench/loadtest/target_url.hpp"
#include "common/status_or.hpp"

namespace winnow::loadtest {

struct class_payload {
  std::string name;
  double weight = 1;
  std::string path;                  // appended to target.base_path
  std::vector<std::string> bodies;   // sent round robin; REQUIRES non-empty
  // Ingest only (else empty): body_doc_ids[i] = the document ids in bodies[i],
  // so that acknowledged writes can be listed and checked afterwards.
  std::vector<std::vector<std::string>> body_doc_ids;
};

struct run_options {
  target_url target;
  rate_plan plan;
  uint64_t max_requests = 1'000'000;
  uint64_t seed = 1;
  int64_t timeout_ms = 10'000;
  int initial_connections = 32;
  int max_connections = 1024;
  std::vector<std::pair<std::string, std::string>> headers;
  std::vector<class_payload> classes;
  bool keep_trace = false;
  int server_pid = 0;       // > 0: sample that process's memory once a second
  bool stop_on_sigint = false;  // Ctrl-C stops new arrivals; in-flight ones finish and are reported
};

// unavailable when not a single initial connection could be opened;
// invalid_argument for inconsistent options. Otherwise every failure is a
// counted outcome inside the result.
status_or<run_result> run_load(const run_options& options);

}  // namespace winnow::loadtest

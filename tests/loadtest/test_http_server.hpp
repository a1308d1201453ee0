#pragma once
// A test server for the load-test harness: a small real HTTP/1.1 server
// (Boost.Beast, keep-alive) on 127.0.0.1 with an OS-chosen port, standing in
// for winnow in tests. It is not winnow; it has just enough behaviour to
// exercise the harness:
//  - POST /v1/search   → 200 at once, on the I/O thread;
//  - POST /v1/documents → into a bounded queue served by one worker thread
//    (bulk_service_ms each); when the queue is full → 429 with Retry-After
//    at once (admission control, as the real service should do);
//  - GET /v1/documents/{id} → 200 for ids of acknowledged bulk batches
//    (stored only when the 200 is sent), else 404 (ids are not decoded);
//  - optionally, one stall: when the n-th request arrives the I/O thread
//    blocks for stall_ms, so every request sent meanwhile waits.

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <thread>

#include "common/status.hpp"

namespace winnow::loadtest::testing {

struct test_server_options {
  int bulk_queue_capacity = 2;   // queued + in service
  int bulk_service_ms = 20;
  int64_t stall_at_request = -1; // 1-based request number that triggers the stall; -1: never
  int stall_ms = 0;
  // > 0: after this many responses on one connection the server closes it
  // without saying so (no "Connection: close"), like an idle keep-alive
  // timeout racing the client's next request.
  int close_after_responses = 0;
  // From this 1-based request number on, every request's connection is
  // closed with no answer at all (a server failing mid-request); -1: never.
  int64_t drop_from_request = -1;
};

class test_http_server {
 public:
  explicit test_http_server(test_server_options o = {});
  ~test_http_server();
  test_http_server(const test_http_server&) = delete;
  test_http_server& operator=(const test_http_server&) = delete;

  status start();   // binds 127.0.0.1:0 and serves on its own threads
  void stop();      // idempotent
  uint16_t port() const { return port_; }

  int64_t searches_answered() const { return searches_.load(); }
  int64_t bulk_accepted() const { return bulk_accepted_.load(); }
  int64_t bulk_rejected() const { return bulk_rejected_.load(); }
  // monotonic_now_ns() bounds of the stall, 0 if it has not happened.
  int64_t stall_begin_ns() const { return stall_begin_ns_.load(); }
  int64_t stall_end_ns() const { return stall_end_ns_.load(); }

  struct impl;  // Beast types stay in the .cpp

 private:
  test_server_options options_;
  std::unique_ptr<impl> impl_;
  uint16_t port_ = 0;
  std::atomic<int64_t> searches_{0};
  std::atomic<int64_t> bulk_accepted_{0};
  std::atomic<int64_t> bulk_rejected_{0};
  std::atomic<int64_t> stall_begin_ns_{0};
  std::atomic<int64_t> stall_end_ns_{0};
};

}  // namespace winnow::loadtest::testing

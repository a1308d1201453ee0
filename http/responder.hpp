#pragma once
// responder — the one-shot completion of an HTTP request. Whoever answers
// first wins (the engine's callback, the engine timeout, shutdown); later
// answers are dropped. The winner records the request's metrics.
//
// Thread-safety: respond() and set_labels() may be called from any thread.

#include <atomic>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>

#include "http/api_message.hpp"

namespace winnow::http {

class metrics;

class responder {
 public:
  using sink = std::function<void(api_response)>;

  // `sink` receives the winning response (on the thread that called respond).
  // `in_flight` (may be null) is decremented once, when the response is given.
  // REQUIRES: `m` and `in_flight` outlive this object.
  responder(sink s, metrics* m, int64_t start_ns, std::atomic<uint32_t>* in_flight);
  ~responder();
  responder(const responder&) = delete;
  responder& operator=(const responder&) = delete;

  // Route and priority-class labels for the metrics ("search", "interactive").
  void set_labels(std::string route, std::string class_name);
  std::string class_name() const;

  // Delivers `r` unless a response was already given; returns whether it did.
  bool respond(api_response r);
  bool responded() const { return done_.load(); }
  int64_t start_ns() const { return start_ns_; }

 private:
  sink sink_;
  metrics* metrics_;
  int64_t start_ns_;
  std::atomic<uint32_t>* in_flight_;
  std::atomic<bool> done_{false};
  mutable std::mutex labels_mu_;
  std::string route_ = "unknown";
  std::string class_name_;
};

}  // namespace winnow::http

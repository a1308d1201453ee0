#pragma once
// metrics — the process's Prometheus registry, one object that every layer
// feeds (the server, the engine, the scheduler, the device pool) and that
// GET /metrics serializes. prometheus-cpp stays behind a pimpl.
//
// Thread-safety: every member function may be called concurrently.
// Label values are free-form strings (route names, class names, device names).
//
// Series (all prefixed winnow_):
//   http_requests_total{route,class,code}          counter
//   http_request_duration_seconds{route,class}     histogram
//   in_flight_limit{class}                         gauge (the server's admission bound)
//   queue_depth{class}                             gauge
//   queue_wait_seconds{class}                      histogram
//   batch_size{class,device}                       histogram (requests per batch)
//   batch_tokens{class,device}                     histogram (padded tokens per batch)
//   device_busy_fraction{device}                   gauge in [0, 1]
//   device_up{device}                              gauge 1/0 (health)
//   device_seconds_total{device,class}             counter
//   cost_usd_total{device,class}                   counter
//   documents_accepted_total                       counter
//   documents_searchable_total                     counter
//   documents_rejected_total                       counter
//   degraded_total{class}                          counter (answers with a skipped stage)
//   rejected_total{class,reason}                   counter (refusals: the server's own 503,
//                                                  reason server_in_flight; an engine answer
//                                                  the server turned into 429/503, reason
//                                                  resource_exhausted / unavailable (e.g. a
//                                                  full ingest backlog); the scheduler's
//                                                  refusals of encode work, reason
//                                                  queue_full / timeout; the server's
//                                                  per-class admission, reason over_limit /
//                                                  shed_for_urgent)

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace winnow::http {

// Observations already sorted into buckets (e.g. the scheduler's own
// histograms, fed by app/engine_metrics_feeder): increments[i] new
// observations in bucket i — per bucket, not cumulative; bounds.size() + 1
// entries, the last one above every bound — and `sum` their total.
struct bucket_increments {
  std::vector<double> bounds;
  std::vector<double> increments;
  double sum = 0;
};

class metrics {
 public:
  metrics();
  ~metrics();
  metrics(const metrics&) = delete;
  metrics& operator=(const metrics&) = delete;

  void observe_request(std::string_view route, std::string_view class_name, unsigned http_code,
                       double seconds);
  void set_in_flight_limit(std::string_view class_name, double limit);
  void set_queue_depth(std::string_view class_name, double depth);
  void observe_queue_wait(std::string_view class_name, double seconds);
  void observe_batch(std::string_view class_name, std::string_view device, double requests,
                     double tokens);
  // Pre-bucketed forms of the two above. A series keeps the bounds it was
  // created with; increments with other bounds, or with a count that does not
  // match them, are dropped and the call returns false (nothing half-added).
  bool add_queue_wait(std::string_view class_name, const bucket_increments& wait_seconds);
  bool add_batches(std::string_view class_name, std::string_view device,
                   const bucket_increments& requests, const bucket_increments& tokens);
  void set_device_busy_fraction(std::string_view device, double fraction);
  void set_device_up(std::string_view device, bool up);
  void add_device_seconds(std::string_view device, std::string_view class_name, double seconds);
  void add_cost_usd(std::string_view device, std::string_view class_name, double usd);
  void add_documents_accepted(uint64_t n);
  void add_documents_searchable(uint64_t n);
  void add_documents_rejected(uint64_t n);
  void add_degraded(std::string_view class_name);
  void add_rejected(std::string_view class_name, std::string_view reason, uint64_t n = 1);

  // The Prometheus text exposition format (version 0.0.4).
  std::string serialize() const;

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

}  // namespace winnow::http

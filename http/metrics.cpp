#include "http/metrics.hpp"

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>
#include <prometheus/text_serializer.h>

#include <map>
#include <mutex>
#include <sstream>

namespace winnow::http {

namespace {

using prometheus::Histogram;

// Latency buckets from 0.5 ms to 10 s: search answers in milliseconds, ingest
// of a large batch in seconds.
const Histogram::BucketBoundaries& latency_buckets() {
  static const Histogram::BucketBoundaries b = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
                                                0.05,   0.1,   0.25,   0.5,   1,    2.5,
                                                5,      10};
  return b;
}

const Histogram::BucketBoundaries& batch_size_buckets() {
  static const Histogram::BucketBoundaries b = {1, 2, 4, 8, 16, 32, 64, 128, 256};
  return b;
}

const Histogram::BucketBoundaries& batch_tokens_buckets() {
  static const Histogram::BucketBoundaries b = {64, 128, 256, 512, 1024, 2048, 4096, 8192, 16384};
  return b;
}

std::string s(std::string_view v) { return std::string(v); }

}  // namespace

struct metrics::impl {
  // The bucket bounds of every histogram series created, by family and
  // labels: prometheus-cpp's Family::Add ignores the bounds of a series that
  // exists, and ObserveMultiple throws on a size mismatch.
  std::mutex bounds_mutex;
  std::map<std::string, Histogram::BucketBoundaries> series_bounds;

  // The series of `family` with `labels`, created with `bounds` if new; null
  // when it exists with other bounds.
  Histogram* histogram(prometheus::Family<Histogram>& family, const std::string& family_name,
                       const std::map<std::string, std::string>& labels,
                       const Histogram::BucketBoundaries& bounds) {
    std::string key = family_name;
    for (const auto& [k, v] : labels) key += "\x1f" + k + "=" + v;
    std::lock_guard<std::mutex> lock(bounds_mutex);
    auto [it, inserted] = series_bounds.try_emplace(key, bounds);
    if (!inserted && it->second != bounds) return nullptr;
    return &family.Add(labels, it->second);
  }

  std::shared_ptr<prometheus::Registry> registry = std::make_shared<prometheus::Registry>();

  prometheus::Family<prometheus::Counter>& requests =
      prometheus::BuildCounter().Name("winnow_http_requests_total")
          .Help("HTTP requests answered, by route, priority class and status code")
          .Register(*registry);
  prometheus::Family<Histogram>& request_seconds =
      prometheus::BuildHistogram().Name("winnow_http_request_duration_seconds")
          .Help("HTTP request latency from the last request byte to the response, by route and class")
          .Register(*registry);
  prometheus::Family<prometheus::Gauge>& queue_depth =
      prometheus::BuildGauge().Name("winnow_queue_depth")
          .Help("Requests waiting in the scheduler queue, by class")
          .Register(*registry);
  prometheus::Family<prometheus::Gauge>& in_flight_limit =
      prometheus::BuildGauge().Name("winnow_in_flight_limit")
          .Help("Searches and ingests of a class the server admits at once (adaptive), by class")
          .Register(*registry);
  prometheus::Family<Histogram>& queue_wait =
      prometheus::BuildHistogram().Name("winnow_queue_wait_seconds")
          .Help("Time a request waited in the scheduler queue, by class")
          .Register(*registry);
  prometheus::Family<Histogram>& batch_size =
      prometheus::BuildHistogram().Name("winnow_batch_size")
          .Help("Requests per device batch, by class and device")
          .Register(*registry);
  prometheus::Family<Histogram>& batch_tokens =
      prometheus::BuildHistogram().Name("winnow_batch_tokens")
          .Help("Padded tokens (requests x longest request) per device batch, by class and device")
          .Register(*registry);
  prometheus::Family<prometheus::Gauge>& busy =
      prometheus::BuildGauge().Name("winnow_device_busy_fraction")
          .Help("Fraction of recent wall time the device spent running batches")
          .Register(*registry);
  prometheus::Family<prometheus::Gauge>& up =
      prometheus::BuildGauge().Name("winnow_device_up")
          .Help("1 when the device is healthy and in the pool, 0 when marked down")
          .Register(*registry);
  prometheus::Family<prometheus::Counter>& device_seconds =
      prometheus::BuildCounter().Name("winnow_device_seconds_total")
          .Help("Device seconds spent on batches, by device and class")
          .Register(*registry);
  prometheus::Family<prometheus::Counter>& cost =
      prometheus::BuildCounter().Name("winnow_cost_usd_total")
          .Help("Device cost charged (device seconds x cost_per_hour / 3600), by device and class")
          .Register(*registry);
  prometheus::Family<prometheus::Counter>& docs_accepted =
      prometheus::BuildCounter().Name("winnow_documents_accepted_total")
          .Help("Documents acknowledged as durable")
          .Register(*registry);
  prometheus::Family<prometheus::Counter>& docs_searchable =
      prometheus::BuildCounter().Name("winnow_documents_searchable_total")
          .Help("Documents that became visible to search")
          .Register(*registry);
  prometheus::Family<prometheus::Counter>& docs_rejected =
      prometheus::BuildCounter().Name("winnow_documents_rejected_total")
          .Help("Documents refused at ingest (invalid or not applied)")
          .Register(*registry);
  prometheus::Family<prometheus::Counter>& degraded =
      prometheus::BuildCounter().Name("winnow_degraded_total")
          .Help("Search answers with a skipped stage (e.g. BM25 order only), by class")
          .Register(*registry);
  prometheus::Family<prometheus::Counter>& rejected =
      prometheus::BuildCounter().Name("winnow_rejected_total")
          .Help("Requests refused by admission control (429/503), by class and reason")
          .Register(*registry);

  prometheus::Counter& docs_accepted_c = docs_accepted.Add({});
  prometheus::Counter& docs_searchable_c = docs_searchable.Add({});
  prometheus::Counter& docs_rejected_c = docs_rejected.Add({});
};

metrics::metrics() : impl_(std::make_unique<impl>()) {}
metrics::~metrics() = default;

// Family::Add returns the existing series for known labels (under the family's
// mutex), so no cache is kept here.
void metrics::observe_request(std::string_view route, std::string_view class_name,
                              unsigned http_code, double seconds) {
  impl_->requests.Add({{"route", s(route)}, {"class", s(class_name)},
                       {"code", std::to_string(http_code)}}).Increment();
  impl_->request_seconds.Add({{"route", s(route)}, {"class", s(class_name)}}, latency_buckets())
      .Observe(seconds);
}

void metrics::set_in_flight_limit(std::string_view class_name, double limit) {
  impl_->in_flight_limit.Add({{"class", s(class_name)}}).Set(limit);
}

void metrics::set_queue_depth(std::string_view class_name, double depth) {
  impl_->queue_depth.Add({{"class", s(class_name)}}).Set(depth);
}

void metrics::observe_queue_wait(std::string_view class_name, double seconds) {
  if (auto* h = impl_->histogram(impl_->queue_wait, "queue_wait", {{"class", s(class_name)}},
                                 latency_buckets()))
    h->Observe(seconds);
}

void metrics::observe_batch(std::string_view class_name, std::string_view device, double requests,
                            double tokens) {
  const std::map<std::string, std::string> labels = {{"class", s(class_name)}, {"device", s(device)}};
  if (auto* h = impl_->histogram(impl_->batch_size, "batch_size", labels, batch_size_buckets()))
    h->Observe(requests);
  if (auto* h = impl_->histogram(impl_->batch_tokens, "batch_tokens", labels, batch_tokens_buckets()))
    h->Observe(tokens);
}

namespace {
bool well_formed(const bucket_increments& b) {
  return b.increments.size() == b.bounds.size() + 1;
}
}  // namespace

bool metrics::add_queue_wait(std::string_view class_name, const bucket_increments& wait_seconds) {
  if (!well_formed(wait_seconds)) return false;
  auto* h = impl_->histogram(impl_->queue_wait, "queue_wait", {{"class", s(class_name)}},
                             wait_seconds.bounds);
  if (h == nullptr) return false;
  h->ObserveMultiple(wait_seconds.increments, wait_seconds.sum);
  return true;
}

bool metrics::add_batches(std::string_view class_name, std::string_view device,
                          const bucket_increments& requests, const bucket_increments& tokens) {
  if (!well_formed(requests) || !well_formed(tokens)) return false;
  const std::map<std::string, std::string> labels = {{"class", s(class_name)}, {"device", s(device)}};
  auto* size = impl_->histogram(impl_->batch_size, "batch_size", labels, requests.bounds);
  auto* toks = impl_->histogram(impl_->batch_tokens, "batch_tokens", labels, tokens.bounds);
  if (size == nullptr || toks == nullptr) return false;
  size->ObserveMultiple(requests.increments, requests.sum);
  toks->ObserveMultiple(tokens.increments, tokens.sum);
  return true;
}

void metrics::set_device_busy_fraction(std::string_view device, double fraction) {
  impl_->busy.Add({{"device", s(device)}}).Set(fraction);
}

void metrics::set_device_up(std::string_view device, bool up) {
  impl_->up.Add({{"device", s(device)}}).Set(up ? 1 : 0);
}

void metrics::add_device_seconds(std::string_view device, std::string_view class_name,
                                 double seconds) {
  impl_->device_seconds.Add({{"device", s(device)}, {"class", s(class_name)}}).Increment(seconds);
}

void metrics::add_cost_usd(std::string_view device, std::string_view class_name, double usd) {
  impl_->cost.Add({{"device", s(device)}, {"class", s(class_name)}}).Increment(usd);
}

void metrics::add_documents_accepted(uint64_t n) {
  impl_->docs_accepted_c.Increment(static_cast<double>(n));
}
void metrics::add_documents_searchable(uint64_t n) {
  impl_->docs_searchable_c.Increment(static_cast<double>(n));
}
void metrics::add_documents_rejected(uint64_t n) {
  impl_->docs_rejected_c.Increment(static_cast<double>(n));
}

void metrics::add_degraded(std::string_view class_name) {
  impl_->degraded.Add({{"class", s(class_name)}}).Increment();
}

void metrics::add_rejected(std::string_view class_name, std::string_view reason, uint64_t n) {
  impl_->rejected.Add({{"class", s(class_name)}, {"reason", s(reason)}})
      .Increment(static_cast<double>(n));
}

std::string metrics::serialize() const {
  std::ostringstream out;
  prometheus::TextSerializer{}.Serialize(out, impl_->registry->Collect());
  return out.str();
}

}  // namespace winnow::http

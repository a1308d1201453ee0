// The test that would have caught issue 17: `winnow serve` on the embedded
// default (no --config), a few thousand catalogue documents ingested without
// vectors so that the service encodes them in the background — the first
// minutes of scripts/run — and an open-loop stream of interactive hybrid
// searches at a modest rate. Every search must be answered with the dense
// stage (0 degraded answers: the query's encoding never waits past its
// deadline behind bulk work) and the p99 must stay within the interactive
// class's configured deadline (timeout_ms), and query encodings must start on
// their device without waiting behind bulk batches (queue wait). Before the fix,
// on a loaded machine searches came back degraded after the full 200 ms (6 of
// 51 here, p99 209 ms); on a quiet one most waited behind the running bulk
// batch (16 of 47 started within 10 ms).
//
// The assertions are about behaviour, not speed, except the p99 bound the
// issue asks for; the rate is modest so that a loaded 2-core machine meets it
// whenever the scheduler keeps queries first.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "bench/loadtest/load_runner.hpp"
#include "bench/loadtest/request_bodies.hpp"
#include "config/load_config.hpp"
#include "tests/http/http_test_client.hpp"
#include "tests/http/serve_process.hpp"
#include "tests/support/test_support.hpp"

namespace winnow::loadtest {
namespace {

using http::testing::metric_value;
using http::testing::serve_process;
using http::testing::test_client;

constexpr int k_documents = 20000;      // the backlog: minutes of encoding on 2 cores (~180/s when idle)
constexpr double k_rate = 5;            // searches per second, open loop
constexpr int64_t k_seconds = 12;
// Searches start once the bulk backlog has waited this long: the old default's
// aging (one level per second, ten levels) had lifted bulk above the queries
// by then, which is when issue 17's searches degraded. Without the wait a run
// would only see the first seconds, when nothing had aged yet.
constexpr auto k_backlog_age = std::chrono::seconds(15);

double counter(const std::string& metrics, const std::string& series) {
  double v = metric_value(metrics, series);
  return v < 0 ? 0 : v;  // a series never incremented is not exported yet
}

TEST(serve_background_encode, searches_are_not_degraded_while_the_catalogue_encodes) {
  const std::string winnow = http::testing::winnow_binary();
  if (!std::filesystem::exists(winnow)) GTEST_SKIP() << "winnow binary not built";
  if (winnow::testing::model_dir().empty()) GTEST_SKIP() << "model files not present";
  winnow::testing::temp_dir dir;
  const std::string data = dir.str() + "/data";
  const std::string catalogue = dir.str() + "/catalogue.jsonl";
  // What scripts/run does, at a test's size: a seeded catalogue, ingested
  // into the BM25 index without vectors.
  ASSERT_EQ(std::system((winnow + " gen-catalogue --count " + std::to_string(k_documents) +
                         " --seed 42 " + catalogue + " >/dev/null").c_str()), 0);
  ASSERT_EQ(std::system((winnow + " ingest --no-vectors --data " + data + " " + catalogue +
                         " >/dev/null").c_str()), 0);

  serve_process server(data);  // the embedded default: no --config
  const std::string line = server.read_line();
  const uint16_t port = http::testing::port_of(line);
  ASSERT_NE(port, 0) << "unexpected first line: " << line;
  std::this_thread::sleep_for(k_backlog_age);
  test_client admin(port);
  const std::string k_waits = "winnow_queue_wait_seconds_count{class=\"interactive\"}";
  const std::string k_quick = "winnow_queue_wait_seconds_bucket{class=\"interactive\",le=\"0.01\"}";
  const std::string before = admin.request("GET", "/metrics").body;
  const double degraded_before = counter(before, "winnow_degraded_total{class=\"interactive\"}");
  const double waits_before = counter(before, k_waits), quick_before = counter(before, k_quick);

  run_options o;
  auto target = parse_target_url("http://127.0.0.1:" + std::to_string(port));
  ASSERT_OK(target);
  o.target = *target;
  o.plan = rate_plan::constant(k_rate, k_seconds * 1'000'000'000).value();
  o.seed = 17;
  o.timeout_ms = 10'000;
  o.initial_connections = 4;
  o.max_connections = 64;
  class_spec search;
  search.name = "interactive";
  search.k = 10;
  search.mode = "hybrid";
  search.priority = "interactive";
  o.classes.push_back({"interactive", 1, "/v1/search",
                       {search_body("waterproof hiking boot", search),
                        search_body("stainless steel water bottle", search),
                        search_body("wireless noise cancelling headphones", search),
                        search_body("cotton t-shirt for kids", search)}});
  auto r = run_load(o);
  ASSERT_OK(r);
  const class_result& q = r->classes[0];

  const std::string metrics = admin.request("GET", "/metrics").body;
  const double degraded =
      counter(metrics, "winnow_degraded_total{class=\"interactive\"}") - degraded_before;
  // The run must really have overlapped the encode: bulk still queued at the end.
  auto last = admin.request("POST", "/v1/search", R"({"query":"hiking boot","mode":"hybrid"})");
  ASSERT_EQ(last.status, 200u) << last.body;
  const auto body = last.json();
  const int64_t p50 = q.latency_us.value_at_percentile(50);
  const int64_t p99 = q.latency_us.value_at_percentile(99);
  std::fprintf(stderr, "background encode run: %lld searches, %lld ok, %g degraded, p50 %.1f ms, p99 %.1f ms; "
               "vectors %s\n", static_cast<long long>(q.counts.scheduled),
               static_cast<long long>(q.counts[outcome::ok]), degraded, p50 / 1e3, p99 / 1e3,
               body.contains("vectors") ? body["vectors"].dump().c_str() : "(absent)");
  // Open-loop arrivals are random (seeded): about rate × seconds of them.
  ASSERT_GE(q.counts.scheduled, k_rate * k_seconds * 0.6);
  EXPECT_EQ(q.counts[outcome::ok], q.counts.scheduled)
      << "429=" << q.counts[outcome::rejected_429] << " 503=" << q.counts[outcome::rejected_503]
      << " 5xx=" << q.counts[outcome::error_5xx] << " timeout=" << q.counts[outcome::error_timeout];
  EXPECT_EQ(degraded, 0) << "searches answered in BM25 order: their encoding waited behind bulk work";
  const config::engine_config def = config::embedded_default();
  const int64_t target_ms = static_cast<int64_t>(def.find_class("interactive")->timeout_ms);
  EXPECT_LE(p99, target_ms * 1000) << "interactive p99 above the class's " << target_ms << " ms";

  // Scheduling, not speed: a query's encoding goes to its device after its
  // 0.5 ms batching delay, not after a bulk batch. With bulk on the queries'
  // device (before the fix) most queries waited for the running bulk batch
  // (tens of ms), on a quiet machine too, where nothing had aged yet.
  const double waits = counter(metrics, k_waits) - waits_before;
  const double quick = counter(metrics, k_quick) - quick_before;
  ASSERT_GT(waits, 0);
  EXPECT_GE(quick, 0.9 * waits) << quick << " of " << waits
                                << " query encodings started within 10 ms of arriving";

  // The answer says how much of the corpus the dense stage could see, and the
  // run really overlapped the encode (else it tested nothing).
  ASSERT_TRUE(body.contains("vectors")) << last.body;
  EXPECT_LT(body["vectors"]["encoded"].get<int64_t>(), k_documents)
      << "the catalogue was encoded before the searches ended: the run tested nothing";
  EXPECT_EQ(body["vectors"]["total"].get<int64_t>(), k_documents);
}

}  // namespace
}  // namespace winnow::loadtest

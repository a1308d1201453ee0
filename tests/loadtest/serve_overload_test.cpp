// A short real overload run (issue: load test, tests): `winnow serve` with the
// model and a tiny ingest backlog bound, driven by the load runner with a mix
// of interactive searches and bulk ingests. Bulk overloads the encoder, so the
// service must shed bulk at once with 429 + Retry-After (counted by class in
// /metrics, matching the harness's count) while every interactive search
// succeeds, and every acknowledged write must be readable afterwards.
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "bench/loadtest/acked_writes.hpp"
#include "bench/loadtest/load_profile.hpp"
#include "bench/loadtest/load_runner.hpp"
#include "bench/loadtest/request_bodies.hpp"
#include "tests/http/http_test_client.hpp"
#include "tests/http/serve_process.hpp"
#include "tests/support/test_support.hpp"

namespace winnow::loadtest {
namespace {

using http::testing::metric_value;
using http::testing::serve_process;
using http::testing::test_client;

// At most 8 documents may wait for encoding and the bulk queue holds 2
// requests: one 8-document ingest fills the backlog, so any bulk arrival
// before those 8 passages are encoded is refused.
constexpr int k_max_pending = 8;
constexpr int k_docs_per_request = 8;

const char* k_config = R"(
[engine]
max_pending_encode = 8

[[classes]]
name = "interactive"
priority = 0
max_queue_delay_us = 500
max_queue = 256

[[classes]]
name = "bulk"
priority = 10
max_queue_delay_us = 2000
max_queue = 2
)";

// Passages long enough (~120 word pieces) that encoding 8 of them on a CPU
// takes far longer than the gap between bulk arrivals at 60/s.
std::vector<corpus_document> bulk_corpus(int n) {
  std::vector<corpus_document> docs;
  for (int i = 0; i < n; ++i) {
    std::string text;
    for (int w = 0; w < 12; ++w)
      text += "Shipment " + std::to_string(i) + " of granite tiles left the quarry on day " +
              std::to_string(w) + ". ";
    docs.push_back({"bulk-" + std::to_string(i), "Shipment " + std::to_string(i), text});
  }
  return docs;
}

TEST(serve_overload, bulk_is_shed_with_counted_429_while_interactive_succeeds) {
  if (!std::filesystem::exists(http::testing::winnow_binary())) GTEST_SKIP() << "winnow binary not built";
  if (winnow::testing::model_dir().empty())
    GTEST_SKIP() << "model files not present (ingest encodes with the model; nothing to overload without it)";
  winnow::testing::temp_dir dir;
  const std::string config = dir.str() + "/overload.toml";
  std::ofstream(config) << k_config;
  serve_process server(dir.str() + "/data", {"--config", config});
  const std::string line = server.read_line();
  const uint16_t port = http::testing::port_of(line);
  ASSERT_NE(port, 0) << "unexpected first line: " << line;

  // Something for the searches to find.
  test_client c(port);
  auto seeded = c.request("POST", "/v1/documents",
                          R"([{"id":"seed-granite","title":"Granite","text":"granite quarry tiles"}])");
  ASSERT_EQ(seeded.status, 200u) << seeded.body;

  run_options o;
  auto target = parse_target_url("http://127.0.0.1:" + std::to_string(port));
  ASSERT_OK(target);
  o.target = *target;
  o.plan = rate_plan::constant(100, 3'000'000'000).value();  // 3 s: ~40 searches/s, ~60 ingests/s
  o.seed = 11;
  o.timeout_ms = 15'000;
  o.initial_connections = 8;
  o.max_connections = 256;
  class_spec search;
  search.name = "interactive";
  search.k = 10;
  search.mode = "hybrid";
  search.priority = "interactive";
  o.classes.push_back({"interactive", 40, "/v1/search",
                       {search_body("granite quarry", search), search_body("tiles shipment", search)}});
  const auto docs = bulk_corpus(400);
  class_payload bulk{"bulk", 60, "/v1/documents", {}, {}};
  for (size_t b = 0; b * k_docs_per_request < docs.size(); ++b) {
    bulk.bodies.push_back(ingest_body(docs, b * k_docs_per_request, k_docs_per_request));
    std::vector<std::string> ids;
    for (size_t i = b * k_docs_per_request; i < (b + 1) * k_docs_per_request; ++i) ids.push_back(docs[i].id);
    bulk.body_doc_ids.push_back(std::move(ids));
  }
  o.classes.push_back(std::move(bulk));

  auto r = run_load(o);
  ASSERT_OK(r);
  const class_result& interactive = r->classes[0];
  const class_result& shed = r->classes[1];
  std::fprintf(stderr, "overload run: interactive %lld scheduled, %lld ok; bulk %lld scheduled, %lld ok, %lld 429\n",
               static_cast<long long>(interactive.counts.scheduled),
               static_cast<long long>(interactive.counts[outcome::ok]),
               static_cast<long long>(shed.counts.scheduled), static_cast<long long>(shed.counts[outcome::ok]),
               static_cast<long long>(shed.counts[outcome::rejected_429]));
  ASSERT_GT(interactive.counts.scheduled, 20);
  ASSERT_GT(shed.counts.scheduled, 40);

  // Interactive: every search answered 2xx.
  EXPECT_EQ(interactive.counts[outcome::ok], interactive.counts.scheduled)
      << "interactive errors: 429=" << interactive.counts[outcome::rejected_429]
      << " 503=" << interactive.counts[outcome::rejected_503]
      << " 5xx=" << interactive.counts[outcome::error_5xx]
      << " timeout=" << interactive.counts[outcome::error_timeout];
  // Bulk: shed with 429 (refused at once), some accepted, nothing else.
  EXPECT_GT(shed.counts[outcome::rejected_429], 0);
  EXPECT_GT(shed.counts[outcome::ok], 0);
  EXPECT_EQ(shed.counts.errors(), 0) << "5xx=" << shed.counts[outcome::error_5xx]
                                     << " 4xx=" << shed.counts[outcome::error_4xx]
                                     << " timeout=" << shed.counts[outcome::error_timeout];
  EXPECT_EQ(shed.counts.completed(), shed.counts.scheduled);

  // A refusal carries Retry-After and says why (a 9-document ingest can never fit).
  std::string nine = ingest_body(docs, 0, k_max_pending + 1);
  auto refused = c.request("POST", "/v1/documents", nine);
  EXPECT_EQ(refused.status, 429u) << refused.body;
  EXPECT_FALSE(refused.header("retry-after").empty());
  EXPECT_NE(refused.body.find("max_pending_encode"), std::string::npos) << refused.body;

  // /metrics counted every refusal by class: the harness's 429s plus the probe.
  auto m = c.request("GET", "/metrics");
  ASSERT_EQ(m.status, 200u);
  EXPECT_EQ(metric_value(m.body, R"(winnow_rejected_total{class="bulk",reason="resource_exhausted"})"),
            static_cast<double>(shed.counts[outcome::rejected_429] + 1))
      << m.body;
  EXPECT_EQ(metric_value(m.body, R"(winnow_http_requests_total{class="bulk",code="429",route="documents_post"})"),
            static_cast<double>(shed.counts[outcome::rejected_429] + 1));
  EXPECT_EQ(metric_value(m.body, R"(winnow_rejected_total{class="interactive")"), -1) << m.body;

  // Zero lost acknowledged writes.
  auto acked = acknowledged_ids(o, *r);
  ASSERT_FALSE(acked.empty());
  auto v = verify_documents(o.target, acked, o.headers);
  ASSERT_OK(v);
  EXPECT_EQ(v->present, static_cast<int64_t>(acked.size()));
  EXPECT_EQ(v->missing, 0) << (v->missing_ids.empty() ? "" : v->missing_ids.front());
  EXPECT_EQ(v->other, 0) << v->first_other;

  EXPECT_EQ(server.terminate(), 0);
}

}  // namespace
}  // namespace winnow::loadtest

// `winnow serve` as a process: it prints its URL once ready, serves requests,
// stops cleanly on SIGTERM (exit 0), and what it acknowledged is still there
// after a restart on the same data directory.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <string>
#include <thread>

#include "tests/http/http_test_client.hpp"
#include "tests/http/serve_process.hpp"
#include "tests/support/test_support.hpp"

namespace winnow::http::testing {
namespace {

TEST(serve_command, serves_until_sigterm_and_keeps_acknowledged_documents) {
  if (!std::filesystem::exists(winnow_binary())) GTEST_SKIP() << "winnow binary not built";
  if (winnow::testing::model_dir().empty()) GTEST_SKIP() << "model files not present";
  winnow::testing::temp_dir dir;
  std::string data = dir.str() + "/data";
  {
    serve_process p(data);
    std::string line = p.read_line();
    uint16_t port = port_of(line);
    ASSERT_NE(port, 0) << "unexpected first line: " << line;
    test_client c(port);
    auto r = c.request("POST", "/v1/documents", R"([{"id":"kept","title":"Kept","text":"durable words"}])");
    ASSERT_EQ(r.status, 200u) << r.body;
    // Durable when answered; the actor engine indexes and encodes after the ack.
    const std::string state = r.json()["documents"][0]["state"];
    EXPECT_TRUE(state == "accepted" || state == "searchable") << r.body;
    EXPECT_EQ(p.terminate(), 0);
  }
  {
    serve_process p(data);
    uint16_t port = port_of(p.read_line());
    ASSERT_NE(port, 0);
    test_client c(port);
    EXPECT_EQ(c.request("GET", "/v1/documents/kept").json()["title"], "Kept");
    auto s = c.request("POST", "/v1/search", R"({"query":"durable","mode":"bm25"})");
    ASSERT_EQ(s.status, 200u);
    EXPECT_EQ(s.json()["results"][0]["id"], "kept") << s.body;
    EXPECT_EQ(p.terminate(), 0);
  }
}

// The engine's own numbers (queues, devices, device time, documents) reach
// /metrics: the poller copies engine::stats() into the registry once a second.
TEST(serve_command, metrics_show_the_engine_queues_devices_and_documents) {
  if (!std::filesystem::exists(winnow_binary())) GTEST_SKIP() << "winnow binary not built";
  if (winnow::testing::model_dir().empty()) GTEST_SKIP() << "model files not present";
  winnow::testing::temp_dir dir;
  serve_process p(dir.str() + "/data");
  std::string line = p.read_line();
  uint16_t port = port_of(line);
  ASSERT_NE(port, 0) << "unexpected first line: " << line;
  test_client c(port);
  auto r = c.request("POST", "/v1/documents",
                     R"([{"id":"m1","title":"Metered","text":"gauges and counters"}])");
  ASSERT_EQ(r.status, 200u) << r.body;
  // Hybrid searches encode the query in the interactive class; the ingest's
  // passage went through the bulk class.
  for (const char* q : {"counters", "gauges", "metered gauges"}) {
    auto s = c.request("POST", "/v1/search",
                       std::string(R"({"mode":"hybrid","class":"interactive","query":")") + q + "\"}");
    ASSERT_EQ(s.status, 200u) << s.body;
  }

  // Wait (bounded) for a poll after the document became searchable and the
  // batches of both classes were recorded.
  std::string text;
  bool seen = false;
  for (int i = 0; i < 300 && !seen; ++i) {
    auto m = c.request("GET", "/metrics");
    ASSERT_EQ(m.status, 200u);
    text = m.body;
    seen = metric_value(text, "winnow_documents_searchable_total") >= 1 &&
           metric_value(text, "winnow_device_seconds_total{class=\"all\"") > 0 &&
           metric_value(text, "winnow_batch_size_count{class=\"bulk\"") >= 1 &&
           metric_value(text, "winnow_batch_size_count{class=\"interactive\"") >= 1;
    if (!seen) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  ASSERT_TRUE(seen) << text;
  // Per-batch and per-request observations from the scheduler: one query
  // vector per search (several may share a batch), one passage for the ingest.
  for (const char* cls : {"interactive", "bulk"}) {
    const std::string sel = std::string("{class=\"") + cls + "\",device=";
    EXPECT_GE(metric_value(text, "winnow_batch_size_count" + sel), 1) << cls << "\n" << text;
    EXPECT_GE(metric_value(text, "winnow_batch_tokens_count" + sel), 1) << cls << "\n" << text;
    EXPECT_GT(metric_value(text, "winnow_batch_tokens_sum" + sel), 0) << cls << "\n" << text;
  }
  EXPECT_EQ(metric_value(text, "winnow_batch_size_sum{class=\"interactive\",device="), 3) << text;
  EXPECT_EQ(metric_value(text, "winnow_queue_wait_seconds_count{class=\"interactive\"}"), 3) << text;
  EXPECT_GE(metric_value(text, "winnow_queue_wait_seconds_count{class=\"bulk\"}"), 1) << text;
  EXPECT_GE(metric_value(text, "winnow_queue_depth{class=\"interactive\"}"), 0) << text;
  EXPECT_EQ(metric_value(text, "winnow_device_up{device="), 1) << text;
  // Counted once, by the HTTP layer (the feeder leaves it alone).
  EXPECT_EQ(metric_value(text, "winnow_documents_accepted_total"), 1) << text;
  EXPECT_EQ(p.terminate(), 0);
}

TEST(serve_command, refuses_a_bad_listen_address) {
  if (!std::filesystem::exists(winnow_binary())) GTEST_SKIP() << "winnow binary not built";
  if (winnow::testing::model_dir().empty()) GTEST_SKIP() << "model files not present";
  winnow::testing::temp_dir dir;
  std::string cmd = winnow_binary() + " serve --listen 0.0.0.0:0 --model " +
                    winnow::testing::model_dir() + " --data " + dir.str() + "/d 2>&1";
  FILE* p = popen(cmd.c_str(), "r");
  char buf[4096];
  std::string out;
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
  int st = pclose(p);
  EXPECT_NE(WEXITSTATUS(st), 0);
  EXPECT_NE(out.find("no API keys configured: refusing to listen on 0.0.0.0"), std::string::npos) << out;
  EXPECT_NE(std::system((winnow_binary() + " serve --listen nonsense > /dev/null 2>&1").c_str()), 0);
}

}  // namespace
}  // namespace winnow::http::testing

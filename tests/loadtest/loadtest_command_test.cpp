// The command end to end against test_http_server: JSON output, files,
// --find-max, and that a refused target fails before any file is read.
#include "bench/loadtest/loadtest_command.hpp"

#include <filesystem>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "bench/loadtest/acked_writes.hpp"
#include "bench/loadtest/find_max.hpp"
#include "bench/loadtest/request_bodies.hpp"
#include "tests/loadtest/test_http_server.hpp"
#include "tests/support/test_support.hpp"

namespace winnow::loadtest {
namespace {

struct fixture_files {
  winnow::testing::temp_dir dir;
  std::string queries, corpus, profile;
  fixture_files() {
    queries = dir.str() + "/queries.jsonl";
    corpus = dir.str() + "/corpus.jsonl";
    profile = dir.str() + "/mixed.toml";
    std::ofstream(queries) << R"({"_id":"1","text":"alpha"})" << "\n" << R"({"_id":"2","text":"beta"})" << "\n";
    std::ofstream(corpus) << R"({"_id":"d1","title":"A","text":"one"})" << "\n"
                          << R"({"_id":"d2","title":"B","text":"two"})" << "\n";
    std::ofstream(profile) << R"(
seed = 3
[schedule]
shape = "constant"
rate = 300
duration_s = 1
[connections]
initial = 4
max = 256
[[class]]
name = "interactive"
weight = 80
kind = "search"
queries = "queries.jsonl"
[[class]]
name = "bulk"
weight = 20
kind = "ingest"
corpus = "corpus.jsonl"
batch = 2
)";
  }
};

TEST(loadtest_command, json_mode_prints_exactly_one_object_and_writes_reports) {
  testing::test_server_options so;
  so.bulk_queue_capacity = 1;
  so.bulk_service_ms = 40;  // 25 bulk/s served, ~60/s offered
  testing::test_http_server server(so);
  ASSERT_OK(server.start());
  fixture_files f;
  loadtest_args a;
  a.url = "http://localhost:" + std::to_string(server.port());
  a.profile = f.profile;
  a.json = true;
  a.verify_acked = true;
  a.out_dir = f.dir.str() + "/out";
  std::ostringstream out, err;
  ASSERT_EQ(run_loadtest_command(a, out, err), 0) << err.str();

  const nlohmann::json j = nlohmann::json::parse(out.str());  // throws (fails) on anything but one value
  ASSERT_TRUE(j.is_object());
  EXPECT_EQ(j["latency_from"], "scheduled_send_time");
  ASSERT_EQ(j["classes"].size(), 2u);
  const auto& interactive = j["classes"][0];
  const auto& bulk = j["classes"][1];
  EXPECT_EQ(interactive["name"], "interactive");
  EXPECT_EQ(interactive["ok"], interactive["scheduled"]);
  EXPECT_GT(interactive["ok"].get<int64_t>(), 150);
  EXPECT_GT(bulk["rejections"]["http_429"].get<int64_t>(), 0);
  EXPECT_EQ(bulk["rejections"]["http_429"].get<int64_t>(), server.bulk_rejected());
  EXPECT_EQ(bulk["errors"]["total"], 0);
  EXPECT_GT(interactive["latency_ms"]["p99"].get<double>(), 0);
  EXPECT_NE(err.str().find("p99 ms"), std::string::npos);  // the table went to stderr

  // Every acknowledged document reads back; the rejected ones were never stored.
  EXPECT_EQ(j["acked_writes"]["acknowledged"], 2);  // the corpus has two documents, d1 and d2
  EXPECT_EQ(j["acked_writes"]["present"], 2);
  EXPECT_EQ(j["acked_writes"]["missing"], 0);
  std::ifstream acked(a.out_dir + "/acked_ids.txt");
  std::string first, second;
  acked >> first >> second;
  EXPECT_EQ(first, "d1");
  EXPECT_EQ(second, "d2");

  EXPECT_TRUE(std::filesystem::exists(a.out_dir + "/summary.json"));
  EXPECT_TRUE(std::filesystem::exists(a.out_dir + "/timeseries_interactive.tsv"));
  if (std::system("gnuplot --version >/dev/null 2>&1") == 0) {
    EXPECT_TRUE(std::filesystem::exists(a.out_dir + "/chart.png")) << err.str();
    EXPECT_EQ(j["chart"], a.out_dir + "/chart.png");
  }
}

TEST(loadtest_command, refused_target_fails_before_reading_the_profile) {
  loadtest_args a;
  a.url = "http://192.168.1.10:8080";
  a.profile = "/nonexistent/profile.toml";
  std::ostringstream out, err;
  EXPECT_EQ(run_loadtest_command(a, out, err), 2);
  EXPECT_NE(err.str().find("192.168.1.10"), std::string::npos) << err.str();
  EXPECT_EQ(err.str().find("profile"), std::string::npos) << "the profile must not have been read";
  EXPECT_TRUE(out.str().empty());
}

TEST(loadtest_command, bad_profile_is_reported_with_file_and_key) {
  fixture_files f;
  std::stringstream text;
  text << std::ifstream(f.profile).rdbuf();
  std::ofstream(f.profile) << "bogus = 1\n" << text.str();
  loadtest_args a;
  a.url = "http://127.0.0.1:9";
  a.profile = f.profile;
  std::ostringstream out, err;
  EXPECT_EQ(run_loadtest_command(a, out, err), 2);
  EXPECT_NE(err.str().find(f.profile + ": key 'bogus': unknown key"), std::string::npos) << err.str();
}

TEST(find_max, finds_bulk_knee_below_interactive_against_a_shedding_server) {
  testing::test_server_options so;
  so.bulk_queue_capacity = 8;
  so.bulk_service_ms = 20;  // at most 50 bulk/s
  testing::test_http_server server(so);
  ASSERT_OK(server.start());
  run_options base;
  base.target = parse_target_url("http://127.0.0.1:" + std::to_string(server.port())).value();
  base.initial_connections = 4;
  base.max_connections = 512;
  base.timeout_ms = 5000;
  class_spec s;
  s.priority = "interactive";
  base.classes.push_back({"interactive", 80, "/v1/search", {search_body("q", s)}});
  base.classes.push_back({"bulk", 20, "/v1/documents", {ingest_body({{"d", "t", "x"}}, 0, 1)}});
  find_max_options o;
  // Generous latency limits: on a busy 2-core machine the verdicts must come
  // from what the server does (shedding bulk), not from CPU contention.
  o.slos = {parse_slo("p99=500ms").value(), parse_slo("bulk:p99=1s").value()};
  o.start_rate = 50;
  o.max_rate = 800;   // bulk share 160/s: beyond the server's 50/s
  o.trial_duration_ns = 400'000'000;
  o.pause_ns = 0;
  o.max_trials = 9;
  o.warmup_ns = 200'000'000;
  auto r = find_max(base, o, nullptr);
  ASSERT_OK(r);
  // The warm-up's requests reached the server but no trial judged them.
  EXPECT_GT(r->warmup_requests, 0);
  int64_t judged_searches = 0;
  for (const auto& t : r->trials) judged_searches += t.classes[0].counts[outcome::ok];
  EXPECT_GT(server.searches_answered(), judged_searches);
  ASSERT_EQ(r->capacity.size(), 2u);
  EXPECT_EQ(r->class_slo[1].text, "bulk:p99=1s");
  EXPECT_EQ(r->capacity[0].max_held_rate, 800) << "searches are answered at once";
  EXPECT_TRUE(std::isinf(r->capacity[0].rejections_began_rate));
  EXPECT_GE(r->capacity[1].max_held_rate, 50);
  EXPECT_LT(r->capacity[1].max_held_rate, 800);
  EXPECT_LE(r->capacity[1].rejections_began_rate, 800);
  const nlohmann::json j = nlohmann::json::parse(find_max_json(*r, "u"));
  EXPECT_EQ(j["capacity"][1]["name"], "bulk") << j.dump(1);
  EXPECT_EQ(j["trials"].size(), r->trials.size());
  EXPECT_EQ(j["warmup_requests"], r->warmup_requests);
}

}  // namespace
}  // namespace winnow::loadtest

namespace winnow::loadtest {
namespace {

TEST(acked_writes, verify_reports_present_and_missing_documents) {
  testing::test_http_server server;
  ASSERT_OK(server.start());
  // Acknowledge one batch holding "a b" (encoded as a%20b) and "x".
  run_options o;
  o.target = parse_target_url("http://127.0.0.1:" + std::to_string(server.port())).value();
  o.plan = rate_plan::constant(20, 100'000'000).value();
  o.max_requests = 1;
  o.initial_connections = 1;
  o.classes.push_back({"bulk", 1, "/v1/documents", {ingest_body({{"a%20b", "", "t"}, {"x", "", "t"}}, 0, 2)},
                       {{"a%20b", "x"}}});
  auto r = run_load(o);
  ASSERT_OK(r);
  ASSERT_EQ(r->classes[0].counts[outcome::ok], 1);
  const auto ids = acknowledged_ids(o, *r);
  ASSERT_EQ(ids, (std::vector<std::string>{"a%20b", "x"}));

  auto v = verify_documents(o.target, {"x", "never-written", "x"}, {});
  ASSERT_OK(v);
  EXPECT_EQ(v->checked, 3);
  EXPECT_EQ(v->present, 2);
  EXPECT_EQ(v->missing, 1);
  EXPECT_EQ(v->missing_ids, std::vector<std::string>{"never-written"});
  EXPECT_EQ(percent_encode("a b/é"), "a%20b%2F%C3%A9");
}

}  // namespace
}  // namespace winnow::loadtest

#include "bench/loadtest/load_profile.hpp"

#include <fstream>

#include "bench/loadtest/request_bodies.hpp"
#include "tests/support/test_support.hpp"

namespace winnow::loadtest {
namespace {

const char* good_profile = R"(
seed = 42
max_requests = 5000
timeout_ms = 2000
[schedule]
shape = "step"
start_rate = 50
end_rate = 200
step_rate = 50
step_s = 2
[connections]
initial = 8
max = 64
[headers]
"X-API-Key" = "secret"
[[class]]
name = "interactive"
weight = 80
kind = "search"
queries = "queries.jsonl"
k = 10
mode = "hybrid"
[[class]]
name = "bulk"
weight = 20
kind = "ingest"
corpus = "/abs/corpus.jsonl"
batch = 4
)";

std::string error_of(const std::string& text) {
  auto p = parse_load_profile(text, "p.toml", "dir");
  EXPECT_FALSE(p.ok()) << "accepted:\n" << text;
  return p.ok() ? "" : p.get_status().message();
}

std::string replace(std::string s, const std::string& from, const std::string& to) {
  const size_t at = s.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  if (at != std::string::npos) s.replace(at, from.size(), to);
  return s;
}

TEST(load_profile, parses_a_complete_profile) {
  auto p = parse_load_profile(good_profile, "p.toml", "profiles");
  ASSERT_OK(p);
  EXPECT_EQ(p->seed, 42u);
  EXPECT_EQ(p->max_requests, 5000u);
  EXPECT_EQ(p->timeout_ms, 2000);
  EXPECT_EQ(p->initial_connections, 8);
  EXPECT_EQ(p->max_connections, 64);
  ASSERT_EQ(p->plan.segments().size(), 4u);
  EXPECT_EQ(p->plan.duration_ns(), 8'000'000'000);
  ASSERT_EQ(p->headers.size(), 1u);
  EXPECT_EQ(p->headers[0].first, "X-API-Key");
  ASSERT_EQ(p->classes.size(), 2u);
  EXPECT_EQ(p->classes[0].path, "/v1/search");
  EXPECT_EQ(p->classes[0].priority, "interactive");
  EXPECT_EQ(p->classes[0].queries_file, "profiles/queries.jsonl");  // relative to the profile
  EXPECT_EQ(p->classes[1].kind, request_kind::ingest);
  EXPECT_EQ(p->classes[1].path, "/v1/documents");
  EXPECT_EQ(p->classes[1].corpus_file, "/abs/corpus.jsonl");
  EXPECT_EQ(p->classes[1].batch, 4);
}

TEST(load_profile, errors_name_the_file_and_the_key) {
  const std::pair<std::string, std::string> cases[] = {
      {replace(good_profile, "shape = \"step\"", "shape = \"zigzag\""), "p.toml: key 'schedule.shape'"},
      {replace(good_profile, "step_rate = 50", "step_rate = 0"), "key 'schedule.step_rate'"},
      {replace(good_profile, "step_rate = 50", ""), "key 'schedule.step_rate': missing"},
      {replace(good_profile, "step_s = 2", "step_s = \"two\""), "key 'schedule.step_s': expected a number"},
      {replace(good_profile, "mode = \"hybrid\"", "mode = \"fuzzy\""), "key 'class[0].mode'"},
      {replace(good_profile, "k = 10", "k = 0"), "key 'class[0].k'"},
      {replace(good_profile, "kind = \"ingest\"", "kind = \"delete\""), "key 'class[1].kind'"},
      {replace(good_profile, "batch = 4", "batch = 4\nbatchsize = 3"), "key 'class[1].batchsize': unknown key"},
      {replace(good_profile, "corpus = \"/abs/corpus.jsonl\"", ""), "key 'class[1].corpus': missing"},
      {replace(good_profile, "queries = \"queries.jsonl\"", ""), "key 'class[0].queries': missing"},
      {replace(good_profile, "name = \"bulk\"", "name = \"interactive\""), "duplicate class name"},
      {replace(good_profile, "initial = 8", "initial = 100"), "key 'connections.initial'"},
      {replace(good_profile, "max = 64", "max = 0"), "key 'connections.max'"},
      {replace(good_profile, "seed = 42", "seed = 42\nsede = 1"), "key 'sede': unknown key"},
      {replace(good_profile, "timeout_ms = 2000", "timeout_ms = -1"), "key 'timeout_ms'"},
      {replace(good_profile, "\"X-API-Key\" = \"secret\"", "\"X-API-Key\" = 5"), "key 'headers.X-API-Key'"},
      {replace(good_profile, "weight = 80", "weight = -1"), "key 'class[0].weight'"},
      {replace(replace(good_profile, "weight = 80", "weight = 0"), "weight = 20", "weight = 0"), "weights"},
      {"seed = 1\n[[class]]\nname='a'\nweight=1\nkind='search'\nqueries='q'\n", "key 'schedule': missing"},
      {"[schedule]\nshape='constant'\nrate=10\nduration_s=1\n", "key 'class': missing"},
      {"schedule = 5\n", "key 'schedule': expected a table"},
      {"[schedule]\nshape='constant'\nrate=10\nduration_s=1\nclass = 3\n", "key 'schedule.class'"},
  };
  for (const auto& [text, needle] : cases) {
    const std::string msg = error_of(text);
    EXPECT_NE(msg.find(needle), std::string::npos) << "want '" << needle << "' in: " << msg;
  }
}

TEST(load_profile, syntax_errors_carry_line_and_column) {
  const std::string msg = error_of("seed = 1\n[schedule\nshape = 'constant'\n");
  EXPECT_EQ(msg.rfind("p.toml:2:", 0), 0u) << msg;
}

TEST(load_profile, missing_file_is_named) {
  auto p = load_profile_file("/nonexistent/dir/profile.toml");
  ASSERT_FALSE(p.ok());
  EXPECT_TRUE(p.get_status().is_not_found());
  EXPECT_NE(p.get_status().message().find("/nonexistent/dir/profile.toml"), std::string::npos);
}

TEST(load_profile, shipped_profiles_parse) {
  for (const char* name : {"mixed.toml", "step.toml", "search.toml"}) {
    auto p = load_profile_file(winnow::testing::source_path(std::string("bench/loadtest/profiles/") + name));
    EXPECT_OK(p) << name;
  }
}

TEST(request_bodies, reads_beir_files_and_names_bad_lines) {
  winnow::testing::temp_dir dir;
  const std::string q = dir.str() + "/queries.jsonl";
  std::ofstream(q) << R"({"_id":"1","text":"what is bm25"})" << "\n\n" << R"({"_id":"2","text":"int8 \"quant\""})" << "\n";
  auto queries = read_queries(q);
  ASSERT_OK(queries);
  ASSERT_EQ(queries->size(), 2u);
  EXPECT_EQ((*queries)[1], "int8 \"quant\"");

  class_spec c;
  c.k = 5;
  c.mode = "bm25";
  c.priority = "interactive";
  EXPECT_EQ(search_body("a \"b\"", c), R"({"class":"interactive","k":5,"mode":"bm25","query":"a \"b\""})");

  const std::string bad = dir.str() + "/bad.jsonl";
  std::ofstream(bad) << R"({"_id":"1","text":"ok"})" << "\n" << R"({"_id":"2","txt":"no"})" << "\n";
  auto r = read_queries(bad);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.get_status().message().find("bad.jsonl:2: missing string field 'text'"), std::string::npos)
      << r.get_status().message();

  const std::string corpus = dir.str() + "/corpus.jsonl";
  std::ofstream(corpus) << R"({"_id":"d1","title":"T","text":"x"})" << "\n" << R"({"_id":"d2","text":"y"})" << "\n"
                        << "{not json\n";
  auto docs = read_corpus(corpus, 2);  // stops before the bad line
  ASSERT_OK(docs);
  EXPECT_EQ((*docs)[1].id, "d2");
  auto all_docs = read_corpus(corpus, 10);
  ASSERT_FALSE(all_docs.ok());
  EXPECT_NE(all_docs.get_status().message().find("corpus.jsonl:3: invalid JSON"), std::string::npos);
  EXPECT_EQ(ingest_body(*docs, 1, 2),
            R"([{"id":"d2","text":"y","title":""},{"id":"d1","text":"x","title":"T"}])");

  EXPECT_TRUE(read_queries(dir.str() + "/missing.jsonl").get_status().is_not_found());
}

}  // namespace
}  // namespace winnow::loadtest

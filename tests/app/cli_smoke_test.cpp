// Runs the real `winnow` binary on a tiny corpus in a temporary directory:
// gen-catalogue, ingest, search (text and --json), eval (--json, --run), the
// whole-file rejection of a malformed corpus, and unsupported eval modes.
#include <sys/wait.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "config/load_config.hpp"
#include "tests/app/test_files.hpp"
#include "tests/support/test_support.hpp"

namespace winnow::app {
namespace {

using winnow::testing::temp_dir;
using winnow::testing::write_gzip_file;
using winnow::testing::write_text_file;

struct command_result {
  int exit_code = -1;
  std::string out;
  std::string err;
};

std::string quote(const std::string& s) {
  std::string q = "'";
  for (char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Runs `winnow ARGS...` with stdout and stderr captured (stdout is a file, not
// a terminal, so ingest prints its summary, not progress).
command_result winnow(const temp_dir& tmp, std::initializer_list<std::string> args) {
  std::string cmd = quote(WINNOW_BINARY);
  for (const auto& a : args) cmd += " " + quote(a);
  const std::string out = tmp.str() + "/stdout", err = tmp.str() + "/stderr";
  cmd += " >" + quote(out) + " 2>" + quote(err);
  const int raw = std::system(cmd.c_str());
  command_result r;
  r.exit_code = WIFEXITED(raw) ? WEXITSTATUS(raw) : -1;
  r.out = slurp(out);
  r.err = slurp(err);
  return r;
}

const char* tiny_corpus =
    R"({"_id": "d1", "title": "Cast iron skillet", "text": "A heavy pan for searing steak."})" "\n"
    R"({"_id": "d2", "title": "Rain jacket", "text": "Waterproof shell with taped seams for hiking."})" "\n"
    R"({"_id": "d3", "title": "Teapot", "text": "Stoneware pot for loose leaf tea.", "metadata": {"colour": "sage"}})" "\n"
    R"({"_id": "d4", "title": "Hiking boot", "text": "Leather boot for rocky trails and long hikes."})" "\n";

class cli_smoke : public ::testing::Test {
 protected:
  void SetUp() override {
    corpus_ = tmp_.str() + "/corpus.jsonl.gz";
    data_ = tmp_.str() + "/data";
    write_gzip_file(corpus_, tiny_corpus);
    const command_result r = winnow(tmp_, {"ingest", "--no-vectors", "--data", data_, corpus_});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    ASSERT_NE(r.out.find("ingested 4 documents"), std::string::npos) << r.out;
  }
  temp_dir tmp_;
  std::string corpus_, data_;
};

TEST_F(cli_smoke, search_prints_ranked_hits_as_text_and_json) {
  command_result r = winnow(tmp_, {"search", "--data", data_, "-k", "2", "hiking"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("2 hit(s)"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("[d4]"), std::string::npos) << r.out;

  r = winnow(tmp_, {"search", "--data", data_, "--json", "loose leaf tea"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto j = nlohmann::json::parse(r.out);
  ASSERT_EQ(j["hits"].size(), 1u) << r.out;
  EXPECT_EQ(j["hits"][0]["id"], "d3");
  EXPECT_EQ(j["hits"][0]["title"], "Teapot");
  EXPECT_EQ(j["hits"][0]["metadata"]["colour"], "sage");
}

TEST_F(cli_smoke, eval_prints_one_json_object_and_a_trec_run) {
  const std::string queries = tmp_.str() + "/queries.jsonl";
  const std::string qrels = tmp_.str() + "/qrels.tsv";
  const std::string run = tmp_.str() + "/run.trec";
  write_text_file(queries,
                  "{\"_id\": \"q1\", \"text\": \"hiking boots\"}\n"
                  "{\"_id\": \"q2\", \"text\": \"tea\"}\n"
                  "{\"_id\": \"q3\", \"text\": \"unjudged\"}\n");
  // q1: d4 (2) and d2 (1) relevant; q2: d3; q9 has no relevant document: skipped.
  write_text_file(qrels, "query-id\tcorpus-id\tscore\nq1\td4\t2\nq1\td2\t1\nq2\td3\t1\nq9\td1\t0\n");
  command_result r = winnow(tmp_, {"eval", "--data", data_, "--queries", queries, "--qrels", qrels,
                                   "--json", "--run", run});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto j = nlohmann::json::parse(r.out);  // throws (fails) unless exactly one object
  ASSERT_TRUE(j.is_object());
  for (const char* key : {"ndcg@10", "recall@100", "mrr@10", "latency_ms_p50", "latency_ms_p99",
                          "queries"}) {
    EXPECT_TRUE(j.contains(key)) << key;
  }
  EXPECT_EQ(j["queries"], 2);
  EXPECT_DOUBLE_EQ(j["recall@100"].get<double>(), 1.0);
  EXPECT_DOUBLE_EQ(j["mrr@10"].get<double>(), 1.0);
  EXPECT_GT(j["ndcg@10"].get<double>(), 0.9);
  const std::string trec = slurp(run);
  EXPECT_EQ(trec.rfind("q1 Q0 d4 1 ", 0), 0u) << trec;
  EXPECT_NE(trec.find("q2 Q0 d3 1 "), std::string::npos) << trec;
}

TEST_F(cli_smoke, malformed_corpus_is_rejected_whole_and_names_the_lines) {
  const std::string bad = tmp_.str() + "/bad.jsonl";
  write_text_file(bad,
                  "{\"_id\": \"n1\", \"text\": \"teapot number two\"}\n"
                  "{\"_id\": \"n2\", \"text\": \"oops\"\n"
                  "{\"text\": \"no id teapot\"}\n");
  command_result r = winnow(tmp_, {"ingest", "--data", data_, bad});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("nothing was ingested: 2 malformed line(s)"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find(bad + ": line 2: not valid JSON"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find(bad + ": line 3: missing \"_id\""), std::string::npos) << r.err;
  // The good first line was not written either.
  r = winnow(tmp_, {"search", "--data", data_, "--json", "teapot"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto j = nlohmann::json::parse(r.out);
  ASSERT_EQ(j["hits"].size(), 1u) << r.out;
  EXPECT_EQ(j["hits"][0]["id"], "d3");
}

TEST_F(cli_smoke, unsupported_modes_and_missing_data_fail_clearly) {
  const std::string queries = tmp_.str() + "/queries.jsonl";
  const std::string qrels = tmp_.str() + "/qrels.tsv";
  write_text_file(queries, "{\"_id\": \"q1\", \"text\": \"tea\"}\n");
  write_text_file(qrels, "q1\td3\t1\n");
  // hybrid needs the model: a missing model directory is named in the error.
  command_result r = winnow(tmp_, {"eval", "--data", data_, "--queries", queries, "--qrels", qrels,
                                   "--mode", "hybrid", "--model", tmp_.str() + "/no-model"});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("no-model"), std::string::npos) << r.err;
  r = winnow(tmp_, {"eval", "--data", data_, "--queries", queries, "--qrels", qrels, "--mode", "magic"});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("unknown ranking mode \"magic\""), std::string::npos) << r.err;
  r = winnow(tmp_, {"search", "--data", tmp_.str() + "/nowhere", "tea"});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("no such data directory"), std::string::npos) << r.err;
  r = winnow(tmp_, {"ingest", "--data", tmp_.str() + "/fresh", tmp_.str() + "/missing.jsonl"});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("missing.jsonl: no such file"), std::string::npos) << r.err;
  EXPECT_FALSE(std::filesystem::exists(tmp_.str() + "/fresh"));
}

TEST_F(cli_smoke, gen_catalogue_is_reproducible_and_ingestible) {
  const std::string a = tmp_.str() + "/a.jsonl", b = tmp_.str() + "/b.jsonl";
  ASSERT_EQ(winnow(tmp_, {"gen-catalogue", "--count", "300", "--seed", "5", a}).exit_code, 0);
  ASSERT_EQ(winnow(tmp_, {"gen-catalogue", "--count", "300", "--seed", "5", b}).exit_code, 0);
  EXPECT_EQ(slurp(a), slurp(b));
  const command_result r = winnow(tmp_, {"ingest", "--no-vectors", "--data", tmp_.str() + "/cat", a});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("ingested 300 documents"), std::string::npos) << r.out;
}

TEST_F(cli_smoke, config_print_default_prints_the_embedded_default_and_check_validates_it) {
  const command_result r = winnow(tmp_, {"config", "--print-default"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, std::string(config::embedded_default_toml()));
  const std::string path = tmp_.str() + "/winnow.toml";
  std::FILE* f = std::fopen(path.c_str(), "wb");
  ASSERT_NE(f, nullptr);
  std::fwrite(r.out.data(), 1, r.out.size(), f);
  std::fclose(f);
  const command_result check = winnow(tmp_, {"config", "--check", path});
  EXPECT_EQ(check.exit_code, 0) << check.err;
  EXPECT_NE(check.out.find("valid (2 class(es), 2 device(s), 1 shard(s))"), std::string::npos) << check.out;
  // A wrong key is named with its file and line.
  f = std::fopen(path.c_str(), "ab");
  ASSERT_NE(f, nullptr);
  std::fputs("max_bodee_bytes = 1\n", f);
  std::fclose(f);
  const command_result bad = winnow(tmp_, {"config", "--check", path});
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.err.find("winnow.toml:"), std::string::npos) << bad.err;
  EXPECT_NE(bad.err.find("max_bodee_bytes"), std::string::npos) << bad.err;
}

}  // namespace
}  // namespace winnow::app

// The load test's query and corpus files: BEIR JSON lines, plain or gzip (the
// `.jsonl.gz` that `winnow ingest` accepts), errors naming file and line.
#include "bench/loadtest/request_bodies.hpp"

#include <zlib.h>

#include <cstdio>
#include <string>

#include <gtest/gtest.h>

#include "tests/support/test_support.hpp"

namespace winnow::loadtest {
namespace {

void write_plain(const std::string& path, const std::string& text) {
  std::FILE* f = std::fopen(path.c_str(), "wb");
  ASSERT_NE(f, nullptr) << path;
  std::fwrite(text.data(), 1, text.size(), f);
  std::fclose(f);
}

void write_gzip(const std::string& path, const std::string& text) {
  gzFile gz = gzopen(path.c_str(), "wb");
  ASSERT_NE(gz, nullptr) << path;
  ASSERT_EQ(gzwrite(gz, text.data(), static_cast<unsigned>(text.size())), static_cast<int>(text.size()));
  gzclose(gz);
}

const std::string corpus_text =
    "{\"_id\":\"d1\",\"title\":\"Granite\",\"text\":\"Granite is an igneous rock.\"}\n"
    "\n"
    "{\"_id\":\"d2\",\"text\":\"Basalt is a volcanic rock.\"}\n";
const std::string queries_text = "{\"_id\":\"q1\",\"text\":\"volcanic rock\"}\n{\"_id\":\"q2\",\"text\":\"granite\"}\n";

TEST(request_bodies, reads_a_gzip_corpus_as_its_plain_form) {
  testing::temp_dir tmp;
  const std::string plain = tmp.str() + "/corpus.jsonl", gz = tmp.str() + "/corpus.jsonl.gz";
  write_plain(plain, corpus_text);
  write_gzip(gz, corpus_text);
  for (const std::string& path : {plain, gz}) {
    auto docs = read_corpus(path, 100);
    ASSERT_OK(docs) << path;
    ASSERT_EQ(docs->size(), 2u) << path;
    EXPECT_EQ((*docs)[0].id, "d1");
    EXPECT_EQ((*docs)[0].title, "Granite");
    EXPECT_EQ((*docs)[1].text, "Basalt is a volcanic rock.");
  }
  auto one = read_corpus(gz, 1);
  ASSERT_OK(one);
  EXPECT_EQ(one->size(), 1u);
}

TEST(request_bodies, reads_gzip_queries_as_json_lines_by_the_name_under_gz) {
  testing::temp_dir tmp;
  const std::string gz = tmp.str() + "/queries.jsonl.gz";
  write_gzip(gz, queries_text);
  auto q = read_queries(gz);
  ASSERT_OK(q);
  ASSERT_EQ(q->size(), 2u);
  EXPECT_EQ((*q)[0], "volcanic rock");  // the "text" field, not the raw line
  EXPECT_EQ((*q)[1], "granite");
  // Any other name: one query per line.
  const std::string txt = tmp.str() + "/queries.txt.gz";
  write_gzip(txt, "oak desk lamp\n\nrain jacket\n");
  auto lines = read_queries(txt);
  ASSERT_OK(lines);
  EXPECT_EQ(*lines, (std::vector<std::string>{"oak desk lamp", "rain jacket"}));
}

TEST(request_bodies, errors_name_the_file_and_line_also_inside_gzip) {
  testing::temp_dir tmp;
  const std::string gz = tmp.str() + "/corpus.jsonl.gz";
  write_gzip(gz, corpus_text + "{not json\n");
  auto docs = read_corpus(gz, 100);
  ASSERT_FALSE(docs.ok());
  EXPECT_EQ(docs.get_status().code(), status_code::invalid_argument);
  EXPECT_NE(docs.get_status().message().find(gz + ":4: invalid JSON"), std::string::npos)
      << docs.get_status().to_string();
  auto missing = read_queries(tmp.str() + "/absent.jsonl");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.get_status().code(), status_code::not_found);
  EXPECT_NE(missing.get_status().message().find("cannot open query file"), std::string::npos);
}

}  // namespace
}  // namespace winnow::loadtest

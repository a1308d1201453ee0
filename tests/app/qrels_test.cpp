#include "app/qrels.hpp"

#include <gtest/gtest.h>

#include "tests/app/test_files.hpp"
#include "tests/support/test_support.hpp"

namespace winnow::app {
namespace {

using winnow::testing::temp_dir;
using winnow::testing::write_text_file;

TEST(read_qrels, reads_beir_tsv_with_header_and_trec_four_columns) {
  temp_dir dir;
  const std::string beir = dir.str() + "/test.tsv";
  write_text_file(beir, "query-id\tcorpus-id\tscore\nq1\td1\t1\nq1\td2\t2\nq2\td9\t0\n");
  auto q = read_qrels(beir);
  ASSERT_OK(q);
  ASSERT_EQ(q->size(), 2u);
  EXPECT_EQ(q->at("q1").at("d2"), 2);
  EXPECT_EQ(relevant_count(q->at("q1")), 2u);
  EXPECT_EQ(relevant_count(q->at("q2")), 0u);

  const std::string trec = dir.str() + "/qrels.txt";
  write_text_file(trec, "q1 0 d1 1\nq1 0 d3 0\n");
  q = read_qrels(trec);
  ASSERT_OK(q);
  EXPECT_EQ(q->at("q1").size(), 2u);
  EXPECT_EQ(relevant_count(q->at("q1")), 1u);
}

TEST(read_qrels, bad_lines_name_file_and_line) {
  temp_dir dir;
  const std::string path = dir.str() + "/bad.tsv";
  write_text_file(path, "query-id\tcorpus-id\tscore\nq1\td1\t1\nq1\td2\tmaybe\n");
  auto q = read_qrels(path);
  ASSERT_FALSE(q.ok());
  EXPECT_NE(q.get_status().message().find(path + ": line 3: relevance \"maybe\" is not an integer"),
            std::string::npos)
      << q.get_status().message();

  write_text_file(path, "q1\td1\n");
  q = read_qrels(path);
  ASSERT_FALSE(q.ok());
  EXPECT_NE(q.get_status().message().find("line 1: expected 3 fields"), std::string::npos);
}

}  // namespace
}  // namespace winnow::app

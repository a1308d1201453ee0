#include "app/beir_reader.hpp"

#include <gtest/gtest.h>

#include "app/utf8_check.hpp"
#include "tests/app/test_files.hpp"
#include "tests/support/test_support.hpp"

namespace winnow::app {
namespace {

using winnow::testing::temp_dir;
using winnow::testing::write_gzip_file;
using winnow::testing::write_text_file;

TEST(utf8_check, accepts_valid_and_finds_first_bad_byte) {
  EXPECT_FALSE(first_invalid_utf8("plain ascii").has_value());
  EXPECT_FALSE(first_invalid_utf8("caf\xC3\xA9 \xE4\xB8\xAD\xE6\x96\x87 \xF0\x9F\x98\x80").has_value());
  EXPECT_EQ(first_invalid_utf8("ab\xFFz"), 2u);            // never valid
  EXPECT_EQ(first_invalid_utf8("abc\xC3"), 3u);            // truncated sequence
  EXPECT_EQ(first_invalid_utf8("\xC0\xAF"), 0u);           // overlong '/'
  EXPECT_EQ(first_invalid_utf8("x\xED\xA0\x80"), 1u);      // UTF-16 surrogate
  EXPECT_EQ(first_invalid_utf8("xy\xF4\x90\x80\x80"), 2u); // above U+10FFFF
}

TEST(parse_corpus_line, reads_all_fields) {
  beir_document d;
  ASSERT_OK(parse_corpus_line(
      R"({"_id": "d1", "title": "T", "text": "body", "metadata": {"year": 2001}})", 1, &d));
  EXPECT_EQ(d.id, "d1");
  EXPECT_EQ(d.title, "T");
  EXPECT_EQ(d.text, "body");
  EXPECT_EQ(d.metadata_json, R"({"year":2001})");
}

TEST(parse_corpus_line, title_and_metadata_are_optional_and_numeric_ids_become_text) {
  beir_document d;
  ASSERT_OK(parse_corpus_line(R"({"_id": 42, "text": "body"})", 1, &d));
  EXPECT_EQ(d.id, "42");
  EXPECT_EQ(d.title, "");
  EXPECT_EQ(d.metadata_json, "");
}

TEST(parse_corpus_line, errors_name_the_line_and_the_problem) {
  beir_document d;
  status s = parse_corpus_line(R"({"_id": "a", "text": )", 7, &d);
  EXPECT_TRUE(s.is_invalid_argument());
  EXPECT_NE(s.message().find("line 7: not valid JSON"), std::string::npos) << s.message();

  s = parse_corpus_line(R"({"title": "x", "text": "y"})", 3, &d);
  EXPECT_NE(s.message().find("line 3: missing \"_id\""), std::string::npos) << s.message();

  s = parse_corpus_line(R"({"_id": "", "text": "y"})", 3, &d);
  EXPECT_NE(s.message().find("line 3: \"_id\" is empty"), std::string::npos) << s.message();

  s = parse_corpus_line(R"({"_id": "a"})", 4, &d);
  EXPECT_NE(s.message().find("line 4: missing \"text\""), std::string::npos) << s.message();

  s = parse_corpus_line(R"({"_id": "a", "text": 5})", 5, &d);
  EXPECT_NE(s.message().find("line 5: \"text\" must be a string, got number"), std::string::npos)
      << s.message();

  s = parse_corpus_line(R"(["_id", "a"])", 6, &d);
  EXPECT_NE(s.message().find("line 6: expected a JSON object, got array"), std::string::npos)
      << s.message();

  s = parse_corpus_line(R"({"_id": "a", "text": "y", "metadata": 3})", 8, &d);
  EXPECT_NE(s.message().find("line 8: \"metadata\" must be an object"), std::string::npos)
      << s.message();
}

TEST(parse_corpus_line, invalid_utf8_names_line_and_byte_offset) {
  beir_document d;
  const std::string line = std::string(R"({"_id": "a", "text": "bad )") + "\xC3\x28" + "\"}";
  status s = parse_corpus_line(line, 12, &d);
  EXPECT_TRUE(s.is_invalid_argument());
  EXPECT_NE(s.message().find("line 12: invalid UTF-8 at byte offset 26"), std::string::npos)
      << s.message();
}

TEST(beir_corpus_reader, streams_plain_and_gzip_files_skipping_blank_lines) {
  temp_dir dir;
  const std::string content =
      "{\"_id\": \"a\", \"text\": \"one\"}\r\n\n{\"_id\": \"b\", \"title\": \"B\", \"text\": \"two\"}";
  write_text_file(dir.str() + "/c.jsonl", content);
  write_gzip_file(dir.str() + "/c.jsonl.gz", content);
  for (const char* name : {"/c.jsonl", "/c.jsonl.gz"}) {
    auto reader = beir_corpus_reader::open(dir.str() + name);
    ASSERT_OK(reader);
    beir_document d;
    auto more = (*reader)->next(&d);
    ASSERT_OK(more);
    ASSERT_TRUE(*more);
    EXPECT_EQ(d.id, "a");
    EXPECT_EQ(d.text, "one");
    more = (*reader)->next(&d);
    ASSERT_OK(more);
    ASSERT_TRUE(*more);
    EXPECT_EQ(d.id, "b");
    EXPECT_EQ((*reader)->line_number(), 3u);
    more = (*reader)->next(&d);
    ASSERT_OK(more);
    EXPECT_FALSE(*more);
  }
}

TEST(beir_corpus_reader, error_is_prefixed_with_path_and_line) {
  temp_dir dir;
  const std::string path = dir.str() + "/c.jsonl";
  write_text_file(path, "{\"_id\": \"a\", \"text\": \"one\"}\n{\"_id\": \"b\"\n");
  auto reader = beir_corpus_reader::open(path);
  ASSERT_OK(reader);
  beir_document d;
  ASSERT_OK((*reader)->next(&d));
  auto more = (*reader)->next(&d);
  ASSERT_FALSE(more.ok());
  EXPECT_NE(more.get_status().message().find(path + ": line 2: not valid JSON"), std::string::npos)
      << more.get_status().message();
}

TEST(beir_corpus_reader, missing_file_is_not_found_naming_it) {
  auto reader = beir_corpus_reader::open("/nonexistent/winnow/corpus.jsonl");
  ASSERT_FALSE(reader.ok());
  EXPECT_TRUE(reader.get_status().is_not_found());
  EXPECT_NE(reader.get_status().message().find("/nonexistent/winnow/corpus.jsonl"),
            std::string::npos);
}

TEST(beir_corpus_reader, truncated_gzip_is_corruption_not_silent_eof) {
  temp_dir dir;
  std::string content;
  for (int i = 0; i < 2000; ++i) {
    content += "{\"_id\": \"d" + std::to_string(i) + "\", \"text\": \"some words " +
               std::to_string(i * 7919) + "\"}\n";
  }
  const std::string full = dir.str() + "/full.gz";
  write_gzip_file(full, content);
  std::ifstream in(full, std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const std::string cut = dir.str() + "/cut.jsonl.gz";
  write_text_file(cut, bytes.substr(0, bytes.size() / 2));
  auto check = check_corpus(cut);
  ASSERT_FALSE(check.ok());
  EXPECT_EQ(check.get_status().code(), status_code::corruption);
  EXPECT_NE(check.get_status().message().find(cut), std::string::npos);
}

TEST(check_corpus, lists_every_bad_line_and_duplicate_ids) {
  temp_dir dir;
  const std::string path = dir.str() + "/c.jsonl";
  write_text_file(path,
                  "{\"_id\": \"a\", \"text\": \"ok\"}\n"
                  "{\"text\": \"no id\"}\n"
                  "{\"_id\": \"b\", \"text\": \"ok\"}\n"
                  "{\"_id\": \"a\", \"text\": \"again\"}\n"
                  "{\"_id\": \"c\", \"text\": \"\xFF\"}\n");
  auto check = check_corpus(path);
  ASSERT_OK(check);
  EXPECT_EQ(check->documents, 2u);
  EXPECT_EQ(check->bad_lines, 3u);
  ASSERT_EQ(check->errors.size(), 3u);
  EXPECT_EQ(check->errors[0], path + ": line 2: missing \"_id\"");
  EXPECT_EQ(check->errors[1], path + ": line 4: duplicate \"_id\" \"a\" (first on line 1)");
  EXPECT_EQ(check->errors[2], path + ": line 5: invalid UTF-8 at byte offset 22");
}

TEST(check_corpus, caps_the_listed_errors_but_counts_all) {
  temp_dir dir;
  const std::string path = dir.str() + "/c.jsonl";
  std::string content;
  for (int i = 0; i < 30; ++i) content += "not json\n";
  write_text_file(path, content);
  auto check = check_corpus(path, 5);
  ASSERT_OK(check);
  EXPECT_EQ(check->bad_lines, 30u);
  EXPECT_EQ(check->errors.size(), 5u);
}

TEST(read_queries, reads_ids_and_text_and_names_bad_lines) {
  temp_dir dir;
  const std::string path = dir.str() + "/q.jsonl";
  write_text_file(path, "{\"_id\": \"1\", \"text\": \"what is x\", \"metadata\": {}}\n");
  auto queries = read_queries(path);
  ASSERT_OK(queries);
  ASSERT_EQ(queries->size(), 1u);
  EXPECT_EQ((*queries)[0].id, "1");
  EXPECT_EQ((*queries)[0].text, "what is x");

  write_text_file(path, "{\"_id\": \"1\", \"text\": \"a\"}\n{\"_id\": \"2\"}\n");
  queries = read_queries(path);
  ASSERT_FALSE(queries.ok());
  EXPECT_NE(queries.get_status().message().find(path + ": line 2: missing \"text\""),
            std::string::npos);
}

}  // namespace
}  // namespace winnow::app

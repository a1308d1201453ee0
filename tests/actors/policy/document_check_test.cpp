#include "actors/policy/document_check.hpp"

#include <gtest/gtest.h>

#include "tests/support/test_support.hpp"

namespace winnow::actors::policy {
namespace {

TEST(document_check, accepts_a_normal_document) {
  EXPECT_OK(check_document({"doc-1", "Title", "Some text \xC3\xA9.", ""}));
}

TEST(document_check, rejects_empty_and_overlong_ids) {
  status s = check_document({"", "t", "x", ""});
  EXPECT_TRUE(s.is_invalid_argument());
  EXPECT_NE(s.message().find("empty id"), std::string::npos);
  s = check_document({std::string(1025, 'a'), "t", "x", ""});
  EXPECT_NE(s.message().find("1025 bytes"), std::string::npos) << s.to_string();
}

TEST(document_check, invalid_utf8_names_id_field_and_offset) {
  status s = check_document({"d7", "ok", "abc\xFF", ""});
  ASSERT_TRUE(s.is_invalid_argument());
  EXPECT_NE(s.message().find("d7"), std::string::npos) << s.to_string();
  EXPECT_NE(s.message().find("text"), std::string::npos) << s.to_string();
  EXPECT_NE(s.message().find("3"), std::string::npos) << s.to_string();
  s = check_document({"id\xC0", "t", "x", ""});
  EXPECT_NE(s.message().find("byte offset 2"), std::string::npos) << s.to_string();
}

}  // namespace
}  // namespace winnow::actors::policy

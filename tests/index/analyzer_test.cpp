#include "index/analyzer/analyzer.hpp"

#include <string>
#include <vector>

#include "index/analyzer/utf8_validator.hpp"
#include "tests/support/test_support.hpp"

namespace winnow::index {
namespace {

using terms = std::vector<std::string>;

terms analyze(std::string_view text, analyzer_options o = {}) {
  auto a = analyzer::create(o);
  EXPECT_OK(a);
  terms out;
  EXPECT_OK((*a)->analyze("doc-1", "text", text, &out));
  return out;
}

analyzer_options plain() {
  analyzer_options o;
  o.stemming = false;
  o.stop_words = false;
  return o;
}

TEST(analyzer, splits_folds_case_and_removes_punctuation) {
  EXPECT_EQ(analyze("Hello, WORLD! foo-bar_baz", plain()),
            (terms{"hello", "world", "foo", "bar", "baz"}));
}

TEST(analyzer, accents_fold_so_cafe_matches_cafe) {
  EXPECT_EQ(analyze("Café CAFÉ cafe\xCC\x81 Ñandú", plain()), (terms{"cafe", "cafe", "cafe", "nandu"}));
  analyzer_options keep = plain();
  keep.strip_accents = false;
  // Composed and decomposed forms still agree (NFC-style recomposition).
  EXPECT_EQ(analyze("Café cafe\xCC\x81", keep), (terms{"caf\xC3\xA9", "caf\xC3\xA9"}));
}

TEST(analyzer, compatibility_forms_and_case_folding) {
  // U+FB01 LATIN SMALL LIGATURE FI, fullwidth letters, German sharp s.
  EXPECT_EQ(analyze("\xEF\xAC\x81nd \xEF\xBC\xA1\xEF\xBC\xA2\xEF\xBC\xA3 Stra\xC3\x9F" "e", plain()),
            (terms{"find", "abc", "strasse"}));
}

TEST(analyzer, cjk_runs_become_bigrams) {
  EXPECT_EQ(analyze("中文搜索", plain()), (terms{"中文", "文搜", "搜索"}));
  EXPECT_EQ(analyze("中", plain()), (terms{"中"}));
  EXPECT_EQ(analyze("winnow中文引擎 test", plain()), (terms{"winnow", "中文", "文引", "引擎", "test"}));
  // Japanese kana and Korean hangul too.
  EXPECT_EQ(analyze("ひらがな", plain()), (terms{"ひら", "らが", "がな"}));
  analyzer_options no_bigrams = plain();
  no_bigrams.cjk_bigrams = false;
  EXPECT_EQ(analyze("中文搜索", no_bigrams), (terms{"中文搜索"}));
}

TEST(analyzer, emoji_and_symbols_separate_words) {
  EXPECT_EQ(analyze("I \xE2\x9D\xA4\xEF\xB8\x8F pizza\xF0\x9F\x8D\x95party", plain()),
            (terms{"i", "pizza", "party"}));
  EXPECT_EQ(analyze("\xF0\x9F\x98\x80\xF0\x9F\x98\x80", plain()), terms{});
}

TEST(analyzer, empty_and_blank_text_give_no_terms) {
  EXPECT_EQ(analyze("", plain()), terms{});
  EXPECT_EQ(analyze("  \t\n ,.;", plain()), terms{});
}

TEST(analyzer, apostrophes_possessives_and_decimal_numbers) {
  EXPECT_EQ(analyze("the cell's don\xE2\x80\x99t 3.5 1,000 end. x,y", plain()),
            (terms{"the", "cell", "don't", "3.5", "1,000", "end", "x", "y"}));
}

TEST(analyzer, stop_words_and_stemming_are_configurable) {
  analyzer_options o;  // english stop words + snowball stemming
  EXPECT_EQ(analyze("The cells are running into the studies", o), (terms{"cell", "run", "studi"}));
  o.stop_words = false;
  EXPECT_EQ(analyze("The running", o), (terms{"the", "run"}));
  o.stop_words = true;
  o.stemming = false;
  EXPECT_EQ(analyze("The running", o), (terms{"running"}));
  o.custom_stop_words = {"RUNNING"};
  EXPECT_EQ(analyze("The running", o), (terms{"the"}));
}

TEST(analyzer, unknown_language_is_an_error_naming_it) {
  analyzer_options o;
  o.language = "klingon";
  auto a = analyzer::create(o);
  ASSERT_FALSE(a.ok());
  EXPECT_NE(a.get_status().message().find("klingon"), std::string::npos) << a.get_status().message();
}

TEST(analyzer, invalid_utf8_names_document_field_and_byte_offset) {
  auto a = analyzer::create(plain());
  ASSERT_OK(a);
  terms out{"kept"};
  status s = (*a)->analyze("doc-77", "title", std::string("ab\xFF" "cd", 5), &out);
  ASSERT_FALSE(s.ok());
  EXPECT_TRUE(s.is_invalid_argument());
  EXPECT_NE(s.message().find("doc-77"), std::string::npos) << s.message();
  EXPECT_NE(s.message().find("title"), std::string::npos) << s.message();
  EXPECT_NE(s.message().find("byte offset 2"), std::string::npos) << s.message();
  EXPECT_EQ(out, terms{"kept"});
}

TEST(utf8_validator, rejects_every_kind_of_ill_formed_sequence) {
  EXPECT_EQ(find_invalid_utf8("plain ascii"), std::string_view::npos);
  EXPECT_EQ(find_invalid_utf8("caf\xC3\xA9 \xE4\xB8\xAD \xF0\x9F\x98\x80"), std::string_view::npos);
  EXPECT_EQ(find_invalid_utf8("x\xC3"), 1u);                  // truncated
  EXPECT_EQ(find_invalid_utf8("xy\xC0\xAF"), 2u);             // overlong '/'
  EXPECT_EQ(find_invalid_utf8("\xE0\x80\xAF"), 0u);           // overlong 3-byte
  EXPECT_EQ(find_invalid_utf8("abc\xED\xA0\x80"), 3u);        // surrogate
  EXPECT_EQ(find_invalid_utf8("\xF4\x90\x80\x80"), 0u);       // above U+10FFFF
  EXPECT_EQ(find_invalid_utf8("12345678\x80"), 8u);           // stray continuation after fast path
  EXPECT_EQ(find_invalid_utf8("\xE4\xB8" "a"), 0u);           // bad continuation
}

}  // namespace
}  // namespace winnow::index

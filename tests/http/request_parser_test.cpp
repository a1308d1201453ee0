// Validation of request bodies: every bad input gives an error naming the field.
#include "http/request_parser.hpp"

#include <gtest/gtest.h>

#include "http/utf8.hpp"

namespace winnow::http {
namespace {

server_options opts() { return server_options{}; }

TEST(parse_search_request, accepts_a_full_request) {
  auto p = parse_search_request(
      R"({"query":"granite rock","k":5,"mode":"bm25","class":"bulk","budget_ms":250})", opts());
  ASSERT_TRUE(p.ok()) << p.error.detail;
  EXPECT_EQ(p.value->query, "granite rock");
  EXPECT_EQ(p.value->k, 5u);
  EXPECT_EQ(p.value->mode, search_mode::bm25);
  EXPECT_EQ(p.value->class_name, "bulk");
  EXPECT_EQ(p.value->budget_ms, 250u);
}

TEST(parse_search_request, fills_defaults) {
  auto p = parse_search_request(R"({"query":"x"})", opts());
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p.value->k, 10u);
  EXPECT_EQ(p.value->mode, search_mode::hybrid);
  EXPECT_EQ(p.value->class_name, "interactive");
  EXPECT_EQ(p.value->budget_ms, opts().default_budget_ms);
}

struct bad_case {
  const char* body;
  const char* error;
  const char* field;
  const char* detail_part;
};

TEST(parse_search_request, names_the_field_of_each_bad_input) {
  const bad_case cases[] = {
      {"", "invalid_json", "", "empty body"},
      {"{\"query\": ", "invalid_json", "", "byte offset"},
      {"[1,2]", "invalid_json", "", "expected a JSON object"},
      {"{}", "missing_field", "query", "'query' is required"},
      {R"({"query": 5})", "invalid_field", "query", "must be a string, got number"},
      {R"({"query": "   "})", "invalid_field", "query", "must not be empty"},
      {R"({"query": "a", "k": 0})", "invalid_field", "k", "[1, 100], got 0"},
      {R"({"query": "a", "k": 101})", "invalid_field", "k", "got 101"},
      {R"({"query": "a", "k": -3})", "invalid_field", "k", "got -3"},
      {R"({"query": "a", "k": 2.5})", "invalid_field", "k", "integer, got a fraction"},
      {R"({"query": "a", "k": "7"})", "invalid_field", "k", "integer, got string"},
      {R"({"query": "a", "mode": "semantic"})", "invalid_field", "mode", "unknown mode 'semantic'"},
      {R"({"query": "a", "mode": 1})", "invalid_field", "mode", "must be a string"},
      {R"({"query": "a", "class": "vip"})", "invalid_field", "class", "unknown class 'vip'"},
      {R"({"query": "a", "budget_ms": 0})", "invalid_field", "budget_ms", "got 0"},
      {R"({"query": "a", "kk": 3})", "invalid_field", "kk", "unknown field 'kk'"},
  };
  for (const auto& c : cases) {
    auto p = parse_search_request(c.body, opts());
    ASSERT_FALSE(p.ok()) << c.body;
    EXPECT_EQ(p.error.error, c.error) << c.body;
    EXPECT_EQ(p.error.field, c.field) << c.body;
    EXPECT_NE(p.error.detail.find(c.detail_part), std::string::npos)
        << c.body << " → " << p.error.detail;
  }
}

TEST(parse_search_request, refuses_an_over_long_query) {
  std::string q(opts().max_query_bytes + 1, 'a');
  auto p = parse_search_request("{\"query\":\"" + q + "\"}", opts());
  ASSERT_FALSE(p.ok());
  EXPECT_EQ(p.error.field, "query");
  EXPECT_NE(p.error.detail.find("above the limit of 1024"), std::string::npos) << p.error.detail;
}

TEST(parse_search_request, reports_invalid_utf8_by_byte_offset) {
  std::string body = "{\"query\":\"ab\xC3\x28\"}";  // C3 needs a continuation byte
  auto p = parse_search_request(body, opts());
  ASSERT_FALSE(p.ok());
  EXPECT_EQ(p.error.error, "invalid_utf8");
  EXPECT_NE(p.error.detail.find("byte offset 12"), std::string::npos) << p.error.detail;
}

TEST(parse_document_batch, reads_a_json_array_and_rejects_bad_documents_one_by_one) {
  auto p = parse_document_batch(
      R"([{"id":"a","title":"A","text":"alpha","metadata":{"x":1}},
          {"title":"no id","text":"t"},
          {"id":"c","text":42},
          {"id":"d","text":"delta","colour":"red"},
          "not an object"])",
      "application/json", opts());
  ASSERT_TRUE(p.ok()) << p.error.detail;
  const auto& e = *p.value;
  ASSERT_EQ(e.size(), 5u);
  ASSERT_TRUE(e[0].doc);
  EXPECT_EQ(e[0].doc->id, "a");
  EXPECT_EQ(e[0].doc->metadata_json, R"({"x":1})");
  EXPECT_FALSE(e[1].doc);
  EXPECT_EQ(e[1].error, "documents[1]: id: field 'id' is required");
  EXPECT_FALSE(e[2].doc);
  EXPECT_EQ(e[2].id, "c");
  EXPECT_EQ(e[2].error, "documents[2]: text: field 'text' must be a string, got number");
  EXPECT_NE(e[3].error.find("unknown field 'colour'"), std::string::npos);
  EXPECT_NE(e[4].error.find("must be a JSON object, got string"), std::string::npos);
}

TEST(parse_document_batch, reads_ndjson_and_names_the_bad_line) {
  auto p = parse_document_batch("{\"id\":\"a\",\"text\":\"x\"}\n\n{\"id\":\"b\",\n{\"id\":\"c\",\"text\":\"y\"}\n",
                                "application/x-ndjson", opts());
  ASSERT_TRUE(p.ok()) << p.error.detail;
  const auto& e = *p.value;
  ASSERT_EQ(e.size(), 3u);
  EXPECT_TRUE(e[0].doc);
  EXPECT_FALSE(e[1].doc);
  EXPECT_NE(e[1].error.find("line 3: malformed JSON at byte offset"), std::string::npos) << e[1].error;
  EXPECT_TRUE(e[2].doc);
  EXPECT_EQ(e[2].doc->id, "c");
}

TEST(parse_document_batch, refuses_unparseable_or_empty_batches) {
  EXPECT_EQ(parse_document_batch("", "", opts()).error.error, "invalid_json");
  EXPECT_EQ(parse_document_batch("[", "application/json", opts()).error.error, "invalid_json");
  EXPECT_EQ(parse_document_batch("[]", "application/json", opts()).error.detail,
            "the batch holds no documents");
  auto obj = parse_document_batch(R"({"id":"a","text":"x"})", "", opts());
  EXPECT_TRUE(obj.ok());  // no type and not '[': read as NDJSON of one line
  EXPECT_EQ(parse_document_batch(R"({"id":"a","text":"x"})", "application/json; charset=utf-8", opts())
                .error.detail,
            "expected a JSON array of documents");
  server_options small;
  small.max_documents_per_request = 2;
  auto many = parse_document_batch(R"([{"id":"a","text":"x"},{"id":"b","text":"x"},{"id":"c","text":"x"}])",
                                   "application/json", small);
  ASSERT_FALSE(many.ok());
  EXPECT_NE(many.error.detail.find("more than 2 documents"), std::string::npos);
}

// Regression: a document whose metadata held 100,000 nested arrays (a 200 KB body)
// overflowed the io thread's stack in nlohmann's recursive dump() and killed the server.
std::string nested(size_t levels) { return std::string(levels, '[') + std::string(levels, ']'); }

TEST(parse_document_batch, refuses_json_nested_deeper_than_the_limit) {
  // [ {  "metadata": { "a": [[...]] } } ]: the array, the document and the metadata object
  // are three levels, so 61 arrays reach the limit exactly.
  auto batch = [](size_t arrays) {
    return "[{\"id\":\"d\",\"text\":\"t\",\"metadata\":{\"a\":" + nested(arrays) + "}}]";
  };
  auto at_limit = parse_document_batch(batch(max_json_depth - 3), "application/json", opts());
  ASSERT_TRUE(at_limit.ok()) << at_limit.error.detail;
  EXPECT_TRUE((*at_limit.value)[0].doc);
  for (size_t arrays : {max_json_depth - 2, size_t{100000}}) {
    auto deep = parse_document_batch(batch(arrays), "application/json", opts());
    ASSERT_FALSE(deep.ok()) << arrays;
    EXPECT_EQ(deep.error.error, "invalid_json");
    EXPECT_NE(deep.error.detail.find("nested deeper than 64 levels at byte offset " +
                                     std::to_string(37 + max_json_depth - 2)),
              std::string::npos)
        << deep.error.detail;
  }
  // Brackets inside strings are text, not nesting.
  EXPECT_TRUE(parse_document_batch("[{\"id\":\"d\",\"text\":\"" + nested(1000) + "\\\"[\"}]",
                                   "application/json", opts())
                  .ok());
  // NDJSON: only the deep line is rejected.
  auto nd = parse_document_batch("{\"id\":\"a\",\"text\":\"x\"}\n{\"id\":\"b\",\"text\":" + nested(100000) + "}\n",
                                 "application/x-ndjson", opts());
  ASSERT_TRUE(nd.ok()) << nd.error.detail;
  ASSERT_EQ(nd.value->size(), 2u);
  EXPECT_TRUE((*nd.value)[0].doc);
  EXPECT_FALSE((*nd.value)[1].doc);
  EXPECT_NE((*nd.value)[1].error.find("line 2: JSON nested deeper than"), std::string::npos)
      << (*nd.value)[1].error;
  // Search bodies too.
  auto search = parse_search_request("{\"query\":\"x\",\"k\":" + nested(30000) + "}", opts());
  ASSERT_FALSE(search.ok());
  EXPECT_EQ(search.error.error, "invalid_json");
}

// Regression: a number beyond a double made nlohmann throw out_of_range (not
// parse_error) while parsing, which the server answered 500.
TEST(parse_search_request, refuses_a_number_beyond_a_double_as_invalid_json) {
  auto p = parse_search_request(R"({"query":"x","k":1e400})", opts());
  ASSERT_FALSE(p.ok());
  EXPECT_EQ(p.error.error, "invalid_json");
  EXPECT_NE(p.error.detail.find("number overflow parsing '1e400'"), std::string::npos) << p.error.detail;
  auto batch = parse_document_batch(R"([{"id":"a","text":"x","metadata":{"n":-1e999}}])",
                                    "application/json", opts());
  ASSERT_FALSE(batch.ok());
  EXPECT_EQ(batch.error.error, "invalid_json");
  auto nd = parse_document_batch("{\"id\":\"a\",\"text\":\"x\"}\n{\"id\":\"b\",\"text\":\"y\",\"metadata\":{\"n\":1e400}}\n",
                                 "application/x-ndjson", opts());
  ASSERT_TRUE(nd.ok()) << nd.error.detail;
  EXPECT_TRUE((*nd.value)[0].doc);
  EXPECT_FALSE((*nd.value)[1].doc);
  EXPECT_NE((*nd.value)[1].error.find("line 2: invalid JSON: number overflow"), std::string::npos)
      << (*nd.value)[1].error;
}

TEST(utf8, accepts_well_formed_and_locates_ill_formed_sequences) {
  EXPECT_TRUE(valid_utf8("plain ascii"));
  EXPECT_TRUE(valid_utf8("caf\xC3\xA9 \xE6\x97\xA5\xE6\x9C\xAC \xF0\x9F\x98\x80"));
  size_t at = 99;
  EXPECT_FALSE(valid_utf8("ab\xC0\xAF", &at));  // overlong '/'
  EXPECT_EQ(at, 2u);
  EXPECT_FALSE(valid_utf8("x\xED\xA0\x80", &at));  // surrogate U+D800
  EXPECT_EQ(at, 1u);
  EXPECT_FALSE(valid_utf8("\xF4\x90\x80\x80", &at));  // above U+10FFFF
  EXPECT_EQ(at, 0u);
  EXPECT_FALSE(valid_utf8("abc\xE6\x97", &at));  // truncated
  EXPECT_EQ(at, 3u);
}

TEST(percent_decode, decodes_and_refuses_malformed_escapes) {
  EXPECT_EQ(percent_decode("a%20b%2Fc"), std::optional<std::string>("a b/c"));
  EXPECT_FALSE(percent_decode("a%2"));
  EXPECT_FALSE(percent_decode("a%zz"));
  EXPECT_FALSE(percent_decode("%"));
}

TEST(check_document_id, refuses_empty_invalid_and_long_ids) {
  EXPECT_FALSE(check_document_id("doc-1"));
  EXPECT_EQ(check_document_id("")->field, "id");
  EXPECT_EQ(check_document_id("a\xFF")->error, "invalid_utf8");
  EXPECT_TRUE(check_document_id(std::string(513, 'x')));
}

}  // namespace
}  // namespace winnow::http

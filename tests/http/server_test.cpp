// The HTTP front end over real sockets, with the real BM25-only engine over
// RocksDB: every route's success and error cases, the auth matrix, body limits,
// pipelining order, timeouts and graceful shutdown.
#include "http/server.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <future>
#include <iterator>
#include <random>
#include <thread>

#include "tests/http/http_test_client.hpp"
#include "tests/http/test_server.hpp"

namespace winnow::http::testing {
namespace {

using hdrs = std::vector<std::pair<std::string, std::string>>;

void seed(uint16_t port, const hdrs& h = {}) {
  test_client c(port);
  auto r = c.request("POST", "/v1/documents", seed_documents_json(), h);
  ASSERT_EQ(r.status, 200u) << r.body;
  ASSERT_EQ(r.json()["searchable"], 3) << r.body;
}

// Checks the error body shape {"error", "detail", "field"?}.
void expect_error(const test_response& r, unsigned status, const std::string& error,
                  const std::string& detail_part, const std::string& field = "") {
  EXPECT_EQ(r.status, status) << r.body;
  auto j = r.json();
  ASSERT_TRUE(j.is_object()) << r.body;
  EXPECT_EQ(j.value("error", ""), error) << r.body;
  EXPECT_NE(j.value("detail", "").find(detail_part), std::string::npos) << r.body;
  if (!field.empty()) EXPECT_EQ(j.value("field", ""), field) << r.body;
  EXPECT_EQ(r.header("content-type"), "application/json");
}

TEST(http_server, serves_health_readiness_page_and_metrics) {
  test_server ts;
  test_client c(ts.port());
  auto h = c.request("GET", "/healthz");
  EXPECT_EQ(h.status, 200u);
  EXPECT_EQ(h.json()["status"], "ok");
  auto rd = c.request("GET", "/readyz");
  EXPECT_EQ(rd.status, 200u) << rd.body;
  EXPECT_EQ(rd.json()["ready"], true);
  EXPECT_EQ(rd.json()["checks"][0]["name"], "storage");
  auto page = c.request("GET", "/?q=granite");
  EXPECT_EQ(page.status, 200u);
  EXPECT_EQ(page.header("content-type"), "text/html; charset=utf-8");
  EXPECT_NE(page.body.find("<form id=\"search-form\">"), std::string::npos);
  auto m = c.request("GET", "/metrics");
  EXPECT_EQ(m.status, 200u);
  EXPECT_NE(m.header("content-type").find("text/plain; version=0.0.4"), std::string::npos);
  EXPECT_NE(m.body.find("winnow_http_requests_total{class=\"\",code=\"200\",route=\"healthz\"} 1"),
            std::string::npos)
      << m.body;
}

// The API contract is embedded in the binary: GET /openapi.yaml answers the bytes of
// docs/openapi.yaml as built, without reading the source tree at run time.
TEST(http_server, serves_its_openapi_document) {
  test_server ts;
  test_client c(ts.port());
  auto r = c.request("GET", "/openapi.yaml");
  ASSERT_EQ(r.status, 200u) << r.body;
  EXPECT_EQ(r.header("content-type"), "application/yaml; charset=utf-8");
  std::ifstream in(std::string(WINNOW_SOURCE_DIR) + "/docs/openapi.yaml", std::ios::binary);
  std::string file((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_EQ(r.body, file) << "rebuild after editing docs/openapi.yaml";
  EXPECT_EQ(r.body.rfind("openapi: 3.", 0), 0u);
  auto wrong = c.request("POST", "/openapi.yaml", "{}");
  EXPECT_EQ(wrong.status, 405u);
  EXPECT_EQ(wrong.header("allow"), "GET");
}

TEST(http_server, search_answers_carry_the_engines_vector_counts) {
  test_server ts;
  seed(ts.port());
  test_client c(ts.port());
  // An engine without vector counts (the BM25-only one): no "vectors" field.
  auto plain = c.request("POST", "/v1/search", R"({"query":"volcanic rock"})");
  ASSERT_EQ(plain.status, 200u) << plain.body;
  EXPECT_FALSE(plain.json().contains("vectors")) << plain.body;
  // An engine still encoding its corpus: "vectors": {"encoded": N, "total": M}.
  ts.gate().report_vectors({12345, 100000});
  auto mid = c.request("POST", "/v1/search", R"({"query":"volcanic rock"})");
  ASSERT_EQ(mid.status, 200u) << mid.body;
  EXPECT_EQ(mid.json()["vectors"], nlohmann::json({{"encoded", 12345}, {"total", 100000}})) << mid.body;
}

TEST(http_server, ingests_searches_gets_and_deletes_documents) {
  test_server ts;
  seed(ts.port());
  test_client c(ts.port());

  auto s = c.request("POST", "/v1/search", R"({"query":"volcanic rock","k":2,"mode":"bm25"})");
  ASSERT_EQ(s.status, 200u) << s.body;
  auto j = s.json();
  ASSERT_EQ(j["results"].size(), 1u) << s.body;
  EXPECT_EQ(j["results"][0]["id"], "doc-rocks");
  EXPECT_EQ(j["results"][0]["title"], "Granite and basalt");
  EXPECT_NE(j["results"][0]["snippet"].get<std::string>().find("volcanic"), std::string::npos);
  EXPECT_GT(j["results"][0]["score"].get<double>(), 0);
  EXPECT_EQ(j["results"][0]["bm25_score"], j["results"][0]["score"]);
  for (const char* stage : {"coarse", "encode", "rerank", "fetch", "total"})
    EXPECT_TRUE(j["timings_us"].contains(stage)) << stage;
  EXPECT_EQ(j["degraded"], false);
  EXPECT_EQ(j["partial"], false);
  EXPECT_EQ(j["class"], "interactive");

  // No model in the direct engine: hybrid says it is degraded, dense is refused.
  auto hy = c.request("POST", "/v1/search", R"({"query":"ocean heat"})");
  ASSERT_EQ(hy.status, 200u);
  EXPECT_EQ(hy.json()["degraded"], true);
  EXPECT_EQ(hy.json()["results"][0]["id"], "doc-ocean");
  expect_error(c.request("POST", "/v1/search", R"({"query":"ocean","mode":"dense"})"), 501,
               "unsupported", "mode 'dense' needs the model");

  auto g = c.request("GET", "/v1/documents/doc-bread");
  ASSERT_EQ(g.status, 200u) << g.body;
  EXPECT_EQ(g.json()["title"], "Sourdough bread");
  EXPECT_EQ(g.json()["metadata"]["lang"], "en");

  auto d = c.request("DELETE", "/v1/documents/doc-bread");
  ASSERT_EQ(d.status, 200u) << d.body;
  EXPECT_EQ(d.json()["deleted"], true);
  expect_error(c.request("GET", "/v1/documents/doc-bread"), 404, "not_found", "doc-bread");
  expect_error(c.request("DELETE", "/v1/documents/doc-bread"), 404, "not_found", "doc-bread");
  auto gone = c.request("POST", "/v1/search", R"({"query":"sourdough yeast","mode":"bm25"})");
  EXPECT_EQ(gone.json()["results"].size(), 0u) << gone.body;

  // Ids are percent-decoded from the path.
  auto sp = c.request("POST", "/v1/documents", R"([{"id":"a b/c","text":"percent encoded id"}])");
  ASSERT_EQ(sp.status, 200u);
  EXPECT_EQ(c.request("GET", "/v1/documents/a%20b%2Fc").json()["id"], "a b/c");
}

TEST(http_server, reports_each_documents_state_in_a_mixed_ndjson_batch) {
  test_server ts;
  test_client c(ts.port());
  std::string body =
      "{\"id\":\"n1\",\"title\":\"One\",\"text\":\"first glacier\"}\n"
      "{\"id\":\"n2\",\"text\":\n"
      "{\"id\":\"n3\",\"text\":\"third glacier\",\"metadata\":[1]}\n"
      "{\"id\":\"n4\",\"text\":\"fourth glacier\"}\n";
  auto r = c.request("POST", "/v1/documents?class=batch", body, {{"Content-Type", "application/x-ndjson"}});
  ASSERT_EQ(r.status, 200u) << r.body;
  auto j = r.json();
  EXPECT_EQ(j["errors"], true);
  EXPECT_EQ(j["accepted"], 2);
  EXPECT_EQ(j["rejected"], 2);
  EXPECT_EQ(j["class"], "batch");
  ASSERT_EQ(j["documents"].size(), 4u);
  EXPECT_EQ(j["documents"][0]["state"], "searchable");
  EXPECT_EQ(j["documents"][1]["state"], "rejected");
  EXPECT_NE(j["documents"][1]["error"].get<std::string>().find("line 2: malformed JSON"), std::string::npos);
  EXPECT_EQ(j["documents"][2]["id"], "n3");
  EXPECT_NE(j["documents"][2]["error"].get<std::string>().find("metadata"), std::string::npos);
  EXPECT_EQ(j["documents"][3]["state"], "searchable");
  // Exactly the documents reported applied are there.
  EXPECT_EQ(c.request("GET", "/v1/documents/n1").status, 200u);
  EXPECT_EQ(c.request("GET", "/v1/documents/n3").status, 404u);
  EXPECT_EQ(c.request("GET", "/v1/documents/n4").status, 200u);
  auto s = c.request("POST", "/v1/search", R"({"query":"glacier","mode":"bm25"})");
  EXPECT_EQ(s.json()["results"].size(), 2u) << s.body;
  auto m = c.request("GET", "/metrics").body;
  EXPECT_NE(m.find("winnow_documents_accepted_total 2"), std::string::npos);
  EXPECT_NE(m.find("winnow_documents_rejected_total 2"), std::string::npos);
  EXPECT_NE(m.find("winnow_documents_searchable_total 2"), std::string::npos);
}

TEST(http_server, answers_bad_input_with_4xx_naming_the_field) {
  test_server ts;
  test_client c(ts.port());
  expect_error(c.request("POST", "/v1/search", "{\"query\": \"granite"), 400, "invalid_json",
               "byte offset");
  expect_error(c.request("POST", "/v1/search", R"({"query": ["granite"]})"), 400, "invalid_field",
               "must be a string", "query");
  expect_error(c.request("POST", "/v1/search", R"({"k": 3})"), 400, "missing_field", "required", "query");
  expect_error(c.request("POST", "/v1/search", R"({"query": ""})"), 400, "invalid_field", "empty", "query");
  expect_error(c.request("POST", "/v1/search", "{\"query\":\"" + std::string(2000, 'q') + "\"}"), 400,
               "invalid_field", "above the limit", "query");
  expect_error(c.request("POST", "/v1/search", "{\"query\":\"\xFF\xFE\"}"), 400, "invalid_utf8",
               "byte offset 10");
  expect_error(c.request("POST", "/v1/search", R"({"query":"a","mode":"fuzzy"})"), 400, "invalid_field",
               "unknown mode", "mode");
  expect_error(c.request("POST", "/v1/search", R"({"query":"a","class":"gold"})"), 400, "invalid_field",
               "unknown class", "class");
  expect_error(c.request("POST", "/v1/search", R"({"query":"a","k":1000})"), 400, "invalid_field",
               "[1, 100]", "k");
  expect_error(c.request("POST", "/v1/documents", R"({"id": )", {{"Content-Type", "application/json"}}),
               400, "invalid_json", "");
  expect_error(c.request("POST", "/v1/documents", "[]"), 400, "invalid_json", "no documents");
  expect_error(c.request("POST", "/v1/documents?class=vip", R"([{"id":"a","text":"b"}])"), 400,
               "invalid_field", "unknown class 'vip'", "class");
  expect_error(c.request("GET", "/v1/documents/bad%FFid"), 400, "invalid_utf8", "not valid UTF-8", "id");
  expect_error(c.request("GET", "/v1/documents/bad%G1"), 400, "invalid_field", "percent-escape", "id");
  expect_error(c.request("GET", "/v2/nothing"), 404, "not_found", "no route for '/v2/nothing'", "path");
  auto m = c.request("GET", "/v1/search");
  expect_error(m, 405, "method_not_allowed", "GET is not allowed", "method");
  EXPECT_EQ(m.header("allow"), "POST");
  auto put = c.request("PUT", "/v1/documents/x", "{}");
  expect_error(put, 405, "method_not_allowed", "PUT");
  EXPECT_EQ(put.header("allow"), "GET, DELETE");
  // The connection survived all of it.
  EXPECT_EQ(c.request("GET", "/healthz").status, 200u);
}

// Regression: 100,000 nested arrays in a document's metadata (a 200 KB body, well under
// the ingest limit) overflowed the io thread's stack and killed the process (found by
// hand while writing the API contract test); now a 400.
TEST(http_server, refuses_deeply_nested_json_and_keeps_serving) {
  test_server ts;
  test_client c(ts.port());
  const std::string deep = std::string(100000, '[') + std::string(100000, ']');
  expect_error(c.request("POST", "/v1/documents",
                         R"([{"id":"deep","text":"t","metadata":{"a":)" + deep + "}}]",
                         {{"Content-Type", "application/json"}}),
               400, "invalid_json", "nested deeper than 64 levels");
  auto nd = c.request("POST", "/v1/documents",
                      "{\"id\":\"ok\",\"text\":\"fine\"}\n{\"id\":\"deep\",\"text\":" + deep + "}\n",
                      {{"Content-Type", "application/x-ndjson"}});
  ASSERT_EQ(nd.status, 200u) << nd.body;
  EXPECT_EQ(nd.json()["accepted"], 1);
  EXPECT_EQ(nd.json()["rejected"], 1);
  expect_error(c.request("POST", "/v1/search", R"({"query":"x","k":)" + std::string(30000, '[') + "}"),
               400, "invalid_json", "nested deeper");
  EXPECT_EQ(c.request("GET", "/healthz").status, 200u);
}

// Regression: a number beyond a double ("k": 1e400) was answered 500 (nlohmann throws
// out_of_range while parsing); it is malformed input.
TEST(http_server, answers_a_number_beyond_a_double_400) {
  test_server ts;
  test_client c(ts.port());
  expect_error(c.request("POST", "/v1/search", R"({"query":"x","k":1e400})"), 400, "invalid_json",
               "number overflow");
  expect_error(c.request("POST", "/v1/documents", R"([{"id":"a","text":"x","metadata":{"n":1e400}}])",
                         {{"Content-Type", "application/json"}}),
               400, "invalid_json", "number overflow");
}

TEST(http_server, survives_random_bytes_and_random_json) {
  test_server ts;
  auto rng = winnow::testing::seeded_rng(1234);
  std::uniform_int_distribution<int> byte(0, 255);
  std::uniform_int_distribution<int> len(0, 300);
  const char* targets[] = {"/v1/search", "/v1/documents", "/v1/documents/x", "/", "/metrics"};
  const char* pieces[] = {"{", "}", "[", "]", "\"query\"", "\"k\"", ":", ",", "\"id\"", "\"text\"",
                          "1e999", "-1", "null", "true", "\"\\ud800\"", "\"\xC3\"", "\"mode\"", "\"class\""};
  for (int i = 0; i < 60; ++i) {
    // Raw garbage on its own connection: answered 400 or dropped, never a crash.
    {
      test_client c(ts.port());
      std::string junk;
      for (int n = len(rng); n > 0; --n) junk.push_back(static_cast<char>(byte(rng)));
      c.send_raw(junk + "\r\n\r\n");
    }
    // Well-framed requests with random JSON-ish bodies: always a 4xx JSON error or a 200.
    test_client c(ts.port());
    std::string body;
    for (int n = len(rng) % 24; n > 0; --n) body += pieces[static_cast<size_t>(byte(rng)) % std::size(pieces)];
    auto r = c.request(byte(rng) % 2 ? "POST" : "GET", targets[static_cast<size_t>(byte(rng)) % std::size(targets)], body);
    EXPECT_TRUE(r.status == 200 || (r.status >= 400 && r.status < 500)) << r.status << " " << body << " → " << r.body;
  }
  EXPECT_EQ(test_client(ts.port()).request("GET", "/healthz").status, 200u);
}

TEST(http_server, answers_a_malformed_request_line_400_and_closes) {
  test_server ts;
  test_client c(ts.port());
  c.send_raw("GARBAGE\x01 / HTTP/1.1\r\n\r\n");
  auto r = c.read();
  expect_error(r, 400, "bad_request", "malformed HTTP request");
  EXPECT_FALSE(r.keep_alive);
  EXPECT_TRUE(c.closed_by_server());
}

TEST(http_server, enforces_the_auth_matrix) {
  server_options o;
  o.api_keys = {{"k-read", "r", {role::read}},
                {"k-write", "w", {role::read, role::write}},
                {"k-admin", "a", {role::admin}}};
  test_server ts(o);
  seed(ts.port(), {{"Authorization", "Bearer k-write"}});
  test_client c(ts.port());
  struct row {
    const char* method;
    const char* target;
    const char* body;
    const char* key;  // "" = none
    unsigned want;
  };
  const char* search = R"({"query":"granite","mode":"bm25"})";
  const char* doc = R"([{"id":"m1","text":"matrix"}])";
  const row rows[] = {
      {"GET", "/healthz", "", "", 200},
      {"GET", "/readyz", "", "", 200},
      {"GET", "/", "", "", 200},
      {"GET", "/openapi.yaml", "", "", 200},
      {"POST", "/v1/search", search, "", 401},
      {"POST", "/v1/search", search, "nope", 401},
      {"POST", "/v1/search", search, "k-read", 200},
      {"POST", "/v1/search", search, "k-write", 200},
      {"POST", "/v1/search", search, "k-admin", 200},
      {"GET", "/v1/documents/doc-rocks", "", "", 401},
      {"GET", "/v1/documents/doc-rocks", "", "k-read", 200},
      {"POST", "/v1/documents", doc, "", 401},
      {"POST", "/v1/documents", doc, "k-read", 403},
      {"POST", "/v1/documents", doc, "k-write", 200},
      {"POST", "/v1/documents", doc, "k-admin", 200},
      {"DELETE", "/v1/documents/m1", "", "k-read", 403},
      {"DELETE", "/v1/documents/m1", "", "k-write", 200},
      {"GET", "/metrics", "", "", 401},
      {"GET", "/metrics", "", "k-read", 403},
      {"GET", "/metrics", "", "k-write", 403},
      {"GET", "/metrics", "", "k-admin", 200},
  };
  for (const auto& r : rows) {
    hdrs h;
    if (*r.key) h.emplace_back("Authorization", std::string("Bearer ") + r.key);
    auto res = c.request(r.method, r.target, r.body, h);
    EXPECT_EQ(res.status, r.want) << r.method << " " << r.target << " key=" << r.key << ": " << res.body;
    if (res.status == 401) EXPECT_EQ(res.header("www-authenticate"), "Bearer realm=\"winnow\"");
    if (res.status == 403) EXPECT_NE(res.body.find("lacks the '"), std::string::npos) << res.body;
  }
  // X-API-Key works as well.
  EXPECT_EQ(c.request("POST", "/v1/search", search, {{"X-API-Key", "k-read"}}).status, 200u);
}

TEST(http_server, refuses_a_non_loopback_address_without_keys_and_never_logs_keys) {
  direct_engine_options eo;
  winnow::testing::temp_dir dir;
  eo.data_dir = dir.str();
  metrics m;
  auto e = direct_engine::open(eo, &m);
  ASSERT_OK(e);
  std::vector<std::string> lines;
  server_options o;
  o.listen_host = "0.0.0.0";
  o.listen_port = 0;
  o.log = [&](std::string_view l) { lines.emplace_back(l); };
  {
    server s(**e, m, o);
    status st = s.start();
    EXPECT_EQ(st.code(), status_code::failed_precondition);
    EXPECT_NE(st.message().find("no API keys configured: refusing to listen on 0.0.0.0"),
              std::string::npos) << st.message();
  }
  o.listen_host = "127.0.0.1";
  {
    server s(**e, m, o);
    ASSERT_OK(s.start());
    s.stop();
  }
  bool said_loopback = false;
  for (const auto& l : lines) said_loopback |= l.find("listening on loopback only") != std::string::npos;
  EXPECT_TRUE(said_loopback);
  // With keys: the log has no key in it, whatever happens.
  lines.clear();
  o.api_keys = {{"super-secret-key-123", "ops", {role::admin}}};
  {
    server s(**e, m, o);
    ASSERT_OK(s.start());
    test_client c(s.port());
    EXPECT_EQ(c.request("GET", "/metrics", "", {{"Authorization", "Bearer super-secret-key-123"}}).status, 200u);
    EXPECT_EQ(c.request("GET", "/metrics", "", {{"Authorization", "Bearer super-secret-key-12"}}).status, 401u);
    s.stop();
  }
  for (const auto& l : lines) EXPECT_EQ(l.find("super-secret"), std::string::npos) << l;
  o.listen_host = "not-an-address";
  server bad(**e, m, o);
  EXPECT_EQ(bad.start().code(), status_code::invalid_argument);
  (*e)->shutdown();
}

TEST(http_server, enforces_body_and_header_limits) {
  server_options o;
  o.max_body_bytes = 1024;
  o.max_ingest_body_bytes = 8192;
  o.max_header_bytes = 2048;
  test_server ts(o);
  {
    test_client c(ts.port());
    auto r = c.request("POST", "/v1/search", "{\"query\":\"" + std::string(2000, 'a') + "\"}");
    expect_error(r, 413, "payload_too_large", "limit of 1024 bytes");
    EXPECT_FALSE(r.keep_alive);
    EXPECT_TRUE(c.closed_by_server());
  }
  {
    // Below the ingest limit, above the generic one: accepted.
    test_client c(ts.port());
    std::string text(4000, 'x');
    auto r = c.request("POST", "/v1/documents", "[{\"id\":\"big\",\"text\":\"" + text + "\"}]");
    EXPECT_EQ(r.status, 200u) << r.body;
  }
  {
    test_client c(ts.port());
    std::string text(9000, 'x');
    auto r = c.request("POST", "/v1/documents", "[{\"id\":\"huge\",\"text\":\"" + text + "\"}]");
    expect_error(r, 413, "payload_too_large", "limit of 8192 bytes");
  }
  {
    // Chunked bodies have no Content-Length: the limit applies as bytes arrive.
    test_client c(ts.port());
    std::string chunk(1500, 'z');
    char size_line[16];
    std::snprintf(size_line, sizeof size_line, "%zx\r\n", chunk.size());
    c.send_raw(std::string("POST /v1/search HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n") +
               size_line + chunk + "\r\n0\r\n\r\n");
    expect_error(c.read(), 413, "payload_too_large", "limit of 1024");
  }
  {
    test_client c(ts.port());
    auto r = c.request("GET", "/healthz", "", {{"X-Filler", std::string(4000, 'h')}});
    expect_error(r, 431, "header_too_large", "2048");
  }
  {
    // Expect: 100-continue gets the interim response, then the real one...
    test_client c(ts.port());
    std::string body = R"([{"id":"cont","text":"continue"}])";
    c.send_raw("POST /v1/documents HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
               "Expect: 100-continue\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n");
    EXPECT_EQ(c.read().status, 100u);
    c.send_raw(body);
    EXPECT_EQ(c.read().status, 200u);
    // ...and an over-large announced body is refused before it is sent.
    c.send_raw("POST /v1/documents HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\n"
               "Content-Length: 100000\r\n\r\n");
    expect_error(c.read(), 413, "payload_too_large", "limit of 8192");
  }
  EXPECT_EQ(test_client(ts.port()).request("GET", "/v1/documents/huge").status, 404u);
  EXPECT_EQ(test_client(ts.port()).request("GET", "/v1/documents/cont").status, 200u);
}

TEST(http_server, answers_pipelined_requests_in_request_order) {
  test_server ts;
  seed(ts.port());
  test_client c(ts.port());
  // One write, three requests; the engine answers the first one last.
  std::string bytes = test_client::serialize("POST", "/v1/search",
                                             R"({"query":"holdme granite","mode":"bm25"})", {}) +
                      test_client::serialize("GET", "/healthz", "", {}) +
                      test_client::serialize("POST", "/v1/search",
                                             R"({"query":"ocean","mode":"bm25"})", {}) +
                      test_client::serialize("GET", "/v1/documents/doc-bread", "", {});
  c.send_raw(bytes);
  ts.gate().wait_until_held(1);
  ASSERT_EQ(ts.gate().held(), 1u);
  ts.gate().release();
  auto r1 = c.read();
  auto r2 = c.read();
  auto r3 = c.read();
  auto r4 = c.read();
  EXPECT_EQ(r1.json()["results"][0]["id"], "doc-rocks") << r1.body;
  EXPECT_EQ(r2.json()["status"], "ok") << r2.body;
  EXPECT_EQ(r3.json()["results"][0]["id"], "doc-ocean") << r3.body;
  EXPECT_EQ(r4.json()["id"], "doc-bread") << r4.body;
}

TEST(http_server, closes_after_connection_close_and_http10) {
  test_server ts;
  {
    test_client c(ts.port());
    auto r = c.request("GET", "/healthz", "", {{"Connection", "close"}});
    EXPECT_EQ(r.status, 200u);
    EXPECT_FALSE(r.keep_alive);
    EXPECT_TRUE(c.closed_by_server());
  }
  {
    test_client c(ts.port());
    c.send_raw("GET /healthz HTTP/1.0\r\n\r\n");
    auto r = c.read();
    EXPECT_EQ(r.status, 200u);
    EXPECT_TRUE(c.closed_by_server());
  }
  {
    test_client c(ts.port());
    for (int i = 0; i < 20; ++i) EXPECT_EQ(c.request("GET", "/healthz").status, 200u);
  }
}

TEST(http_server, closes_idle_connections) {
  server_options o;
  o.idle_timeout = std::chrono::milliseconds(100);
  test_server ts(o);
  test_client c(ts.port());
  EXPECT_EQ(c.request("GET", "/healthz").status, 200u);
  EXPECT_TRUE(c.closed_by_server());  // blocks until the server closes (test client times out at 10 s)
}

TEST(http_server, maps_engine_errors_to_status_codes) {
  test_server ts;
  test_client c(ts.port());
  const char* q = R"({"query":"granite","mode":"bm25","class":"batch"})";
  ts.gate().fail_next(status::resource_exhausted("class 'batch' queue is full"));
  auto r429 = c.request("POST", "/v1/search", q);
  expect_error(r429, 429, "resource_exhausted", "queue is full");
  EXPECT_EQ(r429.header("retry-after"), "1");
  ts.gate().fail_next(status::unavailable("no device is up"));
  auto r503 = c.request("POST", "/v1/search", q);
  expect_error(r503, 503, "unavailable", "no device is up");
  EXPECT_EQ(r503.header("retry-after"), "1");
  ts.gate().fail_next(status::deadline_exceeded("budget spent"));
  expect_error(c.request("POST", "/v1/search", q), 504, "deadline_exceeded", "budget spent");
  ts.gate().fail_next(status::invalid_argument("query has no terms"));
  expect_error(c.request("POST", "/v1/search", q), 400, "invalid_argument", "no terms");
  ts.gate().fail_next(status::io_error("disk gone"));
  expect_error(c.request("GET", "/v1/documents/x"), 500, "io_error", "disk gone");
  auto m = c.request("GET", "/metrics").body;
  EXPECT_NE(m.find("winnow_rejected_total{class=\"batch\",reason=\"resource_exhausted\"} 1"), std::string::npos) << m;
  EXPECT_NE(m.find("winnow_rejected_total{class=\"batch\",reason=\"unavailable\"} 1"), std::string::npos);
  EXPECT_NE(m.find("winnow_http_requests_total{class=\"batch\",code=\"429\",route=\"search\"} 1"), std::string::npos);
}

TEST(http_server, refuses_at_once_when_a_class_queue_is_full) {
  direct_engine_options eo;
  eo.max_queue = {{"bulk", 0}};  // the bulk queue admits nothing
  test_server ts({}, eo);
  test_client c(ts.port());
  auto r = c.request("POST", "/v1/documents", R"([{"id":"q1","text":"queued"}])");
  expect_error(r, 429, "resource_exhausted", "class 'bulk' queue is full");
  EXPECT_EQ(r.header("retry-after"), "1");
  EXPECT_EQ(c.request("GET", "/v1/documents/q1").status, 404u);  // nothing applied
  EXPECT_EQ(c.request("POST", "/v1/documents?class=interactive", R"([{"id":"q1","text":"queued"}])").status, 200u);
  EXPECT_EQ(c.request("POST", "/v1/search", R"({"query":"queued","mode":"bm25"})").json()["results"].size(), 1u);
  auto m = c.request("GET", "/metrics").body;
  EXPECT_NE(m.find("winnow_rejected_total{class=\"bulk\",reason=\"resource_exhausted\"} 1"), std::string::npos) << m;
}

TEST(http_server, refuses_over_a_class_in_flight_limit_and_sheds_bulk_meanwhile) {
  server_options o;
  o.admission = {{"interactive", 1, 0}, {"batch", 0, 0}, {"bulk", 0, 0}};
  test_server ts(o);
  seed(ts.port());
  test_client held(ts.port());
  held.send("POST", "/v1/search", R"({"query":"holdme granite","mode":"bm25"})");
  ts.gate().wait_until_held(1);
  ASSERT_EQ(ts.gate().held(), 1u);
  test_client c(ts.port());
  auto over = c.request("POST", "/v1/search", R"({"query":"granite","mode":"bm25"})");
  expect_error(over, 429, "resource_exhausted", "class 'interactive' has 1 requests in flight");
  EXPECT_EQ(over.header("retry-after"), "1");
  auto shed = c.request("POST", "/v1/documents", R"([{"id":"s1","text":"shed"}])");
  expect_error(shed, 429, "resource_exhausted", "more urgent class 'interactive'");
  EXPECT_EQ(c.request("GET", "/v1/documents/s1").status, 404u);  // nothing applied
  ts.gate().release();
  EXPECT_EQ(held.read().status, 200u);
  // The place is free again; bulk waits out the Retry-After window.
  EXPECT_EQ(c.request("POST", "/v1/search", R"({"query":"granite","mode":"bm25"})").status, 200u);
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));
  EXPECT_EQ(c.request("POST", "/v1/documents", R"([{"id":"s1","text":"shed"}])").status, 200u);
  auto m = c.request("GET", "/metrics").body;
  EXPECT_NE(m.find("winnow_rejected_total{class=\"interactive\",reason=\"over_limit\"} 1"), std::string::npos) << m;
  EXPECT_NE(m.find("winnow_rejected_total{class=\"bulk\",reason=\"shed_for_urgent\"} 1"), std::string::npos) << m;
  EXPECT_NE(m.find("winnow_in_flight_limit{class=\"interactive\"} 1"), std::string::npos) << m;
}

TEST(http_server, answers_504_when_the_engine_does_not_answer_in_time) {
  server_options o;
  o.engine_timeout = std::chrono::milliseconds(100);
  test_server ts(o);
  test_client c(ts.port());
  auto r = c.request("POST", "/v1/search", R"({"query":"holdme","mode":"bm25"})");
  expect_error(r, 504, "deadline_exceeded", "did not answer within 100 ms");
  ts.gate().release();  // the late answer is dropped
  EXPECT_EQ(c.request("GET", "/healthz").status, 200u);
}

TEST(http_server, shutdown_finishes_in_flight_requests_and_refuses_new_connections) {
  test_server ts;
  seed(ts.port());
  test_client c(ts.port());
  c.send("POST", "/v1/search", R"({"query":"holdme granite","mode":"bm25"})");
  ts.gate().wait_until_held(1);
  ASSERT_EQ(ts.gate().held(), 1u);
  auto stopped = std::async(std::launch::async, [&] { return ts.srv().stop(std::chrono::seconds(10)); });
  // The listening socket goes away first.
  bool refused = false;
  for (int i = 0; i < 500 && !refused; ++i) {
    try {
      test_client probe(ts.port());
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    } catch (const std::exception&) {
      refused = true;
    }
  }
  EXPECT_TRUE(refused);
  ts.gate().release();
  auto r = c.read();
  EXPECT_EQ(r.status, 200u) << r.body;
  EXPECT_EQ(r.json()["results"][0]["id"], "doc-rocks");
  EXPECT_FALSE(r.keep_alive);
  EXPECT_EQ(stopped.get(), 0u);
  EXPECT_TRUE(c.closed_by_server());
}

TEST(http_server, shutdown_fails_requests_still_running_after_the_grace_period) {
  test_server ts;
  test_client c(ts.port());
  c.send("POST", "/v1/search", R"({"query":"holdme","mode":"bm25"})");
  ts.gate().wait_until_held(1);
  ASSERT_EQ(ts.gate().held(), 1u);
  EXPECT_EQ(ts.srv().stop(std::chrono::milliseconds(50)), 1u);
  auto r = c.read();
  expect_error(r, 503, "unavailable", "shutting down");
  EXPECT_FALSE(r.keep_alive);
}

}  // namespace
}  // namespace winnow::http::testing

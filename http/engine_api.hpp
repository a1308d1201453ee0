#pragma once
// engine_api — the narrow interface between the HTTP front end and the search
// engine. The server knows nothing else about the engine: the actor engine
// (query_router, ingest, ...) and the BM25-only direct_engine both implement it.
//
// Contract for every asynchronous call:
//   * The call returns promptly; it must not block the calling (server io)
//     thread while the engine works.
//   * `done` is invoked exactly once, on any thread, possibly synchronously
//     from inside the call. The server re-posts it to the connection's strand.
//   * Errors are winnow::status; the server maps them to HTTP codes
//     (http/status_mapping.hpp): invalid_argument → 400, not_found → 404,
//     resource_exhausted → 429, unavailable → 503 + Retry-After,
//     deadline_exceeded → 504, unsupported → 501, others → 500.
//   * An engine must have invoked or dropped every pending callback before the
//     http::server that issued the calls is destroyed (stop the server, then
//     shut the engine down, then destroy the server).
//
// Thread-safety: all member functions may be called concurrently.
//
// Implementing it over actors (caf-0.17.md §3, pattern 1): per call, spawn a
// small event-based actor that `request`s the query_router / ingest actor with
// a timeout of the request's budget_ms and, in its `then` handlers, calls
// `done` with the reply or with the caf::error converted to a winnow::status
// (sec::request_timeout → deadline_exceeded, queue full → resource_exhausted,
// node/device gone → unavailable). Never use a scoped_actor on a server
// thread: it blocks the io thread for the whole search.

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "common/status.hpp"
#include "common/status_or.hpp"

namespace winnow::http {

enum class search_mode { bm25, dense, hybrid };

// "bm25" / "dense" / "hybrid".
const char* to_string(search_mode mode);

struct search_request {
  std::string query;       // valid UTF-8, non-empty (checked by the server)
  uint32_t k = 10;         // in [1, server_options::max_k]
  search_mode mode = search_mode::hybrid;
  std::string class_name;  // priority class, one of server_options::classes
  uint32_t budget_ms = 0;  // time the caller is willing to wait; 0 = engine default
};

struct search_hit {
  std::string id;
  std::string title;
  std::string snippet;
  double score = 0;
  std::optional<double> bm25_score;   // set when the BM25 stage scored this hit
  std::optional<double> dense_score;  // set when the model re-scored this hit
};

// Time spent in each stage of one search, in microseconds (0 = stage not run).
struct stage_timings {
  int64_t coarse_us = 0;  // BM25 candidate retrieval
  int64_t encode_us = 0;  // query encoding (including queueing for a device)
  int64_t rerank_us = 0;  // dense re-scoring and fusion
  int64_t fetch_us = 0;   // titles/snippets from the document store
};

struct search_response {
  std::vector<search_hit> results;  // best first
  stage_timings timings;
  bool degraded = false;  // a stage was skipped (e.g. BM25 order only); see engine docs
  bool partial = false;   // some shards did not answer
  std::vector<uint32_t> missing_shards;
  // Dense and hybrid answers of an engine with a model: documents with a
  // passage vector out of all documents. encoded < total while a corpus is
  // still being encoded: the dense stage scored only the encoded ones.
  // JSON: "vectors": {"encoded": N, "total": M}; absent otherwise.
  struct vector_counts {
    uint64_t encoded = 0;
    uint64_t total = 0;
  };
  std::optional<vector_counts> vectors;
};

struct document {
  std::string id;             // non-empty valid UTF-8
  std::string title;
  std::string text;
  std::string metadata_json;  // a serialized JSON object, or "" when absent
};

enum class document_state {
  accepted,    // durable (written to the store's WAL); not yet searchable
  searchable,  // durable and visible to search
  rejected,    // not applied; `error` says why
};

// "accepted" / "searchable" / "rejected".
const char* to_string(document_state state);

struct document_result {
  std::string id;
  document_state state = document_state::rejected;
  std::string error;  // set when rejected
};

struct ingest_request {
  std::vector<document> documents;
  std::string class_name;  // priority class for the ingest work (e.g. "bulk")
};

// One readiness condition ("storage", "model", "devices", ...).
struct readiness_check {
  std::string name;
  bool ok = false;
  std::string detail;
};

struct readiness {
  std::vector<readiness_check> checks;
  bool ready() const {
    for (const auto& c : checks)
      if (!c.ok) return false;
    return !checks.empty();
  }
};

template <class T>
using completion = std::function<void(status_or<T>)>;

class engine_api {
 public:
  virtual ~engine_api() = default;

  virtual void search(search_request request, completion<search_response> done) = 0;

  // On success, one result per input document, in input order. A document
  // reported `accepted` or `searchable` is durable; `rejected` ones were not
  // applied. A non-ok status means no document of the batch was applied.
  virtual void ingest(ingest_request request,
                      completion<std::vector<document_result>> done) = 0;

  // not_found when no document has this id.
  virtual void get_document(std::string id, completion<document> done) = 0;

  // not_found when no document has this id.
  virtual void delete_document(std::string id, std::function<void(status)> done) = 0;

  // Cheap and non-blocking; called for every /readyz.
  virtual readiness get_readiness() const = 0;
};

}  // namespace winnow::http

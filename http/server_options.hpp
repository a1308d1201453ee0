#pragma once
// Options of the HTTP front end. A plain struct: app/ maps the TOML config
// ([http] section, [[http.api_keys]]) onto it, so http/ does not depend on config/.

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "http/class_admission.hpp"

namespace winnow::http {

enum class role { read, write, admin };

struct api_key {
  std::string key;           // the secret; compared in constant time, never logged
  std::string name;          // optional label for logs ("ci-ingest"); never the key
  std::vector<role> roles;   // admin implies read and write
};

struct server_options {
  std::string listen_host = "127.0.0.1";
  uint16_t listen_port = 8080;  // 0 = pick an ephemeral port (tests); see server::port()
  unsigned io_threads = 2;

  // With no keys every request is allowed, and the server refuses to bind a
  // non-loopback address.
  std::vector<api_key> api_keys;

  // Priority classes a request may name; the first two defaults are used when
  // a request names none.
  std::vector<std::string> classes = {"interactive", "batch", "bulk"};
  std::string default_search_class = "interactive";
  std::string default_ingest_class = "bulk";
  // Per-class admission (http/class_admission.hpp), most urgent first: the
  // in-flight limit of each class and the shedding of less urgent classes
  // while a more urgent one is refusing (for retry_after_seconds). Empty: no
  // per-class bounds.
  std::vector<class_limits> admission;

  // Limits on input.
  uint64_t max_ingest_body_bytes = 16ull << 20;  // POST /v1/documents; above → 413 ([http] max_body_bytes)
  uint64_t max_body_bytes = 64ull << 10;         // every other route; above → 413
  uint32_t max_header_bytes = 16u << 10;
  uint32_t max_query_bytes = 1024;
  uint32_t max_k = 100;
  uint32_t max_documents_per_request = 10000;
  uint32_t default_budget_ms = 1000;
  uint32_t max_budget_ms = 60000;

  // Connections.
  std::chrono::milliseconds idle_timeout{30000};    // no request in progress
  std::chrono::milliseconds write_timeout{10000};   // a response not taken by the client
  std::chrono::milliseconds engine_timeout{30000};  // no answer from the engine → 504
  uint32_t max_pipelined_requests = 16;             // per connection, before reads pause
  uint32_t max_in_flight_requests = 8192;           // server-wide; above → 503
  uint32_t retry_after_seconds = 1;                 // on 429 and 503

  // Where the server logs (one line per call, no trailing newline). Defaults to
  // stderr. Never receives a key or a request body.
  std::function<void(std::string_view)> log;
};

// "read" / "write" / "admin".
const char* to_string(role r);

}  // namespace winnow::http

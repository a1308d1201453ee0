#pragma once
// request_parser — request bodies (JSON) into engine requests, with errors that
// name the field, the document index or line, and the byte offset. Pure
// functions: no I/O, no engine.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "http/engine_api.hpp"
#include "http/server_options.hpp"

namespace winnow::http {

// Arrays and objects nested deeper than this in a request body are refused
// (400 invalid_json) before the body is parsed.
inline constexpr size_t max_json_depth = 64;

struct input_error {
  std::string error;   // "invalid_json", "invalid_utf8", "missing_field", "invalid_field", ...
  std::string field;   // "query", "k", "documents[3].id", ... ("" when not a field)
  std::string detail;  // a sentence for people
};

template <class T>
struct parsed {
  std::optional<T> value;  // set on success
  input_error error;       // set otherwise
  bool ok() const { return value.has_value(); }
};

// POST /v1/search: {"query": str, "k"?: int, "mode"?: "bm25"|"dense"|"hybrid",
// "class"?: str, "budget_ms"?: int}. Unknown fields are refused (a typo such as
// "kk" would otherwise be silently ignored).
parsed<search_request> parse_search_request(std::string_view body, const server_options& opts);

// One entry of a POST /v1/documents batch: either a document to hand to the
// engine, or the reason it was refused before reaching it.
struct batch_entry {
  std::optional<document> doc;
  std::string id;     // the id when one could be read, else ""
  std::string error;  // set when !doc
};

// POST /v1/documents: a JSON array of {id, title?, text, metadata?} objects, or
// NDJSON (one object per line; blank lines skipped). NDJSON is chosen by a
// Content-Type of application/x-ndjson, application/jsonl or application/ndjson;
// application/json means an array; with any other type (or none) NDJSON is
// chosen when the body does not start with '['.
// A body that is not parseable as a whole (malformed array, empty batch, too
// many documents) is an input_error; an invalid single document is a rejected
// batch_entry, so the other documents can still be applied.
parsed<std::vector<batch_entry>> parse_document_batch(std::string_view body,
                                                      std::string_view content_type,
                                                      const server_options& opts);

// Checks a document id taken from a URL path (after percent-decoding).
std::optional<input_error> check_document_id(std::string_view id);

// Decodes %XX escapes; nullopt on a malformed escape.
std::optional<std::string> percent_decode(std::string_view s);

}  // namespace winnow::http

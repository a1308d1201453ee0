#include "http/request_parser.hpp"

#include <algorithm>
#include <cctype>
#include <utility>

#include <nlohmann/json.hpp>

#include "http/utf8.hpp"

namespace winnow::http {

namespace {

using json = nlohmann::json;

constexpr size_t max_id_bytes = 512;

input_error err(std::string error, std::string field, std::string detail) {
  return {std::move(error), std::move(field), std::move(detail)};
}

template <class T>
parsed<T> fail(input_error e) {
  parsed<T> p;
  p.error = std::move(e);
  return p;
}

const char* type_name(const json& j) { return j.type_name(); }

// Where the nesting of arrays and objects in `text` first goes deeper than
// `limit` (a byte offset), or npos. Brackets inside strings do not count.
size_t too_deep_at(std::string_view text, size_t limit) {
  size_t depth = 0;
  bool in_string = false;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (in_string) {
      if (c == '\\') ++i;
      else if (c == '"') in_string = false;
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      if (++depth > limit) return i;
    } else if ((c == ']' || c == '}') && depth > 0) {
      --depth;
    }
  }
  return std::string_view::npos;
}

// Parses `text` as JSON; on failure, the error says where. Invalid UTF-8 is
// reported by its byte offset before the JSON parser sees it (its own message
// would be less precise). `offset` shifts byte offsets (NDJSON lines).
// Nesting deeper than max_json_depth is refused before parsing: nlohmann's
// dump() recurses once per level, and a 200 KB body of nested arrays in a
// document's metadata overflowed the io thread's stack and killed the server.
std::optional<input_error> parse_json(std::string_view text, std::string_view where,
                                      size_t offset, json* out) {
  size_t bad = 0;
  if (!valid_utf8(text, &bad))
    return err("invalid_utf8", "",
               std::string(where) + "invalid UTF-8 at byte offset " + std::to_string(offset + bad));
  if (size_t at = too_deep_at(text, max_json_depth); at != std::string_view::npos)
    return err("invalid_json", "",
               std::string(where) + "JSON nested deeper than " + std::to_string(max_json_depth) +
                   " levels at byte offset " + std::to_string(offset + at));
  try {
    *out = json::parse(text.begin(), text.end());
  } catch (const json::parse_error& e) {
    // e.byte is 1-based position just past the failure.
    size_t at = e.byte > 0 ? e.byte - 1 : 0;
    std::string what = e.what();
    // Drop nlohmann's "[json.exception.parse_error.101] parse error at line 1, column 5: " prefix.
    auto colon = what.find(": ");
    if (colon != std::string::npos) what = what.substr(colon + 2);
    return err("invalid_json", "",
               std::string(where) + "malformed JSON at byte offset " + std::to_string(offset + at) +
                   ": " + what);
  } catch (const json::exception& e) {
    // A number beyond a double ("1e400") is out_of_range.406, thrown while parsing: bad
    // input, not a server error (it was answered 500 until the API contract work found it).
    std::string what = e.what();
    auto bracket = what.find("] ");
    if (bracket != std::string::npos) what = what.substr(bracket + 2);
    return err("invalid_json", "", std::string(where) + "invalid JSON: " + what);
  }
  return std::nullopt;
}

bool is_blank(std::string_view s) {
  return std::all_of(s.begin(), s.end(),
                     [](unsigned char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; });
}

// Reads an optional unsigned integer field into `out`, checking [lo, hi].
std::optional<input_error> read_uint(const json& obj, const char* field, uint32_t lo, uint32_t hi,
                                     uint32_t* out) {
  auto it = obj.find(field);
  if (it == obj.end()) return std::nullopt;
  const json& v = *it;
  if (!v.is_number_integer())
    return err("invalid_field", field,
               std::string("field '") + field + "' must be an integer, got " +
                   (v.is_number_float() ? std::string("a fraction") : std::string(type_name(v))));
  bool in_range = v.is_number_unsigned() ? v.get<uint64_t>() >= lo && v.get<uint64_t>() <= hi
                                         : v.get<int64_t>() >= static_cast<int64_t>(lo) &&
                                               v.get<int64_t>() <= static_cast<int64_t>(hi);
  if (!in_range)
    return err("invalid_field", field,
               std::string("field '") + field + "' must be in [" + std::to_string(lo) + ", " +
                   std::to_string(hi) + "], got " + v.dump());
  *out = static_cast<uint32_t>(v.get<uint64_t>());
  return std::nullopt;
}

std::optional<input_error> read_string(const json& obj, const char* field, bool required,
                                       std::string* out) {
  auto it = obj.find(field);
  if (it == obj.end() || it->is_null()) {
    if (required)
      return err("missing_field", field, std::string("field '") + field + "' is required");
    return std::nullopt;
  }
  if (!it->is_string())
    return err("invalid_field", field,
               std::string("field '") + field + "' must be a string, got " + type_name(*it));
  *out = it->get<std::string>();
  return std::nullopt;
}

// One document object → document, or the reason it is refused. `where` prefixes
// field names ("documents[3]." or "line 4: ").
std::optional<input_error> read_document(const json& j, document* doc) {
  if (!j.is_object())
    return err("invalid_field", "", std::string("a document must be a JSON object, got ") +
                                        type_name(j));
  for (auto it = j.begin(); it != j.end(); ++it) {
    const std::string& k = it.key();
    if (k != "id" && k != "title" && k != "text" && k != "metadata")
      return err("invalid_field", k,
                 "unknown field '" + k + "' (expected id, title, text, metadata)");
  }
  if (auto e = read_string(j, "id", true, &doc->id)) return e;
  if (doc->id.empty()) return err("invalid_field", "id", "field 'id' must not be empty");
  if (doc->id.size() > max_id_bytes)
    return err("invalid_field", "id",
               "field 'id' is " + std::to_string(doc->id.size()) + " bytes, above the limit of " +
                   std::to_string(max_id_bytes));
  if (auto e = read_string(j, "title", false, &doc->title)) return e;
  if (auto e = read_string(j, "text", true, &doc->text)) return e;
  auto m = j.find("metadata");
  if (m != j.end() && !m->is_null()) {
    if (!m->is_object())
      return err("invalid_field", "metadata",
                 std::string("field 'metadata' must be an object, got ") + type_name(*m));
    doc->metadata_json = m->dump();
  }
  return std::nullopt;
}

batch_entry to_entry(const json& j, const std::string& where) {
  batch_entry e;
  if (j.is_object()) {
    auto id = j.find("id");
    if (id != j.end() && id->is_string()) e.id = id->get<std::string>();
  }
  document doc;
  if (auto bad = read_document(j, &doc)) {
    e.error = where + (bad->field.empty() ? "" : bad->field + ": ") + bad->detail;
    return e;
  }
  e.doc = std::move(doc);
  return e;
}

bool is_ndjson_type(std::string_view content_type) {
  std::string t(content_type.substr(0, content_type.find(';')));
  std::transform(t.begin(), t.end(), t.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  while (!t.empty() && t.back() == ' ') t.pop_back();
  return t == "application/x-ndjson" || t == "application/ndjson" || t == "application/jsonl" ||
         t == "application/x-jsonlines";
}

bool is_json_type(std::string_view content_type) {
  std::string t(content_type.substr(0, content_type.find(';')));
  std::transform(t.begin(), t.end(), t.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  while (!t.empty() && t.back() == ' ') t.pop_back();
  return t == "application/json";
}

}  // namespace

parsed<search_request> parse_search_request(std::string_view body, const server_options& opts) {
  json j;
  if (is_blank(body))
    return fail<search_request>(err("invalid_json", "", "empty body: expected a JSON object"));
  if (auto e = parse_json(body, "", 0, &j)) return fail<search_request>(*e);
  if (!j.is_object())
    return fail<search_request>(err("invalid_json", "",
                                    std::string("expected a JSON object, got ") + type_name(j)));
  for (auto it = j.begin(); it != j.end(); ++it) {
    const std::string& k = it.key();
    if (k != "query" && k != "k" && k != "mode" && k != "class" && k != "budget_ms")
      return fail<search_request>(err(
          "invalid_field", k, "unknown field '" + k + "' (expected query, k, mode, class, budget_ms)"));
  }
  search_request r;
  if (auto e = read_string(j, "query", true, &r.query)) return fail<search_request>(*e);
  if (is_blank(r.query))
    return fail<search_request>(err("invalid_field", "query", "field 'query' must not be empty"));
  if (r.query.size() > opts.max_query_bytes)
    return fail<search_request>(err("invalid_field", "query",
                                    "field 'query' is " + std::to_string(r.query.size()) +
                                        " bytes, above the limit of " +
                                        std::to_string(opts.max_query_bytes)));
  r.k = std::min<uint32_t>(10, opts.max_k);
  if (auto e = read_uint(j, "k", 1, opts.max_k, &r.k)) return fail<search_request>(*e);
  std::string mode = "hybrid";
  if (auto e = read_string(j, "mode", false, &mode)) return fail<search_request>(*e);
  if (mode == "bm25") r.mode = search_mode::bm25;
  else if (mode == "dense") r.mode = search_mode::dense;
  else if (mode == "hybrid") r.mode = search_mode::hybrid;
  else
    return fail<search_request>(err("invalid_field", "mode",
                                    "unknown mode '" + mode + "' (expected bm25, dense, hybrid)"));
  r.class_name = opts.default_search_class;
  if (auto e = read_string(j, "class", false, &r.class_name)) return fail<search_request>(*e);
  if (std::find(opts.classes.begin(), opts.classes.end(), r.class_name) == opts.classes.end()) {
    std::string known;
    for (const auto& c : opts.classes) known += (known.empty() ? "" : ", ") + c;
    return fail<search_request>(err("invalid_field", "class",
                                    "unknown class '" + r.class_name + "' (expected " + known + ")"));
  }
  r.budget_ms = opts.default_budget_ms;
  if (auto e = read_uint(j, "budget_ms", 1, opts.max_budget_ms, &r.budget_ms))
    return fail<search_request>(*e);
  parsed<search_request> out;
  out.value = std::move(r);
  return out;
}

parsed<std::vector<batch_entry>> parse_document_batch(std::string_view body,
                                                      std::string_view content_type,
                                                      const server_options& opts) {
  using result = std::vector<batch_entry>;
  size_t first = body.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos)
    return fail<result>(err("invalid_json", "", "empty body: expected a JSON array or NDJSON"));
  // application/json means one JSON array; without a JSON or NDJSON type the
  // first byte decides.
  bool ndjson = is_ndjson_type(content_type) || (!is_json_type(content_type) && body[first] != '[');
  result entries;
  auto too_many = [&]() {
    return err("invalid_field", "", "the batch has more than " +
                                        std::to_string(opts.max_documents_per_request) +
                                        " documents; split it");
  };
  if (!ndjson) {
    json j;
    if (auto e = parse_json(body, "", 0, &j)) return fail<result>(*e);
    if (!j.is_array())
      return fail<result>(err("invalid_json", "", "expected a JSON array of documents"));
    if (j.size() > opts.max_documents_per_request) return fail<result>(too_many());
    for (size_t i = 0; i < j.size(); ++i)
      entries.push_back(to_entry(j[i], "documents[" + std::to_string(i) + "]: "));
  } else {
    // A line that is not JSON at all is a per-document rejection, not a failed
    // batch: NDJSON producers stream, and one bad line must not void the rest.
    size_t pos = 0;
    size_t line_no = 0;
    while (pos <= body.size()) {
      size_t end = body.find('\n', pos);
      if (end == std::string_view::npos) end = body.size();
      std::string_view line = body.substr(pos, end - pos);
      ++line_no;
      if (!is_blank(line)) {
        if (entries.size() >= opts.max_documents_per_request) return fail<result>(too_many());
        std::string where = "line " + std::to_string(line_no) + ": ";
        json j;
        if (auto e = parse_json(line, where, pos, &j)) {
          batch_entry bad;
          bad.error = e->detail;
          entries.push_back(std::move(bad));
        } else {
          entries.push_back(to_entry(j, where));
        }
      }
      if (end == body.size()) break;
      pos = end + 1;
    }
  }
  if (entries.empty())
    return fail<result>(err("invalid_json", "", "the batch holds no documents"));
  parsed<result> out;
  out.value = std::move(entries);
  return out;
}

std::optional<input_error> check_document_id(std::string_view id) {
  if (id.empty()) return err("invalid_field", "id", "the document id in the path is empty");
  size_t bad = 0;
  if (!valid_utf8(id, &bad))
    return err("invalid_utf8", "id",
               "the document id in the path is not valid UTF-8 (byte offset " +
                   std::to_string(bad) + ")");
  if (id.size() > max_id_bytes)
    return err("invalid_field", "id", "the document id is longer than " +
                                          std::to_string(max_id_bytes) + " bytes");
  return std::nullopt;
}

std::optional<std::string> percent_decode(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  auto hex = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '%') {
      out.push_back(s[i]);
      continue;
    }
    if (i + 2 >= s.size()) return std::nullopt;
    int hi = hex(s[i + 1]);
    int lo = hex(s[i + 2]);
    if (hi < 0 || lo < 0) return std::nullopt;
    out.push_back(static_cast<char>(hi * 16 + lo));
    i += 2;
  }
  return out;
}

}  // namespace winnow::http

#include "bench/loadtest/request_bodies.hpp"

#include <nlohmann/json.hpp>

#include "common/line_reader.hpp"

namespace winnow::loadtest {
namespace {

bool ends_with(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// "x.jsonl.gz" → "x.jsonl": gzip is read transparently, the name below it decides the format.
std::string without_gz(const std::string& path) {
  return ends_with(path, ".gz") ? path.substr(0, path.size() - 3) : path;
}

// Opens `path` (plain or gzip); not_found names what kind of file was expected.
status_or<std::unique_ptr<line_reader>> open_lines(const std::string& path, const char* what) {
  auto lines = line_reader::open(path);
  if (!lines.ok() && lines.get_status().code() == status_code::not_found)
    return status::not_found(std::string("cannot open ") + what + " file '" + path + "'");
  return lines;
}

// Parses one JSONL line into an object, or an error naming file:line.
status_or<nlohmann::json> parse_line(const std::string& path, size_t line_no, const std::string& line) {
  nlohmann::json j = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded())
    return status::invalid_argument(path + ":" + std::to_string(line_no) + ": invalid JSON");
  if (!j.is_object())
    return status::invalid_argument(path + ":" + std::to_string(line_no) + ": expected a JSON object");
  return j;
}

}  // namespace

status_or<std::vector<std::string>> read_queries(const std::string& path) {
  WINNOW_ASSIGN_OR_RETURN(auto in, open_lines(path, "query"));
  const std::string name = without_gz(path);
  const bool jsonl = ends_with(name, ".jsonl") || ends_with(name, ".json");
  std::vector<std::string> out;
  std::string line;
  for (;;) {
    WINNOW_ASSIGN_OR_RETURN(bool more, in->next(&line));
    if (!more) break;
    const size_t line_no = in->line_number();
    if (line.find_first_not_of(" \t") == std::string::npos) continue;
    if (!jsonl) {
      out.push_back(line);
      continue;
    }
    WINNOW_ASSIGN_OR_RETURN(nlohmann::json j, parse_line(path, line_no, line));
    const char* key = j.contains("text") ? "text" : "query";
    if (!j.contains(key) || !j[key].is_string())
      return status::invalid_argument(path + ":" + std::to_string(line_no) + ": missing string field 'text'");
    out.push_back(j[key].get<std::string>());
  }
  if (out.empty()) return status::invalid_argument("query file '" + path + "' has no queries");
  return out;
}

status_or<std::vector<corpus_document>> read_corpus(const std::string& path, int64_t max_docs) {
  WINNOW_ASSIGN_OR_RETURN(auto in, open_lines(path, "corpus"));
  std::vector<corpus_document> out;
  std::string line;
  while (static_cast<int64_t>(out.size()) < max_docs) {
    WINNOW_ASSIGN_OR_RETURN(bool more, in->next(&line));
    if (!more) break;
    const size_t line_no = in->line_number();
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    WINNOW_ASSIGN_OR_RETURN(nlohmann::json j, parse_line(path, line_no, line));
    const std::string where = path + ":" + std::to_string(line_no) + ": ";
    corpus_document d;
    const char* id_key = j.contains("_id") ? "_id" : "id";
    if (!j.contains(id_key)) return status::invalid_argument(where + "missing field '_id'");
    if (j[id_key].is_string()) d.id = j[id_key].get<std::string>();
    else if (j[id_key].is_number_integer()) d.id = std::to_string(j[id_key].get<int64_t>());
    else return status::invalid_argument(where + "field '_id' must be a string");
    if (!j.contains("text") || !j["text"].is_string())
      return status::invalid_argument(where + "missing string field 'text'");
    d.text = j["text"].get<std::string>();
    if (j.contains("title") && j["title"].is_string()) d.title = j["title"].get<std::string>();
    out.push_back(std::move(d));
  }
  if (out.empty()) return status::invalid_argument("corpus file '" + path + "' has no documents");
  return out;
}

std::string search_body(const std::string& query, const class_spec& c) {
  nlohmann::json j = {{"query", query}, {"k", c.k}, {"mode", c.mode}, {"class", c.priority}};
  // Invalid UTF-8 in a query file is replaced rather than aborting the run.
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string ingest_body(const std::vector<corpus_document>& docs, size_t begin, size_t count) {
  nlohmann::json arr = nlohmann::json::array();
  for (size_t i = 0; i < count; ++i) {
    const corpus_document& d = docs[(begin + i) % docs.size()];
    arr.push_back({{"id", d.id}, {"title", d.title}, {"text", d.text}});
  }
  return arr.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

status_or<class_bodies> build_bodies(const class_spec& c) {
  class_bodies out;
  std::vector<std::string>& bodies = out.bodies;
  if (c.kind == request_kind::search) {
    WINNOW_ASSIGN_OR_RETURN(std::vector<std::string> queries, read_queries(c.queries_file));
    bodies.reserve(queries.size());
    for (const auto& q : queries) bodies.push_back(search_body(q, c));
  } else {
    WINNOW_ASSIGN_OR_RETURN(std::vector<corpus_document> docs, read_corpus(c.corpus_file, c.max_docs));
    const size_t batch = static_cast<size_t>(c.batch);
    for (size_t begin = 0; begin < docs.size(); begin += batch) {
      bodies.push_back(ingest_body(docs, begin, batch));
      std::vector<std::string> ids;
      for (size_t i = 0; i < batch; ++i) ids.push_back(docs[(begin + i) % docs.size()].id);
      out.doc_ids.push_back(std::move(ids));
    }
  }
  return out;
}

}  // namespace winnow::loadtest

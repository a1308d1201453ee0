#include "app/beir_reader.hpp"

#include <unordered_map>

#include <nlohmann/json.hpp>

#include "app/utf8_check.hpp"

namespace winnow::app {

namespace {

std::string at_line(uint64_t line_number) { return "line " + std::to_string(line_number) + ": "; }

// Parses `line` as one JSON object; checks UTF-8 first so that the error can
// name the exact byte offset (nlohmann's message names only a column).
status parse_object(std::string_view line, uint64_t line_number, nlohmann::json* out) {
  if (auto bad = first_invalid_utf8(line)) {
    return status::invalid_argument(at_line(line_number) + "invalid UTF-8 at byte offset " +
                                    std::to_string(*bad));
  }
  try {
    *out = nlohmann::json::parse(line.begin(), line.end());
  } catch (const nlohmann::json::exception& e) {
    return status::invalid_argument(at_line(line_number) + "not valid JSON: " + e.what());
  }
  if (!out->is_object()) {
    return status::invalid_argument(at_line(line_number) + "expected a JSON object, got " +
                                    out->type_name());
  }
  return status::ok_status();
}

status get_id(const nlohmann::json& obj, uint64_t line_number, std::string* id) {
  auto it = obj.find("_id");
  if (it == obj.end()) return status::invalid_argument(at_line(line_number) + "missing \"_id\"");
  if (it->is_string()) {
    *id = it->get<std::string>();
  } else if (it->is_number_integer()) {
    *id = it->dump();
  } else {
    return status::invalid_argument(at_line(line_number) + "\"_id\" must be a string, got " +
                                    it->type_name());
  }
  if (id->empty()) return status::invalid_argument(at_line(line_number) + "\"_id\" is empty");
  return status::ok_status();
}

status get_string(const nlohmann::json& obj, const char* key, bool required,
                  uint64_t line_number, std::string* value) {
  auto it = obj.find(key);
  if (it == obj.end() || it->is_null()) {
    if (required) {
      return status::invalid_argument(at_line(line_number) + "missing \"" + key + "\"");
    }
    value->clear();
    return status::ok_status();
  }
  if (!it->is_string()) {
    return status::invalid_argument(at_line(line_number) + "\"" + key +
                                    "\" must be a string, got " + it->type_name());
  }
  *value = it->get<std::string>();
  return status::ok_status();
}

}  // namespace

bool is_blank_line(std::string_view line) {
  return line.find_first_not_of(" \t\r\n") == std::string_view::npos;
}

status parse_corpus_line(std::string_view line, uint64_t line_number, beir_document* out) {
  nlohmann::json obj;
  WINNOW_RETURN_IF_ERROR(parse_object(line, line_number, &obj));
  WINNOW_RETURN_IF_ERROR(get_id(obj, line_number, &out->id));
  WINNOW_RETURN_IF_ERROR(get_string(obj, "title", false, line_number, &out->title));
  WINNOW_RETURN_IF_ERROR(get_string(obj, "text", true, line_number, &out->text));
  out->metadata_json.clear();
  auto meta = obj.find("metadata");
  if (meta != obj.end() && !meta->is_null()) {
    if (!meta->is_object()) {
      return status::invalid_argument(at_line(line_number) + "\"metadata\" must be an object, got " +
                                      meta->type_name());
    }
    out->metadata_json = meta->dump();
  }
  return status::ok_status();
}

status parse_query_line(std::string_view line, uint64_t line_number, beir_query* out) {
  nlohmann::json obj;
  WINNOW_RETURN_IF_ERROR(parse_object(line, line_number, &obj));
  WINNOW_RETURN_IF_ERROR(get_id(obj, line_number, &out->id));
  return get_string(obj, "text", true, line_number, &out->text);
}

status_or<std::unique_ptr<beir_corpus_reader>> beir_corpus_reader::open(const std::string& path) {
  WINNOW_ASSIGN_OR_RETURN(auto lines, line_reader::open(path));
  return std::unique_ptr<beir_corpus_reader>(new beir_corpus_reader(std::move(lines)));
}

status_or<bool> beir_corpus_reader::next(beir_document* out) {
  for (;;) {
    WINNOW_ASSIGN_OR_RETURN(bool more, lines_->next(&line_));
    if (!more) return false;
    if (is_blank_line(line_)) continue;
    status s = parse_corpus_line(line_, lines_->line_number(), out);
    if (!s.ok()) return s.with_context(lines_->path());
    return true;
  }
}

status_or<corpus_check> check_corpus(const std::string& path, size_t max_listed) {
  WINNOW_ASSIGN_OR_RETURN(auto lines, line_reader::open(path));
  corpus_check result;
  std::unordered_map<std::string, uint64_t> first_line_of_id;
  std::string line;
  beir_document doc;
  auto report = [&](const std::string& message) {
    ++result.bad_lines;
    if (result.errors.size() < max_listed) result.errors.push_back(path + ": " + message);
  };
  for (;;) {
    WINNOW_ASSIGN_OR_RETURN(bool more, lines->next(&line));
    if (!more) break;
    if (is_blank_line(line)) continue;
    const uint64_t n = lines->line_number();
    status s = parse_corpus_line(line, n, &doc);
    if (!s.ok()) {
      report(s.message());
      continue;
    }
    auto [it, inserted] = first_line_of_id.emplace(std::move(doc.id), n);
    if (!inserted) {
      report(at_line(n) + "duplicate \"_id\" \"" + it->first + "\" (first on line " +
             std::to_string(it->second) + ")");
      continue;
    }
    ++result.documents;
  }
  return result;
}

status_or<std::vector<beir_query>> read_queries(const std::string& path) {
  WINNOW_ASSIGN_OR_RETURN(auto lines, line_reader::open(path));
  std::vector<beir_query> queries;
  std::string line;
  for (;;) {
    WINNOW_ASSIGN_OR_RETURN(bool more, lines->next(&line));
    if (!more) break;
    if (is_blank_line(line)) continue;
    beir_query q;
    status s = parse_query_line(line, lines->line_number(), &q);
    if (!s.ok()) return s.with_context(path);
    queries.push_back(std::move(q));
  }
  return queries;
}

status_or<uint64_t> validate_corpus_file(const std::string& path, size_t max_listed) {
  WINNOW_ASSIGN_OR_RETURN(corpus_check check, check_corpus(path, max_listed));
  if (!check.errors.empty()) {
    std::string message = path + ": rejected, nothing was ingested: " +
                          std::to_string(check.bad_lines) + " malformed line(s)";
    if (check.bad_lines > check.errors.size()) {
      message += " (first " + std::to_string(check.errors.size()) + " listed)";
    }
    for (const auto& err : check.errors) message += "\n  " + err;
    return status::invalid_argument(message);
  }
  return check.documents;
}

}  // namespace winnow::app

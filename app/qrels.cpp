#include "app/qrels.hpp"

#include <charconv>
#include <string_view>
#include <vector>

#include "common/line_reader.hpp"

namespace winnow::app {

namespace {

std::vector<std::string_view> split_fields(std::string_view line) {
  std::vector<std::string_view> fields;
  size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
    const size_t start = i;
    while (i < line.size() && line[i] != ' ' && line[i] != '\t') ++i;
    if (i > start) fields.push_back(line.substr(start, i - start));
  }
  return fields;
}

bool parse_int(std::string_view s, int* v) {
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), *v);
  return ec == std::errc() && end == s.data() + s.size();
}

}  // namespace

status_or<qrels> read_qrels(const std::string& path) {
  WINNOW_ASSIGN_OR_RETURN(auto lines, line_reader::open(path));
  qrels result;
  std::string line;
  for (;;) {
    WINNOW_ASSIGN_OR_RETURN(bool more, lines->next(&line));
    if (!more) break;
    const auto fields = split_fields(line);
    if (fields.empty()) continue;
    const std::string where = path + ": line " + std::to_string(lines->line_number()) + ": ";
    if (fields.size() != 3 && fields.size() != 4) {
      return status::invalid_argument(where + "expected 3 fields (query-id corpus-id score) or 4 "
                                      "(qid 0 docid rel), got " + std::to_string(fields.size()));
    }
    int rel = 0;
    if (!parse_int(fields.back(), &rel)) {
      // BEIR files start with a "query-id corpus-id score" header.
      if (lines->line_number() == 1) continue;
      return status::invalid_argument(where + "relevance \"" + std::string(fields.back()) +
                                      "\" is not an integer");
    }
    const std::string_view doc = fields.size() == 3 ? fields[1] : fields[2];
    result[std::string(fields[0])][std::string(doc)] = rel;
  }
  return result;
}

size_t relevant_count(const judgments& j) {
  size_t n = 0;
  for (const auto& [doc, rel] : j) n += rel > 0 ? 1 : 0;
  return n;
}

}  // namespace winnow::app

#pragma once
// BEIR file formats (https://github.com/beir-cellar/beir, "data format"):
//   corpus.jsonl   {"_id": "...", "title": "...", "text": "...", "metadata": {...}}
//   queries.jsonl  {"_id": "...", "text": "..."}
// One JSON object per line; blank lines are ignored. `title` and `metadata` are
// optional; `_id` must be a non-empty string (numbers are accepted and kept
// as their decimal text, as some BEIR exports write them); `text` must be a
// string. Every error names the file and the 1-based line number.

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/line_reader.hpp"
#include "common/status_or.hpp"

namespace winnow::app {

struct beir_document {
  std::string id;
  std::string title;
  std::string text;
  std::string metadata_json;  // "" when the line has no `metadata`
};

struct beir_query {
  std::string id;
  std::string text;
};

// Parses one corpus line. Errors: "line N: ..." (invalid UTF-8 with its byte
// offset, bad JSON, missing or mistyped field). Never throws.
status parse_corpus_line(std::string_view line, uint64_t line_number, beir_document* out);
status parse_query_line(std::string_view line, uint64_t line_number, beir_query* out);

// True when the line holds only whitespace (skipped, not an error).
bool is_blank_line(std::string_view line);

// Streams documents from a corpus file (.jsonl or .jsonl.gz).
class beir_corpus_reader {
 public:
  static status_or<std::unique_ptr<beir_corpus_reader>> open(const std::string& path);

  // Next document into *out; false at end. Errors are prefixed with the path.
  status_or<bool> next(beir_document* out);
  uint64_t line_number() const { return lines_->line_number(); }

 private:
  explicit beir_corpus_reader(std::unique_ptr<line_reader> lines) : lines_(std::move(lines)) {}
  std::unique_ptr<line_reader> lines_;
  std::string line_;
};

// What a validation pass over a whole corpus found. The file is accepted only
// when `errors` is empty.
struct corpus_check {
  uint64_t documents = 0;
  uint64_t bad_lines = 0;             // total, even beyond the listed ones
  std::vector<std::string> errors;    // "path: line N: ...", at most max_listed
};

// Reads the whole corpus once, checking every line (and that no `_id` repeats)
// without storing anything. I/O errors stop the pass and are returned as a status.
status_or<corpus_check> check_corpus(const std::string& path, size_t max_listed = 20);

// The check pass of the ingest policy [INGEST_REJECTS_FILE]: the number of
// documents, or invalid_argument naming the file and listing the bad lines
// (at most max_listed, plus the total). Writes nothing.
status_or<uint64_t> validate_corpus_file(const std::string& path, size_t max_listed = 20);

// Reads every query of a queries file.
status_or<std::vector<beir_query>> read_queries(const std::string& path);

}  // namespace winnow::app

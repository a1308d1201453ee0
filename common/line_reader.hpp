#pragma once
// Reads a text file line by line, transparently decompressing gzip (zlib's gz*
// functions pass plain files through unchanged), so `corpus.jsonl` and
// `corpus.jsonl.gz` take one code path. Every reader of a BEIR file (app/'s
// corpus, queries and qrels; bench/loadtest's query and corpus files) goes
// through it. Its own library, winnow_line_reader, so that zlib stays out of
// winnow_common.

#include <cstdint>
#include <memory>
#include <string>

#include "common/status_or.hpp"

namespace winnow {

class line_reader {
 public:
  line_reader(const line_reader&) = delete;
  line_reader& operator=(const line_reader&) = delete;
  ~line_reader();

  // Opens `path`; not_found / io_error name the path.
  static status_or<std::unique_ptr<line_reader>> open(const std::string& path);

  // Reads the next line into *line without its '\n' (and without a trailing
  // '\r'). Returns false at end of file. Errors (a truncated or corrupt .gz)
  // name the path and the line number.
  status_or<bool> next(std::string* line);

  // 1-based number of the line last returned by next(); 0 before the first.
  uint64_t line_number() const { return line_number_; }
  const std::string& path() const { return path_; }

 private:
  line_reader(std::string path, void* gz) : path_(std::move(path)), gz_(gz) {}
  status fill();

  std::string path_;
  void* gz_;                // gzFile; void* keeps zlib out of this header
  std::string buffer_;      // bytes read but not yet returned
  size_t pos_ = 0;          // start of the unread part of buffer_
  bool eof_ = false;
  uint64_t line_number_ = 0;
};

}  // namespace winnow

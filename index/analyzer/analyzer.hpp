#pragma once
// The analyzer chain, one step per file:
//   utf8_validator → normalizer (NFKC, case fold, accents) → word_splitter
//   → cjk_bigram_filter (CJK runs) → stop_word_filter → stemmer_filter
// Documents and queries go through the same chain.

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.hpp"
#include "common/status_or.hpp"
#include "index/analyzer/analyzer_options.hpp"
#include "index/analyzer/stemmer_filter.hpp"
#include "index/analyzer/stop_word_filter.hpp"
#include "index/analyzer/word_splitter.hpp"

namespace winnow::index {

// NOT thread-safe (the stemmer and scratch buffers are per instance).
class analyzer {
 public:
  // invalid_argument / unsupported for options that cannot work (unknown
  // language for stemming or the built-in stop list).
  static status_or<std::unique_ptr<analyzer>> create(const analyzer_options& options);
  analyzer(const analyzer&) = delete;
  analyzer& operator=(const analyzer&) = delete;

  // Appends the terms of `text` to *terms. Invalid UTF-8 → invalid_argument
  // "document 'DOC_ID': invalid UTF-8 in FIELD at byte offset N" and *terms
  // is left as it was.
  status analyze(std::string_view doc_id, std::string_view field, std::string_view text,
                 std::vector<std::string>* terms);

  const analyzer_options& options() const { return options_; }

 private:
  explicit analyzer(analyzer_options o) : options_(std::move(o)) {}
  void add_word(std::string_view word, std::vector<std::string>* terms);

  analyzer_options options_;
  std::optional<stop_word_filter> stop_words_;
  std::unique_ptr<stemmer_filter> stemmer_;
  std::string normalized_;             // scratch
  std::vector<raw_token> raw_tokens_;  // scratch
};

}  // namespace winnow::index

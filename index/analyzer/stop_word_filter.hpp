#pragma once

#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "common/status_or.hpp"

namespace winnow::index {

// Drops stop words. Thread-safe after construction.
class stop_word_filter {
 public:
  // The built-in list for `language` (only "english": the short list that
  // Lucene-family English analyzers use — articles, auxiliaries, prepositions;
  // short lists keep BM25 effective on scientific text). unsupported for others.
  static status_or<stop_word_filter> for_language(std::string_view language);
  explicit stop_word_filter(const std::vector<std::string>& words);

  bool is_stop_word(const std::string& term) const { return words_.count(term) != 0; }
  // Removes stop words from *terms in place, keeping order.
  void apply(std::vector<std::string>* terms) const;

 private:
  std::unordered_set<std::string> words_;
};

}  // namespace winnow::index

#include "index/analyzer/stop_word_filter.hpp"

#include <algorithm>

namespace winnow::index {

status_or<stop_word_filter> stop_word_filter::for_language(std::string_view language) {
  if (language == "english" || language == "en") {
    return stop_word_filter({"a", "an", "and", "are", "as", "at", "be", "but", "by", "for",
                             "if", "in", "into", "is", "it", "no", "not", "of", "on", "or",
                             "such", "that", "the", "their", "then", "there", "these",
                             "they", "this", "to", "was", "will", "with"});
  }
  return status::unsupported("no built-in stop word list for language '" + std::string(language) +
                             "'; set analyzer custom_stop_words or turn stop words off");
}

stop_word_filter::stop_word_filter(const std::vector<std::string>& words)
    : words_(words.begin(), words.end()) {}

void stop_word_filter::apply(std::vector<std::string>* terms) const {
  terms->erase(std::remove_if(terms->begin(), terms->end(),
                              [&](const std::string& t) { return words_.count(t) != 0; }),
               terms->end());
}

}  // namespace winnow::index

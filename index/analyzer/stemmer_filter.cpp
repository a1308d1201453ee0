#include "index/analyzer/stemmer_filter.hpp"

#include <libstemmer.h>

namespace winnow::index {

status_or<std::unique_ptr<stemmer_filter>> stemmer_filter::create(const std::string& language) {
  sb_stemmer* s = sb_stemmer_new(language.c_str(), "UTF_8");
  if (s == nullptr) {
    return status::invalid_argument("unknown stemming language '" + language +
                                    "' (libstemmer has no such algorithm)");
  }
  return std::unique_ptr<stemmer_filter>(new stemmer_filter(s));
}

stemmer_filter::~stemmer_filter() { sb_stemmer_delete(stemmer_); }

void stemmer_filter::apply(std::string* term) {
  const sb_symbol* r = sb_stemmer_stem(stemmer_, reinterpret_cast<const sb_symbol*>(term->data()),
                                       static_cast<int>(term->size()));
  if (r == nullptr) return;  // out of memory: keep the unstemmed term
  term->assign(reinterpret_cast<const char*>(r), static_cast<size_t>(sb_stemmer_length(stemmer_)));
}

}  // namespace winnow::index

#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "common/status_or.hpp"

struct sb_stemmer;

namespace winnow::index {

// Snowball stemming through libstemmer. NOT thread-safe (libstemmer keeps
// per-stemmer state): one instance per thread or per analyzer.
class stemmer_filter {
 public:
  // invalid_argument naming the language when libstemmer does not know it.
  static status_or<std::unique_ptr<stemmer_filter>> create(const std::string& language);
  ~stemmer_filter();
  stemmer_filter(const stemmer_filter&) = delete;
  stemmer_filter& operator=(const stemmer_filter&) = delete;

  // Stems *term in place.
  void apply(std::string* term);

 private:
  explicit stemmer_filter(sb_stemmer* s) : stemmer_(s) {}
  sb_stemmer* stemmer_;
};

}  // namespace winnow::index

#include "index/analyzer/normalizer.hpp"

#include <cstdlib>

#include <utf8proc.h>

namespace winnow::index {

status normalize_text(std::string_view in, bool strip_accents, std::string* out) {
  bool ascii = true;
  for (unsigned char c : in) {
    if (c >= 0x80) { ascii = false; break; }
  }
  if (ascii) {
    out->assign(in.data(), in.size());
    for (auto& c : *out) if (c >= 'A' && c <= 'Z') c = static_cast<char>(c + ('a' - 'A'));
    return {};
  }
  int opts = UTF8PROC_STABLE | UTF8PROC_COMPAT | UTF8PROC_CASEFOLD | UTF8PROC_IGNORE;
  // STRIPMARK needs decomposition; recompose afterwards only when marks are kept.
  opts |= strip_accents ? (UTF8PROC_DECOMPOSE | UTF8PROC_STRIPMARK) : UTF8PROC_COMPOSE;
  utf8proc_uint8_t* dst = nullptr;
  const utf8proc_ssize_t n =
      utf8proc_map(reinterpret_cast<const utf8proc_uint8_t*>(in.data()),
                   static_cast<utf8proc_ssize_t>(in.size()), &dst,
                   static_cast<utf8proc_option_t>(opts));
  if (n < 0) {
    return status::invalid_argument(std::string("text normalization failed: ") + utf8proc_errmsg(n));
  }
  out->assign(reinterpret_cast<const char*>(dst), static_cast<size_t>(n));
  std::free(dst);
  return {};
}

}  // namespace winnow::index

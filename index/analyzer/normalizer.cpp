#include "index/analyzer/normalizer.hpp"

#include <algorithm>
#include <vector>

#include <utf8proc.h>

namespace winnow::index {

namespace {

// Combining marks that are accents to drop. The kana voicing marks (U+3099,
// U+309A) are not accents: "が" must not become "か".
bool is_droppable_mark(utf8proc_int32_t cp) {
  if (cp == 0x3099 || cp == 0x309A) return false;
  const auto cat = utf8proc_category(cp);
  return cat == UTF8PROC_CATEGORY_MN || cat == UTF8PROC_CATEGORY_ME;
}

}  // namespace

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
  const auto* src = reinterpret_cast<const utf8proc_uint8_t*>(in.data());
  const auto len = static_cast<utf8proc_ssize_t>(in.size());
  const auto opts = static_cast<utf8proc_option_t>(UTF8PROC_STABLE | UTF8PROC_COMPAT |
                                                   UTF8PROC_CASEFOLD | UTF8PROC_IGNORE |
                                                   UTF8PROC_DECOMPOSE);
  // Decompose (NFKD + case fold), drop accents, recompose (NFKC).
  thread_local std::vector<utf8proc_int32_t> buf;
  buf.resize(in.size() + 16);
  utf8proc_ssize_t n = utf8proc_decompose(src, len, buf.data(), static_cast<utf8proc_ssize_t>(buf.size()), opts);
  if (n > static_cast<utf8proc_ssize_t>(buf.size())) {
    buf.resize(static_cast<size_t>(n));
    n = utf8proc_decompose(src, len, buf.data(), n, opts);
  }
  if (n < 0) return status::invalid_argument(std::string("text normalization failed: ") + utf8proc_errmsg(n));
  if (strip_accents) {
    utf8proc_ssize_t w = 0;
    for (utf8proc_ssize_t r = 0; r < n; ++r) {
      if (!is_droppable_mark(buf[r])) buf[w++] = buf[r];
    }
    n = w;
  }
  // Room for the UTF-8 bytes: reencode writes them over the code point array.
  buf.resize(std::max<size_t>(buf.size(), static_cast<size_t>(n) + 1));
  const utf8proc_ssize_t bytes = utf8proc_reencode(
      buf.data(), n, static_cast<utf8proc_option_t>(opts | UTF8PROC_COMPOSE));
  if (bytes < 0) return status::invalid_argument(std::string("text normalization failed: ") + utf8proc_errmsg(bytes));
  out->assign(reinterpret_cast<const char*>(buf.data()), static_cast<size_t>(bytes));
  return {};
}

}  // namespace winnow::index

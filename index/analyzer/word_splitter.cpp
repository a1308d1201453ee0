#include "index/analyzer/word_splitter.hpp"

#include <utf8proc.h>

namespace winnow::index {

namespace {

enum class char_class : unsigned char { separator, word, cjk, apostrophe, digit_joiner };

bool is_cjk(uint32_t cp) {
  return (cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0x3400 && cp <= 0x4DBF) ||
         (cp >= 0x20000 && cp <= 0x2FA1F) || (cp >= 0xF900 && cp <= 0xFAFF) ||
         (cp >= 0x3040 && cp <= 0x30FF) ||  // Hiragana, Katakana
         (cp >= 0x31F0 && cp <= 0x31FF) || (cp >= 0xAC00 && cp <= 0xD7AF) ||  // Hangul syllables
         (cp >= 0x1100 && cp <= 0x11FF) || (cp >= 0x3130 && cp <= 0x318F);
}

char_class classify(uint32_t cp) {
  if (cp < 0x80) {
    if ((cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z') || (cp >= '0' && cp <= '9')) {
      return char_class::word;
    }
    if (cp == '\'') return char_class::apostrophe;
    if (cp == '.' || cp == ',') return char_class::digit_joiner;
    return char_class::separator;
  }
  if (cp == 0x2019) return char_class::apostrophe;
  if (is_cjk(cp)) return char_class::cjk;
  switch (utf8proc_category(static_cast<utf8proc_int32_t>(cp))) {
    case UTF8PROC_CATEGORY_LU: case UTF8PROC_CATEGORY_LL: case UTF8PROC_CATEGORY_LT:
    case UTF8PROC_CATEGORY_LM: case UTF8PROC_CATEGORY_LO:
    case UTF8PROC_CATEGORY_MN: case UTF8PROC_CATEGORY_MC: case UTF8PROC_CATEGORY_ME:
    case UTF8PROC_CATEGORY_ND: case UTF8PROC_CATEGORY_NL: case UTF8PROC_CATEGORY_NO:
      return char_class::word;
    default:
      return char_class::separator;
  }
}

bool is_digit_at(std::string_view t, size_t i) { return i < t.size() && t[i] >= '0' && t[i] <= '9'; }

}  // namespace

void split_words(std::string_view text, std::vector<raw_token>* out) {
  const auto* s = reinterpret_cast<const utf8proc_uint8_t*>(text.data());
  const size_t n = text.size();
  size_t i = 0;
  size_t start = 0;
  token_kind kind = token_kind::word;
  bool in_token = false;
  auto close = [&](size_t end) {
    if (in_token && end > start) out->push_back({text.substr(start, end - start), kind});
    in_token = false;
  };
  while (i < n) {
    uint32_t cp;
    size_t len;
    if (s[i] < 0x80) {
      cp = s[i];
      len = 1;
    } else {
      utf8proc_int32_t c = 0;
      utf8proc_ssize_t l = utf8proc_iterate(s + i, static_cast<utf8proc_ssize_t>(n - i), &c);
      if (l <= 0) { close(i); ++i; continue; }  // cannot happen on validated text
      cp = static_cast<uint32_t>(c);
      len = static_cast<size_t>(l);
    }
    char_class cls = classify(cp);
    if (cls == char_class::apostrophe || cls == char_class::digit_joiner) {
      // Joins only inside a word: letter'letter, digit.digit.
      bool joins = false;
      if (in_token && kind == token_kind::word && i + len < n) {
        if (cls == char_class::digit_joiner) {
          joins = is_digit_at(text, i - 1) && is_digit_at(text, i + len);
        } else {
          utf8proc_int32_t next = 0;
          utf8proc_iterate(s + i + len, static_cast<utf8proc_ssize_t>(n - i - len), &next);
          joins = next > 0 && classify(static_cast<uint32_t>(next)) == char_class::word;
        }
      }
      if (!joins) close(i);
      i += len;
      continue;
    }
    if (cls == char_class::separator) {
      close(i);
    } else {
      const token_kind k = cls == char_class::cjk ? token_kind::cjk : token_kind::word;
      if (in_token && k != kind) close(i);
      if (!in_token) {
        in_token = true;
        start = i;
        kind = k;
      }
    }
    i += len;
  }
  close(n);
}

}  // namespace winnow::index

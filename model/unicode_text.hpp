#pragma once
// The character classes and transforms BERT's basic tokenizer needs, over
// code points (utf8proc underneath). Decoding never fails: an invalid UTF-8
// byte becomes U+FFFD, which the tokenizer drops like a control character.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace winnow::model::unicode {

std::vector<char32_t> decode_utf8(std::string_view s);
void append_utf8(char32_t cp, std::string& out);

bool is_whitespace(char32_t c);    // Unicode White_Space, incl. \t \n \r
bool is_control(char32_t c);       // categories Cc Cf Cn Co Cs, except \t \n \r
bool is_punctuation(char32_t c);   // ASCII punctuation or categories P*
bool is_cjk(char32_t c);           // the CJK ideograph blocks BERT splits
bool is_nonspacing_mark(char32_t c);  // category Mn

// Canonical decomposition of one code point, appended to `out`.
void decompose(char32_t c, std::vector<char32_t>& out);
// Lowercase mapping of one code point, appended to `out` (U+0130 maps to two).
void lowercase(char32_t c, std::vector<char32_t>& out);

}  // namespace winnow::model::unicode

#pragma once

#include <string_view>
#include <vector>

namespace winnow::index {

enum class token_kind : unsigned char { word, cjk };

// A token is a view into the text given to split_words.
struct raw_token {
  std::string_view text;
  token_kind kind;
};

// Splits normalized text into words: maximal runs of letters, digits and
// combining marks. An apostrophe between two letters stays inside the word
// ("don't"); a '.' or ',' between two digits too ("3.5", "1,000"). Runs of
// CJK characters (Han, Hiragana, Katakana, Hangul) are separate `cjk` tokens.
// Everything else (spaces, punctuation, symbols, emoji) separates tokens.
// REQUIRES: `text` is valid UTF-8. Appends to *out.
void split_words(std::string_view text, std::vector<raw_token>* out);

}  // namespace winnow::index

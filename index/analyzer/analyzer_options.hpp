#pragma once

#include <string>
#include <vector>

namespace winnow::index {

// How text becomes terms. Documents and queries of one index must use the
// same options (they are part of what a persisted index means).
struct analyzer_options {
  // Snowball language for stemming and the built-in stop list ("english").
  std::string language = "english";
  bool stemming = true;
  bool stop_words = true;
  // When non-empty, replaces the built-in stop list (entries are normalized
  // like document text: case folded, accents stripped when strip_accents).
  std::vector<std::string> custom_stop_words;
  // Remove combining marks after decomposition: "café" and "cafe" match.
  bool strip_accents = true;
  // Runs of CJK characters become overlapping character bigrams (a single
  // character stays a unigram), so Chinese/Japanese text is searchable
  // without a dictionary segmenter.
  bool cjk_bigrams = true;
  // Tokens longer than this (in bytes, after normalization) are dropped:
  // they are base64 blobs or garbage, never words.
  size_t max_token_bytes = 64;
};

}  // namespace winnow::index

#pragma once
// BERT's WordPiece tokenizer: the basic tokenizer (clean control characters,
// split CJK ideographs, lowercase + strip accents for uncased models, split
// on whitespace and punctuation), then greedy longest-match WordPiece with
// "##" continuations and [UNK], wrapped as [CLS] ... [SEP]. Gives the same ids
// as the Hugging Face `tokenizers` BertNormalizer/BertPreTokenizer/WordPiece
// pipeline (checked against a committed fixture).

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "common/status_or.hpp"

namespace winnow::model {

// One text's token ids, [CLS] first and [SEP] last.
using token_ids = std::vector<int32_t>;

struct tokenizer_options {
  bool lowercase = true;         // uncased models: lowercase and strip accents
  bool strip_accents = true;     // follows `lowercase` unless the model says otherwise
  bool split_cjk = true;         // put spaces around CJK ideographs
  int max_chars_per_word = 100;  // longer words become [UNK]
};

class tokenizer {
 public:
  // Reads vocab.txt (one token per line; the id is the line number).
  // Errors name the file and line: unreadable, empty, duplicate token, or a
  // missing special token ([CLS], [SEP], [UNK], [PAD]).
  static status_or<tokenizer> load(const std::string& vocab_path, const tokenizer_options& options);

  // [CLS] + word pieces + [SEP], keeping at most `max_tokens` ids in all
  // (the word pieces are cut at the end). REQUIRES: max_tokens >= 2.
  // Invalid UTF-8 bytes are treated as U+FFFD (and so removed as control).
  token_ids encode(std::string_view text, int max_tokens) const;

  // The word pieces only, no special tokens and no truncation.
  std::vector<int32_t> word_pieces(std::string_view text) const;

  // The basic tokenizer's words (normalized, split), for tests and debugging.
  std::vector<std::string> basic_tokens(std::string_view text) const;

  int32_t cls_id() const { return cls_id_; }
  int32_t sep_id() const { return sep_id_; }
  int32_t pad_id() const { return pad_id_; }
  int32_t unk_id() const { return unk_id_; }
  size_t vocab_size() const { return vocab_.size(); }
  // "" when out of range.
  const std::string& token(int32_t id) const;

 private:
  void wordpiece(const std::string& word, std::vector<int32_t>& out) const;

  tokenizer_options options_;
  std::unordered_map<std::string, int32_t> vocab_;
  std::vector<std::string> tokens_;
  std::vector<std::pair<std::string, int32_t>> specials_;  // matched in raw text
  int32_t cls_id_ = 0, sep_id_ = 0, pad_id_ = 0, unk_id_ = 0;
  size_t longest_token_bytes_ = 0;
};

}  // namespace winnow::model

#include "model/tokenizer.hpp"

#include <algorithm>
#include <fstream>

#include "model/unicode_text.hpp"

namespace winnow::model {

status_or<tokenizer> tokenizer::load(const std::string& vocab_path, const tokenizer_options& options) {
  std::ifstream in(vocab_path, std::ios::binary);
  if (!in) return status::not_found(vocab_path + ": cannot open vocabulary");
  tokenizer t;
  t.options_ = options;
  std::string line;
  int64_t line_no = 0;
  while (std::getline(in, line)) {
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    const auto id = static_cast<int32_t>(t.tokens_.size());
    if (!t.vocab_.emplace(line, id).second) {
      return status::invalid_argument(vocab_path + ": line " + std::to_string(line_no) + ": duplicate token '" +
                                      line + "'");
    }
    t.tokens_.push_back(line);
    if (line.size() > t.longest_token_bytes_) t.longest_token_bytes_ = line.size();
  }
  if (t.tokens_.empty()) return status::invalid_argument(vocab_path + ": empty vocabulary");
  auto special = [&](const char* name, int32_t* id) -> status {
    auto it = t.vocab_.find(name);
    if (it == t.vocab_.end()) return status::invalid_argument(vocab_path + ": missing special token " + name);
    *id = it->second;
    return {};
  };
  WINNOW_RETURN_IF_ERROR(special("[CLS]", &t.cls_id_));
  WINNOW_RETURN_IF_ERROR(special("[SEP]", &t.sep_id_));
  WINNOW_RETURN_IF_ERROR(special("[UNK]", &t.unk_id_));
  WINNOW_RETURN_IF_ERROR(special("[PAD]", &t.pad_id_));
  for (const char* name : {"[CLS]", "[SEP]", "[UNK]", "[PAD]", "[MASK]"}) {
    auto it = t.vocab_.find(name);
    if (it != t.vocab_.end()) t.specials_.emplace_back(name, it->second);
  }
  return t;
}

const std::string& tokenizer::token(int32_t id) const {
  static const std::string empty;
  return id >= 0 && static_cast<size_t>(id) < tokens_.size() ? tokens_[id] : empty;
}

// The normalizer (clean, CJK spacing, accents, lowercase) and then the split on
// whitespace and punctuation, in the order the reference applies them.
std::vector<std::string> tokenizer::basic_tokens(std::string_view text) const {
  using namespace unicode;
  const std::vector<char32_t> in = decode_utf8(text);
  std::vector<char32_t> norm;
  norm.reserve(in.size());
  for (char32_t c : in) {
    if (c == 0 || c == 0xFFFD || is_control(c)) continue;
    if (is_whitespace(c)) {
      norm.push_back(' ');
    } else if (options_.split_cjk && is_cjk(c)) {
      norm.push_back(' ');
      norm.push_back(c);
      norm.push_back(' ');
    } else {
      norm.push_back(c);
    }
  }
  if (options_.strip_accents) {
    std::vector<char32_t> decomposed, kept;
    for (char32_t c : norm) {
      decomposed.clear();
      decompose(c, decomposed);
      for (char32_t d : decomposed) {
        if (!is_nonspacing_mark(d)) kept.push_back(d);
      }
    }
    norm.swap(kept);
  }
  if (options_.lowercase) {
    std::vector<char32_t> lowered;
    lowered.reserve(norm.size());
    for (char32_t c : norm) unicode::lowercase(c, lowered);
    norm.swap(lowered);
  }
  std::vector<std::string> words;
  std::string cur;
  auto flush = [&] {
    if (!cur.empty()) words.push_back(std::move(cur));
    cur.clear();
  };
  for (char32_t c : norm) {
    if (is_whitespace(c)) {
      flush();
    } else if (is_punctuation(c)) {
      flush();
      append_utf8(c, cur);
      flush();
    } else {
      append_utf8(c, cur);
    }
  }
  flush();
  return words;
}

namespace {

bool is_utf8_boundary(const std::string& s, size_t i) {
  return i == s.size() || (static_cast<unsigned char>(s[i]) & 0xC0) != 0x80;
}

size_t utf8_chars(const std::string& s) {
  size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

}  // namespace

// Greedy longest match: at each start, the longest vocabulary entry (with
// "##" after the first piece); a word with any unmatched rest is [UNK].
void tokenizer::wordpiece(const std::string& word, std::vector<int32_t>& out) const {
  if (utf8_chars(word) > static_cast<size_t>(options_.max_chars_per_word)) {
    out.push_back(unk_id_);
    return;
  }
  const size_t first = out.size();
  size_t start = 0;
  std::string piece;
  while (start < word.size()) {
    size_t end = std::min(word.size(), start + longest_token_bytes_);
    int32_t found = -1;
    while (end > start) {
      if (!is_utf8_boundary(word, end)) {
        --end;
        continue;
      }
      piece.assign(start > 0 ? "##" : "");
      piece.append(word, start, end - start);
      auto it = vocab_.find(piece);
      if (it != vocab_.end()) {
        found = it->second;
        break;
      }
      --end;
    }
    if (found < 0) {
      out.resize(first);
      out.push_back(unk_id_);
      return;
    }
    out.push_back(found);
    start = end;
  }
}

// Special-token strings in the raw text ("[SEP]") become their ids, matched
// before normalization, as the reference's added-token matching does; the
// text between them goes through the basic tokenizer and WordPiece.
std::vector<int32_t> tokenizer::word_pieces(std::string_view text) const {
  std::vector<int32_t> ids;
  size_t start = 0;
  while (start <= text.size()) {
    size_t best = std::string_view::npos;
    int32_t best_id = -1;
    size_t best_len = 0;
    for (const auto& [name, id] : specials_) {
      const size_t at = text.find(name, start);
      if (at != std::string_view::npos && (at < best || (at == best && name.size() > best_len))) {
        best = at;
        best_id = id;
        best_len = name.size();
      }
    }
    const std::string_view plain = text.substr(start, best == std::string_view::npos ? text.npos : best - start);
    for (const std::string& w : basic_tokens(plain)) wordpiece(w, ids);
    if (best == std::string_view::npos) break;
    ids.push_back(best_id);
    start = best + best_len;
  }
  return ids;
}

token_ids tokenizer::encode(std::string_view text, int max_tokens) const {
  std::vector<int32_t> pieces = word_pieces(text);
  const size_t keep = max_tokens >= 2 ? static_cast<size_t>(max_tokens - 2) : 0;
  if (pieces.size() > keep) pieces.resize(keep);
  token_ids ids;
  ids.reserve(pieces.size() + 2);
  ids.push_back(cls_id_);
  ids.insert(ids.end(), pieces.begin(), pieces.end());
  ids.push_back(sep_id_);
  return ids;
}

}  // namespace winnow::model

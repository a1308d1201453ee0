#include "index/analyzer/analyzer.hpp"

#include "index/analyzer/cjk_bigram_filter.hpp"
#include "index/analyzer/normalizer.hpp"
#include "index/analyzer/utf8_validator.hpp"

namespace winnow::index {

status_or<std::unique_ptr<analyzer>> analyzer::create(const analyzer_options& options) {
  std::unique_ptr<analyzer> a(new analyzer(options));
  if (options.stop_words) {
    if (!options.custom_stop_words.empty()) {
      std::vector<std::string> words;
      for (const auto& w : options.custom_stop_words) {
        WINNOW_RETURN_IF_ERROR(validate_utf8(w, "custom_stop_words", "a stop word"));
        std::string n;
        WINNOW_RETURN_IF_ERROR(normalize_text(w, options.strip_accents, &n));
        words.push_back(std::move(n));
      }
      a->stop_words_.emplace(words);
    } else {
      WINNOW_ASSIGN_OR_RETURN(auto f, stop_word_filter::for_language(options.language));
      a->stop_words_.emplace(std::move(f));
    }
  }
  if (options.stemming) {
    WINNOW_ASSIGN_OR_RETURN(a->stemmer_, stemmer_filter::create(options.language));
  }
  return a;
}

void analyzer::add_word(std::string_view word, std::vector<std::string>* terms) {
  if (word.size() > options_.max_token_bytes) return;
  std::string t(word);
  // U+2019 RIGHT SINGLE QUOTATION MARK is the typographic apostrophe.
  for (size_t p; (p = t.find("\xE2\x80\x99")) != std::string::npos;) t.replace(p, 3, "'");
  // English possessive: "cell's" and "cells'" index as "cell"/"cells".
  if (t.size() > 2 && t.compare(t.size() - 2, 2, "'s") == 0) t.resize(t.size() - 2);
  while (!t.empty() && t.back() == '\'') t.pop_back();
  if (t.empty()) return;
  if (stop_words_ && stop_words_->is_stop_word(t)) return;
  if (stemmer_) stemmer_->apply(&t);
  if (!t.empty()) terms->push_back(std::move(t));
}

status analyzer::analyze(std::string_view doc_id, std::string_view field, std::string_view text,
                         std::vector<std::string>* terms) {
  WINNOW_RETURN_IF_ERROR(validate_utf8(text, doc_id, field));
  WINNOW_RETURN_IF_ERROR(normalize_text(text, options_.strip_accents, &normalized_)
                             .with_context("document '" + std::string(doc_id) + "'"));
  raw_tokens_.clear();
  split_words(normalized_, &raw_tokens_);
  for (const auto& tok : raw_tokens_) {
    if (tok.kind == token_kind::cjk && options_.cjk_bigrams) {
      cjk_bigrams(tok.text, terms);  // not stemmed: Snowball has no CJK rules
    } else {
      add_word(tok.text, terms);
    }
  }
  return {};
}

}  // namespace winnow::index

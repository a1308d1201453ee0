#pragma once
// A seeded synthetic corpus whose term frequencies follow a Zipf law, for
// measuring BM25 at a scale SciFact does not reach (1M documents by default).
// Words are made of consonant–vowel syllables ending in a, o or u, at least
// two syllables long, so they are never stop words and English stemming
// leaves them alone: the engines index exactly the vocabulary generated.
// The same (options, index) always yields the same document.

#include <cstdint>
#include <string>
#include <vector>

#include "storage/document.hpp"

namespace winnow::bench {

struct zipf_options {
  uint64_t seed = 1;
  uint32_t vocabulary = 200000;   // distinct words
  double exponent = 1.07;         // Zipf s: P(rank r) ∝ 1 / r^s
  uint32_t min_doc_words = 20;
  uint32_t max_doc_words = 120;   // uniform in [min, max]
  uint32_t title_words = 6;
};

class zipf_corpus {
 public:
  explicit zipf_corpus(zipf_options options);

  // Document `i`: id "z" + index, a short title and a body.
  storage::document document(uint64_t i) const;

  // `count` queries of 2–4 distinct words drawn from the same distribution
  // but skipping the `skip_top` most frequent words (queries made only of
  // near-universal words are unrealistic and say little about pruning).
  std::vector<std::string> queries(size_t count, uint32_t skip_top = 100) const;

  // The word of 0-based frequency rank r.
  static std::string word(uint32_t rank);

 private:
  uint32_t sample_rank(uint64_t random_bits) const;

  zipf_options options_;
  std::vector<double> cdf_;  // cdf_[r] = P(rank <= r)
};

}  // namespace winnow::bench

#include "bench/bm25/zipf_corpus.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <set>

#include "app/seeded_random.hpp"

namespace winnow::bench {

namespace {
constexpr std::array<const char*, 20> syllables = {"ba", "bo", "bu", "da", "do", "du", "ka",
                                                   "ko", "ku", "la", "lo", "lu", "ma", "mo",
                                                   "mu", "pa", "po", "pu", "ta", "to"};
}

zipf_corpus::zipf_corpus(zipf_options options) : options_(options) {
  cdf_.resize(options_.vocabulary);
  double sum = 0;
  for (uint32_t r = 0; r < options_.vocabulary; ++r) {
    sum += 1.0 / std::pow(static_cast<double>(r + 1), options_.exponent);
    cdf_[r] = sum;
  }
  for (auto& c : cdf_) c /= sum;
}

std::string zipf_corpus::word(uint32_t rank) {
  // Base-20 digits of rank + 20 (so every word has two syllables or more).
  uint64_t v = static_cast<uint64_t>(rank) + syllables.size();
  std::string w;
  while (v > 0) {
    w.insert(0, syllables[v % syllables.size()]);
    v /= syllables.size();
  }
  return w;
}

uint32_t zipf_corpus::sample_rank(uint64_t random_bits) const {
  const double u = static_cast<double>(random_bits >> 11) * (1.0 / 9007199254740992.0);
  const auto it = std::upper_bound(cdf_.begin(), cdf_.end(), u);
  return static_cast<uint32_t>(std::min<size_t>(it - cdf_.begin(), cdf_.size() - 1));
}

storage::document zipf_corpus::document(uint64_t i) const {
  app::seeded_random rng(options_.seed ^ (0x9E3779B97F4A7C15ull * (i + 1)));
  storage::document doc;
  doc.id = "z" + std::to_string(i);
  for (uint32_t w = 0; w < options_.title_words; ++w) {
    if (w > 0) doc.title += ' ';
    doc.title += word(sample_rank(rng.next()));
  }
  const uint32_t span = options_.max_doc_words - options_.min_doc_words + 1;
  const uint32_t n = options_.min_doc_words + static_cast<uint32_t>(rng.below(span));
  doc.text.reserve(n * 7);
  for (uint32_t w = 0; w < n; ++w) {
    if (w > 0) doc.text += ' ';
    doc.text += word(sample_rank(rng.next()));
  }
  return doc;
}

std::vector<std::string> zipf_corpus::queries(size_t count, uint32_t skip_top) const {
  app::seeded_random rng(options_.seed * 0xD1B54A32D192ED03ull + 17);
  std::vector<std::string> out;
  out.reserve(count);
  for (size_t q = 0; q < count; ++q) {
    const size_t words = 2 + rng.below(3);
    std::set<uint32_t> ranks;
    while (ranks.size() < words) {
      const uint32_t r = sample_rank(rng.next());
      if (r >= skip_top) ranks.insert(r);
    }
    std::string text;
    for (uint32_t r : ranks) {
      if (!text.empty()) text += ' ';
      text += word(r);
    }
    out.push_back(std::move(text));
  }
  return out;
}

}  // namespace winnow::bench

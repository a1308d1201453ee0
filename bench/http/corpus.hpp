#pragma once
// A deterministic synthetic corpus for the HTTP benchmarks: documents of
// Zipf-distributed words from a fixed vocabulary, so BM25 has realistic
// posting-list skew. Same seed, same documents.

#include <cstdint>
#include <random>
#include <string>
#include <vector>

namespace winnow::bench {

inline std::vector<std::string> bench_vocabulary() {
  static const char* stems[] = {
      "river", "granite", "engine", "protein", "market", "orbit", "violin", "harbor", "glacier",
      "circuit", "forest", "ledger", "canyon", "pollen", "saddle", "thunder", "lantern", "quartz",
      "meadow", "falcon", "copper", "signal", "garden", "harvest", "island", "jungle", "kettle",
      "ladder", "mirror", "needle", "oyster", "pepper", "rocket", "silver", "tunnel", "velvet",
      "walnut", "yogurt", "zephyr", "anchor", "bridge", "candle", "desert", "ember", "fabric",
      "galaxy", "hammer", "insect", "jacket", "kernel", "lizard", "magnet", "nectar", "orchid"};
  std::vector<std::string> v;
  for (const char* s : stems)
    for (const char* suffix : {"", "s", "ing", "ed", "er", "ology", "ville", "craft"})
      v.push_back(std::string(s) + suffix);
  return v;
}

// JSON array text of `n` documents {id, title, text} (about `words` words each).
inline std::string bench_documents_json(size_t first, size_t n, size_t words, uint64_t seed) {
  auto vocab = bench_vocabulary();
  std::mt19937_64 rng(seed + first);
  // Zipf-like: index = floor(V * u^3) favours the first words.
  std::uniform_real_distribution<double> u(0, 1);
  auto word = [&] {
    double x = u(rng);
    return vocab[static_cast<size_t>(vocab.size() * x * x * x)];
  };
  std::string out = "[";
  for (size_t i = 0; i < n; ++i) {
    if (i) out += ",";
    std::string title = word() + " " + word();
    std::string text;
    for (size_t w = 0; w < words; ++w) text += (w ? " " : "") + word();
    out += "{\"id\":\"d" + std::to_string(first + i) + "\",\"title\":\"" + title + "\",\"text\":\"" +
           text + "\"}";
  }
  return out + "]";
}

// Two-word queries drawn from the vocabulary (mid-frequency words).
inline std::vector<std::string> bench_queries(size_t n, uint64_t seed) {
  auto vocab = bench_vocabulary();
  std::mt19937_64 rng(seed);
  std::uniform_int_distribution<size_t> pick(0, vocab.size() - 1);
  std::vector<std::string> q;
  for (size_t i = 0; i < n; ++i) q.push_back(vocab[pick(rng)] + " " + vocab[pick(rng)]);
  return q;
}

}  // namespace winnow::bench

// Top-k by MaxScore must equal exhaustive scoring: a brute-force oracle scores
// every live document of random corpora (several segments, updates, deletes,
// merges) and the two result lists must match exactly, scores included.
#include <algorithm>
#include <cmath>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "index/scoring/field_norm.hpp"
#include "index/search/query_terms.hpp"
#include "index/search_index.hpp"
#include "storage/db.hpp"
#include "tests/support/test_support.hpp"

namespace winnow::index {
namespace {

class oracle {
 public:
  void put(const std::string& id, std::vector<std::string> terms) { docs_[id] = std::move(terms); }
  void remove(const std::string& id) { docs_.erase(id); }

  query_statistics stats(const std::vector<std::string>& query) const {
    query_statistics s;
    s.total_docs = docs_.size();
    for (const auto& [id, t] : docs_) s.total_tokens += t.size();
    for (const auto& q : collapse_query_terms(query)) {
      uint64_t df = 0;
      for (const auto& [id, t] : docs_) df += std::find(t.begin(), t.end(), q.term) != t.end();
      s.doc_freqs.emplace_back(q.term, df);
    }
    return s;
  }

  std::vector<hit> search(const std::vector<std::string>& query, size_t k, const bm25_params& p) const {
    fixed_bm25_stats st(stats(query));
    auto terms = collapse_query_terms(query);
    weigh_query_terms(p, st, &terms);
    const auto norms = make_bm25_norm_table(p, double(st.total_tokens()) / double(st.total_docs()));
    std::vector<hit> all;
    for (const auto& [id, t] : docs_) {
      float score = 0;
      bool matched = false;
      const float norm = norms[encode_field_norm(static_cast<uint32_t>(t.size()))];
      for (const auto& q : terms) {
        const auto tf = static_cast<uint32_t>(std::count(t.begin(), t.end(), q.term));
        float c = 0;
        if (tf > 0 && q.weight > 0) {
          c = bm25_term_score(q.weight, tf, norm);
          matched = true;
        }
        score += c;  // same order and same zeros as the index [query_terms.hpp]
      }
      if (matched) all.push_back({id, score});
    }
    std::sort(all.begin(), all.end(), [](const hit& a, const hit& b) {
      return a.score > b.score || (a.score == b.score && a.id < b.id);
    });
    if (all.size() > k) all.resize(k);
    return all;
  }

 private:
  std::map<std::string, std::vector<std::string>> docs_;
};

std::string zipf_word(std::mt19937_64& rng, uint32_t vocab) {
  // P(rank r) ~ 1/r via inverse transform on a log scale.
  std::uniform_real_distribution<double> u(0, std::log(double(vocab) + 1));
  const auto r = static_cast<uint32_t>(std::exp(u(rng))) - 1;
  return "w" + std::to_string(std::min(r, vocab - 1));
}

std::string random_text(std::mt19937_64& rng, uint32_t vocab, uint32_t max_len) {
  std::string s;
  const uint32_t len = 1 + static_cast<uint32_t>(rng() % max_len);
  for (uint32_t i = 0; i < len; ++i) s += zipf_word(rng, vocab) + " ";
  return s;
}

void run_random_corpus(uint64_t seed, bool with_deletes) {
  auto rng = testing::seeded_rng(seed);
  testing::temp_dir dir;
  auto db = storage::db::open(dir.str(), {});
  ASSERT_OK(db);
  index_options o;
  o.analyzer.stemming = false;
  o.analyzer.stop_words = false;
  o.merge.merge_factor = 3;
  o.merge.min_segment_docs = 50;
  o.bm25.k1 = std::vector<float>{0.5f, 1.2f, 2.0f}[rng() % 3];
  o.bm25.b = std::vector<float>{0.f, 0.4f, 0.75f, 1.f}[rng() % 4];
  auto idx_or = search_index::open(**db, o);
  ASSERT_OK(idx_or);
  auto& idx = *idx_or;
  oracle orc;
  const uint32_t vocab = 20 + static_cast<uint32_t>(rng() % 300);
  const uint32_t max_len = 5 + static_cast<uint32_t>(rng() % 150);
  const int batches = 2 + static_cast<int>(rng() % 6);
  uint32_t next_id = 0;
  for (int b = 0; b < batches; ++b) {
    std::vector<storage::document> batch;
    const uint32_t n = 50 + static_cast<uint32_t>(rng() % 500);
    for (uint32_t i = 0; i < n; ++i) {
      std::string id;
      if (with_deletes && next_id > 0 && rng() % 10 == 0) {
        id = "doc" + std::to_string(rng() % next_id);  // an update
      } else {
        id = "doc" + std::to_string(next_id++);
      }
      storage::document d{id, "", random_text(rng, vocab, max_len), ""};
      auto terms = idx->analyze(d.text);
      ASSERT_OK(terms);
      // Within one batch the last version wins, like in the index.
      orc.put(id, *terms);
      batch.push_back(std::move(d));
    }
    ASSERT_OK(idx->add(batch));
    if (with_deletes) {
      for (int r = 0; r < 20; ++r) {
        const std::string id = "doc" + std::to_string(rng() % next_id);
        ASSERT_OK(idx->remove(id));
        orc.remove(id);
      }
    }
    ASSERT_OK(idx->flush());
    if (rng() % 2) ASSERT_OK(idx->maybe_merge());
  }
  for (int q = 0; q < 30; ++q) {
    std::string query;
    const int qlen = 1 + static_cast<int>(rng() % 8);
    for (int i = 0; i < qlen; ++i) query += (rng() % 15 == 0 ? "unseen" : zipf_word(rng, vocab)) + " ";
    auto qterms = idx->analyze(query);
    ASSERT_OK(qterms);
    for (size_t k : {size_t(1), size_t(10), size_t(100)}) {
      const auto expected = orc.search(*qterms, k, o.bm25);
      auto got = with_deletes ? idx->search(query, k, fixed_bm25_stats(orc.stats(*qterms)))
                              : idx->search(query, k);
      ASSERT_OK(got);
      ASSERT_EQ(got->size(), expected.size()) << "query '" << query << "' k " << k;
      for (size_t i = 0; i < expected.size(); ++i) {
        ASSERT_EQ((*got)[i].id, expected[i].id) << "query '" << query << "' k " << k << " rank " << i;
        ASSERT_EQ((*got)[i].score, expected[i].score) << "query '" << query << "' rank " << i;
      }
    }
  }
}

TEST(max_score, equals_exhaustive_scoring_on_random_corpora) {
  for (uint64_t seed : {101u, 202u, 303u}) {
    SCOPED_TRACE(seed);
    run_random_corpus(seed, /*with_deletes=*/false);
  }
}

TEST(max_score, equals_exhaustive_scoring_with_updates_deletes_and_merges) {
  for (uint64_t seed : {404u, 505u, 606u}) {
    SCOPED_TRACE(seed);
    run_random_corpus(seed, /*with_deletes=*/true);
  }
}

}  // namespace
}  // namespace winnow::index

#include "app/eval_metrics.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <unordered_set>

namespace winnow::app {

namespace {

int relevance_of(const judgments& j, const std::string& doc) {
  auto it = j.find(doc);
  return it == j.end() ? 0 : it->second;
}

}  // namespace

std::vector<scored_doc> trec_order(std::vector<scored_doc> run) {
  std::unordered_set<std::string> seen;
  std::vector<scored_doc> unique;
  unique.reserve(run.size());
  for (auto& d : run) {
    if (seen.insert(d.id).second) unique.push_back(std::move(d));
  }
  std::stable_sort(unique.begin(), unique.end(), [](const scored_doc& a, const scored_doc& b) {
    if (a.score != b.score) return a.score > b.score;
    return a.id > b.id;
  });
  return unique;
}

double ndcg_at(const std::vector<scored_doc>& ranked, const judgments& j, size_t k) {
  double dcg = 0;
  for (size_t i = 0; i < ranked.size() && i < k; ++i) {
    const int rel = relevance_of(j, ranked[i].id);
    if (rel > 0) dcg += rel / std::log2(static_cast<double>(i) + 2.0);
  }
  std::vector<int> ideal;
  for (const auto& [doc, rel] : j) {
    if (rel > 0) ideal.push_back(rel);
  }
  std::sort(ideal.begin(), ideal.end(), std::greater<>());
  double idcg = 0;
  for (size_t i = 0; i < ideal.size() && i < k; ++i) {
    idcg += ideal[i] / std::log2(static_cast<double>(i) + 2.0);
  }
  return idcg > 0 ? dcg / idcg : 0.0;
}

double recall_at(const std::vector<scored_doc>& ranked, const judgments& j, size_t k) {
  const size_t total = relevant_count(j);
  if (total == 0) return 0.0;
  size_t found = 0;
  for (size_t i = 0; i < ranked.size() && i < k; ++i) {
    if (relevance_of(j, ranked[i].id) > 0) ++found;
  }
  return static_cast<double>(found) / static_cast<double>(total);
}

double reciprocal_rank_at(const std::vector<scored_doc>& ranked, const judgments& j, size_t k) {
  for (size_t i = 0; i < ranked.size() && i < k; ++i) {
    if (relevance_of(j, ranked[i].id) > 0) return 1.0 / static_cast<double>(i + 1);
  }
  return 0.0;
}

double percentile(std::vector<double> samples, double p) {
  if (samples.empty()) return 0.0;
  std::sort(samples.begin(), samples.end());
  const double rank = std::ceil(p / 100.0 * static_cast<double>(samples.size()));
  size_t index = rank < 1 ? 0 : static_cast<size_t>(rank) - 1;
  if (index >= samples.size()) index = samples.size() - 1;
  return samples[index];
}

latency_summary summarize_latency(const std::vector<double>& samples_ms) {
  latency_summary s;
  if (samples_ms.empty()) return s;
  s.mean_ms = std::accumulate(samples_ms.begin(), samples_ms.end(), 0.0) /
              static_cast<double>(samples_ms.size());
  s.p50_ms = percentile(samples_ms, 50);
  s.p99_ms = percentile(samples_ms, 99);
  return s;
}

}  // namespace winnow::app

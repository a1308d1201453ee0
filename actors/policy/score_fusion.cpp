#include "actors/policy/score_fusion.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace winnow::actors::policy {

fusion_params fusion_params_from(const config::ranking_section& r) {
  fusion_params p;
  p.mode = r.mode;
  p.kind = r.fusion;
  p.alpha = r.alpha;
  p.rrf_k = r.rrf_k;
  return p;
}

status validate(const fusion_params& p) {
  if (!(p.alpha >= 0.0 && p.alpha <= 1.0)) {
    return status::invalid_argument("ranking.alpha must be in [0, 1], got " +
                                    std::to_string(p.alpha));
  }
  if (p.rrf_k == 0) return status::invalid_argument("ranking.rrf_k must be >= 1, got 0");
  return status::ok_status();
}

float cosine_similarity(const std::vector<float>& a, const std::vector<float>& b) {
  if (a.size() != b.size() || a.empty()) return 0.0f;
  double dot = 0, na = 0, nb = 0;
  for (size_t i = 0; i < a.size(); ++i) {
    dot += double{a[i]} * b[i];
    na += double{a[i]} * a[i];
    nb += double{b[i]} * b[i];
  }
  if (na == 0 || nb == 0) return 0.0f;
  return static_cast<float>(dot / std::sqrt(na * nb));
}

namespace {

// Maps values onto [0, 1] by min-max; all-equal values map to 1.
struct min_max {
  double lo = 0, hi = 0;
  double operator()(double v) const { return hi > lo ? (v - lo) / (hi - lo) : 1.0; }
};

}  // namespace

std::vector<fused_hit> score_fusion::rank(const std::vector<fusion_candidate>& candidates,
                                          size_t k) const {
  const size_t n = candidates.size();
  std::vector<fused_hit> out(n);
  for (size_t i = 0; i < n; ++i) {
    out[i].id = candidates[i].id;
    out[i].bm25 = candidates[i].bm25;
    out[i].cosine = candidates[i].cosine;
  }
  // Dense ranks (1-based) among candidates with a vector; input order breaks ties.
  std::vector<size_t> by_cosine;
  for (size_t i = 0; i < n; ++i)
    if (candidates[i].cosine) by_cosine.push_back(i);
  std::stable_sort(by_cosine.begin(), by_cosine.end(), [&](size_t a, size_t b) {
    return *candidates[a].cosine > *candidates[b].cosine;
  });
  std::vector<size_t> dense_rank(n, 0);
  for (size_t r = 0; r < by_cosine.size(); ++r) dense_rank[by_cosine[r]] = r + 1;

  min_max bm{0, 0}, cs{0, 0};
  if (n > 0) {
    bm.lo = bm.hi = candidates[0].bm25;
    for (const auto& c : candidates) {
      bm.lo = std::min<double>(bm.lo, c.bm25);
      bm.hi = std::max<double>(bm.hi, c.bm25);
    }
  }
  if (!by_cosine.empty()) {
    cs.lo = cs.hi = *candidates[by_cosine.front()].cosine;
    for (size_t i : by_cosine) {
      cs.lo = std::min<double>(cs.lo, *candidates[i].cosine);
      cs.hi = std::max<double>(cs.hi, *candidates[i].cosine);
    }
  }
  const double a = params_.alpha;
  const double rk = params_.rrf_k;
  for (size_t i = 0; i < n; ++i) {
    const auto& c = candidates[i];
    switch (params_.mode) {
      case config::ranking_mode::bm25:
        out[i].score = c.bm25;
        break;
      case config::ranking_mode::dense:
        // Below every real cosine (>= -1) when there is no vector.
        out[i].score = c.cosine ? double{*c.cosine} : -2.0;
        break;
      case config::ranking_mode::hybrid:
        if (params_.kind == config::fusion_kind::score) {
          out[i].score = a * (c.cosine ? cs(*c.cosine) : 0.0) + (1.0 - a) * bm(c.bm25);
        } else {
          out[i].score = (1.0 - a) / (rk + static_cast<double>(i + 1)) +
                         (c.cosine ? a / (rk + static_cast<double>(dense_rank[i])) : 0.0);
        }
        break;
    }
  }
  std::stable_sort(out.begin(), out.end(),
                   [](const fused_hit& x, const fused_hit& y) { return x.score > y.score; });
  if (out.size() > k) out.resize(k);
  return out;
}

}  // namespace winnow::actors::policy

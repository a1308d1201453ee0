#include "index/scoring/bm25.hpp"

#include "index/scoring/field_norm.hpp"

namespace winnow::index {

bm25_norm_table make_bm25_norm_table(const bm25_params& p, double avg_doc_tokens) {
  bm25_norm_table t{};
  const double avg = avg_doc_tokens > 0 ? avg_doc_tokens : 1.0;
  for (int code = 0; code < 256; ++code) {
    const double len = decode_field_norm(static_cast<uint8_t>(code));
    t[code] = static_cast<float>(p.k1 * (1.0 - p.b + p.b * len / avg));
  }
  return t;
}

}  // namespace winnow::index

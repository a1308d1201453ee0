#include "actors/policy/rerank_steps.hpp"

namespace winnow::actors::policy {

status_or<std::vector<result_hit>> rerank(const storage::db& db, const score_fusion& fusion,
                                          const std::vector<float>& query_vector,
                                          const std::vector<index::hit>& candidates, size_t k) {
  std::vector<fusion_candidate> fc(candidates.size());
  for (size_t i = 0; i < candidates.size(); ++i) {
    fc[i].id = candidates[i].id;
    fc[i].bm25 = candidates[i].score;
  }
  if (!query_vector.empty() && fusion.params().mode != config::ranking_mode::bm25) {
    std::vector<std::string> ids;
    ids.reserve(candidates.size());
    for (const auto& c : candidates) ids.push_back(c.id);
    WINNOW_ASSIGN_OR_RETURN(auto vectors, db.get_vectors(ids));
    for (size_t i = 0; i < fc.size(); ++i) {
      if (vectors[i]) fc[i].cosine = cosine_similarity(query_vector, *vectors[i]);
    }
  }
  std::vector<result_hit> out;
  for (auto& f : fusion.rank(fc, k)) {
    result_hit h;
    h.id = std::move(f.id);
    h.score = f.score;
    h.bm25 = f.bm25;
    h.has_cosine = f.cosine.has_value();
    h.cosine = f.cosine.value_or(0.0f);
    out.push_back(std::move(h));
  }
  return out;
}

std::string utf8_prefix(const std::string& text, size_t max_bytes) {
  if (text.size() <= max_bytes) return text;
  size_t end = max_bytes;
  // Step back over continuation bytes (10xxxxxx) to a sequence start.
  while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end;
  return text.substr(0, end);
}

status_or<std::vector<result_hit>> fetch_snippets(const storage::db& db,
                                                  std::vector<result_hit> hits,
                                                  size_t snippet_chars) {
  std::vector<result_hit> out;
  out.reserve(hits.size());
  for (auto& h : hits) {
    auto doc = db.get_document(h.id);
    if (!doc.ok()) {
      if (doc.get_status().is_not_found()) continue;
      return doc.get_status();
    }
    h.title = doc->title;
    h.snippet = utf8_prefix(doc->text, snippet_chars);
    if (h.snippet.size() < doc->text.size()) h.snippet += "\xE2\x80\xA6";
    out.push_back(std::move(h));
  }
  return out;
}

}  // namespace winnow::actors::policy

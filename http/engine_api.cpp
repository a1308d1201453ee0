#include "http/engine_api.hpp"

namespace winnow::http {

const char* to_string(search_mode mode) {
  switch (mode) {
    case search_mode::bm25: return "bm25";
    case search_mode::dense: return "dense";
    case search_mode::hybrid: return "hybrid";
  }
  return "?";
}

const char* to_string(document_state state) {
  switch (state) {
    case document_state::accepted: return "accepted";
    case document_state::searchable: return "searchable";
    case document_state::rejected: return "rejected";
  }
  return "?";
}

}  // namespace winnow::http

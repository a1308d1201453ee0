#include "app/query_ranker.hpp"

namespace winnow::app {

status_or<ranking_mode> parse_ranking_mode(std::string_view text) {
  if (text == "bm25") return ranking_mode::bm25;
  if (text == "dense") return ranking_mode::dense;
  if (text == "hybrid") return ranking_mode::hybrid;
  return status::invalid_argument("--mode: unknown ranking mode \"" + std::string(text) +
                                  "\" (expected bm25, dense or hybrid)");
}

const char* to_string(ranking_mode mode) {
  switch (mode) {
    case ranking_mode::bm25: return "bm25";
    case ranking_mode::dense: return "dense";
    case ranking_mode::hybrid: return "hybrid";
  }
  return "?";
}

}  // namespace winnow::app

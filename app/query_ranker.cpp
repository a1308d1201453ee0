#include "app/query_ranker.hpp"

namespace winnow::app {

namespace {

class bm25_ranker final : public query_ranker {
 public:
  explicit bm25_ranker(const index::search_index& index) : index_(index) {}
  status_or<std::vector<index::hit>> rank(std::string_view query, size_t k) const override {
    return index_.search(query, k);
  }

 private:
  const index::search_index& index_;
};

}  // namespace

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

status_or<std::unique_ptr<query_ranker>> make_query_ranker(const index::search_index& index,
                                                           const ranker_options& options) {
  if (options.precision != "int8" && options.precision != "fp32") {
    return status::invalid_argument("--precision: \"" + options.precision +
                                    "\" is not int8 or fp32");
  }
  switch (options.mode) {
    case ranking_mode::bm25:
      return std::unique_ptr<query_ranker>(new bm25_ranker(index));
    case ranking_mode::dense:
    case ranking_mode::hybrid:
      break;
  }
  return status::unsupported(std::string("--mode ") + to_string(options.mode) +
                             ": not available in this build yet (only bm25)");
}

}  // namespace winnow::app

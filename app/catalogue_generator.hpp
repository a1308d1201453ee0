#pragma once
// A seeded product-catalogue generator: the sample corpus `scripts/run` ingests.
// Items are composed from the project's own small vocabularies (brands,
// categories, materials, colours, adjectives, features), so the text is
// synthetic and owes nothing to any real catalogue. The same (seed, index)
// always yields the same item on every platform (see seeded_random.hpp).

#include <cstdint>
#include <string>

#include "app/beir_reader.hpp"

namespace winnow::app {

// A query a shopper might type for one item, and that item (relevance 1).
struct catalogue_query {
  beir_query query;
  std::string relevant_id;
};

class catalogue_generator {
 public:
  explicit catalogue_generator(uint64_t seed) : seed_(seed) {}

  // The item with 0-based index `i`: id "p" + 7-digit index, a title such as
  // "Harrowgate Brushed Walnut Desk Lamp", a 3–6 sentence description, and
  // metadata {"brand","category","material","colour","price_cents"}.
  beir_document item(uint64_t i) const;

  // Query `j` (0-based) over a catalogue of `item_count` items: id "q" +
  // 7-digit index, text "<brand> <material> <category>" (lower case, at times
  // with the colour) of one seeded item, which is the relevant document.
  // Depends only on (seed, j, item_count). REQUIRES: item_count > 0.
  catalogue_query query(uint64_t j, uint64_t item_count) const;

  // One BEIR corpus line (no trailing newline).
  static std::string to_json_line(const beir_document& doc);
  // One BEIR queries line {"_id", "text"} (no trailing newline).
  static std::string to_query_line(const beir_query& q);

 private:
  uint64_t seed_;
};

}  // namespace winnow::app

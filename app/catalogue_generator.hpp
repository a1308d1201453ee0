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

class catalogue_generator {
 public:
  explicit catalogue_generator(uint64_t seed) : seed_(seed) {}

  // The item with 0-based index `i`: id "p" + 7-digit index, a title such as
  // "Harrowgate Brushed Walnut Desk Lamp", a 3–6 sentence description, and
  // metadata {"brand","category","material","colour","price_cents"}.
  beir_document item(uint64_t i) const;

  // One BEIR corpus line (no trailing newline).
  static std::string to_json_line(const beir_document& doc);

 private:
  uint64_t seed_;
};

}  // namespace winnow::app

#include "app/catalogue_generator.hpp"

#include <set>

#include <gtest/gtest.h>

#include "app/beir_reader.hpp"
#include "tests/support/test_support.hpp"

namespace winnow::app {
namespace {

TEST(catalogue_generator, same_seed_same_items_other_seed_other_items) {
  const catalogue_generator a(7), b(7), c(8);
  for (uint64_t i : {0ull, 1ull, 999ull, 99999ull}) {
    const beir_document x = a.item(i), y = b.item(i);
    EXPECT_EQ(x.id, y.id);
    EXPECT_EQ(x.title, y.title);
    EXPECT_EQ(x.text, y.text);
    EXPECT_EQ(x.metadata_json, y.metadata_json);
  }
  int differing = 0;
  for (uint64_t i = 0; i < 20; ++i) differing += a.item(i).text != c.item(i).text ? 1 : 0;
  EXPECT_GT(differing, 15);
}

TEST(catalogue_generator, lines_are_valid_beir_with_unique_ids_and_varied_text) {
  const catalogue_generator gen(42);
  std::set<std::string> ids, titles;
  for (uint64_t i = 0; i < 2000; ++i) {
    const beir_document doc = gen.item(i);
    beir_document parsed;
    ASSERT_OK(parse_corpus_line(catalogue_generator::to_json_line(doc), i + 1, &parsed));
    EXPECT_EQ(parsed.id, doc.id);
    EXPECT_EQ(parsed.title, doc.title);
    EXPECT_EQ(parsed.text, doc.text);
    EXPECT_FALSE(parsed.metadata_json.empty());
    ids.insert(parsed.id);
    titles.insert(parsed.title);
  }
  EXPECT_EQ(ids.size(), 2000u);
  EXPECT_GT(titles.size(), 1500u);  // the vocabulary is large enough to vary titles
  EXPECT_EQ(gen.item(12).id, "p0000012");
}

}  // namespace
}  // namespace winnow::app

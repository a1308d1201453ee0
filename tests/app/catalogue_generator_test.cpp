#include "app/catalogue_generator.hpp"

#include <cctype>
#include <cstdio>
#include <set>

#include <gtest/gtest.h>

#include "app/beir_reader.hpp"
#include "app/catalogue_files.hpp"
#include "app/qrels.hpp"
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

std::string lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

TEST(catalogue_generator, queries_are_seeded_and_name_their_item) {
  const catalogue_generator a(42), b(42), c(43);
  int differing = 0;
  std::set<std::string> texts;
  for (uint64_t j = 0; j < 200; ++j) {
    const catalogue_query x = a.query(j, 1000), y = b.query(j, 1000);
    EXPECT_EQ(x.query.id, y.query.id);
    EXPECT_EQ(x.query.text, y.query.text);
    EXPECT_EQ(x.relevant_id, y.relevant_id);
    differing += x.query.text != c.query(j, 1000).query.text ? 1 : 0;
    texts.insert(x.query.text);
    // The relevant item exists in a 1000-item catalogue and its title holds
    // every word of the query but the colour (which is in its text).
    const uint64_t item = std::stoull(x.relevant_id.substr(1));
    ASSERT_LT(item, 1000u) << x.relevant_id;
    const beir_document doc = a.item(item);
    EXPECT_EQ(doc.id, x.relevant_id);
    const std::string haystack = lower(doc.title + " " + doc.text);
    size_t start = 0;
    while (start < x.query.text.size()) {
      size_t end = x.query.text.find(' ', start);
      if (end == std::string::npos) end = x.query.text.size();
      const std::string word = x.query.text.substr(start, end - start);
      EXPECT_NE(haystack.find(word), std::string::npos) << x.query.text << " / " << doc.title;
      start = end + 1;
    }
  }
  EXPECT_EQ(a.query(3, 1000).query.id, "q0000003");
  EXPECT_GT(differing, 150);
  EXPECT_GT(texts.size(), 150u);
}

TEST(catalogue_files, companions_sit_beside_the_corpus) {
  const catalogue_paths p = catalogue_paths_for("data/catalogue-100-seed7.jsonl");
  EXPECT_EQ(p.corpus, "data/catalogue-100-seed7.jsonl");
  EXPECT_EQ(p.queries, "data/catalogue-100-seed7.queries.jsonl");
  EXPECT_EQ(p.qrels, "data/catalogue-100-seed7.qrels.tsv");
  EXPECT_EQ(catalogue_paths_for("c.jsonl.gz").queries, "c.queries.jsonl");
  EXPECT_EQ(catalogue_paths_for("c.json").qrels, "c.json.qrels.tsv");
}

TEST(catalogue_files, written_files_read_back_as_beir) {
  testing::temp_dir tmp;
  const catalogue_paths p = catalogue_paths_for(tmp.str() + "/cat.jsonl");
  catalogue_spec spec;
  spec.count = 300;
  spec.seed = 9;
  spec.queries = 50;
  ASSERT_OK(write_catalogue(p, spec));
  auto check = validate_corpus_file(p.corpus);
  ASSERT_OK(check);
  EXPECT_EQ(*check, 300u);
  auto queries = read_queries(p.queries);
  ASSERT_OK(queries);
  ASSERT_EQ(queries->size(), 50u);
  auto judged = read_qrels(p.qrels);
  ASSERT_OK(judged);
  EXPECT_EQ(judged->size(), 50u);
  const catalogue_generator gen(9);
  EXPECT_EQ((*queries)[7].text, gen.query(7, 300).query.text);
  // The same spec writes the same bytes (reproducible).
  const catalogue_paths again = catalogue_paths_for(tmp.str() + "/again.jsonl");
  ASSERT_OK(write_catalogue(again, spec));
  auto slurp = [](const std::string& path) {
    std::FILE* f = std::fopen(path.c_str(), "rb");
    std::string out;
    char buf[4096];
    size_t n;
    while (f != nullptr && (n = std::fread(buf, 1, sizeof buf, f)) > 0) out.append(buf, n);
    if (f != nullptr) std::fclose(f);
    return out;
  };
  EXPECT_EQ(slurp(p.queries), slurp(again.queries));
  EXPECT_EQ(slurp(p.qrels), slurp(again.qrels));
  EXPECT_EQ(slurp(p.corpus), slurp(again.corpus));
  EXPECT_FALSE(slurp(p.qrels).empty());
}

}  // namespace
}  // namespace winnow::app

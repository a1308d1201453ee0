#include "index/search_index.hpp"

#include <algorithm>
#include <map>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "index/scoring/field_norm.hpp"
#include "index/search/query_terms.hpp"
#include "storage/db.hpp"
#include "tests/support/test_support.hpp"

namespace winnow::index {
namespace {

std::unique_ptr<storage::db> open_db(const testing::temp_dir& dir) {
  auto r = storage::db::open(dir.str(), {});
  EXPECT_OK(r);
  return std::move(r).value();
}

std::unique_ptr<search_index> open_index(storage::db& db, index_options o = {}) {
  auto r = search_index::open(db, o);
  EXPECT_OK(r);
  return std::move(r).value();
}

std::vector<std::string> ids_of(const status_or<std::vector<hit>>& hits) {
  EXPECT_OK(hits);
  std::vector<std::string> out;
  if (hits.ok()) for (const auto& h : *hits) out.push_back(h.id);
  return out;
}

using ids = std::vector<std::string>;

std::vector<storage::document> small_corpus() {
  return {{"a", "Solar power", "Photovoltaic cells convert sunlight into electricity.", ""},
          {"b", "Wind power", "Turbines convert wind into electricity; wind farms are large.", ""},
          {"c", "Cooking", "Slow cooking with low heat keeps the meat tender.", ""},
          {"d", "Batteries", "Batteries store electricity from solar and wind power.", ""}};
}

TEST(search_index, finds_ranks_and_stems) {
  testing::temp_dir dir;
  auto db = open_db(dir);
  auto idx = open_index(*db);
  ASSERT_OK(idx->add(small_corpus()));
  EXPECT_EQ(ids_of(idx->search("wind", 10)), ids{}) << "not visible before flush";
  ASSERT_OK(idx->flush());
  EXPECT_EQ(ids_of(idx->search("winds", 10)), (ids{"b", "d"}));  // b has wind 3 times
  EXPECT_EQ(ids_of(idx->search("cooked meats", 10)), ids{"c"});
  EXPECT_EQ(ids_of(idx->search("the of and", 10)), ids{}) << "stop words only";
  EXPECT_EQ(ids_of(idx->search("", 10)), ids{});
  EXPECT_EQ(ids_of(idx->search("electricity", 2)).size(), 2u);
  EXPECT_EQ(ids_of(idx->search("electricity", 0)), ids{});
  EXPECT_EQ(ids_of(idx->search("electricity", size_t(1) << 60)).size(), 3u) << "huge k is capped";
  auto st = idx->stats();
  EXPECT_EQ(st.docs, 4u);
  EXPECT_EQ(st.segments, 1u);
  EXPECT_GT(st.postings, 20u);
  EXPECT_GT(st.bytes, 0u);
}

TEST(search_index, equal_scores_are_ordered_by_ascending_id) {
  testing::temp_dir dir;
  auto db = open_db(dir);
  auto idx = open_index(*db);
  // Identical documents, added in scrambled order over two segments.
  ASSERT_OK(idx->add({{"m", "", "zebra", ""}, {"c", "", "zebra", ""}}));
  ASSERT_OK(idx->flush());
  ASSERT_OK(idx->add({{"x", "", "zebra", ""}, {"a", "", "zebra", ""}}));
  ASSERT_OK(idx->flush());
  EXPECT_EQ(ids_of(idx->search("zebra", 3)), (ids{"a", "c", "m"}));
}

TEST(search_index, invalid_utf8_rejects_the_whole_batch_naming_document_and_offset) {
  testing::temp_dir dir;
  auto db = open_db(dir);
  auto idx = open_index(*db);
  status s = idx->add({{"good", "", "alpha", ""}, {"bad-9", "", std::string("beta \xC3\x28 gamma"), ""}});
  ASSERT_FALSE(s.ok());
  EXPECT_TRUE(s.is_invalid_argument());
  EXPECT_NE(s.message().find("bad-9"), std::string::npos) << s.message();
  EXPECT_NE(s.message().find("byte offset 5"), std::string::npos) << s.message();
  ASSERT_OK(idx->flush());
  EXPECT_EQ(ids_of(idx->search("alpha", 10)), ids{}) << "half of a rejected batch was indexed";
  auto q = idx->search(std::string("\xFF"), 10);
  ASSERT_FALSE(q.ok());
  EXPECT_NE(q.get_status().message().find("byte offset 0"), std::string::npos);
}

TEST(search_index, delete_and_update_by_id_across_segments) {
  testing::temp_dir dir;
  auto db = open_db(dir);
  auto idx = open_index(*db);
  ASSERT_OK(idx->add(small_corpus()));
  ASSERT_OK(idx->flush());
  ASSERT_OK(idx->remove("b"));
  ASSERT_OK(idx->add({{"d", "Batteries", "Now about lithium chemistry only.", ""}}));
  EXPECT_EQ(ids_of(idx->search("wind", 10)), (ids{"b", "d"})) << "changes visible only after flush";
  ASSERT_OK(idx->flush());
  EXPECT_EQ(ids_of(idx->search("wind", 10)), ids{});
  EXPECT_EQ(ids_of(idx->search("lithium", 10)), ids{"d"});
  // Add then remove within the buffer: never visible.
  ASSERT_OK(idx->add({{"e", "", "ephemeral", ""}}));
  ASSERT_OK(idx->remove("e"));
  ASSERT_OK(idx->flush());
  EXPECT_EQ(ids_of(idx->search("ephemeral", 10)), ids{});
  auto st = idx->stats();
  EXPECT_EQ(st.docs, 3u);
  EXPECT_EQ(st.deleted_docs, 2u);  // b and the old d
  ASSERT_OK(idx->force_merge());
  st = idx->stats();
  EXPECT_EQ(st.segments, 1u);
  EXPECT_EQ(st.docs, 3u);
  EXPECT_EQ(st.deleted_docs, 0u);
  EXPECT_EQ(ids_of(idx->search("electricity solar lithium", 10)), (ids{"a", "d"}));
}

TEST(search_index, reopen_restores_segments_and_deletes_without_reingest) {
  testing::temp_dir dir;
  std::vector<hit> before;
  {
    auto db = open_db(dir);
    auto idx = open_index(*db);
    ASSERT_OK(idx->add(small_corpus()));
    ASSERT_OK(idx->flush());
    ASSERT_OK(idx->add({{"e", "Wind", "wind wind wind", ""}}));
    ASSERT_OK(idx->remove("a"));
    ASSERT_OK(idx->flush());
    auto h = idx->search("wind solar electricity", 10);
    ASSERT_OK(h);
    before = *h;
    ASSERT_EQ(idx->stats().segments, 2u);
  }
  auto db = open_db(dir);
  auto idx = open_index(*db);
  auto st = idx->stats();
  EXPECT_EQ(st.segments, 2u);
  EXPECT_EQ(st.docs, 4u);
  EXPECT_EQ(st.deleted_docs, 1u);
  auto after = idx->search("wind solar electricity", 10);
  ASSERT_OK(after);
  EXPECT_EQ(*after, before);
  EXPECT_EQ(std::count_if(after->begin(), after->end(), [](const hit& h) { return h.id == "a"; }), 0);
}

TEST(search_index, shards_in_one_db_are_independent) {
  testing::temp_dir dir;
  auto db = open_db(dir);
  index_options o0, o1;
  o1.shard_id = 1;
  {
    auto s0 = open_index(*db, o0);
    auto s1 = open_index(*db, o1);
    ASSERT_OK(s0->add({{"x", "", "shared word alpha", ""}}));
    ASSERT_OK(s1->add({{"y", "", "shared word beta", ""}}));
    ASSERT_OK(s0->flush());
    ASSERT_OK(s1->flush());
  }
  auto s0 = open_index(*db, o0);
  auto s1 = open_index(*db, o1);
  EXPECT_EQ(ids_of(s0->search("shared", 10)), ids{"x"});
  EXPECT_EQ(ids_of(s1->search("shared", 10)), ids{"y"});
}

TEST(search_index, global_statistics_make_shard_scores_equal_to_one_index) {
  testing::temp_dir dir;
  auto db = open_db(dir);
  index_options o0, o1, oall;
  o1.shard_id = 1;
  oall.shard_id = 2;
  auto s0 = open_index(*db, o0);
  auto s1 = open_index(*db, o1);
  auto all = open_index(*db, oall);
  auto docs = small_corpus();
  ASSERT_OK(s0->add({docs[0], docs[1]}));
  ASSERT_OK(s1->add({docs[2], docs[3]}));
  ASSERT_OK(all->add(docs));
  for (auto* i : {s0.get(), s1.get(), all.get()}) ASSERT_OK(i->flush());
  const std::string q = "wind power electricity";
  auto q0 = s0->query_stats(q);
  auto q1 = s1->query_stats(q);
  ASSERT_OK(q0);
  ASSERT_OK(q1);
  fixed_bm25_stats global(*q0);
  global.add(*q1);
  auto h0 = s0->search(q, 10, global);
  auto h1 = s1->search(q, 10, global);
  ASSERT_OK(h0);
  ASSERT_OK(h1);
  std::vector<hit> merged = *h0;
  merged.insert(merged.end(), h1->begin(), h1->end());
  std::sort(merged.begin(), merged.end(), [](const hit& a, const hit& b) {
    return a.score > b.score || (a.score == b.score && a.id < b.id);
  });
  auto single = all->search(q, 10);
  ASSERT_OK(single);
  EXPECT_EQ(merged, *single);
}

TEST(search_index, catch_up_replays_accepted_and_deleted_documents) {
  testing::temp_dir dir;
  {
    auto db = open_db(dir);
    auto idx = open_index(*db);
    auto docs = small_corpus();
    ASSERT_OK(db->put_documents(docs));
    ASSERT_OK(idx->add(docs));
    ASSERT_OK(idx->flush());
    // Acknowledged by storage, then a "crash" before the index flushed.
    ASSERT_OK(db->put_documents({{"late", "", "lateness matters", ""}}));
    ASSERT_OK(idx->add({{"late", "", "lateness matters", ""}}));
    ASSERT_OK(db->delete_documents({"a"}));
    ASSERT_OK(idx->remove("a"));
  }
  auto db = open_db(dir);
  auto idx = open_index(*db);
  EXPECT_EQ(ids_of(idx->search("lateness", 10)), ids{});
  EXPECT_EQ(ids_of(idx->search("photovoltaic", 10)), ids{"a"});
  auto n = idx->catch_up([](std::string_view) { return true; });
  ASSERT_OK(n);
  EXPECT_EQ(*n, 2u);
  EXPECT_EQ(ids_of(idx->search("lateness", 10)), ids{"late"});
  EXPECT_EQ(ids_of(idx->search("photovoltaic", 10)), ids{});
  // Everything is settled now.
  auto again = idx->catch_up([](std::string_view) { return true; });
  ASSERT_OK(again);
  EXPECT_EQ(*again, 0u);
  auto st = db->get_document_state("late");
  ASSERT_OK(st);
  EXPECT_EQ(*st, storage::doc_state::indexed);
}

TEST(search_index, bad_options_are_refused) {
  testing::temp_dir dir;
  auto db = open_db(dir);
  index_options o;
  o.bm25.b = 1.5f;
  EXPECT_TRUE(search_index::open(*db, o).get_status().is_invalid_argument());
  o = {};
  o.analyzer.language = "nosuch";
  EXPECT_FALSE(search_index::open(*db, o).ok());
}

TEST(search_index, concurrent_searches_alongside_a_writer) {
  testing::temp_dir dir;
  auto db = open_db(dir);
  auto idx = open_index(*db);
  ASSERT_OK(idx->add(small_corpus()));
  ASSERT_OK(idx->flush());
  std::atomic<bool> stop{false};
  std::atomic<int> failures{0};
  std::vector<std::thread> readers;
  for (int t = 0; t < 3; ++t) {
    readers.emplace_back([&] {
      while (!stop) {
        auto h = idx->search("electricity wind", 10);
        if (!h.ok() || h->empty()) ++failures;
      }
    });
  }
  for (int i = 0; i < 40; ++i) {
    ASSERT_OK(idx->add({{"w" + std::to_string(i), "", "wind electricity " + std::to_string(i), ""}}));
    if (i % 3 == 0) ASSERT_OK(idx->remove("w" + std::to_string(i - 1)));
    ASSERT_OK(idx->flush());
    if (i % 10 == 9) ASSERT_OK(idx->force_merge());
  }
  stop = true;
  for (auto& t : readers) t.join();
  EXPECT_EQ(failures.load(), 0);
}

}  // namespace
}  // namespace winnow::index

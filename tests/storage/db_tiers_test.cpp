#include <string>
#include <vector>

#include "storage/db.hpp"
#include "tests/support/test_support.hpp"

namespace winnow::storage {
namespace {

TEST(db_tiers, documents_read_the_same_from_either_tier_and_survive_reopen) {
  testing::temp_dir dir, cold_dir;
  db_options o;
  o.cold_dir = cold_dir.str();
  std::vector<document> docs = {{"a", "A", "alpha text", ""}, {"b", "B", "beta text", "{}"},
                                {"c", "C", "gamma text", ""}};
  {
    auto d = db::open(dir.str(), o);
    ASSERT_OK(d);
    ASSERT_OK((*d)->put_documents(docs));
    auto moved = (*d)->move_to_cold({"b", "c", "missing"});
    ASSERT_OK(moved);
    EXPECT_EQ(*moved, 2u);
    auto again = (*d)->move_to_cold({"b"});
    ASSERT_OK(again);
    EXPECT_EQ(*again, 0u) << "already cold";
  }
  auto r = db::open(dir.str(), o);
  ASSERT_OK(r);
  auto& d = *r;
  for (const auto& doc : docs) {
    auto got = d->get_document(doc.id);
    ASSERT_OK(got);
    EXPECT_EQ(*got, doc);
  }
  auto t = d->get_document_tier("b");
  ASSERT_OK(t);
  EXPECT_EQ(*t, db::tier::cold);
  t = d->get_document_tier("a");
  ASSERT_OK(t);
  EXPECT_EQ(*t, db::tier::hot);
  std::vector<std::string> seen;
  ASSERT_OK(d->for_each_document([&](const document& doc) {
    seen.push_back(doc.id);
    return true;
  }));
  EXPECT_EQ(seen, (std::vector<std::string>{"a", "b", "c"}));
  auto n = d->count_documents();
  ASSERT_OK(n);
  EXPECT_EQ(*n, 3u);
  std::vector<std::string> accepted;
  ASSERT_OK(d->for_each_document_in_state(doc_state::accepted, [&](std::string_view id) {
    accepted.emplace_back(id);
    return true;
  }));
  EXPECT_EQ(accepted, (std::vector<std::string>{"a", "b", "c"}));

  // An update brings a document back to the hot tier; a delete removes it from both.
  ASSERT_OK(d->put_documents({{"b", "B2", "beta again", ""}}));
  t = d->get_document_tier("b");
  ASSERT_OK(t);
  EXPECT_EQ(*t, db::tier::hot);
  EXPECT_EQ(d->get_document("b")->title, "B2");
  ASSERT_OK(d->delete_documents({"c"}));
  EXPECT_TRUE(d->get_document("c").get_status().is_not_found());
  EXPECT_TRUE(d->get_document_tier("c").get_status().is_not_found());
  auto back = d->move_to_hot({"a", "b"});
  ASSERT_OK(back);
  EXPECT_EQ(*back, 0u);
}

}  // namespace
}  // namespace winnow::storage

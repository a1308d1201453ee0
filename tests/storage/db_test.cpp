#include "storage/db.hpp"

#include <algorithm>
#include <string>
#include <vector>

#include "tests/support/test_support.hpp"

namespace winnow::storage {
namespace {

std::unique_ptr<db> open_db(const std::string& dir, db_options o = {}) {
  auto r = db::open(dir, o);
  EXPECT_OK(r);
  return r.ok() ? std::move(r).value() : nullptr;
}

std::vector<std::string> ids_in_state(const db& d, doc_state s) {
  std::vector<std::string> out;
  EXPECT_OK(d.for_each_document_in_state(s, [&](std::string_view id) {
    out.emplace_back(id);
    return true;
  }));
  return out;
}

TEST(db, documents_survive_reopen) {
  testing::temp_dir dir;
  std::vector<document> docs = {{"b", "Title B", "text b", "{\"x\":1}"},
                                {"a", "Title A", "text \xc3\xa9 a", ""}};
  {
    auto d = open_db(dir.str());
    ASSERT_OK(d->put_documents(docs));
  }
  auto d = open_db(dir.str());
  auto a = d->get_document("a");
  ASSERT_OK(a);
  EXPECT_EQ(*a, docs[1]);
  auto b = d->get_document("b");
  ASSERT_OK(b);
  EXPECT_EQ(*b, docs[0]);
  std::vector<std::string> seen;
  ASSERT_OK(d->for_each_document([&](const document& doc) {
    seen.push_back(doc.id);
    return true;
  }));
  EXPECT_EQ(seen, (std::vector<std::string>{"a", "b"}));
  auto n = d->count_documents();
  ASSERT_OK(n);
  EXPECT_EQ(*n, 2u);
}

TEST(db, missing_document_is_not_found_naming_the_id) {
  testing::temp_dir dir;
  auto d = open_db(dir.str());
  auto r = d->get_document("nope-42");
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(r.get_status().is_not_found());
  EXPECT_NE(r.get_status().message().find("nope-42"), std::string::npos);
}

TEST(db, empty_id_rejects_the_whole_batch) {
  testing::temp_dir dir;
  auto d = open_db(dir.str());
  status s = d->put_documents({{"ok", "t", "x", ""}, {"", "t", "y", ""}});
  ASSERT_FALSE(s.ok());
  EXPECT_TRUE(s.is_invalid_argument());
  EXPECT_NE(s.message().find("document 1"), std::string::npos) << s.message();
  EXPECT_TRUE(d->get_document("ok").get_status().is_not_found()) << "batch was half applied";
}

TEST(db, format_version_mismatch_names_directory_and_versions) {
  testing::temp_dir dir;
  {
    db_options o;
    o.format_version = 7;
    auto d = open_db(dir.str(), o);
    ASSERT_NE(d, nullptr);
  }
  auto r = db::open(dir.str(), db_options{});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.get_status().code(), status_code::failed_precondition);
  const std::string& m = r.get_status().message();
  EXPECT_NE(m.find(dir.str()), std::string::npos) << m;
  EXPECT_NE(m.find("format version 7"), std::string::npos) << m;
  EXPECT_NE(m.find("format version " + std::to_string(current_format_version)), std::string::npos) << m;
}

TEST(db, document_states_follow_markers) {
  testing::temp_dir dir;
  auto d = open_db(dir.str());
  ASSERT_OK(d->put_documents({{"a", "", "x", ""}, {"b", "", "x", ""}, {"c", "", "x", ""}, {"d", "", "x", ""}}));
  EXPECT_EQ(ids_in_state(*d, doc_state::accepted), (std::vector<std::string>{"a", "b", "c", "d"}));

  index_commit c;
  c.manifest_key = "index/test";
  c.indexed_ids = {"a", "b"};
  ASSERT_OK(d->commit_index(c));
  ASSERT_OK(d->put_vectors({{"b", {1.f, 2.f}}, {"c", {3.f}}}));
  ASSERT_OK(d->delete_documents({"d"}));

  EXPECT_EQ(ids_in_state(*d, doc_state::accepted), std::vector<std::string>{});
  EXPECT_EQ(ids_in_state(*d, doc_state::indexed), std::vector<std::string>{"a"});
  EXPECT_EQ(ids_in_state(*d, doc_state::encoded), std::vector<std::string>{"c"});
  EXPECT_EQ(ids_in_state(*d, doc_state::searchable), std::vector<std::string>{"b"});
  EXPECT_EQ(ids_in_state(*d, doc_state::deleted), std::vector<std::string>{"d"});
  auto sb = d->get_document_state("b");
  ASSERT_OK(sb);
  EXPECT_EQ(*sb, doc_state::searchable);

  // A new version of "b" must be indexed and encoded again.
  ASSERT_OK(d->put_documents({{"b", "", "new", ""}}));
  EXPECT_EQ(ids_in_state(*d, doc_state::accepted), std::vector<std::string>{"b"});

  index_commit c2;
  c2.manifest_key = "index/test";
  c2.absorbed_deletes = {"d"};
  ASSERT_OK(d->commit_index(c2));
  EXPECT_EQ(ids_in_state(*d, doc_state::deleted), std::vector<std::string>{});
}

TEST(db, vectors_round_trip_and_absent_ones_are_nullopt) {
  testing::temp_dir dir;
  auto d = open_db(dir.str());
  ASSERT_OK(d->put_vectors({{"x", {0.5f, -1.25f, 3.f}}}));
  auto v = d->get_vector("x");
  ASSERT_OK(v);
  EXPECT_EQ(*v, (std::vector<float>{0.5f, -1.25f, 3.f}));
  EXPECT_TRUE(d->get_vector("y").get_status().is_not_found());
  auto vs = d->get_vectors({"y", "x"});
  ASSERT_OK(vs);
  ASSERT_EQ(vs->size(), 2u);
  EXPECT_FALSE((*vs)[0].has_value());
  ASSERT_TRUE((*vs)[1].has_value());
  EXPECT_EQ((*vs)[1]->size(), 3u);
}

TEST(db, blobs_and_manifest_commit_together_and_large_blobs_are_chunked) {
  testing::temp_dir dir;
  auto rng = testing::seeded_rng(11);
  std::string big(33u << 20, '\0');  // more than two chunks
  for (auto& ch : big) ch = static_cast<char>(rng());
  index_manifest m;
  m.generation = 3;
  m.next_segment_id = 9;
  m.segments = {{4, 100, 2}, {8, 5, 0}};
  {
    auto d = open_db(dir.str());
    index_commit c;
    c.manifest_key = "index/s0/manifest";
    c.manifest = m;
    c.blob_puts = {{"s0/seg/4", big}, {"s0/seg/8", "small"}};
    ASSERT_OK(d->commit_index(c));
  }
  auto d = open_db(dir.str());
  auto lm = d->load_manifest("index/s0/manifest");
  ASSERT_OK(lm);
  ASSERT_TRUE(lm->has_value());
  EXPECT_EQ(**lm, m);
  auto b = d->get_blob("s0/seg/4");
  ASSERT_OK(b);
  EXPECT_TRUE(*b == big);
  // Replacing a big blob with a small one leaves no stale chunks behind.
  index_commit c;
  c.manifest_key = "index/s0/manifest";
  c.manifest = m;
  c.blob_puts = {{"s0/seg/4", "tiny"}};
  c.blob_deletes = {"s0/seg/8"};
  ASSERT_OK(d->commit_index(c));
  auto b2 = d->get_blob("s0/seg/4");
  ASSERT_OK(b2);
  EXPECT_EQ(*b2, "tiny");
  EXPECT_TRUE(d->get_blob("s0/seg/8").get_status().is_not_found());
  auto none = d->load_manifest("index/s1/manifest");
  ASSERT_OK(none);
  EXPECT_FALSE(none->has_value());
}

TEST(db, reserved_meta_keys_are_refused) {
  testing::temp_dir dir;
  auto d = open_db(dir.str());
  EXPECT_TRUE(d->put_meta("winnow.format_version", "x").is_invalid_argument());
  ASSERT_OK(d->put_meta("app/k", "v"));
  auto v = d->get_meta("app/k");
  ASSERT_OK(v);
  EXPECT_EQ(v->value(), "v");
}

TEST(db, second_open_of_a_locked_directory_fails_with_its_name) {
  testing::temp_dir dir;
  auto d = open_db(dir.str());
  auto r = db::open(dir.str(), db_options{});
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.get_status().message().find(dir.str()), std::string::npos);
}

}  // namespace
}  // namespace winnow::storage

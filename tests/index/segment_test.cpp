#include "index/segment/segment.hpp"

#include <string>
#include <vector>

#include "index/segment/live_docs.hpp"
#include "index/segment/merge_policy.hpp"
#include "index/segment/segment_merger.hpp"
#include "index/segment/segment_writer.hpp"
#include "tests/support/test_support.hpp"

namespace winnow::index {
namespace {

std::vector<std::pair<uint32_t, uint32_t>> postings_of(const segment& s, std::string_view term) {
  std::vector<std::pair<uint32_t, uint32_t>> out;
  const term_info* t = s.find_term(term);
  if (!t) return out;
  for (auto it = s.postings(*t); it.doc() != terminated; it.advance()) out.emplace_back(it.doc(), it.tf());
  return out;
}

std::string sample_segment(std::vector<std::string>* ids) {
  segment_writer w;
  w.add("d0", {"apple", "banana", "apple"});
  w.add("d1", {"banana"});
  w.add("gone", {"apple", "cherry"});
  w.add("d2", {"cherry", "apple"});
  EXPECT_TRUE(w.remove("gone"));
  EXPECT_FALSE(w.remove("never"));
  w.add("d1", {"banana", "banana", "date"});  // replaces the buffered d1
  return w.finish(ids);
}

using pl = std::vector<std::pair<uint32_t, uint32_t>>;

TEST(segment, writer_output_reads_back) {
  std::vector<std::string> ids;
  auto s = segment::parse(1, "seg-1", sample_segment(&ids));
  ASSERT_OK(s);
  const segment& seg = **s;
  EXPECT_EQ(ids, (std::vector<std::string>{"d0", "d2", "d1"}));
  ASSERT_EQ(seg.doc_count(), 3u);
  EXPECT_EQ(seg.external_id(0), "d0");
  EXPECT_EQ(seg.external_id(2), "d1");
  EXPECT_EQ(seg.find_doc("d2"), std::optional<uint32_t>(1));
  EXPECT_FALSE(seg.find_doc("gone").has_value());
  EXPECT_EQ(seg.length(0), 3u);
  EXPECT_EQ(seg.length(2), 3u);
  EXPECT_EQ(seg.total_tokens(), 8u);
  EXPECT_EQ(postings_of(seg, "apple"), (pl{{0, 2}, {1, 1}}));
  EXPECT_EQ(postings_of(seg, "banana"), (pl{{0, 1}, {2, 2}}));
  EXPECT_EQ(postings_of(seg, "cherry"), (pl{{1, 1}}));
  EXPECT_EQ(postings_of(seg, "date"), (pl{{2, 1}}));
  EXPECT_EQ(seg.find_term("elder"), nullptr);
  EXPECT_EQ(seg.term_count(), 4u);
  EXPECT_EQ(seg.total_postings(), 6u);
}

TEST(segment, corrupt_or_truncated_bytes_are_rejected_with_the_name) {
  std::vector<std::string> ids;
  const std::string good = sample_segment(&ids);
  std::string flipped = good;
  flipped[good.size() / 2] ^= 0x40;
  auto r = segment::parse(1, "s0/seg/7", flipped);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.get_status().code(), status_code::corruption);
  EXPECT_NE(r.get_status().message().find("s0/seg/7"), std::string::npos) << r.get_status().message();
  EXPECT_FALSE(segment::parse(1, "x", good.substr(0, good.size() - 20)).ok());
  EXPECT_FALSE(segment::parse(1, "x", good.substr(0, 10)).ok());
  EXPECT_FALSE(segment::parse(1, "x", std::string()).ok());
}

TEST(segment, merge_drops_deleted_documents_and_keeps_postings) {
  std::vector<std::string> ids;
  auto a = segment::parse(1, "a", sample_segment(&ids));
  ASSERT_OK(a);
  segment_writer w;
  w.add("e0", {"apple", "fig"});
  w.add("e1", {"banana"});
  auto b = segment::parse(2, "b", w.finish(&ids));
  ASSERT_OK(b);
  auto del = std::make_shared<live_docs>((*a)->doc_count());
  del->mark_deleted(1);  // d2
  auto m = segment::parse(3, "m", merge_segments({{*a, del}, {*b, nullptr}}));
  ASSERT_OK(m);
  const segment& seg = **m;
  ASSERT_EQ(seg.doc_count(), 4u);
  EXPECT_EQ(seg.external_id(0), "d0");
  EXPECT_EQ(seg.external_id(1), "d1");
  EXPECT_EQ(seg.external_id(2), "e0");
  EXPECT_EQ(seg.external_id(3), "e1");
  EXPECT_EQ(postings_of(seg, "apple"), (pl{{0, 2}, {2, 1}}));
  EXPECT_EQ(postings_of(seg, "cherry"), pl{});  // only in the deleted d2
  EXPECT_EQ(postings_of(seg, "banana"), (pl{{0, 1}, {1, 2}, {3, 1}}));
  EXPECT_EQ(seg.total_tokens(), 3u + 3u + 2u + 1u);
}

TEST(live_docs, serialize_round_trip_and_size_check) {
  live_docs d(130);
  EXPECT_TRUE(d.mark_deleted(0));
  EXPECT_TRUE(d.mark_deleted(129));
  EXPECT_FALSE(d.mark_deleted(129));
  auto r = live_docs::parse(d.serialize(), 130, "del");
  ASSERT_OK(r);
  EXPECT_EQ(r->deleted_count(), 2u);
  EXPECT_TRUE(r->is_deleted(129));
  EXPECT_FALSE(r->is_deleted(128));
  auto bad = live_docs::parse("abc", 130, "s0/del/9");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.get_status().message().find("s0/del/9"), std::string::npos);
}

TEST(merge_policy, merges_a_full_level_and_rewrites_delete_heavy_segments) {
  merge_options o;
  o.merge_factor = 3;
  o.min_segment_docs = 10;
  EXPECT_TRUE(pick_merge({{1, 5, 0}, {2, 8, 0}}, o).empty());
  EXPECT_EQ(pick_merge({{1, 5, 0}, {2, 500, 0}, {3, 8, 0}, {4, 9, 0}}, o), (std::vector<uint64_t>{1, 3, 4}));
  // 30 and 40 docs are level 1 (size/10 in [3, 9)); three of them merge.
  EXPECT_EQ(pick_merge({{1, 30, 0}, {2, 40, 0}, {3, 5, 0}, {4, 35, 0}}, o), (std::vector<uint64_t>{1, 2, 4}));
  EXPECT_EQ(pick_merge({{1, 30, 0}, {2, 10, 20}}, o), (std::vector<uint64_t>{2}));
}

}  // namespace
}  // namespace winnow::index

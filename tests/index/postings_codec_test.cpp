#include "index/postings/postings_codec.hpp"

#include <algorithm>
#include <random>
#include <string>
#include <vector>

#include "index/postings/bitpacking.hpp"
#include "index/postings/postings_iterator.hpp"
#include "tests/support/test_support.hpp"

namespace winnow::index {
namespace {

TEST(bitpacking, round_trips_every_width) {
  auto rng = testing::seeded_rng(1);
  for (uint32_t w = 0; w <= 32; ++w) {
    uint32_t in[128], out[128];
    for (auto& v : in) v = w == 0 ? 0 : static_cast<uint32_t>(rng() & (w == 32 ? 0xFFFFFFFFu : ((1u << w) - 1)));
    if (w > 0) in[5] = w == 32 ? 0xFFFFFFFFu : (1u << w) - 1;  // the extreme value
    EXPECT_EQ(bits_needed(in, 128), w);
    std::vector<uint8_t> buf(packed128_bytes(w) + 8, 0);
    pack128(in, w, buf.data());
    unpack128(buf.data(), w, out);
    EXPECT_TRUE(std::equal(in, in + 128, out)) << "width " << w;
  }
}

struct postings {
  std::vector<uint32_t> docs, tfs;
};

postings random_postings(std::mt19937_64& rng, uint32_t n, uint32_t max_gap, uint32_t max_tf) {
  postings p;
  uint64_t d = rng() % (max_gap + 1);
  for (uint32_t i = 0; i < n && d < UINT32_MAX - 1; ++i) {
    p.docs.push_back(static_cast<uint32_t>(d));
    p.tfs.push_back(1 + static_cast<uint32_t>(rng() % max_tf));
    d += 1 + rng() % max_gap;
  }
  return p;
}

TEST(postings_codec, randomized_round_trip_advance_seek_and_block_bounds) {
  auto rng = testing::seeded_rng(42);
  for (int round = 0; round < 300; ++round) {
    const uint32_t n = 1 + static_cast<uint32_t>(rng() % (round % 3 == 0 ? 2000 : 300));
    const uint32_t max_gap = std::vector<uint32_t>{1, 3, 100, 70000, 1u << 16}[rng() % 5];
    const uint32_t max_tf = std::vector<uint32_t>{1, 4, 1000, 1u << 20}[rng() % 4];
    postings p = random_postings(rng, n, max_gap, max_tf);
    const uint32_t max_doc = p.docs.back();
    // Norm codes, indexed by doc id.
    if (max_doc >= (1u << 26)) continue;  // keep the norms table small
    std::vector<uint8_t> norms(max_doc + 1, 0);
    for (uint32_t d : p.docs) norms[d] = static_cast<uint8_t>(rng());
    std::string bytes;
    encode_postings(p.docs.data(), p.tfs.data(), static_cast<uint32_t>(p.docs.size()), norms.data(), &bytes);
    bytes.append(8, '\0');
    const auto* data = reinterpret_cast<const uint8_t*>(bytes.data());

    // Full walk.
    postings_iterator it(data, static_cast<uint32_t>(p.docs.size()));
    for (size_t i = 0; i < p.docs.size(); ++i, it.advance()) {
      ASSERT_EQ(it.doc(), p.docs[i]) << "round " << round << " i " << i;
      ASSERT_EQ(it.tf(), p.tfs[i]) << "round " << round << " i " << i;
    }
    EXPECT_EQ(it.doc(), terminated);

    // Seeks to increasing random targets, skipping tf reads sometimes.
    postings_iterator s(data, static_cast<uint32_t>(p.docs.size()));
    uint32_t target = 0;
    while (true) {
      target += static_cast<uint32_t>(rng() % (max_gap * 3ull + 2));
      s.seek(target);
      auto lb = std::lower_bound(p.docs.begin(), p.docs.end(), target);
      if (lb == p.docs.end()) {
        ASSERT_EQ(s.doc(), terminated);
        break;
      }
      ASSERT_EQ(s.doc(), *lb) << "round " << round << " target " << target;
      if (rng() & 1) ASSERT_EQ(s.tf(), p.tfs[lb - p.docs.begin()]);
    }

    // Every block's bounds hold for its postings.
    postings_iterator b(data, static_cast<uint32_t>(p.docs.size()));
    for (uint32_t blk = 0; blk < b.blocks(); ++blk) {
      const skip_entry e = b.block_entry(blk);
      const size_t lo = blk * 128, hi = std::min<size_t>(p.docs.size(), lo + 128);
      EXPECT_EQ(e.last_doc, p.docs[hi - 1]);
      uint32_t mtf = 0;
      uint8_t mn = 255;
      for (size_t i = lo; i < hi; ++i) {
        mtf = std::max(mtf, p.tfs[i]);
        mn = std::min(mn, norms[p.docs[i]]);
      }
      EXPECT_EQ(e.max_tf, mtf);
      EXPECT_EQ(e.min_norm, mn);
      ASSERT_TRUE(b.shallow_seek(p.docs[lo]));
      EXPECT_EQ(b.shallow_last_doc(), e.last_doc);
    }
    EXPECT_FALSE(b.shallow_seek(max_doc + 1));
  }
}

}  // namespace
}  // namespace winnow::index

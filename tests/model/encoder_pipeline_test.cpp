// The encoder's chunk pipeline (two chunks in flight where the backend has
// two download slots: a GPU), checked on the CPU. `two_slots` wraps the CPU
// backend and behaves as the CUDA backend's begin/end_download do: two
// slots, the copy taken in stream order (at begin), a third begin reuses the
// oldest slot and voids its handle. It also catches what would corrupt a GPU
// run: a buffer freed (the workspace growing) while a download out of it is
// pending. The vectors must equal the plain CPU encoder's, in input order.
// Needs the model files; skips with the reason otherwise.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "kernels/registry.hpp"
#include "model/encoder.hpp"
#include "tests/support/test_support.hpp"

namespace winnow::model {
namespace {

class two_slots final : public kernels::backend {
 public:
  explicit two_slots(std::unique_ptr<kernels::backend> inner) : inner_(std::move(inner)) {}
  const kernels::device_info& info() const override { return inner_->info(); }
  bool supports(const kernels::op& o) const override { return inner_->supports(o); }
  status_or<kernels::buffer> alloc(size_t bytes) override { return inner_->alloc(bytes); }
  void free(kernels::buffer b) override {
    for (const slot& s : slots_)
      if (s.ticket != 0 && s.src == b.ptr) ++freed_while_pending_;
    inner_->free(b);
  }
  status upload(const kernels::buffer& dst, size_t off, const void* src, size_t bytes) override {
    return inner_->upload(dst, off, src, bytes);
  }
  status download(void* dst, const kernels::buffer& src, size_t off, size_t bytes) override {
    return inner_->download(dst, src, off, bytes);
  }
  status run(const kernels::op& o) override { return inner_->run(o); }
  status sync() override { return inner_->sync(); }

  status begin_download(const kernels::buffer& src, size_t off, size_t bytes,
                        kernels::pending_download& out) override {
    const int k = next_;
    next_ = (next_ + 1) % 2;
    slot& s = slots_[k];
    if (s.ticket != 0) ++reused_;
    s.bytes.resize(bytes);
    WINNOW_RETURN_IF_ERROR(inner_->download(s.bytes.data(), src, off, bytes));
    s.src = src.ptr;
    s.ticket = ++tickets_;
    out.slot = k;
    out.ticket = s.ticket;
    out.bytes = bytes;
    int pending = 0;
    for (const slot& x : slots_) pending += x.ticket != 0 ? 1 : 0;
    max_pending_ = std::max(max_pending_, pending);
    ++begun_;
    return status::ok_status();
  }
  status end_download(kernels::pending_download& p, void* dst) override {
    if (p.slot < 0 || p.slot > 1 || p.ticket == 0 || slots_[p.slot].ticket != p.ticket)
      return status::invalid_argument("end_download: stale handle");
    slot& s = slots_[p.slot];
    std::memcpy(dst, s.bytes.data(), p.bytes);
    s.ticket = 0;
    p.ticket = 0;
    return status::ok_status();
  }
  int download_slots() const override { return 2; }

  int max_pending_ = 0, reused_ = 0, freed_while_pending_ = 0, begun_ = 0;

 private:
  struct slot {
    std::vector<char> bytes;
    const void* src = nullptr;
    uint64_t ticket = 0;
  };
  std::unique_ptr<kernels::backend> inner_;
  slot slots_[2];
  int next_ = 0;
  uint64_t tickets_ = 0;
};

TEST(encoder_pipeline, two_chunks_in_flight_give_the_same_vectors_in_order) {
  if (winnow::testing::model_dir().empty())
    GTEST_SKIP() << "model files not present (scripts/setup fetches models/all-MiniLM-L6-v2): NOT checked";
  encoder_options options;
  options.run_quality_gate = false;
  auto plain_be = kernels::make_backend("cpu");
  ASSERT_OK(plain_be);
  auto plain = encoder::load(winnow::testing::model_dir(), options, **plain_be);
  ASSERT_OK(plain);
  auto inner = kernels::make_backend("cpu");
  ASSERT_OK(inner);
  auto piped_be = std::make_unique<two_slots>(std::move(inner).value());
  auto piped = encoder::load(winnow::testing::model_dir(), options, *piped_be);
  ASSERT_OK(piped);

  // Lengths from 3 to ~150 tokens in random order: several chunks (1,024
  // rows each on a CPU-kind backend), and a later chunk with more rows than
  // the first, so the workspace grows while a chunk is in flight.
  std::vector<std::string> texts;
  std::mt19937 rng(3);
  for (int k = 1; k <= 150; k += 2) {
    std::string t;
    for (int w = 0; w < k; ++w) t += (w % 3 == 0 ? "search " : w % 3 == 1 ? "engine " : "vectors ");
    texts.push_back(t);
  }
  for (int k = 0; k < 60; ++k) texts.push_back("short text " + std::to_string(k));
  std::shuffle(texts.begin(), texts.end(), rng);

  auto want = (*plain)->encode(texts);
  ASSERT_OK(want);
  auto got = (*piped)->encode(texts);
  ASSERT_OK(got);
  ASSERT_EQ(got->size(), want->size());
  double worst = 0;
  for (size_t i = 0; i < want->size(); ++i)
    for (size_t d = 0; d < (*want)[i].size(); ++d)
      worst = std::max(worst, static_cast<double>(std::fabs((*want)[i][d] - (*got)[i][d])));
  std::printf("%zu texts, %d chunks, at most %d in flight, max |diff| %.3g\n", texts.size(), piped_be->begun_,
              piped_be->max_pending_, worst);
  EXPECT_EQ(worst, 0.0) << "the same ops on the same backend: identical vectors, in input order";
  EXPECT_GE(piped_be->begun_, 4);
  EXPECT_EQ(piped_be->max_pending_, 2) << "chunk i+1 is enqueued before chunk i is collected";
  EXPECT_EQ(piped_be->reused_, 0) << "never more chunks in flight than slots";
  EXPECT_EQ(piped_be->freed_while_pending_, 0) << "the workspace grew under a pending download";

  // A second call on the same encoder (warm workspace) and a single text.
  auto again = (*piped)->encode(texts);
  ASSERT_OK(again);
  EXPECT_EQ((*again)[7], (*got)[7]);
  auto one = (*piped)->encode({texts[0]});
  ASSERT_OK(one);
  EXPECT_EQ((*one)[0].size(), (*want)[0].size());
}

TEST(encoder_pipeline, the_default_download_pair_copies_at_once) {
  auto be = kernels::make_backend("cpu");
  ASSERT_OK(be);
  EXPECT_EQ((*be)->download_slots(), 1);
  auto b = (*be)->alloc(16);
  ASSERT_OK(b);
  const float v[4] = {1, 2, 3, 4};
  ASSERT_OK((*be)->upload(*b, 0, v, 16));
  kernels::pending_download p;
  ASSERT_OK((*be)->begin_download(*b, 4, 8, p));
  const float w[4] = {9, 9, 9, 9};
  ASSERT_OK((*be)->upload(*b, 0, w, 16));  // later writes do not reach a begun download
  float got[2] = {0, 0};
  ASSERT_OK((*be)->end_download(p, got));
  EXPECT_EQ(got[0], 2.f);
  EXPECT_EQ(got[1], 3.f);
  (*be)->free(*b);
}

}  // namespace
}  // namespace winnow::model

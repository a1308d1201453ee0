// The encoder's query path on a backend that records op sequences
// (backend::run_sequence: CUDA graphs on a GPU), checked on the CPU. The
// `recording` backend below does what a CUDA graph does: on a key's first
// recorded call it runs the ops and keeps them (buffer addresses and shapes
// baked in); on later calls with that key it replays the kept ops WITHOUT
// asking the encoder again. So the test proves the encoder's promise to
// run_sequence: one key = the same ops on the same buffers, only the uploaded
// ids and lengths differ; and that padding a query to its bucket (16/32/64/
// 128) leaves its vector as it was.
// Needs the model files; skips with the reason otherwise.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "kernels/registry.hpp"
#include "model/encoder.hpp"
#include "tests/support/test_support.hpp"

namespace winnow::model {
namespace {

class recording final : public kernels::backend {
 public:
  explicit recording(std::unique_ptr<kernels::backend> inner) : inner_(std::move(inner)) {}
  const kernels::device_info& info() const override { return inner_->info(); }
  bool supports(const kernels::op& o) const override { return inner_->supports(o); }
  status_or<kernels::buffer> alloc(size_t bytes) override { return inner_->alloc(bytes); }
  void free(kernels::buffer b) override { inner_->free(b); }
  status upload(const kernels::buffer& dst, size_t off, const void* src, size_t bytes) override {
    if (in_sequence_) return status::internal("upload inside a recorded sequence");
    return inner_->upload(dst, off, src, bytes);
  }
  status download(void* dst, const kernels::buffer& src, size_t off, size_t bytes) override {
    if (in_sequence_) return status::internal("download inside a recorded sequence");
    return inner_->download(dst, src, off, bytes);
  }
  status run(const kernels::op& o) override {
    if (recording_ != nullptr) recording_->push_back(o);
    return inner_->run(o);
  }
  status sync() override {
    if (in_sequence_) return status::internal("sync inside a recorded sequence");
    return inner_->sync();
  }
  status run_sequence(uint64_t key, const std::function<status()>& enqueue) override {
    ++calls_;
    auto it = kept_.find(key);
    if (it != kept_.end()) {  // replay: the encoder is not asked again
      ++replays_;
      for (const kernels::op& o : it->second) WINNOW_RETURN_IF_ERROR(inner_->run(o));
      return status::ok_status();
    }
    std::vector<kernels::op> ops;
    recording_ = &ops;
    in_sequence_ = true;
    const status s = enqueue();
    in_sequence_ = false;
    recording_ = nullptr;
    WINNOW_RETURN_IF_ERROR(s);
    if (ops.empty()) return status::internal("an empty recorded sequence");
    kept_.emplace(key, std::move(ops));
    return status::ok_status();
  }
  bool replays_sequences() const override { return true; }

  int calls() const { return calls_; }
  int replays() const { return replays_; }
  size_t keys() const { return kept_.size(); }

 private:
  std::unique_ptr<kernels::backend> inner_;
  std::map<uint64_t, std::vector<kernels::op>> kept_;
  std::vector<kernels::op>* recording_ = nullptr;
  bool in_sequence_ = false;
  int calls_ = 0, replays_ = 0;
};

std::unique_ptr<kernels::backend> cpu(const char* id) {
  auto b = kernels::make_backend(id);
  return b.ok() ? std::move(b).value() : nullptr;
}

double max_abs_diff(const std::vector<float>& a, const std::vector<float>& b) {
  double d = 0;
  for (size_t i = 0; i < a.size(); ++i) d = std::max(d, std::fabs(static_cast<double>(a[i]) - b[i]));
  return d;
}

void check(precision p, int8_graph graph, const char* cpu_id) {
  encoder_options options;
  options.requested = p;
  options.run_quality_gate = false;
  options.graph = graph;
  auto plain_be = cpu(cpu_id);
  ASSERT_NE(plain_be, nullptr);
  auto plain = encoder::load(winnow::testing::model_dir(), options, *plain_be);
  ASSERT_OK(plain);
  auto rec_be = std::make_unique<recording>(cpu(cpu_id));
  auto rec = encoder::load(winnow::testing::model_dir(), options, *rec_be);
  ASSERT_OK(rec);
  EXPECT_EQ(rec_be->calls(), 0) << "load runs no recorded sequence";

  // Texts of different lengths (several buckets), each encoded twice: the
  // second time (and any text sharing a bucket) replays the kept ops.
  std::vector<std::string> texts = probe_texts();
  texts.push_back("a");
  texts.push_back(std::string(60, 'x') + " tokens of a query that is a little longer than most queries are, " +
                  "and then some more words to pass thirty-two word pieces");
  std::set<size_t> lengths;
  double worst = 0;
  for (int round = 0; round < 2; ++round) {
    for (const std::string& t : texts) {
      auto want = (*plain)->encode({t});
      ASSERT_OK(want);
      auto got = (*rec)->encode({t});
      ASSERT_OK(got);
      worst = std::max(worst, max_abs_diff((*want)[0], (*got)[0]));
      lengths.insert((*rec)->text_tokenizer().encode(t, (*rec)->max_tokens()).size());
    }
  }
  std::printf("%s %s: %zu texts x 2, %d recorded calls, %d replays, %zu keys; max |diff| vs plain %.3g\n",
              to_string(p), cpu_id, texts.size(), rec_be->calls(), rec_be->replays(), rec_be->keys(), worst);
  EXPECT_EQ(rec_be->calls(), static_cast<int>(2 * texts.size()));
  EXPECT_GE(rec_be->keys(), 2u) << "the texts span several buckets";
  EXPECT_LE(rec_be->keys(), 4u) << "one key per bucket (16/32/64/128)";
  EXPECT_EQ(rec_be->replays(), rec_be->calls() - static_cast<int>(rec_be->keys()));
  EXPECT_LE(worst, 1e-5) << "padding to the bucket (masked) or replaying changed a vector";

  // A batch, and a text past the largest bucket, run the ordinary ops.
  const int before = rec_be->calls();
  auto batch = (*rec)->encode({texts[0], texts[1]});
  ASSERT_OK(batch);
  std::string long_text;
  for (int i = 0; i < 200; ++i) long_text += "word ";
  auto long_one = (*rec)->encode({long_text});
  ASSERT_OK(long_one);
  EXPECT_EQ(rec_be->calls(), before);
}

TEST(encoder_recorded_sequence, fused_int8_queries_replay_per_bucket_and_keep_their_vectors) {
  if (winnow::testing::model_dir().empty())
    GTEST_SKIP() << "model files not present (scripts/setup fetches models/all-MiniLM-L6-v2): NOT checked";
  check(precision::int8, int8_graph::fused, "cpu:ref");
}

TEST(encoder_recorded_sequence, fp32_queries_replay_per_bucket_and_keep_their_vectors) {
  if (winnow::testing::model_dir().empty())
    GTEST_SKIP() << "model files not present (scripts/setup fetches models/all-MiniLM-L6-v2): NOT checked";
  check(precision::fp32, int8_graph::automatic, "cpu");
}

TEST(encoder_recorded_sequence, the_default_run_sequence_just_runs_the_ops) {
  auto be = cpu("cpu");
  ASSERT_NE(be, nullptr);
  EXPECT_FALSE(be->replays_sequences());
  int n = 0;
  ASSERT_OK(be->run_sequence(7, [&] { ++n; return status::ok_status(); }));
  ASSERT_OK(be->run_sequence(7, [&] { ++n; return status::ok_status(); }));
  EXPECT_EQ(n, 2);
  const status s = be->run_sequence(7, [] { return status::invalid_argument("x"); });
  EXPECT_EQ(s.code(), status_code::invalid_argument);
}

}  // namespace
}  // namespace winnow::model

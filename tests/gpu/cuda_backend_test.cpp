// CUDA-specific behaviour beyond the op cases: errors as statuses, device
// input faults, buffers shared between streams of one device. The first
// tests run everywhere (they check the no-GPU answers); the rest skip with a
// message when there is no device.
#include "kernels/cuda/cuda_backend.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

#include "kernels/cpu/cpu_backend.hpp"
#include "tests/support/test_support.hpp"

namespace winnow::kernels::cuda {
namespace {

bool have_gpu() { return cuda_device_count() > 0; }

#define SKIP_WITHOUT_GPU() \
  if (!have_gpu()) GTEST_SKIP() << "no CUDA device on this machine: this GPU test was NOT run"

// Without a device the count is 0 and the reason says why, in the runtime's
// words; with one, there is no reason. (Both halves check something: the
// count alone, an int >= 0, could not fail.)
TEST(cuda_backend, no_device_is_an_answer_with_a_reason) {
  if (cuda_device_count() > 0) {
    EXPECT_EQ(cuda_unavailable_reason(), "");
  } else {
    const std::string why = cuda_unavailable_reason();
    EXPECT_NE(why.find("cudaGetDeviceCount"), std::string::npos) << why;
    std::printf("no CUDA device: %s\n", why.c_str());
  }
}

TEST(cuda_backend, an_ordinal_past_the_devices_is_invalid_argument) {
  auto b = make_cuda_backend(cuda_device_count() + 3);
  ASSERT_FALSE(b.ok());
  EXPECT_EQ(b.get_status().code(), status_code::invalid_argument);
  EXPECT_NE(b.get_status().message().find("no CUDA device"), std::string::npos) << b.get_status().message();
}

TEST(cuda_backend, set_gemm_path_refuses_a_cpu_backend) {
  auto cpu = make_cpu_backend(cpu_backend_options{});
  EXPECT_EQ(set_gemm_s8_path(*cpu, gemm_s8_path::own).code(), status_code::invalid_argument);
}

struct gpu_fixture : ::testing::Test {
  std::unique_ptr<backend> be;
  void SetUp() override {
    SKIP_WITHOUT_GPU();
    auto b = make_cuda_backend(0);
    ASSERT_OK(b);
    be = std::move(b).value();
  }
  tensor upload_s32(const std::vector<int32_t>& v, std::vector<buffer_ptr>& hold) {
    auto b = be->alloc(v.size() * 4);
    EXPECT_OK(b);
    hold.emplace_back(be.get(), *b);
    EXPECT_OK(be->upload(*b, 0, v.data(), v.size() * 4));
    return tensor::make(b->ptr, dtype::s32, static_cast<int64_t>(v.size()), 1);
  }
  tensor zeros_f32(int64_t rows, int64_t cols, std::vector<buffer_ptr>& hold) {
    std::vector<float> z(static_cast<size_t>(rows * cols), 0.f);
    auto b = be->alloc(z.size() * 4);
    EXPECT_OK(b);
    hold.emplace_back(be.get(), *b);
    EXPECT_OK(be->upload(*b, 0, z.data(), z.size() * 4));
    return tensor::make(b->ptr, dtype::f32, rows, cols);
  }
  // An embedding of 4 tokens whose third id (99) is past a 10-word vocabulary: the
  // device records the fault and reports it later (by sync or end_download).
  embed_op embed_with_token_past_vocabulary(std::vector<buffer_ptr>& hold) {
    embed_op e;
    e.ids = upload_s32({1, 2, 99, 3}, hold);
    e.type_ids = upload_s32({0, 0, 0, 0}, hold);
    e.word_table = zeros_f32(10, 8, hold);
    e.position_table = zeros_f32(4, 8, hold);
    e.type_table = zeros_f32(2, 8, hold);
    e.gamma = zeros_f32(1, 8, hold);
    e.beta = zeros_f32(1, 8, hold);
    e.batch = 1;
    e.seq_len = 4;
    e.out = zeros_f32(4, 8, hold);
    return e;
  }
};

TEST_F(gpu_fixture, reports_its_device) {
  EXPECT_EQ(be->info().kind, device_kind::cuda);
  EXPECT_GE(be->info().compute_capability, 70);
  EXPECT_GT(be->info().total_memory_bytes, 0u);
  EXPECT_GT(be->info().free_memory_bytes, 0u);
}

TEST_F(gpu_fixture, copies_out_of_bounds_are_invalid_arguments) {
  auto b = be->alloc(16);
  ASSERT_OK(b);
  buffer_ptr hold(be.get(), *b);
  char x[32] = {};
  EXPECT_EQ(be->upload(*b, 8, x, 16).code(), status_code::invalid_argument);
  EXPECT_EQ(be->download(x, *b, 0, 17).code(), status_code::invalid_argument);
}

TEST_F(gpu_fixture, an_impossible_allocation_is_resource_exhausted_and_not_sticky) {
  auto b = be->alloc(size_t{1} << 52);
  ASSERT_FALSE(b.ok());
  EXPECT_EQ(b.get_status().code(), status_code::resource_exhausted);
  auto ok = be->alloc(1024);
  ASSERT_OK(ok);
  be->free(*ok);
  EXPECT_OK(be->sync());
}

TEST_F(gpu_fixture, a_token_id_past_the_vocabulary_is_reported_by_sync_then_cleared) {
  std::vector<buffer_ptr> hold;
  embed_op e = embed_with_token_past_vocabulary(hold);
  ASSERT_OK(be->run(e));
  const status s = be->sync();
  EXPECT_EQ(s.code(), status_code::invalid_argument);
  EXPECT_NE(s.message().find("token id 99 at row 2"), std::string::npos) << s.message();
  EXPECT_OK(be->sync());  // reported once
}

TEST_F(gpu_fixture, an_attention_length_past_seq_len_is_reported) {
  std::vector<buffer_ptr> hold;
  attention_op a;
  a.qkv = zeros_f32(4, 3 * 32, hold);
  a.lengths = upload_s32({7}, hold);
  a.batch = 1;
  a.seq_len = 4;
  a.heads = 1;
  a.head_dim = 32;
  a.scale = 1.f;
  a.out = zeros_f32(4, 32, hold);
  ASSERT_OK(be->run(a));
  const status s = be->sync();
  EXPECT_EQ(s.code(), status_code::invalid_argument);
  EXPECT_NE(s.message().find("lengths[0] = 7"), std::string::npos) << s.message();
}

TEST_F(gpu_fixture, malformed_operands_are_rejected_before_any_launch) {
  std::vector<buffer_ptr> hold;
  const tensor x = zeros_f32(4, 8, hold);
  const tensor wrong = zeros_f32(3, 8, hold);
  const status s = be->run(gelu_op{x, wrong});
  EXPECT_EQ(s.code(), status_code::invalid_argument);
  EXPECT_NE(s.message().find("gelu.out"), std::string::npos) << s.message();
}

TEST_F(gpu_fixture, buffers_are_shared_by_backends_on_one_device) {
  // Weights uploaded once through `be`, used by a second stream.
  auto second = make_cuda_backend(0);
  ASSERT_OK(second);
  std::vector<buffer_ptr> hold;
  std::vector<float> v = {-1.f, 0.f, 1.f, 2.f};
  auto in = be->alloc(16);
  ASSERT_OK(in);
  hold.emplace_back(be.get(), *in);
  ASSERT_OK(be->upload(*in, 0, v.data(), 16));
  ASSERT_OK(be->sync());
  auto out = (*second)->alloc(16);
  ASSERT_OK(out);
  buffer_ptr out_hold(second->get(), *out);
  ASSERT_OK((*second)->run(gelu_op{tensor::make(in->ptr, dtype::f32, 1, 4), tensor::make(out->ptr, dtype::f32, 1, 4)}));
  std::vector<float> got(4);
  ASSERT_OK((*second)->download(got.data(), *out, 0, 16));
  EXPECT_NEAR(got[0], -0.158655f, 1e-5);
  EXPECT_EQ(got[1], 0.f);
  EXPECT_NEAR(got[3], 1.954500f, 1e-5);
}


// ---- run_sequence: CUDA graphs (graph_cache.hpp has the policy) -----------

float gelu_ref(float x) { return x * 0.5f * (1.f + std::erf(x / std::sqrt(2.f))); }

struct sequence_rig {
  backend& be;
  buffer_ptr in, mid, out;
  explicit sequence_rig(backend& b) : be(b) {
    auto i = be.alloc(16), m = be.alloc(16), o = be.alloc(16);
    EXPECT_OK(i);
    EXPECT_OK(m);
    EXPECT_OK(o);
    in = buffer_ptr(&be, *i);
    mid = buffer_ptr(&be, *m);
    out = buffer_ptr(&be, *o);
  }
  tensor t(const buffer_ptr& b) const { return tensor::make(b.data(), dtype::f32, 1, 4); }
  // out = gelu(gelu(in)): two launches.
  status enqueue() {
    WINNOW_RETURN_IF_ERROR(be.run(gelu_op{t(in), t(mid)}));
    return be.run(gelu_op{t(mid), t(out)});
  }
  // Uploads x, runs the sequence under `key`, checks out against the host.
  void round(uint64_t key, float x, const std::function<status()>& enqueue_fn) {
    const std::vector<float> v = {x, -x, 0.5f * x, 2.f};
    ASSERT_OK(be.upload(in.get(), 0, v.data(), 16));
    ASSERT_OK(be.run_sequence(key, enqueue_fn));
    std::vector<float> got(4);
    ASSERT_OK(be.download(got.data(), out.get(), 0, 16));
    for (int i = 0; i < 4; ++i) EXPECT_NEAR(got[i], gelu_ref(gelu_ref(v[i])), 1e-5) << "x " << x << " i " << i;
  }
};

TEST_F(gpu_fixture, a_recorded_sequence_is_captured_once_then_replayed_on_new_data) {
  EXPECT_TRUE(be->replays_sequences());
  sequence_rig rig(*be);
  for (int r = 0; r < 5; ++r) rig.round(11, 0.3f + static_cast<float>(r), [&] { return rig.enqueue(); });
  auto st = graph_stats(*be);
  ASSERT_OK(st);
  EXPECT_EQ(st->captures, 1u);  // round 0 warms up, round 1 captures (and launches)
  EXPECT_EQ(st->replays, 3u);
  EXPECT_EQ(st->failures, 0u) << st->last_failure;
  EXPECT_EQ(st->graphs, 1u);
}

TEST_F(gpu_fixture, a_capture_that_fails_falls_back_to_launches_and_is_not_retried) {
  sequence_rig rig(*be);
  // A sync inside the sequence (which run_sequence's contract forbids) is
  // what a capture cannot take: the capture fails, the ops run as usual.
  auto with_sync = [&]() -> status {
    WINNOW_RETURN_IF_ERROR(rig.enqueue());
    return be->sync();
  };
  for (int r = 0; r < 4; ++r) rig.round(12, 1.f + static_cast<float>(r), with_sync);
  auto st = graph_stats(*be);
  ASSERT_OK(st);
  EXPECT_EQ(st->failures, 1u) << "the failed capture is remembered, not retried every call";
  EXPECT_EQ(st->captures, 0u);
  EXPECT_EQ(st->graphs, 0u);
  EXPECT_FALSE(st->last_failure.empty());
  std::printf("capture failure, as reported: %s\n", st->last_failure.c_str());
  EXPECT_OK(be->sync());  // the device is fine
  // Another key still gets its graph.
  for (int r = 0; r < 3; ++r) rig.round(13, 0.1f * static_cast<float>(r), [&] { return rig.enqueue(); });
  st = graph_stats(*be);
  ASSERT_OK(st);
  EXPECT_EQ(st->captures, 1u);
}

TEST_F(gpu_fixture, with_graphs_off_a_sequence_is_plain_launches) {
  ASSERT_OK(set_graphs_enabled(*be, false));
  EXPECT_FALSE(be->replays_sequences());
  sequence_rig rig(*be);
  for (int r = 0; r < 3; ++r) rig.round(14, 0.7f * static_cast<float>(r), [&] { return rig.enqueue(); });
  auto st = graph_stats(*be);
  ASSERT_OK(st);
  EXPECT_EQ(st->captures + st->replays + st->eager, 0u);
}

// ---- begin/end_download: two chunks in flight ------------------------------

TEST_F(gpu_fixture, two_downloads_in_flight_see_the_data_as_of_their_begin) {
  EXPECT_EQ(be->download_slots(), 2);
  sequence_rig rig(*be);
  const std::vector<float> a = {1, 2, 3, 4}, b = {-1, -2, -3, -4};
  ASSERT_OK(be->upload(rig.in.get(), 0, a.data(), 16));
  ASSERT_OK(be->run(gelu_op{rig.t(rig.in), rig.t(rig.out)}));
  pending_download first, second, third;
  ASSERT_OK(be->begin_download(rig.out.get(), 0, 16, first));
  ASSERT_OK(be->upload(rig.in.get(), 0, b.data(), 16));  // the next "chunk" overwrites out
  ASSERT_OK(be->run(gelu_op{rig.t(rig.in), rig.t(rig.out)}));
  ASSERT_OK(be->begin_download(rig.out.get(), 0, 16, second));
  std::vector<float> got(4);
  ASSERT_OK(be->end_download(first, got.data()));
  for (int i = 0; i < 4; ++i) EXPECT_NEAR(got[i], gelu_ref(a[i]), 1e-5);
  ASSERT_OK(be->end_download(second, got.data()));
  for (int i = 0; i < 4; ++i) EXPECT_NEAR(got[i], gelu_ref(b[i]), 1e-5);
  EXPECT_EQ(be->end_download(second, got.data()).code(), status_code::invalid_argument) << "ended twice";
  // Three begun: the third reuses the first's slot and voids its handle.
  ASSERT_OK(be->begin_download(rig.out.get(), 0, 16, first));
  ASSERT_OK(be->begin_download(rig.out.get(), 0, 16, second));
  ASSERT_OK(be->begin_download(rig.out.get(), 0, 16, third));
  EXPECT_EQ(be->end_download(first, got.data()).code(), status_code::invalid_argument);
  EXPECT_OK(be->end_download(second, got.data()));
  EXPECT_OK(be->end_download(third, got.data()));
}

TEST_F(gpu_fixture, a_device_input_fault_is_reported_by_end_download) {
  std::vector<buffer_ptr> hold;
  embed_op e = embed_with_token_past_vocabulary(hold);
  ASSERT_OK(be->run(e));
  pending_download p;
  ASSERT_OK(be->begin_download(buffer{e.out.data, 128}, 0, 128, p));
  std::vector<float> got(32);
  const status s = be->end_download(p, got.data());
  EXPECT_EQ(s.code(), status_code::invalid_argument);
  EXPECT_NE(s.message().find("token id 99 at row 2"), std::string::npos) << s.message();
  EXPECT_OK(be->sync());  // reported once, then cleared
}

TEST(cuda_backend, graph_switches_refuse_a_cpu_backend) {
  auto cpu = make_cpu_backend(cpu_backend_options{});
  EXPECT_EQ(set_graphs_enabled(*cpu, true).code(), status_code::invalid_argument);
  EXPECT_EQ(graph_stats(*cpu).get_status().code(), status_code::invalid_argument);
}

}  // namespace
}  // namespace winnow::kernels::cuda

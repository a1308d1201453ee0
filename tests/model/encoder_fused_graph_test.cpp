// The fused int8 graph (model/encoder.hpp int8_graph; the GPU's forward pass)
// checked on the CPU: forced onto the CPU backend in reference mode it runs
// the very op sequence a GPU runs, with the CPU reference implementations of
// gemm_s8s8_fused, residual_layernorm_quantize and attention_f16 (each of
// which the op cases compare with the CUDA kernels on a GPU). Its sentence
// vectors are compared with fp32 and with the unfused int8 graphs over the
// probe texts, batched together (padding, masking) and one at a time.
// Needs the model files; skips with the reason otherwise.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "kernels/registry.hpp"
#include "model/encoder.hpp"
#include "tests/support/test_support.hpp"

namespace winnow::model {
namespace {

using ::winnow::testing::cosine;

// A backend that refuses the ops `refuse` names, so the encoder makes the
// choices a device without them would make.
class refusing final : public kernels::backend {
 public:
  refusing(std::unique_ptr<kernels::backend> inner, std::function<bool(const kernels::op&)> refuse)
      : inner_(std::move(inner)), refuse_(std::move(refuse)) {}
  const kernels::device_info& info() const override { return inner_->info(); }
  bool supports(const kernels::op& o) const override { return !refuse_(o) && inner_->supports(o); }
  status_or<kernels::buffer> alloc(size_t bytes) override { return inner_->alloc(bytes); }
  void free(kernels::buffer b) override { inner_->free(b); }
  status upload(const kernels::buffer& dst, size_t off, const void* src, size_t bytes) override {
    return inner_->upload(dst, off, src, bytes);
  }
  status download(void* dst, const kernels::buffer& src, size_t off, size_t bytes) override {
    return inner_->download(dst, src, off, bytes);
  }
  status run(const kernels::op& o) override { return inner_->run(o); }
  status sync() override { return inner_->sync(); }

 private:
  std::unique_ptr<kernels::backend> inner_;
  std::function<bool(const kernels::op&)> refuse_;
};

bool uses_u8(const kernels::op& o) {
  if (auto* q = std::get_if<kernels::quantize_rows_f32_s8_op>(&o)) return q->out.type == kernels::dtype::u8;
  if (auto* g = std::get_if<kernels::gemm_s8s8_f32_op>(&o)) return g->a.type == kernels::dtype::u8;
  return false;
}

bool is_attention_f16(const kernels::op& o) { return std::holds_alternative<kernels::attention_f16_op>(o); }

struct run_result {
  std::vector<std::vector<float>> together;  // all probe texts in one call (padded chunks)
  std::vector<std::vector<float>> alone;     // one call per text
  bool fused = false;
  bool f16_attention = false;
};

status_or<run_result> encode(std::unique_ptr<kernels::backend> be, precision p, int8_graph graph) {
  encoder_options options;
  options.requested = p;
  options.run_quality_gate = false;
  options.graph = graph;
  WINNOW_ASSIGN_OR_RETURN(auto enc, encoder::load(winnow::testing::model_dir(), options, *be));
  run_result r;
  r.fused = enc->fused_graph();
  r.f16_attention = enc->f16_attention();
  WINNOW_ASSIGN_OR_RETURN(r.together, enc->encode(probe_texts()));
  for (const std::string& t : probe_texts()) {
    WINNOW_ASSIGN_OR_RETURN(auto v, enc->encode({t}));
    r.alone.push_back(std::move(v[0]));
  }
  return r;
}

struct cosines {
  double mean = 0, min = 1;
};

cosines compare(const std::vector<std::vector<float>>& a, const std::vector<std::vector<float>>& b) {
  cosines c;
  for (size_t i = 0; i < a.size(); ++i) {
    const double x = cosine(a[i], b[i]);
    c.mean += x / static_cast<double>(a.size());
    c.min = std::min(c.min, x);
  }
  return c;
}

std::unique_ptr<kernels::backend> cpu(const char* id) {
  auto b = kernels::make_backend(id);
  return b.ok() ? std::move(b).value() : nullptr;
}

TEST(encoder_fused_graph, matches_fp32_and_the_unfused_int8_graphs_on_the_cpu) {
  if (winnow::testing::model_dir().empty())
    GTEST_SKIP() << "model files not present (scripts/setup fetches models/all-MiniLM-L6-v2): fused graph NOT checked";
  // fp32: the reference. unfused u8: the CPU product's int8 graph. unfused
  // s8: the graph CUDA ran before the fused ops. fused: the GPU graph, on the
  // reference ops; fused f32-attention isolates what f16 attention costs.
  auto fp32 = encode(cpu("cpu"), precision::fp32, int8_graph::unfused);
  ASSERT_OK(fp32);
  auto unfused_u8 = encode(cpu("cpu"), precision::int8, int8_graph::automatic);
  ASSERT_OK(unfused_u8);
  EXPECT_FALSE(unfused_u8->fused) << "the CPU takes u8 activations, so automatic keeps its unfused graph";
  auto unfused_s8 = encode(std::make_unique<refusing>(cpu("cpu:ref"), uses_u8), precision::int8, int8_graph::unfused);
  ASSERT_OK(unfused_s8);
  auto fused = encode(cpu("cpu:ref"), precision::int8, int8_graph::fused);
  ASSERT_OK(fused);
  EXPECT_TRUE(fused->fused);
  EXPECT_TRUE(fused->f16_attention);
  auto fused_f32_attention =
      encode(std::make_unique<refusing>(cpu("cpu:ref"), is_attention_f16), precision::int8, int8_graph::fused);
  ASSERT_OK(fused_f32_attention);
  EXPECT_TRUE(fused_f32_attention->fused);
  EXPECT_FALSE(fused_f32_attention->f16_attention);

  const cosines f_fp32 = compare(fused->together, fp32->together);
  const cosines f_s8 = compare(fused->together, unfused_s8->together);
  const cosines f_u8 = compare(fused->together, unfused_u8->together);
  const cosines f_f32att = compare(fused->together, fused_f32_attention->together);
  const cosines f32att_s8 = compare(fused_f32_attention->together, unfused_s8->together);
  const cosines s8_fp32 = compare(unfused_s8->together, fp32->together);
  const cosines u8_fp32 = compare(unfused_u8->together, fp32->together);
  const cosines batch = compare(fused->together, fused->alone);
  std::printf("cosine over %zu probe texts (mean / min):\n", probe_texts().size());
  std::printf("  fused (f16 attention) vs fp32              %.5f / %.5f\n", f_fp32.mean, f_fp32.min);
  std::printf("  unfused s8 vs fp32                         %.5f / %.5f\n", s8_fp32.mean, s8_fp32.min);
  std::printf("  unfused u8 (CPU product) vs fp32           %.5f / %.5f\n", u8_fp32.mean, u8_fp32.min);
  std::printf("  fused vs unfused s8                        %.5f / %.5f\n", f_s8.mean, f_s8.min);
  std::printf("  fused vs unfused u8                        %.5f / %.5f\n", f_u8.mean, f_u8.min);
  std::printf("  fused vs fused with f32 attention          %.5f / %.5f\n", f_f32att.mean, f_f32att.min);
  std::printf("  fused with f32 attention vs unfused s8     %.7f / %.7f\n", f32att_s8.mean, f32att_s8.min);
  std::printf("  fused: batched vs one text at a time       %.7f / %.7f\n", batch.mean, batch.min);
  // The gate the encoder applies to any int8 graph (encoder_options).
  EXPECT_GE(f_fp32.min, 0.99);
  // With f32 attention the fused ops compose into exactly the unfused s8
  // graph: the same quantization points, the same formulas. This is the
  // wiring check (a wrong operand, scale or buffer drops it far lower).
  EXPECT_GE(f32att_s8.min, 0.99999);
  // f16 q/k/v move some activations across an int8 rounding boundary, and six
  // layers of requantization turn that into a different draw of int8 noise
  // (fused vs unfused s8 ~0.997 min, as far apart as two int8 runs), but not
  // a worse one: against fp32 the fused graph is as close as the unfused s8.
  EXPECT_GE(f_s8.min, 0.99);
  EXPECT_GE(f_fp32.mean, s8_fp32.mean - 0.001);
  // Masking: a text's vector does not depend on its batch (per-row scales).
  EXPECT_GE(batch.min, 0.99999);
}

TEST(encoder_fused_graph, refused_where_the_backend_lacks_the_fused_ops) {
  if (winnow::testing::model_dir().empty())
    GTEST_SKIP() << "model files not present (scripts/setup fetches models/all-MiniLM-L6-v2)";
  auto no_fused = std::make_unique<refusing>(cpu("cpu"), [](const kernels::op& o) {
    return std::holds_alternative<kernels::gemm_s8s8_fused_op>(o);
  });
  encoder_options options;
  options.run_quality_gate = false;
  options.graph = int8_graph::fused;
  auto enc = encoder::load(winnow::testing::model_dir(), options, *no_fused);
  ASSERT_FALSE(enc.ok());
  EXPECT_EQ(enc.get_status().code(), status_code::unsupported) << enc.get_status().to_string();
  options.graph = int8_graph::automatic;
  auto fallback = encoder::load(winnow::testing::model_dir(), options, *no_fused);
  ASSERT_OK(fallback);
  EXPECT_FALSE((*fallback)->fused_graph());
}

}  // namespace
}  // namespace winnow::model

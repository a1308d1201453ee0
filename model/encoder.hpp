#pragma once
// winnow::model::encoder — a BERT-architecture sentence encoder (e.g.
// all-MiniLM-L6-v2) run on any kernels::backend: tokenize, embed, N layers of
// masked self-attention + GELU feed-forward, pool (mean or CLS, from the
// model's config), L2-normalize.
//
// Precision: fp32 (reference) or int8 (weights quantized per output channel
// once at load, activations quantized per row at run time, int32 accumulation,
// LayerNorm/softmax/GELU in fp32). Where the backend takes them (the CPU),
// activations are 7-bit asymmetric u8 and weights 7-bit, and the QKV and
// FFN-in weights are smoothed against outlier input channels calibrated on
// the probe texts in fp32 at load (see encoder.cpp for the measured effect of
// each choice). An int8 load runs a built-in probe set both
// ways; if the worst cosine between int8 and fp32 vectors is below
// `min_int8_cosine`, int8 is refused for that model and the encoder runs fp32:
// active_precision() says which and precision_note() says why.
//
// Batching: texts are padded to the longest in the batch and masked, so a
// text's vector does not depend on what it is batched with (fp32: max abs
// difference <= 1e-5). On a backend that records op sequences (a CUDA
// device), a single text is padded to 16/32/64/128 tokens and its forward
// pass replayed as one CUDA graph per length; where the backend has two
// download slots, chunk i+1 is enqueued before chunk i's vectors are waited
// for (docs/gpu.md, "Copies, chunks in flight, CUDA graphs").
//
// Thread-safety: an encoder uses its backend, which serves one thread at a
// time; use one encoder per thread (they may share nothing but the files).

#include <memory>
#include <string>
#include <vector>

#include "common/status_or.hpp"
#include "kernels/backend.hpp"
#include "model/model_config.hpp"
#include "model/tokenizer.hpp"

namespace winnow::model {

enum class precision { fp32, int8 };
const char* to_string(precision p);
// "fp32" | "int8"; anything else is invalid_argument.
status_or<precision> parse_precision(const std::string& s);

// The int8 forward pass's shape (docs/architecture.md §12):
// - unfused: quantize -> int8 GEMM (f32 out) -> GELU / LayerNorm ops, f32
//   between ops; u8 activations and smoothing where the backend takes them
//   (the CPU).
// - fused: the GPU graph. int8 activations between ops where possible:
//   gemm_s8s8_fused (scales, bias, GELU, requantization in the GEMM's
//   epilogue), residual_layernorm_quantize, attention on f16 q/k/v
//   (attention_f16, tensor cores) when the backend has it. s8 activations,
//   no smoothing.
// - automatic: fused when the backend supports the fused ops and does not
//   take u8 activations (a GPU); unfused otherwise (the CPU, whose u8 AVX2
//   kernels are faster than its reference fused ops).
// Forcing `fused` on the CPU runs the GPU graph with the CPU's reference
// implementations of the fused ops: how bench/cuda --check-on-cpu and
// tests/model/encoder_fused_graph_test.cpp check the graph without a GPU.
enum class int8_graph { automatic, unfused, fused };

struct encoder_options {
  precision requested = precision::int8;
  int max_tokens = 0;            // per text incl. [CLS]/[SEP]; 0 = the model's max_seq_length
  int threads = 1;               // for the CPU backend that load() makes itself
  float min_int8_cosine = 0.99f; // int8 quality gate over the probe set (min cosine vs fp32)
  bool run_quality_gate = true;  // false skips the probe (tests that want raw int8)
  int8_graph graph = int8_graph::automatic;  // fused needs a backend that supports the fused ops
};

class encoder {
 public:
  ~encoder();
  encoder(const encoder&) = delete;
  encoder& operator=(const encoder&) = delete;

  // Loads `model_dir` (config.json, vocab.txt, model.safetensors and, when
  // present, tokenizer_config.json, sentence_bert_config.json, modules.json,
  // 1_Pooling/config.json) onto `backend`, which must outlive the encoder.
  // Errors name the file and, for weights, the tensor.
  static status_or<std::unique_ptr<encoder>> load(const std::string& model_dir,
                                                  const encoder_options& options,
                                                  kernels::backend& backend);
  // As above on a CPU backend of its own with options.threads threads.
  static status_or<std::unique_ptr<encoder>> load(const std::string& model_dir,
                                                  const encoder_options& options);

  // One unit vector of dimension() floats per text, in order. Texts longer
  // than max_tokens() are truncated. An empty list gives an empty result.
  status_or<std::vector<std::vector<float>>> encode(const std::vector<std::string>& texts);

  // The same for texts already tokenized with tokenizer().encode(text,
  // max_tokens()) — lets a batcher form token-budget batches itself. Each
  // entry must hold 2..max_position_embeddings ids, all < vocab size.
  status_or<std::vector<std::vector<float>>> encode_tokens(const std::vector<token_ids>& batch);

  const tokenizer& text_tokenizer() const;
  const model_config& config() const;
  int dimension() const;
  int max_tokens() const;
  precision active_precision() const;
  // Why the active precision is what it is, e.g. "int8 accepted: probe min
  // cosine 0.9987 >= 0.99" or "int8 refused: probe min cosine 0.93 < 0.99 ...".
  const std::string& precision_note() const;
  // The probe set's min cosine int8 vs fp32 (0 when no gate ran).
  float probe_min_cosine() const;
  // Whether int8 runs the fused graph (int8_graph), and with f16 attention.
  bool fused_graph() const;
  bool f16_attention() const;

 private:
  struct impl;
  explicit encoder(std::unique_ptr<impl> p);
  std::unique_ptr<impl> impl_;
};

// The built-in probe texts for the int8 quality gate (written for winnow).
const std::vector<std::string>& probe_texts();

}  // namespace winnow::model

#pragma once
// attention_f16 (kernels/backend.hpp) on tensor cores: a flash-style kernel
// of our own for head_dim 32 (MiniLM-L6: 12 heads x 32). Q.K^T and P.V are
// WMMA 16x16x16 f16 products with f32 accumulation; the softmax is online
// ([HD_ONLINE_SOFTMAX]-style) in f32, so the L x L score matrix never leaves
// shared memory. Variable lengths: key tiles past a sequence's length are
// never visited and query tiles past it only write their zero rows.
//
// Why not cuDNN's SDPA: cuDNN is reachable only through its graph API
// (cudnnBackend* descriptors: ~30 attribute calls per graph, an engine
// heuristic, a plan per shape) since cudnn_frontend, the header library that
// makes it usable, is not in the CUDA image; and its variable-length path
// wants ragged offset tensors and padded head dims that we would build and
// test blind. At head_dim 32 attention is ~10% of MiniLM's FLOPs; a small
// kernel the op cases check is the better first step (docs/gpu.md).

#include "kernels/cuda/common.cuh"

namespace winnow::kernels::cuda {

// The only head_dim the tensor-core kernel takes; others are unsupported
// (the encoder then keeps the f32 attention op).
constexpr int attention_f16_head_dim = 32;

status cuda_op_attention_f16(context& ctx, const attention_f16_op& o);

}  // namespace winnow::kernels::cuda

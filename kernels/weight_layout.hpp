#pragma once
// Weight layouts for gemm_s8s8_f32's `b` operand.
//
// `rows` is PyTorch's Linear layout: b[n, k] at n * row_stride + k.
//
// `panels16x4` is the CPU backend's packed layout, made once when a model is
// loaded so that the int8 matmul reads weights in the order its registers use
// them: output channels in panels of 16; inside a panel, k in groups of 4; a
// group is 64 bytes = channel 0's four k values, channel 1's, ... channel
// 15's. Panel p starts at p * 16 * K. The last panel is padded with zero
// channels, so the buffer holds panels_bytes(N, K) bytes. REQUIRES K % 4 == 0.
// Why: one 32-byte load then feeds 8 channels x 4 k of an AVX2 multiply-add
// against a 4-byte broadcast of an activation row, and every output channel
// ends in its own lane — no horizontal sums, vectorized dequantization.
//
// `panels16x4_w7` is the same bytes with a promise: every weight is in
// [-63, 63] (7-bit). Then a u8 activation (<= 127) times two weights gives an
// int16 pair of at most 16002, and the AVX2 kernel may add the pairs of two
// k groups in int16 before widening them (one multiply-port instruction in
// four saved). Whoever packs it keeps the promise (the encoder quantizes with
// 63 levels); kernels do not check it.
//
// A backend that does not implement a layout says so through supports(); the
// encoder then keeps the weights in `rows` layout.

#include <cstdint>

namespace winnow::kernels {

enum class weight_layout : uint8_t { rows, panels16x4, panels16x4_w7 };

// Inline: the CUDA library names layouts in its errors without linking the
// CPU kernels.
inline const char* to_string(weight_layout l) {
  return l == weight_layout::rows ? "rows" : l == weight_layout::panels16x4 ? "panels16x4" : "panels16x4_w7";
}

// Both packed layouts share one byte order.
inline bool is_panels(weight_layout l) { return l != weight_layout::rows; }

constexpr int64_t panel_channels = 16;
constexpr int64_t panel_k_group = 4;

constexpr int64_t panels_bytes(int64_t n, int64_t k) {
  return (n + panel_channels - 1) / panel_channels * panel_channels * k;
}

// Offset of b[n, k] inside a panels16x4 buffer with K = k_dim.
constexpr int64_t panels_offset(int64_t n, int64_t k, int64_t k_dim) {
  return (n / panel_channels) * panel_channels * k_dim + (k / panel_k_group) * panel_channels * panel_k_group +
         (n % panel_channels) * panel_k_group + k % panel_k_group;
}

// Packs b (s8 [n, k] in rows layout with `row_stride`) into `out`, which must
// hold panels_bytes(n, k) bytes. REQUIRES k % 4 == 0.
void pack_s8_panels(const int8_t* b, int64_t n, int64_t k, int64_t row_stride, int8_t* out);

}  // namespace winnow::kernels

#include "kernels/cpu/op_checks.hpp"

#include <cstdint>
#include <string>

namespace winnow::kernels::cpu {
namespace {

std::string shape_of(const tensor& t) {
  return std::string(to_string(t.type)) + " [" + std::to_string(t.rows) + ", " + std::to_string(t.cols) + "]";
}

// rows/cols < 0 mean "any".
status check(const char* op, const char* name, const tensor& t, dtype type, int64_t rows,
             int64_t cols) {
  // Built only on failure: every op of every query passes through here.
  const auto where = [&] { return std::string(op) + ": operand '" + name + "'"; };
  if (t.empty()) return status::invalid_argument(where() + " is missing");
  if (t.type != type) {
    return status::invalid_argument(where() + " has dtype " + to_string(t.type) + ", expected " + to_string(type));
  }
  if (t.rows < 0 || t.cols < 0 || t.row_stride < t.cols) {
    return status::invalid_argument(where() + " has a bad shape " + shape_of(t) + " with row_stride " +
                                    std::to_string(t.row_stride));
  }
  if ((rows >= 0 && t.rows != rows) || (cols >= 0 && t.cols != cols)) {
    return status::invalid_argument(where() + " is " + shape_of(t) + ", expected [" +
                                    (rows >= 0 ? std::to_string(rows) : std::string("*")) + ", " +
                                    (cols >= 0 ? std::to_string(cols) : std::string("*")) + "]");
  }
  return {};
}

status check_optional(const char* op, const char* name, const tensor& t, dtype type, int64_t rows,
                      int64_t cols) {
  return t.empty() ? status{} : check(op, name, t, type, rows, cols);
}

status check_indices(const char* op, const char* name, const tensor& t, int64_t limit) {
  for (int64_t r = 0; r < t.rows; ++r) {
    const int32_t v = static_cast<const int32_t*>(t.data)[r * t.row_stride];
    if (v < 0 || v >= limit) {
      return status::invalid_argument(std::string(op) + ": " + name + "[" + std::to_string(r) + "] = " +
                                      std::to_string(v) + " is outside [0, " + std::to_string(limit) + ")");
    }
  }
  return {};
}

// Zero points come with u8 (asymmetric) activations and only with them. As
// an input (`is_input`) their values must be u8 values too, which keeps
// zp * sum(b) far from int32 overflow.
status zero_points(const char* op, const char* name, const tensor& t, bool asymmetric, int64_t rows,
                   bool is_input) {
  if (asymmetric) {
    WINNOW_RETURN_IF_ERROR(check(op, name, t, dtype::s32, rows, 1));
    return is_input ? check_indices(op, name, t, 256) : status{};
  }
  if (!t.empty()) {
    return status::invalid_argument(std::string(op) + ": operand '" + name +
                                    "' is only for u8 (asymmetric) activations");
  }
  return {};
}

struct checker {
  status operator()(const quantize_rows_f32_s8_op& o) const {
    const char* n = "quantize_rows_f32_s8";
    WINNOW_RETURN_IF_ERROR(check(n, "in", o.in, dtype::f32, -1, -1));
    const bool asymmetric = o.out.type == dtype::u8;
    WINNOW_RETURN_IF_ERROR(check(n, "out", o.out, asymmetric ? dtype::u8 : dtype::s8, o.in.rows, o.in.cols));
    WINNOW_RETURN_IF_ERROR(check(n, "scales", o.scales, dtype::f32, o.in.rows, 1));
    WINNOW_RETURN_IF_ERROR(check_optional(n, "col_scales", o.col_scales, dtype::f32, 1, o.in.cols));
    return zero_points(n, "zero_points", o.zero_points, asymmetric, o.in.rows, /*is_input=*/false);
  }
  status operator()(const gemm_s8s8_f32_op& o) const {
    const char* n = "gemm_s8s8_f32";
    const bool asymmetric = o.a.type == dtype::u8;
    WINNOW_RETURN_IF_ERROR(check(n, "a", o.a, asymmetric ? dtype::u8 : dtype::s8, -1, -1));
    WINNOW_RETURN_IF_ERROR(check(n, "a_scales", o.a_scales, dtype::f32, o.a.rows, 1));
    WINNOW_RETURN_IF_ERROR(zero_points(n, "a_zero_points", o.a_zero_points, asymmetric, o.a.rows, /*is_input=*/true));
    WINNOW_RETURN_IF_ERROR(check(n, "b", o.b, dtype::s8, -1, o.a.cols));
    if (is_panels(o.b_layout) &&
        (o.b.cols % panel_k_group != 0 || o.b.row_stride != o.b.cols)) {
      return status::invalid_argument(std::string(n) + ": operand 'b' in layout " + to_string(o.b_layout) +
                                      " needs K % " +
                                      std::to_string(panel_k_group) + " == 0 and row_stride == K; got K " +
                                      std::to_string(o.b.cols) + ", row_stride " + std::to_string(o.b.row_stride));
    }
    WINNOW_RETURN_IF_ERROR(check(n, "b_scales", o.b_scales, dtype::f32, o.b.rows, 1));
    WINNOW_RETURN_IF_ERROR(check_optional(n, "bias", o.bias, dtype::f32, 1, o.b.rows));
    if (asymmetric) {
      WINNOW_RETURN_IF_ERROR(check(n, "b_sums", o.b_sums, dtype::s32, 1, o.b.rows));
    } else if (!o.b_sums.empty()) {
      return status::invalid_argument(std::string(n) + ": operand 'b_sums' is only for a u8 'a'");
    }
    return check(n, "out", o.out, dtype::f32, o.a.rows, o.b.rows);
  }
  status operator()(const gemm_f32_op& o) const {
    const char* n = "gemm_f32";
    WINNOW_RETURN_IF_ERROR(check(n, "a", o.a, dtype::f32, -1, -1));
    WINNOW_RETURN_IF_ERROR(check(n, "b", o.b, dtype::f32, -1, o.a.cols));
    WINNOW_RETURN_IF_ERROR(check_optional(n, "bias", o.bias, dtype::f32, 1, o.b.rows));
    return check(n, "out", o.out, dtype::f32, o.a.rows, o.b.rows);
  }
  status operator()(const add_residual_layernorm_op& o) const {
    const char* n = "add_residual_layernorm";
    WINNOW_RETURN_IF_ERROR(check(n, "x", o.x, dtype::f32, -1, -1));
    WINNOW_RETURN_IF_ERROR(check_optional(n, "residual", o.residual, dtype::f32, o.x.rows, o.x.cols));
    WINNOW_RETURN_IF_ERROR(check(n, "gamma", o.gamma, dtype::f32, 1, o.x.cols));
    WINNOW_RETURN_IF_ERROR(check(n, "beta", o.beta, dtype::f32, 1, o.x.cols));
    return check(n, "out", o.out, dtype::f32, o.x.rows, o.x.cols);
  }
  status operator()(const gelu_op& o) const {
    WINNOW_RETURN_IF_ERROR(check("gelu", "x", o.x, dtype::f32, -1, -1));
    return check("gelu", "out", o.out, dtype::f32, o.x.rows, o.x.cols);
  }
  status operator()(const attention_op& o) const {
    const char* n = "attention";
    if (o.batch < 0 || o.seq_len < 0 || o.heads <= 0 || o.head_dim <= 0) {
      return status::invalid_argument("attention: batch, seq_len must be >= 0 and heads, head_dim > 0");
    }
    const int64_t h = static_cast<int64_t>(o.heads) * o.head_dim;
    const int64_t rows = static_cast<int64_t>(o.batch) * o.seq_len;
    WINNOW_RETURN_IF_ERROR(check(n, "qkv", o.qkv, dtype::f32, rows, 3 * h));
    WINNOW_RETURN_IF_ERROR(check(n, "lengths", o.lengths, dtype::s32, o.batch, 1));
    WINNOW_RETURN_IF_ERROR(check_indices(n, "lengths", o.lengths, int64_t{o.seq_len} + 1));
    return check(n, "out", o.out, dtype::f32, rows, h);
  }
  status operator()(const embed_op& o) const {
    const char* n = "embed";
    if (o.batch < 0 || o.seq_len < 0) return status::invalid_argument("embed: negative batch or seq_len");
    const int64_t rows = static_cast<int64_t>(o.batch) * o.seq_len;
    WINNOW_RETURN_IF_ERROR(check(n, "word_table", o.word_table, dtype::f32, -1, -1));
    const int64_t h = o.word_table.cols;
    WINNOW_RETURN_IF_ERROR(check(n, "position_table", o.position_table, dtype::f32, -1, h));
    if (o.position_table.rows < o.seq_len) {
      return status::invalid_argument("embed: seq_len " + std::to_string(o.seq_len) + " exceeds the " +
                                      std::to_string(o.position_table.rows) + " position embeddings");
    }
    WINNOW_RETURN_IF_ERROR(check(n, "type_table", o.type_table, dtype::f32, -1, h));
    WINNOW_RETURN_IF_ERROR(check(n, "gamma", o.gamma, dtype::f32, 1, h));
    WINNOW_RETURN_IF_ERROR(check(n, "beta", o.beta, dtype::f32, 1, h));
    WINNOW_RETURN_IF_ERROR(check(n, "ids", o.ids, dtype::s32, rows, 1));
    WINNOW_RETURN_IF_ERROR(check(n, "type_ids", o.type_ids, dtype::s32, rows, 1));
    WINNOW_RETURN_IF_ERROR(check_indices(n, "ids", o.ids, o.word_table.rows));
    WINNOW_RETURN_IF_ERROR(check_indices(n, "type_ids", o.type_ids, o.type_table.rows));
    return check(n, "out", o.out, dtype::f32, rows, h);
  }
  status operator()(const pool_op& o) const {
    const char* n = "pool";
    if (o.batch < 0 || o.seq_len < 0) return status::invalid_argument("pool: negative batch or seq_len");
    WINNOW_RETURN_IF_ERROR(check(n, "hidden", o.hidden, dtype::f32, static_cast<int64_t>(o.batch) * o.seq_len, -1));
    WINNOW_RETURN_IF_ERROR(check(n, "lengths", o.lengths, dtype::s32, o.batch, 1));
    WINNOW_RETURN_IF_ERROR(check_indices(n, "lengths", o.lengths, int64_t{o.seq_len} + 1));
    return check(n, "out", o.out, dtype::f32, o.batch, o.hidden.cols);
  }
  // The fused ops: the checks of the ops they are made of, plus their own
  // output forms.
  status operator()(const gemm_s8s8_fused_op& o) const {
    const char* n = "gemm_s8s8_fused";
    WINNOW_RETURN_IF_ERROR(check(n, "a", o.a, dtype::s8, -1, -1));
    if (o.out.type != dtype::f32 && o.out.type != dtype::f16 && o.out.type != dtype::s8) {
      return status::invalid_argument(std::string(n) + ": operand 'out' has dtype " + to_string(o.out.type) +
                                      ", expected f32, f16 or s8");
    }
    WINNOW_RETURN_IF_ERROR(check(n, "out", o.out, o.out.type, o.a.rows, o.b.rows));
    if (o.out.type == dtype::s8) {
      WINNOW_RETURN_IF_ERROR(check(n, "out_scales", o.out_scales, dtype::f32, o.a.rows, 1));
    } else if (!o.out_scales.empty()) {
      return status::invalid_argument(std::string(n) + ": operand 'out_scales' is only for an s8 'out'");
    }
    // The matmul part, with an f32 stand-in for `out` (only its shape is read).
    const tensor y{o.out.data, dtype::f32, o.out.rows, o.out.cols, o.out.cols};
    return (*this)(gemm_s8s8_f32_op{o.a, o.a_scales, o.b, o.b_scales, o.bias, y, o.b_layout});
  }
  status operator()(const residual_layernorm_quantize_op& o) const {
    const char* n = "residual_layernorm_quantize";
    WINNOW_RETURN_IF_ERROR((*this)(add_residual_layernorm_op{o.x, o.residual, o.gamma, o.beta, o.eps, o.out}));
    WINNOW_RETURN_IF_ERROR(check(n, "q", o.q, dtype::s8, o.x.rows, o.x.cols));
    return check(n, "q_scales", o.q_scales, dtype::f32, o.x.rows, 1);
  }
  status operator()(const attention_f16_op& o) const {
    const char* n = "attention_f16";
    if (o.batch < 0 || o.seq_len < 0 || o.heads <= 0 || o.head_dim <= 0) {
      return status::invalid_argument("attention_f16: batch, seq_len must be >= 0 and heads, head_dim > 0");
    }
    const int64_t h = static_cast<int64_t>(o.heads) * o.head_dim;
    const int64_t rows = static_cast<int64_t>(o.batch) * o.seq_len;
    WINNOW_RETURN_IF_ERROR(check(n, "qkv", o.qkv, dtype::f16, rows, 3 * h));
    WINNOW_RETURN_IF_ERROR(check(n, "lengths", o.lengths, dtype::s32, o.batch, 1));
    WINNOW_RETURN_IF_ERROR(check_indices(n, "lengths", o.lengths, int64_t{o.seq_len} + 1));
    return check(n, "out", o.out, dtype::f32, rows, h);
  }
};

}  // namespace

status check_op(const op& o) { return std::visit(checker{}, o); }

}  // namespace winnow::kernels::cpu

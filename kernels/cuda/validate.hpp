#pragma once
// Operand checks shared by the op entries: a malformed op is the caller's bug
// or bad input, reported as invalid_argument naming the operand, never a
// kernel reading out of bounds. Host-only; no CUDA types.

#include <cstdint>
#include <string>

#include "common/status.hpp"
#include "kernels/backend.hpp"

namespace winnow::kernels::cuda {

// Local so that winnow_kernels_cuda needs no symbol of winnow_kernels (which
// links it: the registry constructs CUDA backends).
inline const char* dtype_name(dtype t) {
  switch (t) {
    case dtype::f32: return "f32";
    case dtype::s8: return "s8";
    case dtype::s32: return "s32";
    case dtype::u8: return "u8";
    case dtype::f16: return "f16";
  }
  return "?";
}

// rows/cols of -1 mean "any". Also checks row_stride >= cols and non-null data.
inline status expect_tensor(const char* name, const tensor& t, dtype type, int64_t rows, int64_t cols) {
  auto shape = [&] {
    return std::string(dtype_name(t.type)) + " [" + std::to_string(t.rows) + ", " + std::to_string(t.cols) + "]";
  };
  if (t.empty()) return status::invalid_argument(std::string(name) + ": missing tensor");
  if (t.type != type)
    return status::invalid_argument(std::string(name) + ": expected " + dtype_name(type) + ", got " + shape());
  if ((rows >= 0 && t.rows != rows) || (cols >= 0 && t.cols != cols))
    return status::invalid_argument(std::string(name) + ": expected [" + std::to_string(rows) + ", " +
                                    std::to_string(cols) + "], got " + shape());
  if (t.rows < 0 || t.cols < 0 || t.row_stride < t.cols)
    return status::invalid_argument(std::string(name) + ": bad shape/stride " + shape() + " stride " +
                                    std::to_string(t.row_stride));
  return status::ok_status();
}

// An optional operand: absent is fine, present must match.
inline status expect_optional(const char* name, const tensor& t, dtype type, int64_t rows, int64_t cols) {
  return t.empty() ? status::ok_status() : expect_tensor(name, t, type, rows, cols);
}

}  // namespace winnow::kernels::cuda

#pragma once
// The cross-backend op cases (style.md §6.2, after ggml's test-backend-ops):
// each case builds one op over host tensors; run_case() places them on a
// backend with guard bytes after every buffer, runs the op and brings the
// outputs back; compare_outputs() checks a backend against the oracle (the
// CPU backend in reference mode). No GoogleTest in here, so the same cases
// drive the gtest suite and the plain device check (tests/gpu/).

#include <cstdint>
#include <functional>
#include <random>
#include <string>
#include <vector>

#include "common/status_or.hpp"
#include "kernels/backend.hpp"

namespace winnow::kernels::testing {

struct host_tensor {
  std::string name;
  dtype type = dtype::f32;
  int64_t rows = 0;
  int64_t cols = 0;
  int64_t row_stride = 0;
  std::vector<uint8_t> data;  // rows * row_stride elements; contents for inputs
  bool output = false;
  int alias = -1;  // >= 0: a view of tensor `alias`'s buffer (in-place ops)

  size_t bytes() const { return static_cast<size_t>(rows * row_stride) * dtype_size(type); }
};

struct op_graph {
  std::vector<host_tensor> tensors;
  // Builds the op from views of the tensors (same order) on some backend.
  std::function<op(const std::vector<tensor>&)> make;
};

struct op_case {
  std::string op;    // op_name()
  std::string vars;  // "M=7,K=384"
  double max_nmse = 1e-8;
  bool exact = false;  // float outputs bit-identical too (integer outputs always are, unless...)
  // ...an s8 output may differ by this much per element: a fused op that
  // quantizes its own f32 result (GELU's erff, a LayerNorm's reduction order)
  // can land one step apart at a rounding tie. 0 everywhere else.
  int max_s8_diff = 0;
  std::function<op_graph(std::mt19937_64&)> build;

  std::string name() const { return op + "/" + vars; }
};

const std::vector<op_case>& all_op_cases();

// The full buffer contents of every output (row gaps included).
struct case_outputs {
  std::vector<std::vector<uint8_t>> outputs;  // one per output tensor, in order
};

// Bytes written after every buffer and into the outputs before the op runs.
constexpr size_t guard_bytes = 256;
constexpr uint8_t guard_byte = 0xA5;
constexpr uint8_t unwritten_byte = 0xFF;  // an f32 NaN: an output left unwritten cannot compare equal

// Runs `g` on `be`. unsupported when be.supports() says no; corruption when
// the op wrote into a guard area or a row gap (naming the tensor).
status_or<case_outputs> run_case(backend& be, const op_graph& g);

// `got` vs `want` (the oracle): integer outputs exactly, f32 by NMSE
// (or exactly when `exact`). The error message names the output and the
// first differing element.
// f16 outputs are compared as their f32 values, by NMSE unless `exact`.
status compare_outputs(const op_graph& g, const case_outputs& got, const case_outputs& want, double max_nmse,
                       bool exact, int max_s8_diff = 0);

// Normalized mean squared error of a against b: sum (a - b)^2 / sum b^2
// (0 when both are all zero; infinity on any NaN).
double nmse(const float* a, const float* b, size_t n);

}  // namespace winnow::kernels::testing

#pragma once
// Operand validation for the CPU backend: dtypes, shapes, strides and index
// ranges (token ids, type ids) are checked before any kernel runs, so a bad
// op is an invalid_argument naming the op and operand, never a wild read.

#include "kernels/backend.hpp"

namespace winnow::kernels::cpu {

status check_op(const op& o);

}  // namespace winnow::kernels::cpu

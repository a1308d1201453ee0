#pragma once
// WINNOW_ASSERT: for programmer errors only (broken invariants), never for bad
// input or device faults — those are a winnow::status. Active in every build.

namespace winnow::detail {
[[noreturn]] void assert_fail(const char* expr, const char* file, int line, const char* message);
}  // namespace winnow::detail

#define WINNOW_ASSERT(cond, message)                                            \
  do {                                                                          \
    if (!(cond)) ::winnow::detail::assert_fail(#cond, __FILE__, __LINE__, (message)); \
  } while (0)

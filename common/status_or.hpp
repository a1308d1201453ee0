#pragma once
// winnow::status_or<T> — a value or the status explaining why there is none.

#include <optional>
#include <utility>

#include "common/assert.hpp"
#include "common/status.hpp"

namespace winnow {

template <class T>
class [[nodiscard]] status_or {
 public:
  // REQUIRES: !s.ok() — an ok status without a value is a programmer error.
  status_or(status s) : status_(std::move(s)) {  // NOLINT(implicit)
    WINNOW_ASSERT(!status_.ok(), "status_or constructed from an ok status");
  }
  status_or(T value) : value_(std::move(value)) {}  // NOLINT(implicit)

  bool ok() const { return status_.ok(); }
  const status& get_status() const { return status_; }

  // REQUIRES: ok().
  T& value() & { WINNOW_ASSERT(ok(), status_.to_string().c_str()); return *value_; }
  const T& value() const& { WINNOW_ASSERT(ok(), status_.to_string().c_str()); return *value_; }
  T&& value() && { WINNOW_ASSERT(ok(), status_.to_string().c_str()); return std::move(*value_); }

  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

 private:
  status status_;
  std::optional<T> value_;
};

}  // namespace winnow

// Assigns the value of `rexpr` (a status_or) to `lhs`, or returns its status.
#define WINNOW_ASSIGN_OR_RETURN(lhs, rexpr)                                   \
  auto WINNOW_CONCAT_(winnow_sor_, __LINE__) = (rexpr);                       \
  if (!WINNOW_CONCAT_(winnow_sor_, __LINE__).ok())                            \
    return WINNOW_CONCAT_(winnow_sor_, __LINE__).get_status();                \
  lhs = std::move(WINNOW_CONCAT_(winnow_sor_, __LINE__)).value()

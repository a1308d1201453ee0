#pragma once
// status_or<T> → caf::result<T> for handler returns (the one conversion point
// between winnow's errors and CAF's, style.md §6.6).

#include <utility>

#include <caf/all.hpp>

#include "actors/messages.hpp"
#include "common/status_or.hpp"

namespace winnow::actors {

template <class T>
caf::result<T> to_result(status_or<T>&& s) {
  if (!s.ok()) return to_error(s.get_status());
  return std::move(s).value();
}

}  // namespace winnow::actors

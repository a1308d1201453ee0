#pragma once
// How long a query may take [QUERY_DEADLINE]: the per-request budget when the
// caller gave one, else its priority class's timeout_ms, else
// `fallback_ms` (a class without a timeout still gets a bound, so that no
// request waits forever). Plain function, no CAF.

#include <cstdint>

namespace winnow::actors::policy {

inline uint64_t query_budget_ms(uint32_t request_budget_ms, uint64_t class_timeout_ms,
                                uint64_t fallback_ms = 10000) {
  if (request_budget_ms > 0) return request_budget_ms;
  if (class_timeout_ms > 0) return class_timeout_ms;
  return fallback_ms;
}

}  // namespace winnow::actors::policy

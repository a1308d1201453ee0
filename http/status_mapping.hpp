#pragma once
// status → HTTP, the one place where winnow::status meets HTTP codes
// (style.md §6.6).

#include "common/status.hpp"
#include "http/api_message.hpp"

namespace winnow::http {

// invalid_argument → 400, not_found → 404, already_exists → 409,
// failed_precondition → 409, resource_exhausted → 429, unsupported → 501,
// unavailable / cancelled → 503, deadline_exceeded → 504, the rest → 500.
unsigned http_status_of(status_code code);

// The JSON error response for `s` (REQUIRES: !s.ok()). 429 and 503 carry
// Retry-After: retry_after_seconds.
api_response error_response(const status& s, unsigned retry_after_seconds);

}  // namespace winnow::http

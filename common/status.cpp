#include "common/status.hpp"

#include <cstdio>
#include <cstdlib>

#include "common/assert.hpp"

namespace winnow {

const char* to_string(status_code code) {
  switch (code) {
    case status_code::ok: return "ok";
    case status_code::invalid_argument: return "invalid_argument";
    case status_code::not_found: return "not_found";
    case status_code::already_exists: return "already_exists";
    case status_code::corruption: return "corruption";
    case status_code::io_error: return "io_error";
    case status_code::unsupported: return "unsupported";
    case status_code::device_error: return "device_error";
    case status_code::resource_exhausted: return "resource_exhausted";
    case status_code::deadline_exceeded: return "deadline_exceeded";
    case status_code::failed_precondition: return "failed_precondition";
    case status_code::unavailable: return "unavailable";
    case status_code::cancelled: return "cancelled";
    case status_code::internal: return "internal";
  }
  return "unknown";
}

std::string status::to_string() const {
  if (ok()) return "ok";
  return std::string(winnow::to_string(code_)) + ": " + message_;
}

status status::with_context(std::string_view context) const {
  if (ok()) return *this;
  return status(code_, std::string(context) + ": " + message_);
}

namespace detail {
void assert_fail(const char* expr, const char* file, int line, const char* message) {
  std::fprintf(stderr, "winnow: assertion failed: %s (%s) at %s:%d\n", expr,
               message ? message : "", file, line);
  std::abort();
}
}  // namespace detail

}  // namespace winnow

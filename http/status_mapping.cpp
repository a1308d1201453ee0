#include "http/status_mapping.hpp"

#include <string>

namespace winnow::http {

unsigned http_status_of(status_code code) {
  switch (code) {
    case status_code::ok: return 200;
    case status_code::invalid_argument: return 400;
    case status_code::not_found: return 404;
    case status_code::already_exists: return 409;
    case status_code::failed_precondition: return 409;
    case status_code::resource_exhausted: return 429;
    case status_code::unsupported: return 501;
    case status_code::unavailable: return 503;
    case status_code::cancelled: return 503;
    case status_code::deadline_exceeded: return 504;
    case status_code::corruption:
    case status_code::io_error:
    case status_code::device_error:
    case status_code::internal: return 500;
  }
  return 500;
}

api_response error_response(const status& s, unsigned retry_after_seconds) {
  unsigned code = http_status_of(s.code());
  auto r = api_response::error(code, to_string(s.code()), s.message());
  if (code == 429 || code == 503)
    r.headers.emplace_back("Retry-After", std::to_string(retry_after_seconds));
  return r;
}

}  // namespace winnow::http

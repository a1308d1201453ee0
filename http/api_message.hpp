#pragma once
// api_request / api_response — an HTTP exchange without Beast types, so the
// routing and validation code (api_handler) compiles and tests apart from the
// socket code (connection).

#include <string>
#include <utility>
#include <vector>

namespace winnow::http {

struct api_request {
  std::string method;         // "GET", "POST", ...
  std::string target;         // as sent: "/v1/documents/a%20b?x=1"
  std::string authorization;  // the Authorization header, "" when absent
  std::string api_key_header; // the X-API-Key header, "" when absent
  std::string content_type;
  std::string body;
};

struct api_response {
  unsigned status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;  // extra headers

  // {"error": error, "detail": detail, "field": field?} with `status`.
  static api_response error(unsigned status, std::string error, std::string detail,
                            std::string field = {});
  static api_response json(unsigned status, std::string body);
};

}  // namespace winnow::http

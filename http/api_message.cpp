#include "http/api_message.hpp"

#include <nlohmann/json.hpp>

namespace winnow::http {

api_response api_response::error(unsigned status, std::string error, std::string detail,
                                  std::string field) {
  nlohmann::json j = {{"error", std::move(error)}, {"detail", std::move(detail)}};
  if (!field.empty()) j["field"] = std::move(field);
  // `replace` keeps a detail that quotes invalid input serializable.
  return json(status, j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
}

api_response api_response::json(unsigned status, std::string body) {
  api_response r;
  r.status = status;
  r.body = std::move(body);
  return r;
}

}  // namespace winnow::http

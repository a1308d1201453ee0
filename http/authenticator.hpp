#pragma once
// authenticator — API keys and roles. Keys are compared in constant time (the
// time does not depend on where a wrong key first differs, nor on which
// configured key matched) and never appear in any message it returns.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "http/server_options.hpp"

namespace winnow::http {

enum class auth_outcome { allowed, unauthenticated, forbidden };

struct auth_decision {
  auth_outcome outcome = auth_outcome::allowed;
  std::string detail;  // for the 401/403 body; names the role, never the key
};

class authenticator {
 public:
  explicit authenticator(std::vector<api_key> keys);

  // True when no key is configured: every request is allowed.
  bool open() const { return keys_.empty(); }

  // `authorization` is the Authorization header ("Bearer <key>"), `x_api_key`
  // the X-API-Key header; either may carry the key.
  auth_decision check(std::string_view authorization, std::string_view x_api_key,
                      role needed) const;

 private:
  std::vector<api_key> keys_;
};

// Equal-length-independent, data-independent comparison of two secrets.
bool constant_time_equal(std::string_view a, std::string_view b);

}  // namespace winnow::http

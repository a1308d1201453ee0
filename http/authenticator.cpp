#include "http/authenticator.hpp"

#include <algorithm>
#include <cctype>
#include <cstdint>

namespace winnow::http {

const char* to_string(role r) {
  switch (r) {
    case role::read: return "read";
    case role::write: return "write";
    case role::admin: return "admin";
  }
  return "?";
}

bool constant_time_equal(std::string_view a, std::string_view b) {
  // Walk the longer length every time, so a mismatch position or a length
  // difference does not change the work done. `volatile` keeps the compiler
  // from turning the loop into an early-exit memcmp.
  size_t n = std::max(a.size(), b.size());
  volatile uint8_t diff = static_cast<uint8_t>(a.size() != b.size());
  for (size_t i = 0; i < n; ++i) {
    uint8_t x = i < a.size() ? static_cast<uint8_t>(a[i]) : 0;
    uint8_t y = i < b.size() ? static_cast<uint8_t>(b[i]) : 0;
    diff = static_cast<uint8_t>(diff | (x ^ y));
  }
  return diff == 0;
}

authenticator::authenticator(std::vector<api_key> keys) : keys_(std::move(keys)) {}

namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

bool has_role(const api_key& k, role needed) {
  for (role r : k.roles)
    if (r == needed || r == role::admin) return true;
  return false;
}

}  // namespace

auth_decision authenticator::check(std::string_view authorization, std::string_view x_api_key,
                                   role needed) const {
  if (keys_.empty()) return {};
  std::string_view presented = trim(x_api_key);
  if (presented.empty()) {
    std::string_view a = trim(authorization);
    constexpr std::string_view bearer = "Bearer ";
    if (a.size() > bearer.size()) {
      std::string lower(a.substr(0, bearer.size()));
      std::transform(lower.begin(), lower.end(), lower.begin(),
                     [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
      if (lower == "bearer ") presented = trim(a.substr(bearer.size()));
    }
  }
  if (presented.empty())
    return {auth_outcome::unauthenticated,
            "missing API key: send 'Authorization: Bearer <key>' or 'X-API-Key: <key>'"};
  // Compare against every key, without stopping at the first match.
  const api_key* match = nullptr;
  for (const auto& k : keys_) {
    bool eq = constant_time_equal(presented, k.key);
    if (eq && match == nullptr) match = &k;
  }
  if (match == nullptr) return {auth_outcome::unauthenticated, "invalid API key"};
  if (!has_role(*match, needed))
    return {auth_outcome::forbidden,
            std::string("this API key lacks the '") + to_string(needed) + "' role"};
  return {};
}

}  // namespace winnow::http

#pragma once
// Test collections that are too large for the repository live in
// ../shared/data beside the checkout (CI puts it there). A test that needs one
// calls shared_data_path() and skips, saying why, when it is absent.
// WINNOW_SHARED_DATA overrides the location.

#include <cstdlib>
#include <filesystem>
#include <string>

#include "tests/support/test_support.hpp"

namespace winnow::testing {

// The directory of collection `name` (e.g. "scifact"), or "" when absent.
inline std::string shared_data_path(const std::string& name) {
  const char* env = std::getenv("WINNOW_SHARED_DATA");
  const std::string root = env != nullptr ? std::string(env) : source_path("../shared/data");
  const std::string dir = root + "/" + name;
  return std::filesystem::is_directory(dir) ? dir : "";
}

}  // namespace winnow::testing

// Skips the current test when the collection is absent; else declares `var`.
#define WINNOW_REQUIRE_SHARED_DATA(var, name)                                          \
  const std::string var = ::winnow::testing::shared_data_path(name);                   \
  if (var.empty()) {                                                                   \
    GTEST_SKIP() << "collection '" << (name) << "' not found in ../shared/data beside " \
                 << "the checkout (or $WINNOW_SHARED_DATA); skipping";                 \
  }

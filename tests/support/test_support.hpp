#pragma once
// Shared test helpers (style.md §6.10): status assertions that print the
// message, one temporary directory per test, a seeded RNG that prints its seed.

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include "common/status.hpp"
#include "common/status_or.hpp"

namespace winnow::testing {

inline const status& as_status(const status& s) { return s; }
template <class T>
const status& as_status(const status_or<T>& s) { return s.get_status(); }

}  // namespace winnow::testing

#define ASSERT_OK(expr) ASSERT_TRUE(::winnow::testing::as_status(expr).ok()) << ::winnow::testing::as_status(expr).to_string()
#define EXPECT_OK(expr) EXPECT_TRUE(::winnow::testing::as_status(expr).ok()) << ::winnow::testing::as_status(expr).to_string()

namespace winnow::testing {

// A fresh directory under the system temp dir, removed when the object dies.
class temp_dir {
 public:
  temp_dir() {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    std::string name = info ? std::string(info->test_suite_name()) + "." + info->name() : "winnow";
    for (auto& c : name) if (c == '/') c = '_';
    std::random_device rd;
    path_ = std::filesystem::temp_directory_path() /
            ("winnow-test-" + name + "-" + std::to_string(rd()));
    std::filesystem::create_directories(path_);
  }
  ~temp_dir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  temp_dir(const temp_dir&) = delete;
  temp_dir& operator=(const temp_dir&) = delete;

  const std::filesystem::path& path() const { return path_; }
  std::string str() const { return path_.string(); }

 private:
  std::filesystem::path path_;
};

// Seed from WINNOW_TEST_SEED when set, else `default_seed`; printed so a failing
// run can be repeated exactly.
inline std::mt19937_64 seeded_rng(uint64_t default_seed) {
  uint64_t seed = default_seed;
  if (const char* env = std::getenv("WINNOW_TEST_SEED")) seed = std::strtoull(env, nullptr, 10);
  ::testing::Test::RecordProperty("seed", std::to_string(seed));
  std::printf("[ seed     ] %llu (set WINNOW_TEST_SEED to repeat)\n",
              static_cast<unsigned long long>(seed));
  return std::mt19937_64(seed);
}

// Path of a file in the source tree, e.g. source_path("tests/fixtures/x.json").
inline std::string source_path(const std::string& rel) {
  return std::string(WINNOW_SOURCE_DIR) + "/" + rel;
}

// Cosine of two vectors, summed in double: the one measure the encoder tests
// compare embeddings by.
inline double cosine(const std::vector<float>& a, const std::vector<float>& b) {
  double dot = 0, na = 0, nb = 0;
  for (size_t i = 0; i < a.size(); ++i) {
    dot += static_cast<double>(a[i]) * b[i];
    na += static_cast<double>(a[i]) * a[i];
    nb += static_cast<double>(b[i]) * b[i];
  }
  return dot / std::sqrt(na * nb);
}

// The model directory scripts/setup fetched, or "" when absent.
inline std::string model_dir() {
  if (const char* env = std::getenv("WINNOW_MODEL_DIR")) return env;
  std::string p = source_path("models/all-MiniLM-L6-v2");
  return std::filesystem::exists(p + "/model.safetensors") ? p : "";
}

}  // namespace winnow::testing

// An installed binary finds its installed model: a relative model dir that the
// working directory lacks resolves to PREFIX/share/winnow/DIR beside the binary.
#include "app/model_location.hpp"

#include <unistd.h>

#include <filesystem>
#include <string>

#include <gtest/gtest.h>

#include "tests/support/test_support.hpp"

namespace winnow::app {
namespace {

namespace fs = std::filesystem;

// Runs the test body with `dir` as the working directory.
class in_directory {
 public:
  explicit in_directory(const std::string& dir) : old_(fs::current_path()) { fs::current_path(dir); }
  ~in_directory() { fs::current_path(old_); }

 private:
  fs::path old_;
};

TEST(model_location, a_relative_dir_missing_here_resolves_to_the_install_prefix) {
  testing::temp_dir tmp;
  const fs::path prefix = fs::path(tmp.str()) / "prefix";
  fs::create_directories(prefix / "bin");
  fs::create_directories(prefix / "share/winnow/models/all-MiniLM-L6-v2");
  fs::create_directories(fs::path(tmp.str()) / "elsewhere");
  in_directory cwd(tmp.str() + "/elsewhere");
  const std::string exe = (prefix / "bin/winnow").string();
  EXPECT_EQ(resolve_model_dir("models/all-MiniLM-L6-v2", exe),
            (prefix / "share/winnow/models/all-MiniLM-L6-v2").string());
  // Not installed either: unchanged, so the engine's error names what was configured.
  EXPECT_EQ(resolve_model_dir("models/other", exe), "models/other");
  // Absolute: taken as written, even when absent.
  EXPECT_EQ(resolve_model_dir("/nonexistent/model", exe), "/nonexistent/model");
  EXPECT_EQ(resolve_model_dir("models/all-MiniLM-L6-v2", ""), "models/all-MiniLM-L6-v2");
}

TEST(model_location, the_working_directory_comes_first) {
  testing::temp_dir tmp;
  const fs::path prefix = fs::path(tmp.str()) / "prefix";
  fs::create_directories(prefix / "share/winnow/models/m");
  fs::create_directories(fs::path(tmp.str()) / "checkout/models/m");
  in_directory cwd(tmp.str() + "/checkout");
  EXPECT_EQ(resolve_model_dir("models/m", (prefix / "bin/winnow").string()), "models/m");
}

}  // namespace
}  // namespace winnow::app

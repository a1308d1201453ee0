#include "app/model_location.hpp"

#include <filesystem>
#include <system_error>

namespace winnow::app {

namespace fs = std::filesystem;

std::string resolve_model_dir(const std::string& dir, const std::string& executable) {
  std::error_code ec;
  const fs::path configured(dir);
  if (dir.empty() || configured.is_absolute() || fs::exists(configured, ec)) return dir;
  if (executable.empty()) return dir;
  const fs::path prefix = fs::path(executable).parent_path().parent_path();
  const fs::path installed = prefix / "share" / "winnow" / configured;
  if (fs::is_directory(installed, ec)) return installed.string();
  return dir;
}

std::string resolve_model_dir(const std::string& dir) {
  std::error_code ec;
  const fs::path self = fs::read_symlink("/proc/self/exe", ec);
  return resolve_model_dir(dir, ec ? std::string() : self.string());
}

}  // namespace winnow::app

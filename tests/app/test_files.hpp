#pragma once
// Writes small fixture files (plain or gzip) for the app tests.

#include <fstream>
#include <string>

#include <zlib.h>

namespace winnow::testing {

inline void write_text_file(const std::string& path, const std::string& content) {
  std::ofstream out(path, std::ios::binary);
  out << content;
}

inline void write_gzip_file(const std::string& path, const std::string& content) {
  gzFile gz = gzopen(path.c_str(), "wb");
  gzwrite(gz, content.data(), static_cast<unsigned>(content.size()));
  gzclose(gz);
}

}  // namespace winnow::testing

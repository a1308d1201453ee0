#include "common/line_reader.hpp"

#include <cerrno>
#include <cstring>
#include <filesystem>

#include <zlib.h>

namespace winnow {

namespace {
constexpr size_t chunk_bytes = 1 << 16;
}

line_reader::~line_reader() {
  if (gz_ != nullptr) gzclose(static_cast<gzFile>(gz_));
}

status_or<std::unique_ptr<line_reader>> line_reader::open(const std::string& path) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) return status::not_found(path + ": no such file");
  if (std::filesystem::is_directory(path, ec)) {
    return status::invalid_argument(path + ": is a directory, expected a JSON lines file");
  }
  gzFile gz = gzopen(path.c_str(), "rb");
  if (gz == nullptr) return status::io_error(path + ": cannot open: " + std::strerror(errno));
  gzbuffer(gz, chunk_bytes);
  return std::unique_ptr<line_reader>(new line_reader(path, gz));
}

status line_reader::fill() {
  if (pos_ > 0) {
    buffer_.erase(0, pos_);
    pos_ = 0;
  }
  const size_t old_size = buffer_.size();
  buffer_.resize(old_size + chunk_bytes);
  const int n = gzread(static_cast<gzFile>(gz_), buffer_.data() + old_size, chunk_bytes);
  if (n < 0) {
    int err = 0;
    const char* msg = gzerror(static_cast<gzFile>(gz_), &err);
    buffer_.resize(old_size);
    return status::corruption(path_ + ": line " + std::to_string(line_number_ + 1) +
                              ": cannot decompress: " + (msg ? msg : "unknown zlib error"));
  }
  buffer_.resize(old_size + static_cast<size_t>(n));
  if (n == 0) {
    // gzread returns 0 both at a clean end and for a truncated stream; only
    // gzerror tells them apart.
    int err = 0;
    const char* msg = gzerror(static_cast<gzFile>(gz_), &err);
    if (err != Z_OK && err != Z_STREAM_END) {
      return status::corruption(path_ + ": line " + std::to_string(line_number_ + 1) +
                                ": cannot decompress: " + (msg ? msg : "unknown zlib error"));
    }
    eof_ = true;
  }
  return status::ok_status();
}

status_or<bool> line_reader::next(std::string* line) {
  for (;;) {
    const size_t nl = buffer_.find('\n', pos_);
    if (nl != std::string::npos) {
      size_t end = nl;
      if (end > pos_ && buffer_[end - 1] == '\r') --end;
      line->assign(buffer_, pos_, end - pos_);
      pos_ = nl + 1;
      ++line_number_;
      return true;
    }
    if (eof_) {
      if (pos_ >= buffer_.size()) return false;
      // Last line without a trailing newline.
      size_t end = buffer_.size();
      if (buffer_[end - 1] == '\r') --end;
      line->assign(buffer_, pos_, end - pos_);
      pos_ = buffer_.size();
      ++line_number_;
      return true;
    }
    WINNOW_RETURN_IF_ERROR(fill());
  }
}

}  // namespace winnow

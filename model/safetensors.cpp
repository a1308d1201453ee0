#include "model/safetensors.hpp"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <nlohmann/json.hpp>
#include <utility>

namespace winnow::model {
namespace {

// Bytes per element of the dtypes the format defines; 0 for an unknown one.
size_t element_size(const std::string& dtype) {
  if (dtype == "F64" || dtype == "I64" || dtype == "U64") return 8;
  if (dtype == "F32" || dtype == "I32" || dtype == "U32") return 4;
  if (dtype == "F16" || dtype == "BF16" || dtype == "I16" || dtype == "U16") return 2;
  if (dtype == "I8" || dtype == "U8" || dtype == "BOOL" || dtype == "F8_E4M3" || dtype == "F8_E5M2") return 1;
  return 0;
}

std::string shape_string(const std::vector<int64_t>& shape) {
  std::string s = "[";
  for (size_t i = 0; i < shape.size(); ++i) s += (i ? ", " : "") + std::to_string(shape[i]);
  return s + "]";
}

// Header JSON is capped so a corrupt length cannot make us parse gigabytes.
constexpr uint64_t max_header_bytes = 100u << 20;

}  // namespace

safetensors_file::~safetensors_file() {
  if (map_) munmap(map_, map_bytes_);
}

std::vector<std::string> safetensors_file::names() const {
  std::vector<std::string> out;
  for (const auto& [name, view] : tensors_) out.push_back(name);
  return out;
}

status_or<std::unique_ptr<safetensors_file>> safetensors_file::open(const std::string& path) {
  std::unique_ptr<safetensors_file> f(new safetensors_file());
  f->path_ = path;
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return status::not_found(path + ": cannot open: " + std::strerror(errno));
  struct stat st {};
  if (fstat(fd, &st) != 0) {
    const std::string err = std::strerror(errno);
    ::close(fd);
    return status::io_error(path + ": cannot stat: " + err);
  }
  const size_t size = static_cast<size_t>(st.st_size);
  if (size < 8) {
    ::close(fd);
    return status::corruption(path + ": truncated: " + std::to_string(size) +
                              " bytes, less than the 8-byte header length");
  }
  void* map = mmap(nullptr, size, PROT_READ, MAP_PRIVATE, fd, 0);
  ::close(fd);
  if (map == MAP_FAILED) return status::io_error(path + ": mmap failed: " + std::strerror(errno));
  f->map_ = map;
  f->map_bytes_ = size;
  const auto* bytes = static_cast<const uint8_t*>(map);

  uint64_t header_len = 0;
  for (int i = 7; i >= 0; --i) header_len = (header_len << 8) | bytes[i];  // little-endian
  if (header_len > max_header_bytes || header_len > size - 8) {
    return status::corruption(path + ": header length " + std::to_string(header_len) +
                              " exceeds the file (" + std::to_string(size) + " bytes)");
  }
  const char* header = reinterpret_cast<const char*>(bytes + 8);
  nlohmann::json j = nlohmann::json::parse(header, header + header_len, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object()) {
    return status::corruption(path + ": header is not a JSON object");
  }
  const uint8_t* data = bytes + 8 + header_len;
  const size_t data_bytes = size - 8 - header_len;
  std::vector<std::pair<size_t, size_t>> ranges;
  for (auto it = j.begin(); it != j.end(); ++it) {
    const std::string& name = it.key();
    if (name == "__metadata__") continue;
    const std::string where = path + ": tensor '" + name + "'";
    const nlohmann::json& e = it.value();
    if (!e.is_object() || !e.contains("dtype") || !e["dtype"].is_string() || !e.contains("shape") ||
        !e["shape"].is_array() || !e.contains("data_offsets") || !e["data_offsets"].is_array() ||
        e["data_offsets"].size() != 2) {
      return status::corruption(where + ": entry needs dtype (string), shape (array) and data_offsets ([begin, end])");
    }
    tensor_view v;
    v.name = name;
    v.dtype = e["dtype"].get<std::string>();
    const size_t esize = element_size(v.dtype);
    if (esize == 0) return status::corruption(where + ": unknown dtype '" + v.dtype + "'");
    uint64_t count = 1;
    for (const auto& d : e["shape"]) {
      if (!d.is_number_unsigned()) return status::corruption(where + ": shape holds a non-integer or negative");
      const uint64_t dim = d.get<uint64_t>();
      if (dim != 0 && count > (uint64_t{1} << 40) / dim) return status::corruption(where + ": shape too large");
      count *= dim;
      v.shape.push_back(static_cast<int64_t>(dim));
    }
    const auto& off = e["data_offsets"];
    if (!off[0].is_number_unsigned() || !off[1].is_number_unsigned()) {
      return status::corruption(where + ": data_offsets must be non-negative integers");
    }
    const uint64_t begin = off[0].get<uint64_t>(), end = off[1].get<uint64_t>();
    if (begin > end || end > data_bytes) {
      return status::corruption(where + ": data_offsets [" + std::to_string(begin) + ", " + std::to_string(end) +
                                ") fall outside the " + std::to_string(data_bytes) +
                                " data bytes (file truncated?)");
    }
    if (end - begin != count * esize) {
      return status::corruption(where + ": " + std::to_string(end - begin) + " bytes do not hold " + v.dtype + " " +
                                shape_string(v.shape) + " (" + std::to_string(count * esize) + " bytes)");
    }
    v.data = data + begin;
    v.bytes = static_cast<size_t>(end - begin);
    ranges.emplace_back(begin, end);
    f->tensors_.emplace(name, std::move(v));
  }
  std::sort(ranges.begin(), ranges.end());
  for (size_t i = 1; i < ranges.size(); ++i) {
    if (ranges[i].first < ranges[i - 1].second) {
      return status::corruption(path + ": tensors overlap at data offset " + std::to_string(ranges[i].first));
    }
  }
  return f;
}

status_or<tensor_view> safetensors_file::get(const std::string& name) const {
  auto it = tensors_.find(name);
  if (it == tensors_.end()) return status::not_found(path_ + ": missing tensor '" + name + "'");
  return it->second;
}

status_or<const float*> safetensors_file::get_f32(const std::string& name,
                                                  const std::vector<int64_t>& shape) const {
  WINNOW_ASSIGN_OR_RETURN(tensor_view v, get(name));
  if (v.dtype != "F32") {
    return status::invalid_argument(path_ + ": tensor '" + name + "' has dtype " + v.dtype + ", expected F32");
  }
  if (v.shape != shape) {
    return status::invalid_argument(path_ + ": tensor '" + name + "' has shape " + shape_string(v.shape) +
                                    ", expected " + shape_string(shape));
  }
  // The format does not promise alignment; every reader copies out of the
  // mapping (upload), so a misaligned float pointer is only read bytewise.
  return reinterpret_cast<const float*>(v.data);
}

}  // namespace winnow::model

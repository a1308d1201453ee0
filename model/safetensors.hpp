#pragma once
// A read-only, memory-mapped safetensors file. open() validates the whole
// header up front — 8-byte length, JSON, every tensor's dtype, shape and
// [begin, end) offsets against the file size and each other — so a truncated
// or corrupt file is an error naming the file (and tensor) before any weight
// is touched. Tensor data stays in the mapping; views are valid while the
// safetensors_file lives.

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "common/status_or.hpp"

namespace winnow::model {

struct tensor_view {
  std::string name;
  std::string dtype;            // "F32", "F16", "I64", ...
  std::vector<int64_t> shape;
  const uint8_t* data = nullptr;
  size_t bytes = 0;
};

class safetensors_file {
 public:
  ~safetensors_file();
  safetensors_file(const safetensors_file&) = delete;
  safetensors_file& operator=(const safetensors_file&) = delete;

  static status_or<std::unique_ptr<safetensors_file>> open(const std::string& path);

  const std::string& path() const { return path_; }
  bool contains(const std::string& name) const { return tensors_.count(name) != 0; }
  std::vector<std::string> names() const;

  // not_found naming file and tensor when absent.
  status_or<tensor_view> get(const std::string& name) const;
  // An F32 tensor of exactly `shape`; otherwise an error naming file, tensor,
  // and the dtype/shape found vs expected.
  status_or<const float*> get_f32(const std::string& name, const std::vector<int64_t>& shape) const;

 private:
  safetensors_file() = default;

  std::string path_;
  void* map_ = nullptr;
  size_t map_bytes_ = 0;
  std::map<std::string, tensor_view> tensors_;
};

}  // namespace winnow::model

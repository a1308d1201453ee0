// safetensors_file: a valid file round-trips; truncated files, bad headers,
// missing tensors and wrong dtype/shape are errors naming file and tensor.
#include <cstdint>
#include <cstring>
#include <fstream>
#include <string>
#include <vector>

#include "model/safetensors.hpp"
#include "tests/support/test_support.hpp"

namespace winnow::model {
namespace {

// Writes an 8-byte little-endian header length, the header and the data.
void write_file(const std::string& path, const std::string& header, const std::vector<uint8_t>& data) {
  std::ofstream out(path, std::ios::binary);
  uint64_t n = header.size();
  for (int i = 0; i < 8; ++i) out.put(static_cast<char>((n >> (8 * i)) & 0xff));
  out << header;
  out.write(reinterpret_cast<const char*>(data.data()), static_cast<std::streamsize>(data.size()));
}

std::vector<uint8_t> floats(std::vector<float> v) {
  std::vector<uint8_t> out(v.size() * 4);
  std::memcpy(out.data(), v.data(), out.size());
  return out;
}

const std::string good_header =
    R"({"__metadata__":{"format":"pt"},"w":{"dtype":"F32","shape":[2,3],"data_offsets":[0,24]},)"
    R"("b":{"dtype":"F32","shape":[3],"data_offsets":[24,36]}})";

std::string error_of(const std::string& path) {
  auto f = safetensors_file::open(path);
  return f.ok() ? std::string("ok") : f.get_status().to_string();
}

bool contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

TEST(Safetensors, ReadsTensorsOfAValidFile) {
  testing::temp_dir dir;
  const std::string p = dir.str() + "/m.safetensors";
  write_file(p, good_header, floats({1, 2, 3, 4, 5, 6, 7, 8, 9}));
  auto f = safetensors_file::open(p);
  ASSERT_OK(f);
  auto w = (*f)->get_f32("w", {2, 3});
  ASSERT_OK(w);
  float got[6];
  std::memcpy(got, *w, sizeof got);
  EXPECT_EQ(got[0], 1.f);
  EXPECT_EQ(got[5], 6.f);
  auto b = (*f)->get("b");
  ASSERT_OK(b);
  EXPECT_EQ(b->shape, (std::vector<int64_t>{3}));
  EXPECT_EQ((*f)->names().size(), 2u);
}

TEST(Safetensors, TruncatedDataNamesFileAndTensor) {
  testing::temp_dir dir;
  const std::string p = dir.str() + "/m.safetensors";
  write_file(p, good_header, floats({1, 2, 3, 4, 5, 6, 7}));  // 28 of 36 bytes
  const std::string err = error_of(p);
  EXPECT_TRUE(contains(err, "corruption")) << err;
  EXPECT_TRUE(contains(err, p)) << err;
  EXPECT_TRUE(contains(err, "'b'")) << err;
}

TEST(Safetensors, TruncatedHeaderAndTinyFile) {
  testing::temp_dir dir;
  const std::string p = dir.str() + "/m.safetensors";
  { std::ofstream(p, std::ios::binary) << "abc"; }
  EXPECT_TRUE(contains(error_of(p), "truncated")) << error_of(p);
  write_file(p, good_header, {});
  // Chop the file inside the header: the declared length exceeds the file.
  std::string bytes;
  { std::ifstream in(p, std::ios::binary); bytes.assign(std::istreambuf_iterator<char>(in), {}); }
  { std::ofstream(p, std::ios::binary) << bytes.substr(0, 20); }
  EXPECT_TRUE(contains(error_of(p), "header length")) << error_of(p);
}

TEST(Safetensors, BadHeaderJson) {
  testing::temp_dir dir;
  const std::string p = dir.str() + "/m.safetensors";
  write_file(p, R"({"w": {"dtype": "F32", "shape": [2,)", floats({1}));
  EXPECT_TRUE(contains(error_of(p), "not a JSON object")) << error_of(p);
  write_file(p, R"({"w":{"dtype":"Q4","shape":[1],"data_offsets":[0,4]}})", floats({1}));
  EXPECT_TRUE(contains(error_of(p), "unknown dtype 'Q4'")) << error_of(p);
  write_file(p, R"({"w":{"dtype":"F32","shape":[2],"data_offsets":[0,4]}})", floats({1, 2}));
  EXPECT_TRUE(contains(error_of(p), "do not hold F32 [2]")) << error_of(p);
  write_file(p, R"({"w":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"v":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}})",
             floats({1}));
  EXPECT_TRUE(contains(error_of(p), "overlap")) << error_of(p);
  write_file(p, R"({"w":{"dtype":"F32","shape":[-1],"data_offsets":[0,4]}})", floats({1}));
  EXPECT_TRUE(contains(error_of(p), "'w'")) << error_of(p);
}

TEST(Safetensors, MissingTensorAndWrongDtypeOrShape) {
  testing::temp_dir dir;
  const std::string p = dir.str() + "/m.safetensors";
  write_file(p, R"({"w":{"dtype":"F32","shape":[2,3],"data_offsets":[0,24]},"i":{"dtype":"I64","shape":[1],"data_offsets":[24,32]}})",
             std::vector<uint8_t>(32, 0));
  auto f = safetensors_file::open(p);
  ASSERT_OK(f);
  auto missing = (*f)->get_f32("nope", {1});
  ASSERT_FALSE(missing.ok());
  EXPECT_TRUE(missing.get_status().is_not_found());
  EXPECT_TRUE(contains(missing.get_status().message(), p + ": missing tensor 'nope'"));
  auto dtype = (*f)->get_f32("i", {1});
  ASSERT_FALSE(dtype.ok());
  EXPECT_TRUE(contains(dtype.get_status().message(), "'i' has dtype I64, expected F32"));
  auto shape = (*f)->get_f32("w", {3, 2});
  ASSERT_FALSE(shape.ok());
  EXPECT_TRUE(contains(shape.get_status().message(), "'w' has shape [2, 3], expected [3, 2]"));
}

TEST(Safetensors, MissingFileIsNotFound) {
  auto f = safetensors_file::open("/nonexistent/dir/model.safetensors");
  ASSERT_FALSE(f.ok());
  EXPECT_TRUE(f.get_status().is_not_found());
}

}  // namespace
}  // namespace winnow::model

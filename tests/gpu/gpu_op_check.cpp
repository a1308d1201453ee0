// winnow_gpu_op_check: every cross-backend op case (tests/kernels/op_cases.hpp)
// on cuda:N with each int8 GEMM path, against the CPU reference backend,
// without GoogleTest (GPU machines may not have it). Writes a JSON report;
// exit status 0 only when every case ran and passed (unsupported cases are
// reported as skipped with the reason). Exit 3 when there is no CUDA device.
//
// Usage: winnow_gpu_op_check [--out FILE] [--device N]
#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>

#include "kernels/cpu/cpu_backend.hpp"
#include "kernels/cuda/cuda_backend.hpp"
#include "tests/kernels/op_cases.hpp"

namespace {

using namespace winnow;
using namespace winnow::kernels;

std::string jstr(const std::string& s) {
  std::string o = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') o += '\\';
    if (static_cast<unsigned char>(c) < 0x20) continue;
    o += c;
  }
  return o + "\"";
}

}  // namespace

int main(int argc, char** argv) {
  std::string out_path = "gpu-op-check.json";
  int ordinal = 0;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--out" && i + 1 < argc) out_path = argv[++i];
    else if (a == "--device" && i + 1 < argc) ordinal = std::atoi(argv[++i]);
    else {
      std::fprintf(stderr, "usage: winnow_gpu_op_check [--out FILE] [--device N]\n");
      return 2;
    }
  }
  if (cuda::cuda_device_count() <= ordinal) {
    std::ofstream(out_path) << "{\"error\": \"no CUDA device " << ordinal << "\"}\n";
    std::fprintf(stderr, "no CUDA device %d: nothing was checked\n", ordinal);
    return 3;
  }
  auto oracle = make_cpu_backend(cpu_backend_options{1, true});
  int passed = 0, failed = 0, skipped = 0;
  std::ostringstream j;
  j << "{\"cases\": [";
  bool first = true;
  for (auto path : {cuda::gemm_s8_path::automatic, cuda::gemm_s8_path::own, cuda::gemm_s8_path::cublaslt}) {
    cuda::cuda_backend_options options;
    options.gemm_s8 = path;
    auto be = cuda::make_cuda_backend(ordinal, options);
    if (!be.ok()) {
      std::fprintf(stderr, "cuda:%d failed to start: %s\n", ordinal, be.get_status().to_string().c_str());
      std::ofstream(out_path) << "{\"error\": " << jstr(be.get_status().to_string()) << "}\n";
      return 1;
    }
    for (const auto& c : testing::all_op_cases()) {
      std::mt19937_64 rng(20261129);
      const testing::op_graph g = c.build(rng);
      std::string result = "pass", message;
      auto want = testing::run_case(*oracle, g);
      auto got = testing::run_case(**be, g);
      if (!want.ok()) {
        result = "fail";
        message = "CPU reference: " + want.get_status().to_string();
      } else if (!got.ok() && got.get_status().code() == status_code::unsupported) {
        result = "skip";
        message = got.get_status().message();
      } else if (!got.ok()) {
        result = "fail";
        message = got.get_status().to_string();
      } else {
        const status s = testing::compare_outputs(g, *got, *want, c.max_nmse, c.exact, c.max_s8_diff);
        if (!s.ok()) {
          result = "fail";
          message = s.message();
        }
      }
      (result == "pass" ? passed : result == "skip" ? skipped : failed)++;
      j << (first ? "" : ",") << "\n  {\"name\": " << jstr(c.name()) << ", \"gemm_s8_path\": "
        << jstr(cuda::to_string(path)) << ", \"result\": " << jstr(result);
      if (!message.empty()) j << ", \"message\": " << jstr(message);
      j << "}";
      first = false;
      std::fprintf(stderr, "%-5s %s [%s] %s\n", result.c_str(), c.name().c_str(), cuda::to_string(path),
                   message.c_str());
    }
  }
  j << "\n], \"passed\": " << passed << ", \"failed\": " << failed << ", \"skipped\": " << skipped << "}\n";
  std::ofstream(out_path) << j.str();
  std::fprintf(stderr, "op check: %d passed, %d failed, %d skipped\n", passed, failed, skipped);
  return failed == 0 ? 0 : 1;
}

// winnow_cuda_bench: the CUDA backend's numbers in one JSON file.
//   int8 GEMM on the encoder's shapes: our op (cuBLASLt IMMA + our epilogue,
//     and our own kernels) vs cuBLASLt at its best (s8 -> s32, no epilogue)
//     vs the device's dense int8 peak;
//   end-to-end passages/s (128 tokens) at batch 32..1024 (MiniLM-L6 shapes),
//     for the unfused int8 graph and the fused one (model/encoder.hpp
//     int8_graph: fused epilogues, s8 between ops, f16 tensor-core attention);
//   one query's latency (upload ids, encode, download the vector), both graphs,
//   each with every op its own launch and as one CUDA graph (run_sequence);
//   a cross-check of both graphs against the CPU reference backend.
// Plain program (no Google Benchmark) because the GPU machines that run it
// have only the CUDA toolkit; see tests/gpu/device-check.sh.
//
// Usage: winnow_cuda_bench [--out FILE] [--quick] [--device N] | --check-on-cpu
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <functional>
#include <memory>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "bench/cuda/lt_reference.hpp"
#include "bench/cuda/minilm_graph.hpp"
#include "kernels/cpu/cpu_backend.hpp"
#include "kernels/cuda/cuda_backend.hpp"

namespace winnow::bench {
namespace {

using namespace winnow::kernels;
using clock_type = std::chrono::steady_clock;

double seconds_since(clock_type::time_point t0) {
  return std::chrono::duration<double>(clock_type::now() - t0).count();
}

// Calls fn until at least `min_seconds` passed (>= min_reps calls) after one
// warm-up; returns seconds per call.
status_or<double> time_per_call(const std::function<status()>& fn, double min_seconds, int min_reps = 3) {
  WINNOW_RETURN_IF_ERROR(fn());
  int reps = 0;
  const auto t0 = clock_type::now();
  do {
    WINNOW_RETURN_IF_ERROR(fn());
    ++reps;
  } while (reps < min_reps || seconds_since(t0) < min_seconds);
  return seconds_since(t0) / reps;
}

std::string jnum(double v) {
  if (!std::isfinite(v)) return "null";
  char b[64];
  std::snprintf(b, sizeof b, "%.6g", v);
  return b;
}
std::string jstr(const std::string& s) {
  std::string o = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') o += '\\';
    if (static_cast<unsigned char>(c) < 0x20) continue;
    o += c;
  }
  return o + "\"";
}

struct gemm_shape {
  const char* name;
  int64_t n, k;
};

// Operands of one gemm_s8s8_f32 shape on the backend (random int8, small
// positive scales and biases; `out` left uninitialized: every path writes it).
struct gemm_operands {
  std::vector<buffer_ptr> hold;
  gemm_s8s8_f32_op op;
};

status_or<std::unique_ptr<gemm_operands>> make_gemm_operands(backend& be, int64_t m, int64_t n, int64_t k) {
  auto g = std::make_unique<gemm_operands>();
  std::mt19937 rng(static_cast<uint32_t>(m * 31 + n * 7 + k));
  auto make = [&](size_t bytes, int kind) -> status_or<void*> {  // kind 0: s8, 1: f32 scale/bias, 2: no init
    WINNOW_ASSIGN_OR_RETURN(buffer b, be.alloc(bytes));
    g->hold.emplace_back(&be, b);
    if (kind == 2) return b.ptr;
    std::vector<uint8_t> host(bytes);
    if (kind == 0) {
      for (size_t i = 0; i + 4 <= bytes; i += 4) {
        const uint32_t r = rng();
        std::memcpy(&host[i], &r, 4);
      }
    } else {
      for (size_t i = 0; i + 4 <= bytes; i += 4) {
        const float f = 0.001f * static_cast<float>(1 + rng() % 7);
        std::memcpy(&host[i], &f, 4);
      }
    }
    WINNOW_RETURN_IF_ERROR(be.upload(b, 0, host.data(), bytes));
    return b.ptr;
  };
  WINNOW_ASSIGN_OR_RETURN(void* a, make(m * k, 0));
  WINNOW_ASSIGN_OR_RETURN(void* as, make(m * 4, 1));
  WINNOW_ASSIGN_OR_RETURN(void* b, make(n * k, 0));
  WINNOW_ASSIGN_OR_RETURN(void* bs, make(n * 4, 1));
  WINNOW_ASSIGN_OR_RETURN(void* bias, make(n * 4, 1));
  WINNOW_ASSIGN_OR_RETURN(void* out, make(m * n * 4, 2));
  g->op = gemm_s8s8_f32_op{tensor::make(a, dtype::s8, m, k), tensor::make(as, dtype::f32, m, 1),
                           tensor::make(b, dtype::s8, n, k), tensor::make(bs, dtype::f32, n, 1),
                           tensor::make(bias, dtype::f32, 1, n), tensor::make(out, dtype::f32, m, n)};
  WINNOW_RETURN_IF_ERROR(be.sync());
  return g;
}

// Our gemm_s8s8_f32 op through the backend, one path forced; seconds per op.
status_or<double> time_our_gemm(backend& be, cuda::gemm_s8_path path, const gemm_s8s8_f32_op& o) {
  WINNOW_RETURN_IF_ERROR(cuda::set_gemm_s8_path(be, path));
  // Batches of 10 launches + one sync, so launch overhead overlaps.
  auto t = time_per_call(
      [&]() -> status {
        for (int i = 0; i < 10; ++i) WINNOW_RETURN_IF_ERROR(be.run(o));
        return be.sync();
      },
      0.05);
  WINNOW_RETURN_IF_ERROR(cuda::set_gemm_s8_path(be, cuda::gemm_s8_path::automatic));
  if (!t.ok()) return t.get_status();
  return *t / 10.0;
}

std::string gemm_section(backend& be, int ordinal, bool quick, const device_peak& peak) {
  const gemm_shape shapes[] = {{"qkv", 1152, 384}, {"attn_out", 384, 384}, {"ffn_up", 1536, 384}, {"ffn_down", 384, 1536}};
  std::vector<int64_t> ms = quick ? std::vector<int64_t>{16, 4096, 32768}
                                  : std::vector<int64_t>{16, 32, 128, 4096, 32768, 131072};
  std::ostringstream j;
  j << "[";
  bool first = true;
  for (int64_t m : ms) {
    for (const auto& s : shapes) {
      const double ops = 2.0 * m * s.n * s.k;
      auto tops = [&](double sec) { return ops / sec / 1e12; };
      j << (first ? "" : ",") << "\n    {\"shape\": " << jstr(s.name) << ", \"M\": " << m << ", \"N\": " << s.n
        << ", \"K\": " << s.k;
      first = false;
      auto operands = make_gemm_operands(be, m, s.n, s.k);
      for (auto path : {cuda::gemm_s8_path::cublaslt, cuda::gemm_s8_path::own, cuda::gemm_s8_path::automatic}) {
        status_or<double> t = operands.ok() ? time_our_gemm(be, path, (*operands)->op) : operands.get_status();
        j << ", \"ours_" << cuda::to_string(path) << "\": ";
        if (t.ok()) {
          j << "{\"us\": " << jnum(*t * 1e6) << ", \"tops\": " << jnum(tops(*t))
            << ", \"pct_of_peak\": " << jnum(100.0 * tops(*t) / peak.int8_dense_tops) << "}";
        } else {
          j << "{\"error\": " << jstr(t.get_status().to_string()) << "}";
        }
      }
      auto lt = cublaslt_best_s8(ordinal, m, s.n, s.k, 20);
      j << ", \"cublaslt_best_s8s32\": ";
      if (lt.ok()) {
        j << "{\"us\": " << jnum(lt->seconds * 1e6) << ", \"tops\": " << jnum(tops(lt->seconds))
          << ", \"pct_of_peak\": " << jnum(100.0 * tops(lt->seconds) / peak.int8_dense_tops)
          << ", \"algorithms_tried\": " << lt->algorithms_tried << "}";
      } else {
        j << "{\"error\": " << jstr(lt.get_status().to_string()) << "}";
      }
      j << "}";
      std::fprintf(stderr, "gemm %s M=%lld done\n", s.name, static_cast<long long>(m));
    }
  }
  j << "\n  ]";
  return j.str();
}

void random_batch(std::mt19937_64& rng, int batch, int seq_len, bool full, std::vector<int32_t>& ids,
                  std::vector<int32_t>& lengths) {
  std::uniform_int_distribution<int32_t> tok(1000, 29000);
  std::uniform_int_distribution<int32_t> len(seq_len / 4, seq_len);
  ids.assign(static_cast<size_t>(batch) * seq_len, 0);
  lengths.resize(batch);
  for (int b = 0; b < batch; ++b) {
    lengths[b] = full ? seq_len : len(rng);
    for (int p = 0; p < lengths[b]; ++p) ids[static_cast<size_t>(b) * seq_len + p] = tok(rng);
  }
}

std::string e2e_section(backend& be, bool quick) {
  const int seq_len = 128;
  const std::vector<int> batches = quick ? std::vector<int>{32, 256, 1024} : std::vector<int>{32, 64, 128, 256, 512, 1024};
  std::mt19937_64 rng(3);
  std::ostringstream j;
  j << "{\"seq_len\": " << seq_len << ", \"tokens_per_passage\": \"all 128 real (no padding)\", \"runs\": [";
  bool first = true;
  // The unfused graph on both int8 paths, then the fused graph (the one the
  // encoder runs on a GPU, model/encoder.hpp int8_graph) on the default path.
  struct variant {
    bool fused;
    cuda::gemm_s8_path path;
  };
  for (const variant v : {variant{false, cuda::gemm_s8_path::automatic}, variant{false, cuda::gemm_s8_path::own},
                          variant{true, cuda::gemm_s8_path::automatic}}) {
    auto g = minilm_graph::create(be, minilm_shape{}, batches.back(), seq_len, 42, v.fused);
    if (!g.ok()) return "{\"error\": " + jstr(g.get_status().to_string()) + "}";
    if (!cuda::set_gemm_s8_path(be, v.path).ok()) break;
    for (int b : batches) {
      std::vector<int32_t> ids, lengths;
      random_batch(rng, b, seq_len, true, ids, lengths);
      std::vector<float> out;
      auto t = time_per_call([&] { return (*g)->encode(ids, lengths, b, out); }, quick ? 0.2 : 0.5);
      j << (first ? "" : ",") << "\n    {\"graph\": " << jstr(v.fused ? "fused" : "unfused")
        << ", \"gemm_s8_path\": " << jstr(cuda::to_string(v.path)) << ", \"batch\": " << b;
      first = false;
      if (t.ok()) {
        j << ", \"ms_per_batch\": " << jnum(*t * 1e3) << ", \"passages_per_s\": " << jnum(b / *t);
      } else {
        j << ", \"error\": " << jstr(t.get_status().to_string());
      }
      j << "}";
      std::fprintf(stderr, "e2e %s %s batch %d done\n", v.fused ? "fused" : "unfused", cuda::to_string(v.path), b);
    }
  }
  cuda::set_gemm_s8_path(be, cuda::gemm_s8_path::automatic).ignore();
  j << "\n  ]}";
  return j.str();
}

// One query (batch 1) at the encoder's bucket lengths: upload the ids, the
// forward pass, download the vector. With `graph`, the forward pass is one
// CUDA graph (backend::run_sequence: warm-up, capture, then replays; the
// warm-up iterations below cover the first two), and each row also says how
// far its vector is from the ordinary launches' (same kernels: expect 0) and
// what the backend's graph counters did.
std::string query_section(backend& be, bool fused, bool graph) {
  std::ostringstream j;
  j << "[";
  bool first = true;
  if (!cuda::set_graphs_enabled(be, graph).ok()) return "[{\"error\": \"not a CUDA backend\"}]";
  for (int seq_len : {16, 32, 64, 128}) {
    auto g = minilm_graph::create(be, minilm_shape{}, 1, seq_len, 42, fused);
    if (!g.ok()) return "[{\"error\": " + jstr(g.get_status().to_string()) + "}]";
    std::mt19937_64 rng(5);
    std::vector<int32_t> ids, lengths;
    random_batch(rng, 1, seq_len, true, ids, lengths);
    std::vector<float> out, eager_out;
    std::vector<double> ms;
    status s = (*g)->encode(ids, lengths, 1, eager_out);  // the ordinary launches, for the comparison
    (*g)->set_recorded(graph);
    const auto before = cuda::graph_stats(be);
    for (int i = 0; i < 5 && s.ok(); ++i) s = (*g)->encode(ids, lengths, 1, out);  // warm-up (and capture)
    double max_diff = 0;
    for (size_t i = 0; s.ok() && i < out.size() && i < eager_out.size(); ++i)
      max_diff = std::max(max_diff, static_cast<double>(std::fabs(out[i] - eager_out[i])));
    for (int i = 0; i < 200 && s.ok(); ++i) {
      const auto t0 = clock_type::now();
      s = (*g)->encode(ids, lengths, 1, out);
      ms.push_back(seconds_since(t0) * 1e3);
    }
    j << (first ? "" : ",") << "\n    {\"tokens\": " << seq_len << ", \"graph\": " << (graph ? "true" : "false");
    first = false;
    if (!s.ok()) {
      j << ", \"error\": " << jstr(s.to_string()) << "}";
      continue;
    }
    std::sort(ms.begin(), ms.end());
    j << ", \"median_ms\": " << jnum(ms[ms.size() / 2]) << ", \"p90_ms\": " << jnum(ms[ms.size() * 9 / 10])
      << ", \"min_ms\": " << jnum(ms.front());
    const auto after = cuda::graph_stats(be);
    if (graph && before.ok() && after.ok()) {
      j << ", \"max_abs_diff_vs_launches\": " << jnum(max_diff) << ", \"captures\": "
        << (after->captures - before->captures) << ", \"replays\": " << (after->replays - before->replays)
        << ", \"capture_failures\": " << (after->failures - before->failures);
      if (after->failures > before->failures) j << ", \"capture_failure\": " << jstr(after->last_failure);
    }
    j << "}";
  }
  j << "\n  ]";
  cuda::set_graphs_enabled(be, true).ignore();
  return j.str();
}

double min_cosine(const std::vector<float>& want, const std::vector<float>& got, int batch) {
  const int h = minilm_shape{}.hidden;
  double min_cos = 1.0;
  for (int b = 0; b < batch; ++b) {
    double d = 0, na = 0, nb = 0;
    for (int i = 0; i < h; ++i) {
      const double x = want[b * h + i], y = got[b * h + i];
      d += x * y;
      na += x * x;
      nb += y * y;
    }
    min_cos = std::min(min_cos, d / std::sqrt(na * nb));
  }
  return min_cos;
}

// Two seeded graphs on a small mixed-length batch: the minimum cosine of
// their pooled vectors against `threshold`.
std::string compare_graphs(backend& want_be, bool want_fused, backend& got_be, bool got_fused, const char* what,
                           double threshold) {
  const int batch = 3, seq_len = 32;
  auto gw = minilm_graph::create(want_be, minilm_shape{}, batch, seq_len, 42, want_fused);
  auto gg = minilm_graph::create(got_be, minilm_shape{}, batch, seq_len, 42, got_fused);
  if (!gw.ok() || !gg.ok()) return "{\"error\": \"graph creation failed\", \"pass\": false}";
  std::mt19937_64 rng(9);
  std::vector<int32_t> ids, lengths;
  random_batch(rng, batch, seq_len, false, ids, lengths);
  lengths[0] = seq_len;
  std::vector<float> want, got;
  status s1 = (*gw)->encode(ids, lengths, batch, want);
  status s2 = (*gg)->encode(ids, lengths, batch, got);
  if (!s1.ok() || !s2.ok())
    return "{\"error\": " + jstr(s1.ok() ? s2.to_string() : s1.to_string()) + ", \"pass\": false}";
  const double min_cos = min_cosine(want, got, batch);
  const bool pass = min_cos >= threshold;
  return std::string("{\"what\": ") + jstr(what) + ", \"min_cosine\": " + jnum(min_cos) +
         ", \"threshold\": " + jnum(threshold) + ", \"pass\": " + (pass ? "true" : "false") + "}";
}

// The same seeded graph on the CPU reference backend and on `be`.
std::string check_section(backend& be, bool fused) {
  auto cpu = make_cpu_backend(cpu_backend_options{1, true});
  return compare_graphs(*cpu, fused, be, fused,
                        fused ? "seeded MiniLM-shaped fused int8 graph (f16 attention), batch 3 x 32 tokens (mixed "
                                "lengths), this backend vs the CPU reference"
                              : "seeded MiniLM-shaped int8 graph, batch 3 x 32 tokens (mixed lengths), this backend "
                                "vs the CPU reference",
                        0.999);
}

int run(int argc, char** argv) {
  std::string out_path = "cuda-bench.json";
  bool quick = false;
  int ordinal = 0;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--out" && i + 1 < argc) out_path = argv[++i];
    else if (a == "--quick") quick = true;
    else if (a == "--device" && i + 1 < argc) ordinal = std::atoi(argv[++i]);
    else if (a == "--check-on-cpu") {
      // The graphs' own checks without a GPU: each graph on the CPU fast
      // kernels vs the reference, and the fused graph (the GPU's, on the
      // reference fused ops) vs the unfused one: they quantize at the same
      // points, so only f16 attention and last-bit differences separate them.
      auto fast = make_cpu_backend(cpu_backend_options{2, false});
      auto ref = make_cpu_backend(cpu_backend_options{1, true});
      const std::string r[3] = {
          check_section(*fast, false), check_section(*fast, true),
          compare_graphs(*ref, false, *ref, true,
                         "seeded MiniLM-shaped graph on the CPU reference: fused (f16 attention) vs unfused int8",
                         0.99)};
      bool pass = true;
      std::printf("{\"unfused_fast_vs_reference\": %s,\n \"fused_fast_vs_reference\": %s,\n "
                  "\"fused_vs_unfused\": %s}\n",
                  r[0].c_str(), r[1].c_str(), r[2].c_str());
      for (const std::string& x : r) pass = pass && x.find("\"pass\": true") != std::string::npos;
      return pass ? 0 : 1;
    }
    else {
      std::fprintf(stderr, "usage: winnow_cuda_bench [--out FILE] [--quick] [--device N]\n");
      return 2;
    }
  }
  std::ostringstream j;
  j << "{\n  \"weights\": \"synthetic, seeded, MiniLM-L6 shapes (6 layers, H=384, 12 heads, FFN 1536, vocab 30522)\"";
  if (cuda::cuda_device_count() <= ordinal) {
    j << ",\n  \"error\": \"no CUDA device " << ordinal << " on this machine\"\n}\n";
    std::ofstream(out_path) << j.str();
    std::fprintf(stderr, "no CUDA device %d\n", ordinal);
    return 1;
  }
  auto be = cuda::make_cuda_backend(ordinal);
  if (!be.ok()) {
    j << ",\n  \"error\": " << jstr(be.get_status().to_string()) << "\n}\n";
    std::ofstream(out_path) << j.str();
    return 1;
  }
  const device_info& info = (*be)->info();
  const device_peak peak = int8_peak(ordinal);
  j << ",\n  \"device\": {\"name\": " << jstr(info.name) << ", \"compute_capability\": " << info.compute_capability
    << ", \"total_memory_bytes\": " << info.total_memory_bytes << ", \"int8_dense_peak_tops\": "
    << jnum(peak.int8_dense_tops) << ", \"peak_clock_mhz\": " << peak.clock_mhz << ", \"boost_clock_mhz\": " << peak.boost_clock_mhz
    << ", \"peak_basis\": " << jstr(peak.basis) << "}";
  j << ",\n  \"check\": " << check_section(**be, false);
  j << ",\n  \"check_fused\": " << check_section(**be, true);
  std::fprintf(stderr, "check done\n");
  // Without CUDA graphs (every op its own launch), then the product's graph
  // (fused) as one CUDA graph per bucket, as model/encoder runs a query.
  j << ",\n  \"query_latency\": " << query_section(**be, false, false);
  j << ",\n  \"query_latency_fused\": " << query_section(**be, true, false);
  j << ",\n  \"query_latency_fused_graph\": " << query_section(**be, true, true);
  std::fprintf(stderr, "query done\n");
  j << ",\n  \"end_to_end\": " << e2e_section(**be, quick);
  j << ",\n  \"gemm_s8\": " << gemm_section(**be, ordinal, quick, peak);
  j << ",\n  \"goals\": {\"passages_per_s\": 150000, \"ffn_gemm_pct_of_peak\": 60, \"query_ms\": 1}\n}\n";
  std::ofstream f(out_path);
  f << j.str();
  std::printf("%s", j.str().c_str());
  return f.good() ? 0 : 1;
}

}  // namespace
}  // namespace winnow::bench

int main(int argc, char** argv) { return winnow::bench::run(argc, argv); }

// winnow_gpu_parity: the whole encoder on a CUDA device against the fp32
// encoder on the CPU, on the built-in probe texts and on the first N passages
// of a BEIR corpus (tests/gpu/device-check.sh: SciFact's first 1,000).
// Reports, per set and per GPU precision (int8, fp32), the cosine between the
// GPU's vector and the CPU fp32 reference: min, 1st percentile, mean, and how
// many fall under 0.99. Writes one JSON object (--out); exit 0 when every
// int8 cosine is >= --min-cosine and every fp32 one >= 0.999, 1 otherwise,
// 2 when it could not run (no device, no model: the JSON says why).
//
// Usage: winnow_gpu_parity --model DIR [--corpus corpus.jsonl] [--passages N]
//                          [--device N] [--min-cosine C] --out FILE
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "kernels/cuda/cuda_backend.hpp"
#include "kernels/registry.hpp"
#include "model/encoder.hpp"

namespace {

using namespace winnow;
using vectors = std::vector<std::vector<float>>;

status_or<vectors> encode_all(model::encoder& e, const std::vector<std::string>& texts) {
  vectors out;
  for (size_t i = 0; i < texts.size(); i += 64) {
    std::vector<std::string> chunk(texts.begin() + static_cast<long>(i),
                                   texts.begin() + static_cast<long>(std::min(texts.size(), i + 64)));
    WINNOW_ASSIGN_OR_RETURN(auto v, e.encode(chunk));
    for (auto& x : v) out.push_back(std::move(x));
  }
  return out;
}

nlohmann::json compare(const vectors& got, const vectors& want) {
  std::vector<double> c;
  for (size_t i = 0; i < got.size() && i < want.size(); ++i) {
    double d = 0, na = 0, nb = 0;
    for (size_t j = 0; j < got[i].size(); ++j) {
      d += double(got[i][j]) * want[i][j];
      na += double(got[i][j]) * got[i][j];
      nb += double(want[i][j]) * want[i][j];
    }
    c.push_back(na > 0 && nb > 0 ? d / std::sqrt(na * nb) : 0.0);
  }
  std::sort(c.begin(), c.end());
  double sum = 0;
  for (double x : c) sum += x;
  const size_t below = static_cast<size_t>(std::lower_bound(c.begin(), c.end(), 0.99) - c.begin());
  return {{"count", c.size()},
          {"min", c.empty() ? 0.0 : c.front()},
          {"p1", c.empty() ? 0.0 : c[c.size() / 100]},
          {"mean", c.empty() ? 0.0 : sum / double(c.size())},
          {"below_0_99", below}};
}

std::vector<std::string> read_passages(const std::string& path, size_t n) {
  std::vector<std::string> out;
  std::ifstream in(path);
  std::string line;
  while (out.size() < n && std::getline(in, line)) {
    auto j = nlohmann::json::parse(line, nullptr, false);
    if (j.is_discarded()) continue;
    std::string t = j.value("title", "");
    const std::string body = j.value("text", "");
    out.push_back(t.empty() ? body : t + " " + body);
  }
  return out;
}

int run(int argc, char** argv) {
  std::string model_dir, corpus, out_path;
  size_t passages = 1000;
  int device = 0;
  double min_cosine = 0.99;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string a = argv[i], v = argv[i + 1];
    if (a == "--model") model_dir = v;
    else if (a == "--corpus") corpus = v;
    else if (a == "--passages") passages = std::strtoul(v.c_str(), nullptr, 10);
    else if (a == "--device") device = std::atoi(v.c_str());
    else if (a == "--min-cosine") min_cosine = std::atof(v.c_str());
    else if (a == "--out") out_path = v;
  }
  nlohmann::json j;
  auto finish = [&](int rc) {
    j["exit_code"] = rc;
    if (!out_path.empty()) std::ofstream(out_path) << j.dump(1) << "\n";
    std::printf("%s\n", j.dump().c_str());
    return rc;
  };
  if (model_dir.empty() || out_path.empty()) {
    std::fprintf(stderr, "usage: winnow_gpu_parity --model DIR [--corpus FILE] [--passages N] [--device N] --out FILE\n");
    return 2;
  }
  const std::string id = "cuda:" + std::to_string(device);
  auto gpu_be = kernels::make_backend(id);
  if (!gpu_be.ok()) {
    j["error"] = gpu_be.get_status().to_string();
    return finish(2);
  }
  j["device"] = (*gpu_be)->info().name;
  auto cpu_be = kernels::make_backend("cpu", kernels::registry_options{8});
  if (!cpu_be.ok()) {
    j["error"] = cpu_be.get_status().to_string();
    return finish(2);
  }
  model::encoder_options o8, o32;
  o8.requested = model::precision::int8;
  o8.run_quality_gate = false;  // raw int8: this tool measures what the gate would
  o32.requested = model::precision::fp32;
  // int8 twice: the graph the encoder picks on a GPU (fused, when the
  // backend has the fused ops) and the unfused one it replaced.
  model::encoder_options o8_unfused = o8;
  o8_unfused.graph = model::int8_graph::unfused;
  auto gpu8 = model::encoder::load(model_dir, o8, **gpu_be);
  auto gpu8_unfused = model::encoder::load(model_dir, o8_unfused, **gpu_be);
  auto gpu32 = model::encoder::load(model_dir, o32, **gpu_be);
  auto ref = model::encoder::load(model_dir, o32, **cpu_be);
  for (auto* e : {&gpu8, &gpu8_unfused, &gpu32, &ref}) {
    if (!e->ok()) {
      j["error"] = e->get_status().to_string();
      return finish(2);
    }
  }
  j["int8_graph"] = !(*gpu8)->fused_graph() ? "unfused"
                    : (*gpu8)->f16_attention() ? "fused, f16 attention"
                                               : "fused, f32 attention";
  std::vector<std::pair<std::string, std::vector<std::string>>> sets = {{"probe_texts", model::probe_texts()}};
  if (!corpus.empty()) sets.push_back({"corpus_first_" + std::to_string(passages), read_passages(corpus, passages)});
  bool ok = true;
  for (const auto& [name, texts] : sets) {
    auto want = encode_all(**ref, texts);
    auto got8 = encode_all(**gpu8, texts);
    auto got8_unfused = encode_all(**gpu8_unfused, texts);
    auto got32 = encode_all(**gpu32, texts);
    for (auto* r : {&want, &got8, &got8_unfused, &got32}) {
      if (!r->ok()) {
        j["error"] = name + ": " + r->get_status().to_string();
        return finish(1);
      }
    }
    j[name]["texts"] = texts.size();
    j[name]["gpu_int8_vs_cpu_fp32"] = compare(*got8, *want);
    j[name]["gpu_int8_unfused_vs_cpu_fp32"] = compare(*got8_unfused, *want);
    j[name]["gpu_fp32_vs_cpu_fp32"] = compare(*got32, *want);
    ok = ok && j[name]["gpu_int8_vs_cpu_fp32"]["min"].get<double>() >= min_cosine &&
         j[name]["gpu_fp32_vs_cpu_fp32"]["min"].get<double>() >= 0.999;
  }
  // The query path: each probe text alone, padded to its bucket (16/32/64/
  // 128) and run as one CUDA graph per bucket (run_sequence). Three rounds:
  // the first warms each bucket up (ordinary launches), the second captures,
  // the third replays. Every round must give the batched GPU vectors (same
  // kernels, padding masked: expect ~1.0) and pass the same bar against fp32.
  {
    const std::vector<std::string>& texts = model::probe_texts();
    auto batched8 = encode_all(**gpu8, texts);
    auto batched32 = encode_all(**gpu32, texts);
    auto want = encode_all(**ref, texts);
    const auto before = kernels::cuda::graph_stats(**gpu_be);
    for (int round = 0; round < 3 && batched8.ok() && batched32.ok() && want.ok(); ++round) {
      vectors alone8, alone32;
      for (const std::string& t : texts) {
        auto a = (*gpu8)->encode({t});
        auto b = (*gpu32)->encode({t});
        if (!a.ok() || !b.ok()) {
          j["queries"]["error"] = (a.ok() ? b.get_status() : a.get_status()).to_string();
          return finish(1);
        }
        alone8.push_back(std::move((*a)[0]));
        alone32.push_back(std::move((*b)[0]));
      }
      nlohmann::json r;
      r["int8_alone_vs_batched"] = compare(alone8, *batched8);
      r["fp32_alone_vs_batched"] = compare(alone32, *batched32);
      r["int8_alone_vs_cpu_fp32"] = compare(alone8, *want);
      j["queries"]["rounds"].push_back(r);
      ok = ok && r["int8_alone_vs_batched"]["min"].get<double>() >= 0.9999 &&
           r["fp32_alone_vs_batched"]["min"].get<double>() >= 0.9999 &&
           r["int8_alone_vs_cpu_fp32"]["min"].get<double>() >= min_cosine;
    }
    if (!batched8.ok() || !batched32.ok() || !want.ok()) {
      j["queries"]["error"] = "batched encode failed";
      ok = false;
    }
    const auto after = kernels::cuda::graph_stats(**gpu_be);
    if (before.ok() && after.ok()) {
      j["queries"]["graph_captures"] = after->captures - before->captures;
      j["queries"]["graph_replays"] = after->replays - before->replays;
      j["queries"]["graph_capture_failures"] = after->failures - before->failures;
      j["queries"]["graph_last_failure"] = after->last_failure;
    }
  }
  j["min_cosine_required"] = {{"int8", min_cosine}, {"fp32", 0.999}};
  j["passed"] = ok;
  return finish(ok ? 0 : 1);
}

}  // namespace

int main(int argc, char** argv) { return run(argc, argv); }

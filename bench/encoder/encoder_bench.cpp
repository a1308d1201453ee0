// winnow_encoder_bench — passages/s and tokens/s of the CPU encoder on SciFact
// passages (truncated to 128 and 256 tokens; batch 1/8/32/128; 1 and 2
// threads; fp32 and int8) and query latency p50/p99 (<= 32 tokens, one
// thread), next to ONNX Runtime on the same texts, limits and thread counts
// (ort_encode_bench.py, run from here), reported as winnow / ORT ratios.
//
// usage: winnow_encoder_bench --model DIR --corpus corpus.jsonl.gz
//          --queries queries.jsonl [--passages 64] [--query-count 200]
//          [--python python3] [--work DIR] [--threads 1|2] [--precision int8|fp32]
//          [--skip-ort]
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "common/line_reader.hpp"
#include "model/encoder.hpp"

namespace {

using winnow::model::encoder;
using winnow::model::encoder_options;
using winnow::model::precision;

struct run_config {
  std::string precision;
  int threads;
  int max_tokens;
  int batch;
};

// Texts of a BEIR corpus (title + text) or queries file, plain or gzip
// (common/line_reader); exits naming file and line on a bad line.
std::vector<std::string> read_jsonl_gz(const std::string& path, size_t limit, bool corpus) {
  std::vector<std::string> out;
  auto reader = winnow::line_reader::open(path);
  if (!reader.ok()) {
    std::fprintf(stderr, "%s\n", reader.get_status().to_string().c_str());
    std::exit(2);
  }
  std::string line;
  while (out.size() < limit) {
    auto more = (*reader)->next(&line);
    if (!more.ok()) {
      std::fprintf(stderr, "%s\n", more.get_status().to_string().c_str());
      std::exit(2);
    }
    if (!*more) break;
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    auto j = nlohmann::json::parse(line, nullptr, false);
    if (j.is_discarded() || !j.is_object() || !j.contains("text") || !j["text"].is_string()) {
      std::fprintf(stderr, "%s:%llu: %s\n", path.c_str(),
                   static_cast<unsigned long long>((*reader)->line_number()),
                   j.is_discarded() ? "invalid JSON" : "missing string field 'text'");
      std::exit(2);
    }
    std::string text = j["text"].get<std::string>();
    // BEIR's title is optional; a passage is "title text" as the engine encodes it.
    if (corpus && j.contains("title") && j["title"].is_string()) text = j["title"].get<std::string>() + " " + text;
    out.push_back(std::move(text));
  }
  return out;
}

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

double cpu_seconds(clockid_t which) {
  timespec t{};
  clock_gettime(which, &t);
  return t.tv_sec + t.tv_nsec * 1e-9;
}

double percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  const size_t i = std::min(v.size() - 1, static_cast<size_t>(p * (v.size() - 1) + 0.5));
  return v[i];
}

std::unique_ptr<encoder> load(const std::string& dir, const std::string& p, int threads, int max_tokens) {
  encoder_options o;
  o.requested = p == "int8" ? precision::int8 : precision::fp32;
  o.threads = threads;
  o.max_tokens = max_tokens;
  auto e = encoder::load(dir, o);
  if (!e.ok()) {
    std::fprintf(stderr, "load failed: %s\n", e.get_status().to_string().c_str());
    std::exit(2);
  }
  std::fprintf(stderr, "loaded %s, %d thread(s): %s\n", p.c_str(), threads, (*e)->precision_note().c_str());
  return std::move(e).value();
}

}  // namespace

int main(int argc, char** argv) {
  // Idle OpenMP workers must sleep instead of spinning (ORT's spinning is off
  // too) so that process CPU time measures work: on a shared machine wall time
  // mostly measures the neighbours, so ratios use CPU time. libgomp reads the
  // policy when it loads, so set it and start again.
  if (!std::getenv("OMP_WAIT_POLICY")) {
    setenv("OMP_WAIT_POLICY", "PASSIVE", 1);
    execv("/proc/self/exe", argv);
    std::fprintf(stderr, "cannot re-exec with OMP_WAIT_POLICY=PASSIVE; set it yourself\n");
    return 2;
  }
  std::map<std::string, std::string> args = {{"--passages", "64"}, {"--query-count", "200"},
                                             {"--python", "python3"}, {"--work", "bench/out/encoder"}};
  bool skip_ort = false;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--skip-ort") {
      skip_ort = true;
    } else if (i + 1 < argc) {
      args[a] = argv[++i];
    }
  }
  for (const char* req : {"--model", "--corpus", "--queries"}) {
    if (!args.count(req)) {
      std::fprintf(stderr, "usage: %s --model DIR --corpus corpus.jsonl.gz --queries queries.jsonl "
                   "[--passages N] [--query-count N] [--python PY] [--work DIR] [--threads 1|2] "
                   "[--precision int8|fp32] [--skip-ort]\n", argv[0]);
      return 2;
    }
  }
  const std::string model = args["--model"];
  const auto passages = read_jsonl_gz(args["--corpus"], std::stoul(args["--passages"]), true);
  const auto queries = read_jsonl_gz(args["--queries"], std::stoul(args["--query-count"]), false);
  std::vector<run_config> runs;
  for (int max_tokens : {128, 256})
    for (const char* p : {"fp32", "int8"})
      for (int threads : {1, 2})
        for (int batch : {1, 8, 32, 128}) {
          const bool wanted_threads = !args.count("--threads") || std::stoi(args["--threads"]) == threads;
          const bool wanted_precision = !args.count("--precision") || args["--precision"] == p;
          if (wanted_threads && wanted_precision) {
            runs.push_back({p, threads, max_tokens, batch});
          }
        }

  // ONNX Runtime first (same texts, limits, threads, batches).
  nlohmann::json ort;
  if (!skip_ort) {
    std::filesystem::create_directories(args["--work"]);
    nlohmann::json cfg;
    cfg["passages"] = passages;
    cfg["queries"] = queries;
    cfg["repeats"] = 1;
    cfg["query_threads"] = 1;
    for (const auto& r : runs) {
      cfg["runs"].push_back({{"precision", r.precision}, {"threads", r.threads}, {"max_tokens", r.max_tokens},
                             {"batch", r.batch}});
    }
    const std::string cfg_path = args["--work"] + "/ort_config.json";
    const std::string out_path = args["--work"] + "/ort_results.json";
    std::ofstream(cfg_path) << cfg.dump();
    const std::string cmd = args["--python"] + " " + WINNOW_SOURCE_DIR + "/bench/encoder/ort_encode_bench.py " +
                            model + " " + args["--work"] + " " + cfg_path + " " + out_path;
    std::fprintf(stderr, "running: %s\n", cmd.c_str());
    if (std::system(cmd.c_str()) != 0) {
      std::fprintf(stderr, "ONNX Runtime side failed\n");
      return 1;
    }
    std::ifstream in(out_path);
    ort = nlohmann::json::parse(in);
  }

  struct result { double seconds; double cpu; size_t tokens; };
  std::vector<result> ours;
  std::map<std::string, std::unique_ptr<encoder>> encoders;
  for (const auto& r : runs) {
    const std::string key = r.precision + "/" + std::to_string(r.threads) + "/" + std::to_string(r.max_tokens);
    if (!encoders.count(key)) {
      encoders.clear();  // one model in memory at a time
      encoders[key] = load(model, r.precision, r.threads, r.max_tokens);
    }
    encoder& enc = *encoders[key];
    size_t tokens = 0;
    for (const auto& p : passages) tokens += enc.text_tokenizer().encode(p, r.max_tokens).size();
    const std::vector<std::string> warm(passages.begin(), passages.begin() + std::min<size_t>(r.batch, passages.size()));
    if (!enc.encode(warm).ok()) return 1;
    const auto t0 = std::chrono::steady_clock::now();
    const double c0 = cpu_seconds(CLOCK_PROCESS_CPUTIME_ID);
    for (size_t i = 0; i < passages.size(); i += r.batch) {
      std::vector<std::string> batch(passages.begin() + i, passages.begin() + std::min(passages.size(), i + r.batch));
      auto v = enc.encode(batch);
      if (!v.ok()) {
        std::fprintf(stderr, "encode failed: %s\n", v.get_status().to_string().c_str());
        return 1;
      }
    }
    ours.push_back({seconds_since(t0), cpu_seconds(CLOCK_PROCESS_CPUTIME_ID) - c0, tokens});
    std::fprintf(stderr, "winnow %s %dt len %d batch %d: %.1f passages per cpu-s\n", r.precision.c_str(), r.threads,
                 r.max_tokens, r.batch, passages.size() / ours.back().cpu);
  }
  encoders.clear();

  std::map<std::string, std::vector<double>> latency, latency_cpu;
  std::vector<std::string> query_precisions;
  for (const char* p : {"int8", "fp32"}) {
    if (!args.count("--precision") || args["--precision"] == p) query_precisions.push_back(p);
  }
  for (const auto& p : query_precisions) {
    auto enc = load(model, p, 1, 32);
    for (size_t i = 0; i < std::min<size_t>(20, queries.size()); ++i) (void)enc->encode({queries[i]});
    for (const auto& q : queries) {
      const auto t0 = std::chrono::steady_clock::now();
      const double c0 = cpu_seconds(CLOCK_THREAD_CPUTIME_ID);
      auto v = enc->encode({q});
      latency[p].push_back(seconds_since(t0) * 1000.0);
      latency_cpu[p].push_back((cpu_seconds(CLOCK_THREAD_CPUTIME_ID) - c0) * 1000.0);
      if (!v.ok()) return 1;
    }
  }

  auto fmt = [](double v, int digits) {
    char b[32];
    std::snprintf(b, sizeof b, "%.*f", digits, v);
    return std::string(b);
  };
  std::printf("Throughput per CPU-second (process CPU time; wall-clock in the last columns)\n\n");
  std::printf("| precision | threads | max tokens | batch | winnow passages/cpu-s | winnow tokens/cpu-s | "
              "ORT passages/cpu-s | winnow/ORT | winnow passages/s wall | ORT passages/s wall |\n");
  std::printf("|---|---|---|---|---|---|---|---|---|---|\n");
  for (size_t i = 0; i < runs.size(); ++i) {
    const auto& r = runs[i];
    const double pps = passages.size() / ours[i].cpu;
    const double tps = ours[i].tokens / ours[i].cpu;
    double ort_pps = 0, ort_wall = 0;
    if (!ort.is_null()) {
      ort_pps = ort["runs"][i]["passages"].get<double>() / ort["runs"][i]["cpu_seconds"].get<double>();
      ort_wall = ort["runs"][i]["passages"].get<double>() / ort["runs"][i]["seconds"].get<double>();
    }
    std::printf("| %s | %d | %d | %d | %s | %s | %s | %s | %s | %s |\n", r.precision.c_str(), r.threads,
                r.max_tokens, r.batch, fmt(pps, 1).c_str(), fmt(tps, 0).c_str(),
                ort_pps > 0 ? fmt(ort_pps, 1).c_str() : "-", ort_pps > 0 ? (fmt(pps / ort_pps, 2) + "x").c_str() : "-",
                fmt(passages.size() / ours[i].seconds, 1).c_str(), ort_wall > 0 ? fmt(ort_wall, 1).c_str() : "-");
  }
  std::printf("\nQuery encoding (<= 32 tokens, batch 1, 1 thread), ms: thread CPU time, then wall-clock\n\n");
  std::printf("| precision | winnow p50 | winnow p99 | ORT p50 | ORT p99 | winnow p50 wall | winnow p99 wall | ORT p50 wall | ORT p99 wall |\n");
  std::printf("|---|---|---|---|---|---|---|---|---|\n");
  for (const auto& p : query_precisions) {
    std::vector<double> o, oc;
    if (!ort.is_null()) {
      o = ort["queries"][p].get<std::vector<double>>();
      oc = ort["queries_cpu"][p].get<std::vector<double>>();
    }
    std::printf("| %s | %.2f | %.2f | %.2f | %.2f | %.2f | %.2f | %.2f | %.2f |\n", p.c_str(),
                percentile(latency_cpu[p], 0.5), percentile(latency_cpu[p], 0.99), percentile(oc, 0.5),
                percentile(oc, 0.99), percentile(latency[p], 0.5), percentile(latency[p], 0.99),
                percentile(o, 0.5), percentile(o, 0.99));
  }
  std::printf("\n%zu passages, %zu queries; ORT %s\n", passages.size(), queries.size(),
              ort.is_null() ? "skipped" : ort["versions"]["onnxruntime"].get<std::string>().c_str());
  return 0;
}

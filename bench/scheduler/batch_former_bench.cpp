// The batcher's own CPU cost per request: enqueue + next() + complete() on the
// simulated pool (config/simulated-pool.toml), with simulated time. Goal: at
// most 20 us per request (issue 5 §7). Simulated time advances `step_us` per
// request; devices finish when their timing model says.
//
//   build/bench/scheduler/bench_scheduler --benchmark_min_time=0.5

#include <benchmark/benchmark.h>

#include <cstdio>
#include <cstdlib>
#include <random>
#include <vector>

#include "config/load_config.hpp"
#include "scheduler/batch_former.hpp"

namespace winnow::scheduler {
namespace {

struct running {
  uint64_t batch_id;
  time_point_ns finish_ns;
};

// Args: percentage of requests that are bulk passages, simulated us between requests.
void bm_batcher_per_request(benchmark::State& state) {
  auto cfg = config::load_config(WINNOW_SOURCE_DIR "/config/simulated-pool.toml");
  if (!cfg.ok()) {
    state.SkipWithError(cfg.get_status().to_string().c_str());
    return;
  }
  batch_former bf(*cfg);
  const class_id interactive = *bf.class_of("interactive");
  const class_id bulk = *bf.class_of("bulk");
  const int bulk_percent = static_cast<int>(state.range(0));
  const int64_t step_ns = state.range(1) * 1000;

  // The workload is drawn before timing: 16k requests, reused in a ring.
  std::mt19937_64 rng(42);
  std::uniform_int_distribution<uint32_t> query_len(4, 40), passage_len(32, 512);
  std::uniform_int_distribution<int> pct(0, 99);
  std::vector<request> work(1 << 14);
  for (size_t i = 0; i < work.size(); ++i) {
    bool is_bulk = pct(rng) < bulk_percent;
    work[i].cls = is_bulk ? bulk : interactive;
    work[i].tokens = is_bulk ? passage_len(rng) : query_len(rng);
  }

  std::vector<running> in_flight;
  time_point_ns now = 0;
  uint64_t id = 0, refused = 0, batches = 0, timed_out = 0;
  for (auto _ : state) {
    now += step_ns;
    for (size_t i = 0; i < in_flight.size();) {
      if (in_flight[i].finish_ns <= now) {
        benchmark::DoNotOptimize(bf.complete(in_flight[i].batch_id, in_flight[i].finish_ns));
        in_flight[i] = in_flight.back();
        in_flight.pop_back();
      } else {
        ++i;
      }
    }
    request r = work[id & (work.size() - 1)];
    r.id = ++id;
    if (!bf.enqueue(r, now).ok()) ++refused;
    for (;;) {
      decision d = bf.next(now);
      if (d.kind != decision_kind::send_now) break;
      ++batches;
      in_flight.push_back(
          {d.work.id, now + bf.devices().duration_ns(d.device, d.work.padded_tokens())});
    }
    timed_out += bf.take_rejected().size();
  }
  state.SetItemsProcessed(state.iterations());
  state.counters["requests_per_batch"] =
      batches ? static_cast<double>(id - refused - timed_out) / static_cast<double>(batches) : 0;
  state.counters["refused_pct"] = 100.0 * static_cast<double>(refused) / static_cast<double>(id);
  state.counters["timed_out_pct"] = 100.0 * static_cast<double>(timed_out) / static_cast<double>(id);
}

// Interactive only at moderate load; a 30% bulk mix at moderate load; the same
// mix at overload (queues full, refusals) where the scans are longest.
BENCHMARK(bm_batcher_per_request)
    ->ArgNames({"bulk_pct", "step_us"})
    ->Args({0, 20})
    ->Args({30, 80})
    ->Args({30, 10})
    ->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace winnow::scheduler

BENCHMARK_MAIN();

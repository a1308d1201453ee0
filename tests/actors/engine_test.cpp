// The actor engine end to end on a small corpus, with real RocksDB, the real
// model and real actors (threaded scheduler, finite timeouts). Skipped when
// the model files are absent (scripts/setup fetches them).

#include "actors/engine.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <future>
#include <thread>

#include "config/load_config.hpp"
#include "kernels/registry.hpp"
#include "storage/db.hpp"
#include "tests/support/test_support.hpp"

namespace winnow::actors {
namespace {

using namespace std::chrono_literals;

std::vector<storage::document> corpus() {
  return {
      {"cat", "Cats", "Cats are small domestic felines; a kitten purrs and pets like to nap.", ""},
      {"dog", "Dogs", "Dogs are loyal pets that bark, fetch sticks and guard the house.", ""},
      {"stocks", "Markets", "Stock market prices fell sharply as investors sold shares.", ""},
      {"rain", "Weather", "Heavy rain and thunderstorms are expected over the weekend.", ""},
      {"bread", "Baking", "Knead the dough, let it rise, then bake the bread until golden.", ""},
      {"rocket", "Space", "The rocket launched a satellite into low earth orbit.", ""},
      {"piano", "Music", "She practiced piano scales and a sonata every morning.", ""},
      {"fish", "Aquarium", "Tropical fish need warm clean water in the aquarium tank.", ""},
  };
}

// Two shards (global statistics matter), the interactive and bulk classes.
// `engine_extra`: more [engine] keys; `bulk_max_queue`: the bulk class's max_queue.
std::string config_text(const std::string& devices, const std::string& engine_extra = "",
                        int bulk_max_queue = 256) {
  return R"(
[engine]
shards = 2
)" + engine_extra + R"(
[[classes]]
name = "interactive"
priority = 0
max_queue_delay_us = 200
max_batch_tokens = 2048
max_queue = 64
timeout_ms = 2000
preferred_tier = "high"
[[classes]]
name = "bulk"
priority = 10
max_queue_delay_us = 2000
max_batch_tokens = 4096
max_queue = )" + std::to_string(bulk_max_queue) + R"(
preferred_tier = "low"
)" + devices;
}

const char* cpu_device = R"(
[[devices]]
name = "cpu"
backend = "cpu"
tier = "high"
threads = 1
)";

class engine_test : public ::testing::Test {
 protected:
  void SetUp() override {
    if (winnow::testing::model_dir().empty()) GTEST_SKIP() << "model files not present";
  }
  std::unique_ptr<engine> open(const std::string& devices, bool load_model = true,
                               const std::string& engine_extra = "", int bulk_max_queue = 256) {
    auto cfg = config::parse_config(config_text(devices, engine_extra, bulk_max_queue),
                                    "engine_test.toml");
    EXPECT_OK(cfg);
    if (!cfg.ok()) return nullptr;
    engine_options o;
    o.data_dir = dir_.str() + "/data";
    o.model_dir = winnow::testing::model_dir();
    o.load_model = load_model;
    auto e = engine::open(*cfg, o);
    EXPECT_OK(e);
    return e.ok() ? std::move(e).value() : nullptr;
  }
  static std::vector<std::string> ids(const search_result& r) {
    std::vector<std::string> out;
    for (const auto& h : r.hits) out.push_back(h.id);
    return out;
  }
  winnow::testing::temp_dir dir_;
};

search_query query(std::string text, query_mode mode, uint32_t budget_ms = 0) {
  search_query q;
  q.text = std::move(text);
  q.k = 5;
  q.mode = mode;
  q.budget_ms = budget_ms;
  return q;
}

TEST_F(engine_test, ingest_becomes_searchable_and_all_three_modes_answer) {
  auto e = open(cpu_device);
  ASSERT_TRUE(e);
  auto docs = corpus();
  docs.push_back({"bad", "t", "broken \xFF utf8", ""});
  auto ack = e->ingest(docs);
  ASSERT_OK(ack);
  ASSERT_EQ(ack->docs.size(), docs.size());
  EXPECT_EQ(ack->docs[0].state, "accepted");
  EXPECT_EQ(ack->docs.back().state, "rejected");
  EXPECT_NE(ack->docs.back().error.find("bad"), std::string::npos) << ack->docs.back().error;
  ASSERT_OK(e->wait_until_searchable(60s));

  auto state = e->document_state("cat");
  ASSERT_OK(state);
  EXPECT_EQ(*state, "searchable");
  EXPECT_TRUE(e->document_state("bad").get_status().is_not_found());
  auto st = e->stats();
  ASSERT_OK(st);
  EXPECT_EQ(st->states.searchable, corpus().size());
  EXPECT_EQ(st->states.accepted + st->states.indexed + st->states.encoded, 0u);

  // "pets" matches cat and dog lexically; only the model knows a kitten is a cat.
  auto bm = e->search(query("kitten pets", query_mode::bm25));
  ASSERT_OK(bm);
  EXPECT_FALSE(bm->degraded);
  ASSERT_GE(bm->hits.size(), 2u);
  EXPECT_FALSE(bm->hits[0].has_cosine);
  EXPECT_EQ(bm->timings.encode_us, 0);

  auto dense = e->search(query("a young feline companion", query_mode::dense));
  ASSERT_OK(dense);
  // BM25 finds nothing for this wording in most documents; dense reranks what it finds.
  for (const auto& h : dense->hits) EXPECT_TRUE(h.has_cosine);

  auto hy = e->search(query("kitten pets", query_mode::hybrid));
  ASSERT_OK(hy);
  EXPECT_FALSE(hy->degraded);
  ASSERT_FALSE(hy->hits.empty());
  EXPECT_EQ(hy->hits[0].id, "cat");
  EXPECT_EQ(hy->hits[0].title, "Cats");
  EXPECT_FALSE(hy->hits[0].snippet.empty());
  EXPECT_TRUE(hy->hits[0].has_cosine);
  EXPECT_GT(hy->timings.encode_us, 0);
  EXPECT_GT(hy->timings.total_us, 0);

  auto dn = e->search(query("kitten pets", query_mode::dense));
  ASSERT_OK(dn);
  ASSERT_FALSE(dn->hits.empty());
  EXPECT_EQ(dn->hits[0].id, "cat");
  EXPECT_GE(dn->hits[0].cosine, dn->hits.back().cosine);

  search_query bad_class = query("cats", query_mode::bm25);
  bad_class.class_name = "no-such-class";
  auto r = e->search(bad_class);
  EXPECT_TRUE(r.get_status().is_invalid_argument());
  EXPECT_NE(r.get_status().message().find("no-such-class"), std::string::npos);
}

TEST_F(engine_test, encoding_that_misses_the_deadline_answers_bm25_order_degraded) {
  // A simulated card far too slow for the budget: every batch takes >= 400 ms.
  auto e = open(R"(
[[devices]]
name = "sim-slow"
backend = "sim:rtx4090-24gb"
tier = "high"
tokens_per_s = 1000000
launch_overhead_us = 400000
)");
  ASSERT_TRUE(e);
  ASSERT_OK(e->ingest(corpus()));
  ASSERT_OK(e->wait_until_searchable(60s));
  auto bm = e->search(query("pets that bark", query_mode::bm25));
  ASSERT_OK(bm);
  auto r = e->search(query("pets that bark", query_mode::hybrid, 50));
  ASSERT_OK(r);
  EXPECT_TRUE(r->degraded);
  EXPECT_FALSE(r->degraded_reason.empty());
  EXPECT_EQ(ids(*r), ids(*bm));
  auto st = e->stats();
  ASSERT_OK(st);
  EXPECT_EQ(st->queries.degraded, 1u);
  // With a budget the device can meet, the same query is not degraded.
  auto ok = e->search(query("pets that bark", query_mode::hybrid, 5000));
  ASSERT_OK(ok);
  EXPECT_FALSE(ok->degraded);
  EXPECT_TRUE(ok->hits[0].has_cosine);
}

TEST_F(engine_test, accepted_but_not_searchable_documents_are_picked_up_on_start) {
  {
    // A crash right after the durable write: stored and acknowledged, but
    // neither indexed nor encoded.
    auto db = storage::db::open(dir_.str() + "/data", storage::db_options{});
    ASSERT_OK(db);
    ASSERT_OK((*db)->put_documents(corpus()));
    auto s = (*db)->get_document_state("rocket");
    ASSERT_OK(s);
    EXPECT_EQ(*s, storage::doc_state::accepted);
  }
  auto e = open(cpu_device);
  ASSERT_TRUE(e);
  EXPECT_GE(e->recovered(), corpus().size());
  ASSERT_OK(e->wait_until_searchable(60s));
  auto st = e->stats();
  ASSERT_OK(st);
  EXPECT_EQ(st->states.searchable, corpus().size());
  auto r = e->search(query("satellite orbit", query_mode::hybrid));
  ASSERT_OK(r);
  ASSERT_FALSE(r->hits.empty());
  EXPECT_EQ(r->hits[0].id, "rocket");
  EXPECT_TRUE(r->hits[0].has_cosine);
}

// Admission for ingest: documents waiting for encoding are bounded; an ingest
// beyond the bound is refused whole (resource_exhausted → HTTP 429) and stores
// nothing, and ingest is accepted again once the backlog drains.
TEST_F(engine_test, ingest_beyond_max_pending_encode_is_refused_whole) {
  auto e = open(cpu_device, true, "max_pending_encode = 3\n");
  ASSERT_TRUE(e);
  auto refused = e->ingest(corpus());  // 8 documents > 3
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.get_status().code(), status_code::resource_exhausted) << refused.get_status().to_string();
  EXPECT_NE(refused.get_status().message().find("max_pending_encode = 3"), std::string::npos)
      << refused.get_status().to_string();
  EXPECT_EQ(e->get_document("cat").get_status().code(), status_code::not_found);

  auto docs = corpus();
  std::vector<storage::document> first(docs.begin(), docs.begin() + 3);
  std::vector<storage::document> second(docs.begin() + 3, docs.begin() + 6);
  ASSERT_OK(e->ingest(first));
  ASSERT_OK(e->wait_until_searchable(60s));
  ASSERT_OK(e->ingest(second));
  ASSERT_OK(e->wait_until_searchable(60s));
  auto st = e->stats();
  ASSERT_OK(st);
  EXPECT_EQ(st->states.searchable, 6u);
  EXPECT_EQ(st->ingest.rejected_backlog_full, 1u);
}

// A bulk class whose max_queue is below the ingest chunk size still encodes
// everything (chunks are cut to fit the queue rather than refused forever).
TEST_F(engine_test, ingest_encodes_with_a_tiny_bulk_queue) {
  auto e = open(cpu_device, true, "", 2);
  ASSERT_TRUE(e);
  ASSERT_OK(e->ingest(corpus()));
  ASSERT_OK(e->wait_until_searchable(60s));
  auto st = e->stats();
  ASSERT_OK(st);
  EXPECT_EQ(st->states.searchable, corpus().size());
}

TEST_F(engine_test, failed_device_batch_is_requeued_and_answered) {
  auto e = open(cpu_device);
  ASSERT_TRUE(e);
  ASSERT_OK(e->ingest(corpus()));
  ASSERT_OK(e->wait_until_searchable(60s));
  e->inject_device_fault("cpu");
  // The only device comes back through its health probe (backend and weights rebuilt:
  // seconds on a loaded 2-core machine), so the budget leaves room for that.
  auto r = e->search(query("bake bread", query_mode::hybrid, 30000));
  ASSERT_OK(r);
  EXPECT_FALSE(r->degraded) << r->degraded_reason;
  ASSERT_FALSE(r->hits.empty());
  EXPECT_EQ(r->hits[0].id, "bread");
  auto st = e->stats();
  ASSERT_OK(st);
  ASSERT_EQ(st->batcher.devices.size(), 1u);
  EXPECT_EQ(st->batcher.devices[0].failures, 1u);
  uint64_t requeued = 0;
  for (const auto& c : st->batcher.classes) requeued += c.requeued;
  EXPECT_GE(requeued, 1u);
}

// After a failed batch the device is re-admitted only through the health
// probe (backend and weights rebuilt), and then serves again.
TEST_F(engine_test, a_failed_device_comes_back_up_after_its_health_probe) {
  auto e = open(cpu_device);
  ASSERT_TRUE(e);
  ASSERT_OK(e->ingest(corpus()));
  ASSERT_OK(e->wait_until_searchable(60s));
  e->inject_device_fault("cpu");
  ASSERT_OK(e->search(query("bake bread", query_mode::hybrid, 30000)));
  std::string state;
  for (int i = 0; i < 300 && state != "up"; ++i) {
    auto st = e->stats();
    ASSERT_OK(st);
    state = st->batcher.devices.at(0).state;
    if (state != "up") std::this_thread::sleep_for(50ms);
  }
  EXPECT_EQ(state, "up");
  auto r = e->search(query("rocket satellite", query_mode::dense, 5000));
  ASSERT_OK(r);
  ASSERT_FALSE(r->hits.empty());
  EXPECT_EQ(r->hits[0].id, "rocket");
}

// A device whose health probe fails stays down (its model file is gone, so
// the rebuild fails), and comes back once a probe passes again.
TEST_F(engine_test, a_device_whose_probe_fails_stays_down_until_one_passes) {
  namespace fs = std::filesystem;
  const fs::path model = fs::path(dir_.str()) / "model";
  fs::copy(winnow::testing::model_dir(), model, fs::copy_options::recursive);
  auto cfg = config::parse_config(config_text(cpu_device), "engine_test.toml");
  ASSERT_OK(cfg);
  engine_options o;
  o.data_dir = dir_.str() + "/data";
  o.model_dir = model.string();
  auto e = engine::open(*cfg, o);
  ASSERT_OK(e);
  auto state = [&] {
    auto st = (*e)->stats();
    return st.ok() ? st->batcher.devices.at(0).state : std::string("?");
  };
  fs::rename(model / "model.safetensors", model / "model.safetensors.away");
  (*e)->inject_device_fault("cpu");
  (void)(*e)->search(query("bake bread", query_mode::dense, 1000));  // the failing batch
  std::this_thread::sleep_for(1500ms);  // several probes have failed by now
  EXPECT_EQ(state(), "down");
  fs::rename(model / "model.safetensors.away", model / "model.safetensors");
  std::string s;
  for (int i = 0; i < 400 && (s = state()) != "up"; ++i) std::this_thread::sleep_for(50ms);
  EXPECT_EQ(s, "up");
  auto r = (*e)->search(query("rocket satellite", query_mode::dense, 5000));
  ASSERT_OK(r);
  EXPECT_FALSE(r->degraded) << r->degraded_reason;
}

// The start-up rule for cuda:N (docs/gpu.md): on a GPU it runs there; without
// one (or in a build without CUDA) start-up fails, naming the device and why.
TEST_F(engine_test, a_cuda_device_without_a_gpu_stops_start_up_with_the_reason) {
  auto cfg = config::parse_config(config_text(R"(
[[devices]]
name = "gpu"
backend = "cuda:0"
tier = "high"
)"), "engine_test.toml");
  ASSERT_OK(cfg);
  engine_options o;
  o.data_dir = dir_.str() + "/data";
  o.model_dir = winnow::testing::model_dir();
  auto e = engine::open(*cfg, o);
  const std::string why = kernels::cuda_unavailable_reason();
  if (why.empty()) {
    ASSERT_OK(e);
    return;
  }
  ASSERT_FALSE(e.ok());
  EXPECT_EQ(e.get_status().code(), status_code::unavailable);
  EXPECT_NE(e.get_status().message().find("device 'gpu' (backend cuda:0)"), std::string::npos)
      << e.get_status().message();
}

// The shipped example config names three GPUs: it starts only where cuda:0..2 exist.
TEST_F(engine_test, the_a100_plus_two_4090_example_needs_its_three_gpus) {
  auto cfg = config::load_config(std::string(WINNOW_SOURCE_DIR) + "/config/a100-plus-two-4090.toml");
  ASSERT_OK(cfg);
  engine_options o;
  o.data_dir = dir_.str() + "/data";
  o.model_dir = winnow::testing::model_dir();
  auto e = engine::open(*cfg, o);
  const size_t gpus = kernels::enumerate_devices().size() - 1;
  if (gpus >= 3) {
    ASSERT_OK(e);
    return;
  }
  ASSERT_FALSE(e.ok());
  if (gpus == 0) {
    EXPECT_EQ(e.get_status().code(), status_code::unavailable) << e.get_status().to_string();
    EXPECT_NE(e.get_status().message().find("device 'a100' (backend cuda:0)"), std::string::npos)
        << e.get_status().message();
  } else {
    EXPECT_NE(e.get_status().message().find("does not exist"), std::string::npos) << e.get_status().message();
  }
}

TEST_F(engine_test, async_calls_complete_on_callbacks) {
  auto e = open(cpu_device, /*load_model=*/false);
  ASSERT_TRUE(e);
  std::promise<status_or<ingest_ack>> ingested;
  e->ingest_async(corpus(), [&](status_or<ingest_ack> a) { ingested.set_value(std::move(a)); });
  auto fut = ingested.get_future();
  ASSERT_EQ(fut.wait_for(30s), std::future_status::ready);
  ASSERT_OK(fut.get());
  ASSERT_OK(e->wait_until_searchable(30s));
  std::promise<status_or<search_result>> searched;
  e->search_async(query("thunderstorms", query_mode::bm25),
                  [&](status_or<search_result> r) { searched.set_value(std::move(r)); });
  auto sf = searched.get_future();
  ASSERT_EQ(sf.wait_for(30s), std::future_status::ready);
  auto r = sf.get();
  ASSERT_OK(r);
  ASSERT_FALSE(r->hits.empty());
  EXPECT_EQ(r->hits[0].id, "rain");
  // Without a model, dense and hybrid are refused, not silently BM25.
  auto h = e->search(query("thunderstorms", query_mode::hybrid));
  EXPECT_EQ(h.get_status().code(), status_code::unsupported);
  // Without a model documents stay `indexed` (encoded on a later start with one).
  auto st = e->document_state("rain");
  ASSERT_OK(st);
  EXPECT_EQ(*st, "indexed");

  std::promise<status> removed;
  e->remove_async({"rain"}, [&](status s) { removed.set_value(s); });
  auto rf = removed.get_future();
  ASSERT_EQ(rf.wait_for(30s), std::future_status::ready);
  ASSERT_OK(rf.get());
  EXPECT_TRUE(e->get_document("rain").get_status().is_not_found());
  auto after = e->search(query("thunderstorms", query_mode::bm25));
  ASSERT_OK(after);
  for (const auto& hit : after->hits) EXPECT_NE(hit.id, "rain");
}

}  // namespace
}  // namespace winnow::actors

#include "actors/engine.hpp"

#include <algorithm>
#include <thread>

#include <caf/all.hpp>

#include "actors/coarse_ranker.hpp"
#include "actors/device_runner.hpp"
#include "actors/device_worker.hpp"
#include "actors/engine_extension.hpp"
#include "actors/gpu_batcher.hpp"
#include "actors/ingest.hpp"
#include "actors/messages.hpp"
#include "actors/policy/score_fusion.hpp"
#include "actors/policy/vector_coverage.hpp"
#include "actors/query_router.hpp"
#include "actors/reranker.hpp"
#include "index/search_index.hpp"
#include "storage/db.hpp"

namespace winnow::actors {

namespace {

struct engine_system_config : caf::actor_system_config {
  engine_system_config(uint32_t threads, caf::atom_value policy) {
    register_message_types(*this);
    if (threads > 0) set("scheduler.max-threads", size_t{threads});
    // One shared job queue with a condition variable instead of polling
    // work-stealing workers: on small, busy machines sleeping stealers add
    // milliseconds per message hop (bench/RESULTS.md, engine section).
    set("scheduler.policy", policy);
    set("logger.file-verbosity", caf::atom("quiet"));
    set("logger.console-verbosity", caf::atom("error"));
  }
};

constexpr std::chrono::seconds control_timeout{60};

// A blocking request from a fresh scoped_actor (never from inside an actor).
template <class R, class Handle, class... Ts>
status_or<R> ask(caf::actor_system& sys, const Handle& h, caf::timespan timeout, Ts&&... xs) {
  caf::scoped_actor self{sys};
  std::optional<status_or<R>> out;
  self->request(h, timeout, std::forward<Ts>(xs)...)
      .receive([&](R& r) { out.emplace(std::move(r)); },
               [&](caf::error& e) { out.emplace(to_status(e)); });
  return std::move(*out);
}

// Pattern 1 of caf-0.17.md §3: a one-shot actor makes the request and calls
// `done` once with the reply or the error; it ends with the response.
template <class R, class Handle, class... Ts>
void ask_async(caf::actor_system& sys, const Handle& h, caf::timespan timeout,
               engine_callback<R> done, Ts... xs) {
  sys.spawn([=](caf::event_based_actor* self) {
    self->request(h, timeout, xs...)
        .then([=](R& r) { done(std::move(r)); }, [=](caf::error& e) { done(to_status(e)); });
  });
}

query_mode to_query_mode(config::ranking_mode m) { return static_cast<query_mode>(m); }

void add_vector_counts(const policy::vector_coverage* coverage, search_result& r) {
  if (coverage == nullptr) return;
  const auto c = coverage->get();
  r.has_vector_counts = true;
  r.vectors_encoded = c.encoded;
  r.vectors_total = c.total;
}

}  // namespace

struct engine::impl {
  config::engine_config cfg;
  std::unique_ptr<storage::db> db;
  std::vector<std::unique_ptr<index::search_index>> indexes;
  std::unique_ptr<engine_system_config> sys_cfg;
  std::unique_ptr<caf::actor_system> sys;
  // Actor handles: released before the system goes.
  std::vector<coarse_ranker_actor> shards;
  std::vector<device_worker_actor> workers;
  std::optional<gpu_batcher_actor> batcher;
  reranker_actor reranker;
  query_router_actor router;
  ingest_actor ingest;
  uint64_t recovered = 0;
  std::shared_ptr<engine_extension> extension;  // [CLUSTER]
  // Documents with vectors of all documents (this node's ingest keeps it).
  std::shared_ptr<policy::vector_coverage> coverage = std::make_shared<policy::vector_coverage>();

  // The coverage to report with this query's answer: dense or hybrid on an
  // engine with a model; nullptr otherwise.
  std::shared_ptr<const policy::vector_coverage> coverage_for(const search_query& q) const {
    const query_mode m = q.mode == query_mode::config_default ? to_query_mode(cfg.ranking.mode) : q.mode;
    if (m == query_mode::bm25 || !batcher) return nullptr;
    return coverage;
  }

  ~impl() {
    if (sys) {
      if (extension) extension->stop();  // [CLUSTER]
      auto stop = [](const auto& h) { if (h) caf::anon_send_exit(h, caf::exit_reason::kill); };
      stop(router);
      stop(ingest);
      stop(reranker);
      if (batcher) stop(*batcher);
      for (auto& w : workers) stop(w);
      for (auto& s : shards) stop(s);
      router = nullptr;
      ingest = nullptr;
      reranker = nullptr;
      batcher.reset();
      workers.clear();
      shards.clear();
      sys->await_all_actors_done();
      sys.reset();
    }
    indexes.clear();  // before the db they refer to
    db.reset();
  }

  caf::timespan query_timeout(const search_query& q) const {
    uint64_t ms = q.budget_ms;
    if (ms == 0) {
      const auto* c = cfg.find_class(q.class_name.empty() ? cfg.engine.default_class : q.class_name);
      ms = c != nullptr && c->timeout_ms > 0 ? c->timeout_ms : 10000;
    }
    return std::chrono::milliseconds(ms) + std::chrono::seconds(5);
  }
};

engine::engine(std::unique_ptr<impl> p) : impl_(std::move(p)) {}
engine::~engine() = default;

status_or<std::unique_ptr<engine>> engine::open(config::engine_config cfg,
                                                const engine_options& options) {
  auto p = std::make_unique<impl>();
  if (!options.data_dir.empty()) cfg.engine.data_dir = options.data_dir;
  if (!options.model_dir.empty()) cfg.model.dir = options.model_dir;
  if (options.precision) cfg.model.precision = *options.precision;
  p->cfg = cfg;
  p->extension = options.extension;  // [CLUSTER]
  engine_extension* ext = p->extension.get();

  auto fusion = policy::fusion_params_from(cfg.ranking);
  WINNOW_RETURN_IF_ERROR(policy::validate(fusion));

  storage::db_options dbo;
  dbo.create_if_missing = options.create_if_missing;
  WINNOW_ASSIGN_OR_RETURN(p->db, storage::db::open(cfg.engine.data_dir, dbo));
  for (uint32_t s = 0; s < cfg.engine.shards; ++s) {
    if (ext && !ext->local_shard(s)) {  // [CLUSTER] another node owns it
      p->indexes.push_back(nullptr);
      continue;
    }
    index::index_options io;
    io.shard_id = s;
    io.bm25.k1 = static_cast<float>(cfg.index.k1);
    io.bm25.b = static_cast<float>(cfg.index.b);
    io.analyzer.stop_words = cfg.index.stop_words;
    io.analyzer.stemming = cfg.index.stemming;
    WINNOW_ASSIGN_OR_RETURN(auto ix, index::search_index::open(*p->db, io));
    p->indexes.push_back(std::move(ix));
  }

  // Devices load the model before any actor exists, so a bad model file or
  // device stops start-up with its error.
  std::vector<std::shared_ptr<device_runner>> runners;
  if (options.load_model) {
    for (auto& d : cfg.devices) {
      auto dev = d;
      // threads = 0: a niced device (os_nice > 0) takes every core, since it
      // yields them to anything at normal priority (the queries' device, HTTP,
      // BM25); others take options.auto_cpu_threads (serve: half the cores).
      const uint32_t all_cores = std::max(1u, std::thread::hardware_concurrency());
      if (dev.kind == config::backend_kind::cpu && dev.threads == 0)
        dev.threads = options.auto_cpu_threads > 0 && dev.os_nice == 0 ? options.auto_cpu_threads
                                                                       : all_cores;
      WINNOW_ASSIGN_OR_RETURN(auto r, device_runner::open(dev, cfg.model));
      runners.push_back(std::move(r));
    }
  }

  p->sys_cfg = std::make_unique<engine_system_config>(cfg.engine.threads,
                                                    options.work_stealing ? caf::atom("stealing")
                                                                          : caf::atom("sharing"));
  if (ext) WINNOW_RETURN_IF_ERROR(ext->configure(*p->sys_cfg));  // [CLUSTER]
  p->sys = std::make_unique<caf::actor_system>(*p->sys_cfg);
  auto& sys = *p->sys;
  for (auto& ix : p->indexes)
    p->shards.push_back(ix ? spawn_coarse_ranker(sys, ix.get()) : coarse_ranker_actor{});
  if (!runners.empty()) {
    gpu_batcher_options bo;
    bo.classes = cfg.classes;
    // The runners' configs: a CUDA device's tokens_per_s is the speed measured when it opened.
    for (auto& r : runners) bo.devices.push_back(r->device());
    for (auto& r : runners) bo.workers.push_back(spawn_device_worker(sys, r));
    p->workers = bo.workers;
    bo.tokenizer = std::make_shared<model::tokenizer>(runners.front()->encoder().text_tokenizer());
    bo.max_tokens = runners.front()->encoder().max_tokens();
    p->batcher = spawn_gpu_batcher(sys, std::move(bo));
  }
  p->reranker = spawn_reranker(sys, p->db.get(), fusion);

  engine_wiring wiring{p->shards, p->batcher};
  if (ext) {  // [CLUSTER] remote shards and batchers behind local stand-ins
    WINNOW_ASSIGN_OR_RETURN(wiring, ext->wire(sys, *p->db, p->shards, p->batcher));
    p->batcher = wiring.batcher;
  }

  query_router_options ro;
  ro.shards = wiring.shards;
  ro.batcher = wiring.batcher;
  ro.reranker = p->reranker;
  ro.candidates = cfg.ranking.candidates;
  ro.default_mode = to_query_mode(cfg.ranking.mode);
  ro.default_class = cfg.engine.default_class;
  for (const auto& c : cfg.classes) ro.class_timeout_ms[c.name] = c.timeout_ms;
  p->router = spawn_query_router(sys, std::move(ro));

  ingest_options io;
  io.db = p->db.get();
  io.shards = wiring.shards;
  io.batcher = wiring.batcher;
  io.ingest_class = cfg.engine.ingest_class;
  io.max_pending_encode = cfg.engine.max_pending_encode;
  io.coverage = p->coverage;
  // A chunk larger than the ingest class's max_queue could never be queued
  // whole (the batcher refuses the group, the backlog retries it forever).
  for (const auto& c : cfg.classes) {
    if (c.name != cfg.engine.ingest_class) continue;
    io.encode_chunk = std::max<size_t>(1, std::min<size_t>(io.encode_chunk, c.max_queue));
    io.encode_in_flight = std::max<size_t>(io.encode_chunk, std::min<size_t>(io.encode_in_flight, c.max_queue));
  }
  p->ingest = spawn_ingest(sys, std::move(io));
  if (ext) p->ingest = ext->wrap_ingest(sys, p->ingest);  // [CLUSTER]

  WINNOW_ASSIGN_OR_RETURN(p->recovered,
                          ask<uint64_t>(sys, p->ingest, control_timeout * 10, recover_atom::value));
  return std::unique_ptr<engine>(new engine(std::move(p)));
}

status_or<ingest_ack> engine::ingest(std::vector<storage::document> docs) {
  return ask<ingest_ack>(*impl_->sys, impl_->ingest, control_timeout, ingest_atom::value,
                         std::move(docs));
}

status engine::wait_until_searchable(std::chrono::milliseconds timeout) {
  const auto until = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    WINNOW_ASSIGN_OR_RETURN(auto s, ask<ingest_stats>(*impl_->sys, impl_->ingest, control_timeout,
                                                      stats_atom::value));
    if (s.pending_index == 0 && s.pending_encode == 0) return status::ok_status();
    if (std::chrono::steady_clock::now() >= until) {
      return status::deadline_exceeded("documents not yet searchable after " +
                                       std::to_string(timeout.count()) + " ms: " +
                                       std::to_string(s.pending_index) + " waiting for the index, " +
                                       std::to_string(s.pending_encode) + " for encoding");
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
}

status_or<search_result> engine::search(search_query query) {
  const auto t = impl_->query_timeout(query);
  auto coverage = impl_->coverage_for(query);
  auto r = ask<search_result>(*impl_->sys, impl_->router, t, search_atom::value, std::move(query));
  if (r.ok()) add_vector_counts(coverage.get(), *r);
  return r;
}

status_or<storage::document> engine::get_document(const std::string& id) {
  return ask<storage::document>(*impl_->sys, impl_->ingest, control_timeout, get_atom::value, id);
}

status_or<std::string> engine::document_state(const std::string& id) {
  return ask<std::string>(*impl_->sys, impl_->ingest, control_timeout, state_atom::value, id);
}

status engine::remove(std::vector<std::string> ids) {
  return ask<uint64_t>(*impl_->sys, impl_->ingest, control_timeout, remove_atom::value,
                       std::move(ids))
      .get_status();
}

status_or<engine_stats> engine::stats() {
  auto& sys = *impl_->sys;
  engine_stats s;
  WINNOW_ASSIGN_OR_RETURN(s.states, ask<state_counts>(sys, impl_->ingest, control_timeout,
                                                      counts_atom::value));
  WINNOW_ASSIGN_OR_RETURN(s.ingest, ask<ingest_stats>(sys, impl_->ingest, control_timeout,
                                                      stats_atom::value));
  WINNOW_ASSIGN_OR_RETURN(s.queries, ask<router_stats>(sys, impl_->router, control_timeout,
                                                       stats_atom::value));
  if (impl_->batcher) {
    WINNOW_ASSIGN_OR_RETURN(s.batcher, ask<batcher_stats>(sys, *impl_->batcher, control_timeout,
                                                          stats_atom::value));
  }
  return s;
}

status_or<std::vector<std::vector<float>>> engine::encode(std::string class_name,
                                                          std::vector<std::string> texts) {
  if (!impl_->batcher) return status::unsupported("encode: this engine runs without a model");
  WINNOW_ASSIGN_OR_RETURN(auto b, ask<embedding_batch>(*impl_->sys, *impl_->batcher, control_timeout,
                                                       encode_atom::value,
                                                       encode_request{std::move(class_name),
                                                                      std::move(texts), 0}));
  return std::move(b.vectors);
}

void engine::encode_async(std::string class_name, std::vector<std::string> texts,
                          engine_callback<std::vector<std::vector<float>>> done) {
  if (!impl_->batcher) return done(status::unsupported("encode: this engine runs without a model"));
  ask_async<embedding_batch>(
      *impl_->sys, *impl_->batcher, control_timeout,
      engine_callback<embedding_batch>([done](status_or<embedding_batch> b) {
        if (!b.ok()) return done(b.get_status());
        done(std::move(b).value().vectors);
      }),
      encode_atom::value, encode_request{std::move(class_name), std::move(texts), 0});
}

void engine::inject_device_fault(const std::string& device) {
  if (impl_->batcher) caf::anon_send(*impl_->batcher, fail_atom::value, device);
}

void engine::search_async(search_query query, engine_callback<search_result> done) {
  const auto t = impl_->query_timeout(query);
  engine_callback<search_result> with_counts =
      [coverage = impl_->coverage_for(query), done = std::move(done)](status_or<search_result> r) {
        if (r.ok()) add_vector_counts(coverage.get(), *r);
        done(std::move(r));
      };
  ask_async<search_result>(*impl_->sys, impl_->router, t, std::move(with_counts), search_atom::value,
                           std::move(query));
}

void engine::ingest_async(std::vector<storage::document> docs, engine_callback<ingest_ack> done) {
  ask_async<ingest_ack>(*impl_->sys, impl_->ingest, control_timeout, std::move(done),
                        ingest_atom::value, std::move(docs));
}

void engine::get_document_async(std::string id, engine_callback<storage::document> done) {
  ask_async<storage::document>(*impl_->sys, impl_->ingest, control_timeout, std::move(done),
                               get_atom::value, std::move(id));
}

void engine::remove_async(std::vector<std::string> ids, std::function<void(status)> done) {
  ask_async<uint64_t>(*impl_->sys, impl_->ingest, control_timeout,
                      engine_callback<uint64_t>([done](status_or<uint64_t> r) { done(r.get_status()); }),
                      remove_atom::value, std::move(ids));
}

const config::engine_config& engine::config() const { return impl_->cfg; }
bool engine::has_model() const { return impl_->batcher.has_value(); }
uint64_t engine::recovered() const { return impl_->recovered; }

}  // namespace winnow::actors

#include "actors/query_router.hpp"

#include <memory>

#include "actors/policy/query_budget.hpp"
#include "actors/policy/query_join.hpp"
#include "common/clock.hpp"

namespace winnow::actors {

namespace {

struct router_state {
  query_router_options options;
  router_stats counters;
  static const char* name;
};
const char* router_state::name = "query_router";

using self_ptr = query_router_actor::stateful_pointer<router_state>;

// One query in flight.
struct query_ctx {
  search_query query;
  query_mode mode = query_mode::hybrid;
  policy::query_join join;
  caf::typed_response_promise<search_result> rp;
  time_point_ns start_ns = 0;
  stage_timings timings;
  bool reranking = false;
  bool answered = false;
  query_ctx(search_query q, query_mode m, uint32_t shards, caf::typed_response_promise<search_result> p)
      : query(std::move(q)), mode(m), join(shards, m != query_mode::bm25), rp(std::move(p)),
        start_ns(monotonic_now_ns()) {}
  int64_t elapsed_us() const { return (monotonic_now_ns() - start_ns) / 1000; }
};
using ctx_ptr = std::shared_ptr<query_ctx>;

void answer_error(self_ptr self, const ctx_ptr& c, const status& s) {
  if (c->answered) return;
  c->answered = true;
  ++self->state.counters.failed;
  c->rp.deliver(to_error(s));
}

void finish(self_ptr self, const ctx_ptr& c, std::vector<result_hit> hits) {
  if (c->answered) return;
  c->answered = true;
  search_result r;
  r.hits = std::move(hits);
  r.degraded = c->join.degraded();
  if (r.degraded) r.degraded_reason = c->join.encoding_error().to_string();
  r.partial = c->join.partial();
  r.missing_shards = c->join.failed_shards();
  c->timings.total_us = c->elapsed_us();
  r.timings = c->timings;
  auto& k = self->state.counters;
  ++k.queries;
  if (r.degraded) ++k.degraded;
  if (r.partial) ++k.partial;
  c->rp.deliver(std::move(r));
}

void fetch(self_ptr self, const ctx_ptr& c, std::vector<result_hit> hits) {
  const time_point_ns t0 = monotonic_now_ns();
  self->request(self->state.options.reranker, self->state.options.stage_timeout, fetch_atom::value,
                std::move(hits))
      .then(
          [=](std::vector<result_hit>& out) {
            c->timings.fetch_us = (monotonic_now_ns() - t0) / 1000;
            finish(self, c, std::move(out));
          },
          [=](caf::error& e) { answer_error(self, c, to_status(e).with_context("fetch")); });
}

void maybe_rerank(self_ptr self, const ctx_ptr& c) {
  if (c->reranking || c->answered || !c->join.ready()) return;
  c->reranking = true;
  if (c->join.all_shards_failed()) {
    answer_error(self, c, status::unavailable("no shard answered the query"));
    return;
  }
  const auto& opt = self->state.options;
  rerank_request rr;
  rr.candidates = c->join.candidates(std::max<uint32_t>(opt.candidates, c->query.k));
  rr.k = c->query.k;
  rr.mode = c->join.degraded() ? query_mode::bm25 : c->mode;
  if (c->join.encoding()) rr.query_vector = *c->join.encoding();
  const time_point_ns t0 = monotonic_now_ns();
  self->request(opt.reranker, opt.stage_timeout, rerank_atom::value, std::move(rr))
      .then(
          [=](std::vector<result_hit>& hits) {
            c->timings.rerank_us = (monotonic_now_ns() - t0) / 1000;
            fetch(self, c, std::move(hits));
          },
          [=](caf::error& e) { answer_error(self, c, to_status(e).with_context("rerank")); });
}

void coarse_search(self_ptr self, const ctx_ptr& c) {
  const auto& opt = self->state.options;
  const uint32_t n = std::max<uint32_t>(opt.candidates, c->query.k);
  auto on_done = [=] {
    c->timings.coarse_us = c->elapsed_us();
    maybe_rerank(self, c);
  };
  const auto& failed = c->join.failed_shards();
  for (uint32_t i = 0; i < opt.shards.size(); ++i) {
    if (std::find(failed.begin(), failed.end(), i) != failed.end()) {
      if (c->join.hits_failed(i)) on_done();
      continue;
    }
    self->request(opt.shards[i], opt.stage_timeout, search_atom::value, c->query.text, n,
                  c->join.global_stats())
        .then([=](std::vector<index::hit>& hits) { if (c->join.add_hits(i, std::move(hits))) on_done(); },
              [=](caf::error&) { if (c->join.hits_failed(i)) on_done(); });
  }
}

void gather_stats(self_ptr self, const ctx_ptr& c) {
  const auto& opt = self->state.options;
  for (uint32_t i = 0; i < opt.shards.size(); ++i) {
    self->request(opt.shards[i], opt.stage_timeout, qstats_atom::value, c->query.text)
        .then([=](index::query_statistics& s) { if (c->join.add_stats(s)) coarse_search(self, c); },
              [=](caf::error& e) {
                status s = to_status(e);
                // Bad input fails the query; a failing shard only makes it partial.
                if (s.is_invalid_argument()) return answer_error(self, c, s);
                if (c->join.stats_failed(i)) coarse_search(self, c);
              });
  }
}

void encode_query(self_ptr self, const ctx_ptr& c, const std::string& cls, uint64_t budget_ms) {
  encode_request req{cls, {c->query.text}, budget_ms * 1000};
  self->request(*self->state.options.batcher, std::chrono::milliseconds(budget_ms),
                encode_atom::value, std::move(req))
      .then(
          [=](embedding_batch& e) {
            c->timings.encode_us = c->elapsed_us();
            if (e.vectors.size() == 1) c->join.set_encoding(std::move(e.vectors[0]));
            else c->join.encoding_failed(status::internal("encoder returned no vector"));
            maybe_rerank(self, c);
          },
          [=](caf::error& e) {
            c->timings.encode_us = c->elapsed_us();
            c->join.encoding_failed(to_status(e).with_context("query encoding"));
            maybe_rerank(self, c);
          });
}

caf::result<search_result> start(self_ptr self, search_query& q) {
  const auto& opt = self->state.options;
  if (q.k == 0) return to_error(status::invalid_argument("search: k must be >= 1"));
  const std::string cls = q.class_name.empty() ? opt.default_class : q.class_name;
  auto timeout = opt.class_timeout_ms.find(cls);
  if (timeout == opt.class_timeout_ms.end())
    return to_error(status::invalid_argument("search: unknown priority class '" + cls + "'"));
  const query_mode mode = q.mode == query_mode::config_default ? opt.default_mode : q.mode;
  if (mode != query_mode::bm25 && !opt.batcher)
    return to_error(status::unsupported("search: mode needs the model, and this engine runs without one"));
  const uint64_t budget_ms = policy::query_budget_ms(q.budget_ms, timeout->second);
  auto c = std::make_shared<query_ctx>(std::move(q), mode, static_cast<uint32_t>(opt.shards.size()),
                                       self->make_response_promise<search_result>());
  gather_stats(self, c);
  if (mode != query_mode::bm25) encode_query(self, c, cls, budget_ms);
  return c->rp;
}

query_router_actor::behavior_type query_router(self_ptr self, query_router_options options) {
  self->state.options = std::move(options);
  return {
      [=](search_atom, search_query& q) { return start(self, q); },
      [=](stats_atom) { return self->state.counters; },
  };
}

}  // namespace

query_router_actor spawn_query_router(caf::actor_system& sys, query_router_options options) {
  return sys.spawn(query_router, std::move(options));
}

}  // namespace winnow::actors

#include "actors/cluster/gpu_dispatcher.hpp"

#include <algorithm>
#include <deque>
#include <memory>

#include "common/clock.hpp"

namespace winnow::actors::cluster {

namespace {

struct gpu_node {
  std::string name;
  gpu_batcher_actor batcher;   // null while down
  std::vector<uint8_t> tiers;
  uint64_t outstanding = 0;    // texts in flight there
};

struct job {
  encode_request req;
  caf::typed_response_promise<embedding_batch> rp;
  int node = -1;               // -1: waiting for a node
  uint64_t attempt = 0;
  time_point_ns deadline_ns = 0;  // 0: none
};

struct dispatcher_state {
  gpu_dispatcher_options options;
  std::vector<gpu_node> nodes;
  std::map<uint64_t, job> jobs;
  std::deque<uint64_t> waiting;
  uint64_t next_id = 0;
  uint64_t requeued = 0;
  static const char* name;
};
const char* dispatcher_state::name = "gpu_dispatcher";

using self_ptr = gpu_dispatcher_actor::stateful_pointer<dispatcher_state>;

int pick_node(const dispatcher_state& st, const std::string& cls) {
  auto t = st.options.class_tier.find(cls);
  const int want = t == st.options.class_tier.end() ? -1 : static_cast<int>(t->second);
  int best = -1;
  bool best_tier = false;
  for (size_t i = 0; i < st.nodes.size(); ++i) {
    const auto& n = st.nodes[i];
    if (!n.batcher) continue;
    const bool tier_ok =
        want >= 0 && std::find(n.tiers.begin(), n.tiers.end(), static_cast<uint8_t>(want)) != n.tiers.end();
    if (best < 0 || (tier_ok && !best_tier) ||
        (tier_ok == best_tier && n.outstanding < st.nodes[best].outstanding)) {
      best = static_cast<int>(i);
      best_tier = tier_ok;
    }
  }
  return best;
}

void dispatch(self_ptr self, uint64_t id);

void settle(self_ptr self, uint64_t id, uint64_t attempt, const caf::error* err,
            embedding_batch* out) {
  auto& st = self->state;
  auto it = st.jobs.find(id);
  if (it == st.jobs.end() || it->second.attempt != attempt) return;  // superseded
  job& j = it->second;
  if (j.node >= 0) {
    auto& n = st.nodes[j.node];
    n.outstanding -= std::min<uint64_t>(n.outstanding, j.req.texts.size());
  }
  if (out != nullptr) {
    j.rp.deliver(std::move(*out));
    st.jobs.erase(it);
    return;
  }
  const status s = to_status(*err);
  const bool lost = s.code() == status_code::unavailable ||
                    (s.code() == status_code::deadline_exceeded && j.deadline_ns == 0);
  if (!lost) {
    j.rp.deliver(*err);
    st.jobs.erase(it);
    return;
  }
  ++st.requeued;
  j.node = -1;
  self->delayed_send(self, st.options.retry_delay, retry_atom::value, id);
}

void dispatch(self_ptr self, uint64_t id) {
  auto& st = self->state;
  auto it = st.jobs.find(id);
  if (it == st.jobs.end()) return;
  job& j = it->second;
  const time_point_ns now = monotonic_now_ns();
  if (j.deadline_ns != 0 && now >= j.deadline_ns) {
    j.rp.deliver(to_error(status::deadline_exceeded("encode: no gpu node answered within the budget")));
    st.jobs.erase(it);
    return;
  }
  const int n = pick_node(st, j.req.class_name);
  if (n < 0) {
    j.node = -1;
    if (std::find(st.waiting.begin(), st.waiting.end(), id) == st.waiting.end()) {
      st.waiting.push_back(id);
      // A budgeted request fails at its deadline even if no node comes back.
      if (j.deadline_ns != 0)
        self->delayed_send(self, std::chrono::nanoseconds(j.deadline_ns - now), retry_atom::value, id);
    }
    return;
  }
  j.node = n;
  const uint64_t attempt = ++j.attempt;
  st.nodes[n].outstanding += j.req.texts.size();
  auto timeout = j.deadline_ns != 0
                     ? std::chrono::duration_cast<std::chrono::milliseconds>(
                           std::chrono::nanoseconds(j.deadline_ns - now)) +
                           std::chrono::milliseconds(1)
                     : st.options.attempt_timeout;
  self->request(st.nodes[n].batcher, timeout, encode_atom::value, j.req)
      .then([=](embedding_batch& out) { settle(self, id, attempt, nullptr, &out); },
            [=](caf::error& e) { settle(self, id, attempt, &e, nullptr); });
}

void flush_waiting(self_ptr self) {
  auto waiting = std::move(self->state.waiting);
  self->state.waiting.clear();
  for (uint64_t id : waiting) dispatch(self, id);
}

void detach(self_ptr self, const std::string& node) {
  auto& st = self->state;
  for (size_t i = 0; i < st.nodes.size(); ++i) {
    if (st.nodes[i].name != node) continue;
    st.nodes[i].batcher = nullptr;
    st.nodes[i].outstanding = 0;
    std::vector<uint64_t> lost;
    for (auto& [id, j] : st.jobs)
      if (j.node == static_cast<int>(i)) lost.push_back(id);
    uint64_t texts = 0;
    for (uint64_t id : lost) texts += st.jobs[id].req.texts.size();
    if (!lost.empty() && st.options.log) {
      st.options.log("re-queued " + std::to_string(lost.size()) + " encode request(s) (" +
                     std::to_string(texts) + " texts) of lost gpu node \"" + node + "\"");
    }
    for (uint64_t id : lost) {
      st.jobs[id].node = -1;
      ++st.jobs[id].attempt;  // the lost node's reply, should it come, is ignored
      ++st.requeued;
      dispatch(self, id);
    }
  }
}

// Adds h's counts into acc (same bounds: every node runs the same scheduler);
// a node with other bounds is left out rather than mixed in wrongly.
void add_histogram(histogram_snapshot& acc, const histogram_snapshot& h) {
  if (acc.bounds.empty()) {
    acc = h;
    return;
  }
  if (acc.bounds != h.bounds || acc.counts.size() != h.counts.size()) return;
  for (size_t i = 0; i < acc.counts.size(); ++i) acc.counts[i] += h.counts[i];
  acc.sum += h.sum;
}

// Sums the stats of every reachable batcher (classes by name; devices are
// listed per node as "node/device").
caf::result<batcher_stats> collect(self_ptr self) {
  auto& st = self->state;
  auto rp = self->make_response_promise<batcher_stats>();
  auto acc = std::make_shared<batcher_stats>();
  auto left = std::make_shared<size_t>(0);
  for (const auto& n : st.nodes)
    if (n.batcher) ++*left;
  if (*left == 0) {
    rp.deliver(batcher_stats{});
    return rp;
  }
  for (const auto& n : st.nodes) {
    if (!n.batcher) continue;
    const std::string name = n.name;
    auto done = [=]() mutable {
      if (--*left == 0) rp.deliver(*acc);
    };
    self->request(n.batcher, std::chrono::seconds(5), stats_atom::value)
        .then(
            [=](batcher_stats& s) mutable {
              for (auto& c : s.classes) {
                auto it = std::find_if(acc->classes.begin(), acc->classes.end(),
                                       [&](const class_stats& x) { return x.name == c.name; });
                if (it == acc->classes.end()) {
                  acc->classes.push_back(c);
                  continue;
                }
                it->queue_depth += c.queue_depth;
                it->enqueued += c.enqueued;
                it->rejected_queue_full += c.rejected_queue_full;
                it->rejected_timeout += c.rejected_timeout;
        it->rejected_late += c.rejected_late;
                it->demoted_out += c.demoted_out;
                it->requeued += c.requeued;
                it->sent_batches += c.sent_batches;
                it->sent_requests += c.sent_requests;
                it->device_seconds += c.device_seconds;
                it->cost_usd += c.cost_usd;
                add_histogram(it->queue_wait_seconds, c.queue_wait_seconds);
              }
              for (auto& d : s.devices) {
                d.name = name + "/" + d.name;
                acc->devices.push_back(std::move(d));
              }
              acc->in_flight_batches += s.in_flight_batches;
              for (auto& b : s.batches) {
                b.device = name + "/" + b.device;
                acc->batches.push_back(std::move(b));
              }
              done();
            },
            [=](caf::error&) mutable { done(); });
  }
  return rp;
}

gpu_dispatcher_actor::behavior_type gpu_dispatcher(self_ptr self, gpu_dispatcher_options options) {
  self->state.options = std::move(options);
  return {
      [=](encode_atom, encode_request& req) -> caf::result<embedding_batch> {
        auto& st = self->state;
        if (req.texts.empty()) return embedding_batch{};
        if (st.options.class_tier.count(req.class_name) == 0)
          return to_error(status::invalid_argument("encode: unknown priority class '" + req.class_name + "'"));
        const uint64_t id = ++st.next_id;
        job j;
        j.deadline_ns = req.budget_us > 0 ? monotonic_now_ns() + static_cast<int64_t>(req.budget_us) * 1000 : 0;
        j.req = std::move(req);
        j.rp = self->make_response_promise<embedding_batch>();
        auto rp = j.rp;
        st.jobs.emplace(id, std::move(j));
        dispatch(self, id);
        return rp;
      },
      [=](tick_atom, uint64_t) {},
      [=](readmit_atom, uint32_t) {},
      [=](fail_atom a, const std::string& device) {
        for (const auto& n : self->state.nodes)
          if (n.batcher) self->send(n.batcher, a, device);
      },
      [=](stats_atom) { return collect(self); },
      [=](attach_atom, const std::string& node, const caf::actor& batcher,
          const std::vector<uint8_t>& tiers) {
        auto& st = self->state;
        auto it = std::find_if(st.nodes.begin(), st.nodes.end(),
                               [&](const gpu_node& n) { return n.name == node; });
        if (it == st.nodes.end()) it = st.nodes.insert(st.nodes.end(), gpu_node{node, {}, {}, 0});
        it->batcher = caf::actor_cast<gpu_batcher_actor>(batcher);
        it->tiers = tiers;
        it->outstanding = 0;
        flush_waiting(self);
      },
      [=](detach_atom, const std::string& node, const std::string&) { detach(self, node); },
      [=](retry_atom, uint64_t id) {
        auto& st = self->state;
        auto it = st.jobs.find(id);
        if (it == st.jobs.end() || it->second.node >= 0) return;
        st.waiting.erase(std::remove(st.waiting.begin(), st.waiting.end(), id), st.waiting.end());
        dispatch(self, id);
      },
  };
}

}  // namespace

gpu_dispatcher_actor spawn_gpu_dispatcher(caf::actor_system& sys, gpu_dispatcher_options options) {
  return sys.spawn(gpu_dispatcher, std::move(options));
}

}  // namespace winnow::actors::cluster

#include "actors/gpu_batcher.hpp"

#include <algorithm>
#include <unordered_map>
#include <utility>

#include "actors/policy/encode_tracker.hpp"
#include "common/clock.hpp"
#include "scheduler/batch_former.hpp"

namespace winnow::actors {

namespace {

struct running_batch {
  scheduler::device_id device = 0;
  std::vector<uint64_t> requests;
};

struct batcher_state {
  gpu_batcher_options options;
  std::unique_ptr<scheduler::batch_former> former;
  policy::encode_tracker tracker;
  std::unordered_map<policy::group_id, caf::typed_response_promise<embedding_batch>> promises;
  std::unordered_map<uint64_t, running_batch> running;  // by batch id
  std::vector<uint64_t> failures;                       // per device
  std::vector<uint32_t> failed_probes;                  // per device, since it last passed one
  uint64_t timer_generation = 0;
  static const char* name;
};
const char* batcher_state::name = "gpu_batcher";

using self_ptr = gpu_batcher_actor::stateful_pointer<batcher_state>;

void fail_request(self_ptr self, uint64_t request, const status& why) {
  auto& st = self->state;
  if (auto g = st.tracker.fail(request)) {
    st.promises[*g].deliver(to_error(why));
    st.promises.erase(*g);
  }
}

void complete_request(self_ptr self, uint64_t request, std::vector<float> v) {
  auto& st = self->state;
  if (auto done = st.tracker.complete(request, std::move(v))) {
    st.promises[done->first].deliver(embedding_batch{std::move(done->second)});
    st.promises.erase(done->first);
  }
}

void drive(self_ptr self);

void batch_done(self_ptr self, uint64_t batch_id, embedding_batch& out);
void batch_failed(self_ptr self, uint64_t batch_id, const caf::error& e);

void dispatch(self_ptr self, scheduler::decision& d) {
  auto& st = self->state;
  token_batch tb;
  tb.batch_id = d.work.id;
  running_batch rb{d.device, {}};
  for (const auto& r : d.work.requests) {
    const model::token_ids* t = st.tracker.tokens(r.id);
    // A request whose group failed keeps its slot until it is done, so t is
    // only null for an id the tracker never issued (a bug).
    tb.sequences.push_back(t ? *t : model::token_ids{st.options.tokenizer->cls_id(),
                                                    st.options.tokenizer->sep_id()});
    rb.requests.push_back(r.id);
  }
  st.running[d.work.id] = std::move(rb);
  const uint64_t id = d.work.id;
  self->request(st.options.workers.at(d.device), caf::infinite, batch_atom::value, std::move(tb))
      .then([=](embedding_batch& out) { batch_done(self, id, out); },
            [=](caf::error& e) { batch_failed(self, id, e); });
}

void drive(self_ptr self) {
  auto& st = self->state;
  const time_point_ns now = monotonic_now_ns();
  for (;;) {
    scheduler::decision d = st.former->next(now);
    if (d.kind == scheduler::decision_kind::send_now) {
      dispatch(self, d);
      continue;
    }
    ++st.timer_generation;
    if (d.kind == scheduler::decision_kind::wait_for) {
      self->delayed_send(self, std::chrono::nanoseconds(d.wait_ns), tick_atom::value,
                         st.timer_generation);
    }
    break;
  }
  for (auto& r : st.former->take_rejected()) fail_request(self, r.req.id, r.reason);
}

void batch_done(self_ptr self, uint64_t batch_id, embedding_batch& out) {
  auto& st = self->state;
  auto it = st.running.find(batch_id);
  if (it == st.running.end()) return;
  running_batch rb = std::move(it->second);
  st.running.erase(it);
  if (out.vectors.size() != rb.requests.size()) {
    batch_failed(self, batch_id, to_error(status::device_error("device returned a wrong count")));
    return;
  }
  // not_found: the batch was re-queued meanwhile (device drained); drop the late result.
  if (st.former->complete(batch_id, monotonic_now_ns()).ok()) {
    for (size_t i = 0; i < rb.requests.size(); ++i)
      complete_request(self, rb.requests[i], std::move(out.vectors[i]));
  }
  drive(self);
}

void batch_failed(self_ptr self, uint64_t batch_id, const caf::error&) {
  auto& st = self->state;
  auto it = st.running.find(batch_id);
  if (it == st.running.end()) return;  // already re-queued (e.g. drained)
  const scheduler::device_id dev = it->second.device;
  st.running.erase(it);
  // The batch goes back to the queues (batch_former keeps it); the device
  // rejoins after the delay.
  st.former->device_failed(dev, monotonic_now_ns()).ignore();
  ++st.failures.at(dev);
  self->delayed_send(self, st.options.readmit_delay, readmit_atom::value, uint32_t{dev});
  drive(self);
}

caf::result<embedding_batch> enqueue(self_ptr self, encode_request& req) {
  auto& st = self->state;
  if (req.texts.empty()) return embedding_batch{};
  auto cls = st.former->class_of(req.class_name);
  if (!cls.ok()) return to_error(cls.get_status());
  const time_point_ns now = monotonic_now_ns();
  std::vector<model::token_ids> tokens;
  tokens.reserve(req.texts.size());
  for (const auto& t : req.texts) tokens.push_back(st.options.tokenizer->encode(t, st.options.max_tokens));
  std::vector<uint32_t> sizes;
  for (const auto& t : tokens) sizes.push_back(static_cast<uint32_t>(t.size()));
  auto [group, ids] = st.tracker.add_group(std::move(tokens));
  auto rp = self->make_response_promise<embedding_batch>();
  st.promises.emplace(group, rp);
  for (size_t i = 0; i < ids.size(); ++i) {
    scheduler::request r;
    r.id = ids[i];
    r.cls = *cls;
    r.tokens = sizes[i];
    r.enqueue_ns = now;
    if (req.budget_us > 0) r.deadline_ns = now + static_cast<int64_t>(req.budget_us) * 1000;
    status s = st.former->enqueue(r, now);
    if (!s.ok()) {
      fail_request(self, ids[i], s);
      // The rest of the group is not queued: drop their slots too.
      for (size_t j = i + 1; j < ids.size(); ++j) st.tracker.fail(ids[j]);
      break;
    }
  }
  drive(self);
  return rp;
}

histogram_snapshot snapshot(const scheduler::fixed_histogram& h) {
  return histogram_snapshot{h.bounds(), h.counts(), h.sum()};
}

batcher_stats collect_stats(const batcher_state& st) {
  batcher_stats out;
  const auto& f = *st.former;
  for (scheduler::class_id c = 0; c < f.class_count(); ++c) {
    class_stats cs;
    cs.name = f.class_config(c).name;
    cs.queue_depth = f.queue_depth(c);
    const auto& k = f.counters(c);
    cs.enqueued = k.enqueued;
    cs.rejected_queue_full = k.rejected_queue_full;
    cs.rejected_timeout = k.rejected_timeout;
    cs.rejected_late = k.rejected_late;
    cs.demoted_out = k.demoted_out;
    cs.requeued = k.requeued;
    cs.sent_batches = k.sent_batches;
    cs.sent_requests = k.sent_requests;
    const auto cost = f.costs().by_class(cs.name);
    cs.device_seconds = cost.device_seconds;
    cs.cost_usd = cost.cost_usd;
    cs.queue_wait_seconds = snapshot(f.queue_wait_seconds(c));
    out.classes.push_back(std::move(cs));
    for (scheduler::device_id d = 0; d < f.devices().size(); ++d) {
      out.batches.push_back(batch_histograms{f.class_config(c).name, f.devices().at(d).config.name,
                                             snapshot(f.batch_size(c, d)),
                                             snapshot(f.batch_tokens(c, d))});
    }
  }
  for (scheduler::device_id d = 0; d < f.devices().size(); ++d) {
    const auto& dev = f.devices().at(d);
    device_stats ds;
    ds.name = dev.config.name;
    ds.backend = dev.config.backend;
    ds.state = scheduler::to_string(dev.state);
    ds.batches = dev.completed_batches;
    ds.failures = st.failures.at(d);
    const auto cost = f.costs().by_device(ds.name);
    ds.device_seconds = cost.device_seconds;
    ds.cost_usd = cost.cost_usd;
    out.devices.push_back(std::move(ds));
  }
  out.in_flight_batches = f.in_flight_batches();
  return out;
}

gpu_batcher_actor::behavior_type gpu_batcher(self_ptr self, gpu_batcher_options options) {
  auto& st = self->state;
  st.former = std::make_unique<scheduler::batch_former>(options.classes, options.devices);
  st.failures.assign(options.devices.size(), 0);
  st.failed_probes.assign(options.devices.size(), 0);
  st.options = std::move(options);
  return {
      [=](encode_atom, encode_request& req) { return enqueue(self, req); },
      [=](tick_atom, uint64_t generation) {
        if (generation == self->state.timer_generation) drive(self);
      },
      [=](readmit_atom, uint32_t device) {
        // Re-admitted only after a health probe that rebuilt the device's
        // backend and weights; a failed probe leaves it down and tries again
        // after the same delay.
        self->request(self->state.options.workers.at(device), caf::infinite, probe_atom::value)
            .then(
                [=](uint64_t) {
                  self->state.failed_probes.at(device) = 0;
                  self->state.former->readmit(device).ignore();
                  drive(self);
                },
                [=](caf::error&) {
                  // Backs off (x2 per failed probe, at most x128: 25.6 s at the
                  // default 200 ms) so that a dead GPU is not rebuilt, weights and
                  // all, five times a second forever.
                  uint32_t& n = self->state.failed_probes.at(device);
                  n = std::min<uint32_t>(n + 1, 7);
                  self->delayed_send(self, self->state.options.readmit_delay * (1u << n), readmit_atom::value,
                                     device);
                });
      },
      [=](fail_atom, const std::string& device) {
        if (auto d = self->state.former->devices().find(device))
          self->send(self->state.options.workers.at(*d), fail_atom::value);
      },
      [=](stats_atom) { return collect_stats(self->state); },
  };
}

}  // namespace

gpu_batcher_actor spawn_gpu_batcher(caf::actor_system& sys, gpu_batcher_options options) {
  return sys.spawn(gpu_batcher, std::move(options));
}

}  // namespace winnow::actors

#include "actors/ingest.hpp"

#include <algorithm>

#include "actors/policy/document_check.hpp"
#include "actors/policy/encode_backlog.hpp"
#include "actors/policy/shard_of.hpp"
#include "actors/result_conversion.hpp"

namespace winnow::actors {

namespace {

struct ingest_state {
  ingest_options options;
  std::unique_ptr<policy::encode_backlog> backlog;
  ingest_stats counters;
  bool retry_armed = false;
  static const char* name;
};
const char* ingest_state::name = "ingest";

using self_ptr = ingest_actor::stateful_pointer<ingest_state>;

void pump(self_ptr self);

void arm_retry(self_ptr self) {
  auto& st = self->state;
  if (st.retry_armed) return;
  st.retry_armed = true;
  self->delayed_send(self, st.options.retry_delay, retry_atom::value);
}

// The passage text the encoder sees (title and body, as indexed).
std::string passage(const storage::document& d) {
  return d.title.empty() ? d.text : d.title + " " + d.text;
}

void encode_chunk(self_ptr self, std::vector<std::string> ids) {
  auto& st = self->state;
  std::vector<std::string> texts, found;
  for (const auto& id : ids) {
    auto d = st.options.db->get_document(id);
    if (d.ok()) {
      texts.push_back(passage(*d));
      found.push_back(id);
    }
  }
  if (found.size() != ids.size()) {  // deleted meanwhile: nothing to encode
    std::vector<std::string> gone;
    for (const auto& id : ids)
      if (std::find(found.begin(), found.end(), id) == found.end()) gone.push_back(id);
    st.backlog->done(gone);
  }
  if (found.empty()) return;
  self->request(*st.options.batcher, caf::infinite, encode_atom::value,
                encode_request{st.options.ingest_class, std::move(texts), 0})
      .then(
          [=](embedding_batch& e) {
            std::vector<std::pair<std::string, std::vector<float>>> v;
            for (size_t i = 0; i < found.size() && i < e.vectors.size(); ++i)
              v.emplace_back(found[i], std::move(e.vectors[i]));
            if (self->state.options.db->put_vectors(v).ok()) {
              if (self->state.options.coverage) self->state.options.coverage->encoded(v.size());
              self->state.backlog->done(found);
            } else {
              self->state.backlog->failed(found);
              arm_retry(self);
            }
            pump(self);
          },
          [=](caf::error&) {
            ++self->state.counters.encode_retries;
            self->state.backlog->failed(found);
            arm_retry(self);
          });
}

void pump(self_ptr self) {
  auto& st = self->state;
  if (!st.options.batcher) return;
  for (auto chunk = st.backlog->next_chunk(); !chunk.empty(); chunk = st.backlog->next_chunk())
    encode_chunk(self, std::move(chunk));
}

void index_docs(self_ptr self, std::vector<storage::document> docs) {
  auto& st = self->state;
  const auto n = static_cast<uint32_t>(st.options.shards.size());
  std::vector<std::vector<storage::document>> by_shard(n);
  for (auto& d : docs) by_shard[policy::shard_of(d.id, n)].push_back(std::move(d));
  for (uint32_t s = 0; s < n; ++s) {
    if (by_shard[s].empty()) continue;
    const uint64_t count = by_shard[s].size();
    st.counters.pending_index += count;
    // On failure the documents stay `accepted` in storage; recover replays them.
    auto settle = [=] { self->state.counters.pending_index -= count; };
    self->request(st.options.shards[s], caf::infinite, add_atom::value, std::move(by_shard[s]))
        .then([=](uint64_t) { settle(); }, [=](caf::error&) { settle(); });
  }
}

// Each id's state in storage, nullopt when absent (or unreadable: counted as new).
std::vector<std::optional<storage::doc_state>> states_of(const storage::db& db,
                                                          const std::vector<std::string>& ids) {
  std::vector<std::optional<storage::doc_state>> out;
  out.reserve(ids.size());
  for (const auto& id : ids) {
    auto s = db.get_document_state(id);
    out.push_back(s.ok() ? std::optional<storage::doc_state>(*s) : std::nullopt);
  }
  return out;
}

caf::result<ingest_ack> ingest(self_ptr self, std::vector<storage::document>& docs) {
  auto& st = self->state;
  ingest_ack ack;
  std::vector<storage::document> valid;
  std::vector<std::string> ids;
  for (auto& d : docs) {
    status s = policy::check_document(d);
    ack.docs.push_back(doc_ack{d.id, s.ok() ? "accepted" : "rejected", s.ok() ? "" : s.message()});
    if (s.ok()) {
      ids.push_back(d.id);
      valid.push_back(std::move(d));
    }
  }
  if (st.options.batcher && !valid.empty() &&
      st.backlog->pending() + valid.size() > st.options.max_pending_encode) {
    ++st.counters.rejected_backlog_full;
    return to_error(status::resource_exhausted(
        "ingest: " + std::to_string(st.backlog->pending()) +
        " documents are waiting for encoding; " + std::to_string(valid.size()) +
        " more would exceed max_pending_encode = " + std::to_string(st.options.max_pending_encode) +
        "; nothing was stored, retry later"));
  }
  std::vector<std::optional<storage::doc_state>> before;  // for the vector coverage
  if (st.options.coverage) before = states_of(*st.options.db, ids);
  if (status s = st.options.db->put_documents(valid); !s.ok()) return to_error(s);
  for (const auto& b : before) st.options.coverage->stored(b);
  st.counters.accepted_total += valid.size();
  index_docs(self, std::move(valid));
  st.backlog->push(ids);
  pump(self);
  return ack;
}

status_or<state_counts> count_states(const storage::db& db) {
  state_counts c;
  using storage::doc_state;
  for (auto [s, slot] : {std::pair{doc_state::accepted, &c.accepted},
                         std::pair{doc_state::indexed, &c.indexed},
                         std::pair{doc_state::encoded, &c.encoded},
                         std::pair{doc_state::searchable, &c.searchable},
                         std::pair{doc_state::deleted, &c.deleted}}) {
    uint64_t* out = slot;
    WINNOW_RETURN_IF_ERROR(db.for_each_document_in_state(s, [out](std::string_view) {
      ++*out;
      return true;
    }));
  }
  return c;
}

// Ids stored without a vector (accepted or only indexed).
status_or<std::vector<std::string>> unencoded_ids(const storage::db& db) {
  std::vector<std::string> ids;
  for (auto s : {storage::doc_state::accepted, storage::doc_state::indexed}) {
    WINNOW_RETURN_IF_ERROR(db.for_each_document_in_state(s, [&](std::string_view id) {
      ids.emplace_back(id);
      return true;
    }));
  }
  return ids;
}

caf::result<uint64_t> recover(self_ptr self) {
  auto& st = self->state;
  auto ids = unencoded_ids(*st.options.db);
  if (!ids.ok()) return to_error(ids.get_status());
  if (st.options.coverage) {
    auto c = count_states(*st.options.db);
    if (!c.ok()) return to_error(c.get_status());
    st.options.coverage->reset({c->encoded + c->searchable,
                                c->accepted + c->indexed + c->encoded + c->searchable});
  }
  if (st.options.batcher) {
    st.counters.recovered += ids->size();
    st.backlog->push(*ids);
    pump(self);
  }
  auto rp = self->make_response_promise<uint64_t>();
  const auto n = static_cast<uint32_t>(st.options.shards.size());
  auto remaining = std::make_shared<uint32_t>(n);
  auto total = std::make_shared<uint64_t>(st.options.batcher ? ids->size() : 0);
  for (uint32_t s = 0; s < n; ++s) {
    self->request(st.options.shards[s], caf::infinite, recover_atom::value, s, n)
        .then(
            [=](uint64_t replayed) mutable {
              *total += replayed;
              self->state.counters.recovered += replayed;
              if (--*remaining == 0) rp.deliver(*total);
            },
            [=](caf::error& e) mutable { rp.deliver(e); });
  }
  return rp;
}

caf::result<uint64_t> remove(self_ptr self, const std::vector<std::string>& ids) {
  auto& st = self->state;
  std::vector<std::optional<storage::doc_state>> before;  // for the vector coverage
  if (st.options.coverage) before = states_of(*st.options.db, ids);
  if (status s = st.options.db->delete_documents(ids); !s.ok()) return to_error(s);
  for (const auto& b : before) st.options.coverage->deleted(b);
  const auto n = static_cast<uint32_t>(st.options.shards.size());
  std::vector<std::vector<std::string>> by_shard(n);
  for (const auto& id : ids) by_shard[policy::shard_of(id, n)].push_back(id);
  for (uint32_t s = 0; s < n; ++s) {
    // Search results never show a deleted document (fetch drops it), so the
    // reply only settles the index's removal; failures are replayed at start.
    if (!by_shard[s].empty()) {
      self->request(st.options.shards[s], caf::infinite, remove_atom::value, by_shard[s])
          .then([](uint64_t) {}, [](caf::error&) {});
    }
  }
  return uint64_t{ids.size()};
}

ingest_actor::behavior_type ingest_behavior(self_ptr self, ingest_options options) {
  auto& st = self->state;
  st.backlog = std::make_unique<policy::encode_backlog>(options.encode_chunk, options.encode_in_flight);
  st.options = std::move(options);
  return {
      [=](ingest_atom, std::vector<storage::document>& docs) { return ingest(self, docs); },
      [=](remove_atom, const std::vector<std::string>& ids) { return remove(self, ids); },
      [=](get_atom, const std::string& id) -> caf::result<storage::document> {
        return to_result(self->state.options.db->get_document(id));
      },
      [=](state_atom, const std::string& id) -> caf::result<std::string> {
        auto s = self->state.options.db->get_document_state(id);
        if (!s.ok()) return to_error(s.get_status());
        return std::string(storage::to_string(*s));
      },
      [=](counts_atom) -> caf::result<state_counts> {
        return to_result(count_states(*self->state.options.db));
      },
      [=](stats_atom) {
        ingest_stats s = self->state.counters;
        s.pending_encode = self->state.options.batcher ? self->state.backlog->pending() : 0;
        return s;
      },
      [=](recover_atom) { return recover(self); },
      [=](retry_atom) {
        self->state.retry_armed = false;
        pump(self);
      },
  };
}

}  // namespace

ingest_actor spawn_ingest(caf::actor_system& sys, ingest_options options) {
  return sys.spawn<caf::detached>(ingest_behavior, std::move(options));
}

}  // namespace winnow::actors

#include "actors/device_worker.hpp"

#include "actors/result_conversion.hpp"

namespace winnow::actors {

namespace {

struct worker_state {
  std::shared_ptr<device_runner> runner;
  static const char* name;
};
const char* worker_state::name = "device_worker";

status_or<embedding_batch> run_batch(device_runner& r, const token_batch& b) {
  WINNOW_ASSIGN_OR_RETURN(auto v, r.run(b.sequences));
  return embedding_batch{std::move(v)};
}

device_worker_actor::behavior_type device_worker(
    device_worker_actor::stateful_pointer<worker_state> self, std::shared_ptr<device_runner> r) {
  self->state.runner = std::move(r);
  return {
      [=](batch_atom, const token_batch& b) -> caf::result<embedding_batch> {
        return to_result(run_batch(*self->state.runner, b));
      },
      [=](fail_atom) { self->state.runner->fail_next(); },
      [=](probe_atom) -> caf::result<uint64_t> {
        status s = self->state.runner->probe();
        if (!s.ok()) return to_error(s);
        return self->state.runner->rebuilds();
      },
  };
}

}  // namespace

device_worker_actor spawn_device_worker(caf::actor_system& sys,
                                        std::shared_ptr<device_runner> runner) {
  return sys.spawn<caf::detached>(device_worker, std::move(runner));
}

}  // namespace winnow::actors

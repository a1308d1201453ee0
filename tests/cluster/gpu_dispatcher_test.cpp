// gpu_dispatcher wiring with in-process stand-ins for remote gpu nodes (test
// doubles that answer one vector per text, tagged with the node's number, or
// never answer: a node that died with the work).
#include "actors/cluster/gpu_dispatcher.hpp"

#include <gtest/gtest.h>

#include "tests/support/test_support.hpp"

namespace winnow::actors::cluster {
namespace {

using namespace std::chrono_literals;

// Stand-in gpu node: answers {tag} per text, or swallows requests when mute.
gpu_batcher_actor::behavior_type fake_node(gpu_batcher_actor::pointer, float tag, bool mute) {
  return {
      [=](encode_atom, const encode_request& r) -> caf::result<embedding_batch> {
        if (mute) return caf::result<embedding_batch>(caf::delegated<embedding_batch>{});
        embedding_batch b;
        for (size_t i = 0; i < r.texts.size(); ++i) b.vectors.push_back({tag});
        return b;
      },
      [](tick_atom, uint64_t) {},
      [](readmit_atom, uint32_t) {},
      [](fail_atom, const std::string&) {},
      [](stats_atom) { return batcher_stats{}; },
  };
}

struct dispatcher_test : ::testing::Test {
  struct cfg_t : caf::actor_system_config {
    cfg_t() {
      register_message_types(*this);
      register_cluster_types(*this);
    }
  };
  cfg_t cfg;
  caf::actor_system sys{cfg};
  gpu_dispatcher_actor d = spawn_gpu_dispatcher(sys, options());
  std::vector<caf::actor> spawned;

  static gpu_dispatcher_options options() {
    gpu_dispatcher_options o;
    o.class_tier = {{"interactive", config::device_tier::high}, {"bulk", config::device_tier::low}};
    o.retry_delay = 10ms;
    return o;
  }
  caf::actor node(float tag, bool mute = false) {
    auto a = caf::actor_cast<caf::actor>(sys.spawn(fake_node, tag, mute));
    spawned.push_back(a);
    return a;
  }
  // The tag of the node that encoded, or -1 on error/timeout.
  float encode(caf::scoped_actor& self, const std::string& cls, uint64_t budget_us = 0) {
    float out = -1;
    self->request(d, 5s, encode_atom::value, encode_request{cls, {"a text"}, budget_us})
        .receive([&](embedding_batch& b) { out = b.vectors.at(0).at(0); }, [&](caf::error&) {});
    return out;
  }
  ~dispatcher_test() override {
    caf::anon_send_exit(d, caf::exit_reason::kill);
    for (auto& a : spawned) caf::anon_send_exit(a, caf::exit_reason::kill);
  }
};

TEST_F(dispatcher_test, prefers_the_class_tier) {
  caf::scoped_actor self{sys};
  self->send(d, attach_atom::value, std::string("low"), node(1), std::vector<uint8_t>{1});
  self->send(d, attach_atom::value, std::string("high"), node(2), std::vector<uint8_t>{0});
  EXPECT_EQ(encode(self, "interactive"), 2);
  EXPECT_EQ(encode(self, "bulk"), 1);
}

TEST_F(dispatcher_test, work_of_a_lost_node_is_requeued_to_another) {
  caf::scoped_actor self{sys};
  // The only node swallows the request (it "dies" with the work in flight).
  self->send(d, attach_atom::value, std::string("dead"), node(1, true), std::vector<uint8_t>{0});
  float got = -1;
  // A plain send: the answer comes back to `self` as an ordinary message.
  self->send(d, encode_atom::value, encode_request{"bulk", {"t1", "t2"}, 0});
  std::this_thread::sleep_for(50ms);
  self->send(d, detach_atom::value, std::string("dead"), std::string("lost"));
  // Nothing is up now: the request waits (not failed) until a node attaches.
  std::this_thread::sleep_for(50ms);
  self->send(d, attach_atom::value, std::string("alive"), node(3), std::vector<uint8_t>{0});
  self->receive([&](embedding_batch& b) { got = b.vectors.at(1).at(0); },
                [&](caf::error&) { got = -2; }, caf::after(5s) >> [&] { got = -3; });
  EXPECT_EQ(got, 3);
}

TEST_F(dispatcher_test, budget_bounds_the_wait_without_nodes) {
  caf::scoped_actor self{sys};
  const auto t0 = std::chrono::steady_clock::now();
  EXPECT_EQ(encode(self, "interactive", 20'000), -1);  // no node: deadline_exceeded, not a hang
  EXPECT_LT(std::chrono::steady_clock::now() - t0, 2s);
  self->send(d, attach_atom::value, std::string("n"), node(4), std::vector<uint8_t>{0});
  EXPECT_EQ(encode(self, "interactive"), 4);
}

TEST_F(dispatcher_test, unknown_class_is_invalid) {
  caf::scoped_actor self{sys};
  status s;
  self->request(d, 5s, encode_atom::value, encode_request{"nope", {"x"}, 0})
      .receive([](embedding_batch&) {}, [&](caf::error& e) { s = to_status(e); });
  EXPECT_TRUE(s.is_invalid_argument()) << s.to_string();
}

}  // namespace
}  // namespace winnow::actors::cluster

// Every registered message type crosses a real middleman connection: a child
// process (forked before any actor system exists, caf-0.17.md §6) publishes a
// reflecting actor on 127.0.0.1 port 0; this process connects with
// remote_actor and checks that each value comes back intact (compared by its
// full inspect rendering, which lists every field).

#include <gtest/gtest.h>

#include <sys/wait.h>
#include <unistd.h>

#include <caf/all.hpp>
#include <caf/io/all.hpp>

#include "actors/messages.hpp"

namespace winnow::actors {
namespace {

struct node_config : caf::actor_system_config {
  node_config() {
    load<caf::io::middleman>();
    register_message_types(*this);
    set("logger.file-verbosity", caf::atom("quiet"));
  }
};

caf::behavior reflector(caf::event_based_actor* self) {
  self->set_default_handler(caf::reflect);
  return {[](int32_t x) { return x; }};
}

// Child: publish, report the port through `port_fd`, serve until `stop_fd` closes.
// The child leaves with _exit: it skips the destructors of the state it
// inherited from the forked parent (caf-0.17.md §6).
[[noreturn]] void run_server(int port_fd, int stop_fd) {
  node_config cfg;
  caf::actor_system sys{cfg};
  auto port = sys.middleman().publish(sys.spawn(reflector), 0, "127.0.0.1");
  uint16_t p = port ? *port : 0;
  if (write(port_fd, &p, sizeof p) != sizeof p) _exit(2);
  char c;
  while (read(stop_fd, &c, 1) > 0) {
  }
  _exit(0);
}

template <class T>
void expect_roundtrip(caf::scoped_actor& self, const caf::actor& remote, const T& value) {
  bool got = false;
  self->request(remote, std::chrono::seconds(5), value)
      .receive(
          [&](const T& back) {
            got = true;
            EXPECT_EQ(caf::deep_to_string(back), caf::deep_to_string(value));
          },
          [&](caf::error& e) { ADD_FAILURE() << "no reply: " << caf::to_string(e); });
  EXPECT_TRUE(got) << caf::deep_to_string(value);
}

TEST(messages, every_type_crosses_a_loopback_middleman_connection) {
  int port_pipe[2], stop_pipe[2];
  ASSERT_EQ(pipe(port_pipe), 0);
  ASSERT_EQ(pipe(stop_pipe), 0);
  std::fflush(stdout);
  pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    close(port_pipe[0]);
    close(stop_pipe[1]);
    run_server(port_pipe[1], stop_pipe[0]);
  }
  close(port_pipe[1]);
  close(stop_pipe[0]);
  uint16_t port = 0;
  ASSERT_EQ(read(port_pipe[0], &port, sizeof port), static_cast<ssize_t>(sizeof port));
  ASSERT_NE(port, 0);
  {
    node_config cfg;
    caf::actor_system sys{cfg};
    auto remote = sys.middleman().remote_actor("127.0.0.1", port);
    ASSERT_TRUE(remote) << sys.render(remote.error());
    EXPECT_NE(remote->node(), sys.node()) << "must be a real remote connection";
    caf::scoped_actor self{sys};

    index::hit h{"doc-\xC3\xA9", 3.25f};
    index::query_statistics qs{100, 2500, {{"cell", 7}, {"gene", 3}}};
    storage::document doc{"d1", "A title", "Body text \xE2\x80\x94 long", "{\"year\":2020}"};
    result_hit rh{"d1", "A title", "Body\xE2\x80\xA6", 0.75, 11.5f, 0.62f, true};
    stage_timings st{120, 4500, 80, 30, 4800};
    search_result sr{{rh, rh}, st, true, true, {1, 3}, "deadline_exceeded: late"};
    class_stats cs{"interactive", 3, 10, 1, 2, 6, 0, 4, 5, 9, 0.5, 0.001};
    device_stats ds{"sim-a100", "sim:a100-80gb", "down", 7, 1, 1.5, 0.0015};

    expect_roundtrip(self, *remote, encode_request{"bulk", {"one", "two \xC3\xA9"}, 2500});
    expect_roundtrip(self, *remote, embedding_batch{{{0.5f, -0.25f}, {}, {1.0f}}});
    expect_roundtrip(self, *remote, token_batch{42, {{101, 2023, 102}, {101, 102}}});
    expect_roundtrip(self, *remote, rerank_request{{0.1f, 0.2f}, {h, h}, query_mode::dense, 7});
    expect_roundtrip(self, *remote, search_query{"q text", 10, query_mode::bm25, "interactive", 50});
    expect_roundtrip(self, *remote, rh);
    expect_roundtrip(self, *remote, st);
    expect_roundtrip(self, *remote, sr);
    expect_roundtrip(self, *remote, doc_ack{"d9", "rejected", "invalid UTF-8"});
    expect_roundtrip(self, *remote, ingest_ack{{{"a", "accepted", ""}, {"b", "rejected", "x"}}});
    expect_roundtrip(self, *remote, state_counts{1, 2, 3, 4, 5});
    expect_roundtrip(self, *remote, cs);
    expect_roundtrip(self, *remote, ds);
    expect_roundtrip(self, *remote, batcher_stats{{cs, cs}, {ds}, 2});
    expect_roundtrip(self, *remote, router_stats{10, 2, 1, 0});
    expect_roundtrip(self, *remote, ingest_stats{50, 3, 4, 1, 7});
    expect_roundtrip(self, *remote, h);
    expect_roundtrip(self, *remote, qs);
    expect_roundtrip(self, *remote, doc);
    // The vector types that appear as message elements.
    expect_roundtrip(self, *remote, std::vector<index::hit>{h, h});
    expect_roundtrip(self, *remote, std::vector<storage::document>{doc});
    expect_roundtrip(self, *remote, std::vector<result_hit>{rh});
    expect_roundtrip(self, *remote, std::vector<std::string>{"x", "y"});
    // A multi-element message as the coarse ranker receives it.
    bool got = false;
    self->request(*remote, std::chrono::seconds(5), search_atom::value, std::string("q"),
                  uint32_t{100}, qs)
        .receive(
            [&](search_atom, const std::string& q, uint32_t k, const index::query_statistics& s) {
              got = q == "q" && k == 100 && caf::deep_to_string(s) == caf::deep_to_string(qs);
            },
            [&](caf::error& e) { ADD_FAILURE() << caf::to_string(e); });
    EXPECT_TRUE(got);
    // A winnow status crosses as a caf::error and comes back as the same status.
    status s = to_status(to_error(status::resource_exhausted("queue 'bulk' is full (4096)")));
    EXPECT_EQ(s.code(), status_code::resource_exhausted);
    EXPECT_EQ(s.message(), "queue 'bulk' is full (4096)");
  }
  close(stop_pipe[1]);
  int wstatus = 0;
  ASSERT_EQ(waitpid(child, &wstatus, 0), child);
  EXPECT_TRUE(WIFEXITED(wstatus) && WEXITSTATUS(wstatus) == 0) << wstatus;
}

}  // namespace
}  // namespace winnow::actors

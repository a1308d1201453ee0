// SIGKILLs a child process in the middle of an ingest (crash_ingest_child.cpp)
// and checks that every document it acknowledged is there after reopening the
// directory the way `winnow search` and `winnow eval` do (open_engine: the
// engine replays what the index had not absorbed before it answers), with its
// exact content, that nothing stored is left unindexed, and that BM25 finds
// the acknowledged documents. Three kill/reopen rounds on the same directory,
// at seeded random moments.
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <set>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "app/catalogue_generator.hpp"
#include "app/engine_session.hpp"
#include "tests/support/test_support.hpp"

namespace winnow::app {
namespace {

constexpr uint64_t catalogue_seed = 20261129;  // as in crash_ingest_child.cpp

struct child_run {
  std::vector<std::string> acked;  // complete lines only
  bool killed = false;
  std::string failure;             // set when the child exited on its own
};

// Starts the child, reads acknowledged ids until `kill_after` have arrived,
// SIGKILLs it, then drains whatever it had already written to the pipe.
child_run run_child_and_kill(const std::string& dir, uint64_t first_item, size_t kill_after) {
  child_run run;
  int fds[2];
  if (pipe(fds) != 0) {
    run.failure = "pipe failed";
    return run;
  }
  const pid_t pid = fork();
  if (pid == 0) {
    dup2(fds[1], STDOUT_FILENO);
    close(fds[0]);
    close(fds[1]);
    const std::string first = std::to_string(first_item);
    execl(WINNOW_CRASH_CHILD, WINNOW_CRASH_CHILD, dir.c_str(), first.c_str(),
          static_cast<char*>(nullptr));
    _exit(127);
  }
  close(fds[1]);
  std::string pending;
  char buf[4096];
  bool killed = false;
  for (;;) {
    const ssize_t n = read(fds[0], buf, sizeof buf);
    if (n <= 0) break;  // EOF: the child is gone (killed or exited)
    pending.append(buf, static_cast<size_t>(n));
    size_t nl;
    while ((nl = pending.find('\n')) != std::string::npos) {
      run.acked.push_back(pending.substr(0, nl));
      pending.erase(0, nl + 1);
    }
    if (!killed && run.acked.size() >= kill_after) {
      kill(pid, SIGKILL);
      killed = true;
    }
  }
  close(fds[0]);
  int wstatus = 0;
  waitpid(pid, &wstatus, 0);
  run.killed = WIFSIGNALED(wstatus) && WTERMSIG(wstatus) == SIGKILL;
  if (!run.killed) {
    run.failure = "child exited by itself with status " +
                  std::to_string(WIFEXITED(wstatus) ? WEXITSTATUS(wstatus) : -1);
  }
  return run;
}

uint64_t item_index(const std::string& id) { return std::stoull(id.substr(1)); }

TEST(crash_test, every_acknowledged_document_survives_sigkill) {
  testing::temp_dir tmp;
  const std::string dir = tmp.str() + "/data";
  auto rng = testing::seeded_rng(7);
  const catalogue_generator gen(catalogue_seed);
  std::set<std::string> all_acked;
  uint64_t next_item = 0;

  for (int round = 0; round < 3; ++round) {
    // Kill somewhere between the first batch and a few rounds in (a round is
    // 400 documents: put, index, flush, merge are all possible kill points).
    const size_t kill_after = 30 + rng() % 900;
    child_run run = run_child_and_kill(dir, next_item, kill_after);
    ASSERT_TRUE(run.killed) << run.failure;
    ASSERT_GE(run.acked.size(), kill_after);
    for (const auto& id : run.acked) all_acked.insert(id);
    // The next child starts after the last item this one may have written.
    next_item = item_index(run.acked.back()) + 1000;

    engine_cli_options eo;
    eo.data = dir;
    eo.load_model = false;  // as `winnow search --mode bm25`
    auto engine = open_engine(eo);
    ASSERT_OK(engine) << " (round " << round << ")";
    actors::engine& e = **engine;
    for (const auto& id : all_acked) {
      auto doc = e.get_document(id);
      ASSERT_OK(doc) << " acknowledged document " << id << " lost (round " << round << ")";
      const beir_document want = gen.item(item_index(id));
      EXPECT_EQ(doc->title, want.title) << id;
      EXPECT_EQ(doc->text, want.text) << id;
    }
    // Everything stored is indexed after the engine's recovery (without a
    // model, indexed is as far as a document goes), and the last acknowledged
    // document is found by its own title.
    ASSERT_OK(e.wait_until_searchable(std::chrono::seconds(60))) << "round " << round;
    auto st = e.stats();
    ASSERT_OK(st);
    EXPECT_EQ(st->states.accepted, 0u) << "round " << round;
    EXPECT_GE(st->states.indexed + st->states.searchable, all_acked.size()) << "round " << round;
    const std::string last = run.acked.back();
    actors::search_query q;
    q.text = gen.item(item_index(last)).title;
    q.k = 100;
    q.mode = actors::query_mode::bm25;
    auto hits = e.search(q);
    ASSERT_OK(hits);
    bool found = false;
    for (const auto& h : hits->hits) found = found || h.id == last;
    EXPECT_TRUE(found) << last << " not found by its title after recovery";
  }
}

}  // namespace
}  // namespace winnow::app

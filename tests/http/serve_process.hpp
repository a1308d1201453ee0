#pragma once
// `winnow serve` as a child process for tests: started on an ephemeral
// loopback port with the model from tests/support, its stdout read line by
// line (the first line names the URL), killed on destruction if still running.
// Also: the port in that first line, and a value from /metrics text.

#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <stdexcept>
#include <string>
#include <vector>

#include "tests/support/test_support.hpp"

extern char** environ;

namespace winnow::http::testing {

inline std::string winnow_binary() { return std::string(WINNOW_BINARY_DIR) + "/app/winnow"; }

class serve_process {
 public:
  // `extra_args` are appended to `serve --listen 127.0.0.1:0 --data DIR --model DIR`
  // (e.g. {"--config", path}).
  explicit serve_process(const std::string& data_dir, const std::vector<std::string>& extra_args = {}) {
    int fds[2];
    if (pipe(fds) != 0) throw std::runtime_error("pipe");
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, fds[1], 1);
    posix_spawn_file_actions_addclose(&fa, fds[0]);
    // The actor engine loads the model at start (ctest runs in the build tree).
    std::vector<std::string> args = {winnow_binary(), "serve", "--listen", "127.0.0.1:0",
                                     "--data", data_dir, "--model", winnow::testing::model_dir()};
    args.insert(args.end(), extra_args.begin(), extra_args.end());
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    if (posix_spawn(&pid_, args[0].c_str(), &fa, nullptr, argv.data(), environ) != 0)
      throw std::runtime_error("cannot start " + args[0]);
    posix_spawn_file_actions_destroy(&fa);
    close(fds[1]);
    out_ = fdopen(fds[0], "r");
  }
  ~serve_process() {
    if (pid_ > 0) {
      kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
    }
    if (out_) fclose(out_);
  }
  serve_process(const serve_process&) = delete;
  serve_process& operator=(const serve_process&) = delete;

  std::string read_line() {
    char buf[1024];
    if (fgets(buf, sizeof buf, out_) == nullptr) return "";
    return buf;
  }

  // Sends SIGTERM and returns the exit status (-1 when not a normal exit).
  int terminate() {
    kill(pid_, SIGTERM);
    int st = 0;
    waitpid(pid_, &st, 0);
    pid_ = -1;
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
  }

  int pid() const { return pid_; }

 private:
  pid_t pid_ = -1;
  FILE* out_ = nullptr;
};

// The port in "winnow: serving on http://127.0.0.1:PORT/ (...)", or 0.
inline uint16_t port_of(const std::string& line) {
  auto p = line.find("http://127.0.0.1:");
  if (p == std::string::npos) return 0;
  return static_cast<uint16_t>(std::stoi(line.substr(p + 17)));
}

// The value on the first exposition line starting with `prefix`, or -1.
inline double metric_value(const std::string& text, const std::string& prefix) {
  for (size_t at = 0; at < text.size();) {
    size_t end = text.find('\n', at);
    if (end == std::string::npos) end = text.size();
    std::string line = text.substr(at, end - at);
    if (line.rfind(prefix, 0) == 0) {
      auto space = line.rfind(' ');
      return std::stod(line.substr(space + 1));
    }
    at = end + 1;
  }
  return -1;
}

}  // namespace winnow::http::testing

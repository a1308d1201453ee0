#pragma once
// A `winnow` child process for the cluster tests: started with posix_spawn
// (stdout and stderr to a log file), waited for by a line in that log, and
// always killed (SIGKILL) and reaped by the destructor, so a failing test
// never leaves a node behind. Every wait is bounded.

#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>
#include <fcntl.h>

#include <chrono>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

extern char** environ;

namespace winnow::cluster_test {

inline std::string read_file(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

class node_process {
 public:
  node_process() = default;
  node_process(const node_process&) = delete;
  node_process& operator=(const node_process&) = delete;
  ~node_process() { kill_now(); }

  // Starts `args` (args[0] = the binary, looked up in PATH when it has no '/')
  // with output appended to `log`.
  bool start(const std::vector<std::string>& args, const std::string& log) {
    log_ = log;
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 1, log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    posix_spawn_file_actions_adddup2(&fa, 1, 2);
    std::vector<char*> argv;
    for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    pid_t pid = 0;
    int rc = posix_spawnp(&pid, argv[0], &fa, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&fa);
    if (rc != 0) return false;
    pid_ = pid;
    return true;
  }

  // The first log line (after `skip` bytes) containing `needle`, or nullopt
  // once `timeout` passed or the process exited.
  std::optional<std::string> wait_for(const std::string& needle, std::chrono::milliseconds timeout,
                                      size_t skip = 0) {
    const auto until = std::chrono::steady_clock::now() + timeout;
    for (;;) {
      std::string text = read_file(log_);
      size_t at = text.find(needle, std::min(skip, text.size()));
      if (at != std::string::npos) {
        size_t begin = text.rfind('\n', at);
        begin = begin == std::string::npos ? 0 : begin + 1;
        size_t end = text.find('\n', at);
        return text.substr(begin, end == std::string::npos ? std::string::npos : end - begin);
      }
      if (!running() || std::chrono::steady_clock::now() >= until) return std::nullopt;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  }

  // Waits (bounded) for the exit; the exit code, or -1 (still running / signal).
  int wait_exit(std::chrono::milliseconds timeout) {
    const auto until = std::chrono::steady_clock::now() + timeout;
    while (pid_ > 0) {
      int st = 0;
      pid_t r = waitpid(pid_, &st, WNOHANG);
      if (r == pid_) {
        pid_ = -1;
        return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
      }
      if (std::chrono::steady_clock::now() >= until) return -1;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return -1;
  }

  bool running() {
    if (pid_ <= 0) return false;
    int st = 0;
    if (waitpid(pid_, &st, WNOHANG) == pid_) {
      pid_ = -1;
      return false;
    }
    return true;
  }

  void signal(int sig) {
    if (pid_ > 0) ::kill(pid_, sig);
  }

  void kill_now() {
    if (pid_ <= 0) return;
    ::kill(pid_, SIGCONT);  // a stopped process must run to die cleanly in the waitpid below
    ::kill(pid_, SIGKILL);
    int st = 0;
    waitpid(pid_, &st, 0);
    pid_ = -1;
  }

  std::string log_text() const { return read_file(log_); }
  size_t log_size() const { return read_file(log_).size(); }

 private:
  pid_t pid_ = -1;
  std::string log_;
};

}  // namespace winnow::cluster_test

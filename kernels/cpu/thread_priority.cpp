#include "kernels/cpu/thread_priority.hpp"

#include <atomic>
#include <cerrno>
#include <cstring>
#include <string>

#if defined(__linux__)
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>
#endif

#if defined(_OPENMP)
#include <omp.h>
#endif

namespace winnow::kernels::cpu {

#if defined(__linux__)
namespace {

// errno of a failed setpriority on this thread, 0 on success.
int set_this_thread_nice(int nice) {
  // PRIO_PROCESS with a thread id sets that one thread on Linux (nice is a
  // per-thread attribute there, unlike POSIX's per-process one).
  const auto tid = static_cast<id_t>(syscall(SYS_gettid));
  return setpriority(PRIO_PROCESS, tid, nice) == 0 ? 0 : errno;
}

int this_thread_nice() {
  const auto tid = static_cast<id_t>(syscall(SYS_gettid));
  errno = 0;
  return getpriority(PRIO_PROCESS, tid);
}

}  // namespace
#endif

status set_compute_thread_nice(int nice, int threads) {
  if (nice < 0 || nice > 19) {
    return status::invalid_argument("os_nice " + std::to_string(nice) + " is outside 0..19");
  }
  if (nice == 0) return status::ok_status();
#if defined(__linux__)
  std::atomic<int> first_error{set_this_thread_nice(nice)};
#if defined(_OPENMP)
  if (threads > 1) {
    // One region with the team size the kernels use: libgomp keeps and reuses
    // that team for this thread, so each member sets its own value.
#pragma omp parallel num_threads(threads)
    {
      if (omp_get_thread_num() != 0) {
        int e = set_this_thread_nice(nice);
        int none = 0;
        if (e != 0) first_error.compare_exchange_strong(none, e);
      }
    }
  }
#else
  (void)threads;
#endif
  if (int e = first_error.load(); e != 0) {
    return status::unavailable("setpriority(nice " + std::to_string(nice) +
                               ") failed: " + std::strerror(e));
  }
  return status::ok_status();
#else
  (void)threads;
  return status::unsupported("per-thread nice is only supported on Linux");
#endif
}

std::vector<int> compute_thread_nice(int threads) {
  std::vector<int> out;
#if defined(__linux__)
  out.push_back(this_thread_nice());
#if defined(_OPENMP)
  if (threads > 1) {
    std::vector<int> team(static_cast<size_t>(threads), 0);
    int size = 1;
#pragma omp parallel num_threads(threads)
    {
      team[static_cast<size_t>(omp_get_thread_num())] = this_thread_nice();
      if (omp_get_thread_num() == 0) size = omp_get_num_threads();
    }
    out.insert(out.end(), team.begin() + 1, team.begin() + size);
  }
#else
  (void)threads;
#endif
#else
  (void)threads;
#endif
  return out;
}

}  // namespace winnow::kernels::cpu

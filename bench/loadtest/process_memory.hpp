#pragma once
// Memory of the process under test (another local process, by pid), read
// from /proc/<pid>/status, so a load run can show whether the service's
// memory stays bounded under overload and flat during a soak.

#include <cstdint>

#include "common/status_or.hpp"

namespace winnow::loadtest {

struct process_memory {
  int64_t rss_kb = 0;       // VmRSS: resident now
  int64_t peak_rss_kb = 0;  // VmHWM: the kernel's high-water mark since start
};

// not_found when the process does not exist (or /proc is unavailable).
status_or<process_memory> read_process_memory(int pid);

}  // namespace winnow::loadtest

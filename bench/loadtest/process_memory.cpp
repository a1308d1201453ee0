#include "bench/loadtest/process_memory.hpp"

#include <fstream>
#include <sstream>
#include <string>

namespace winnow::loadtest {

status_or<process_memory> read_process_memory(int pid) {
  const std::string path = "/proc/" + std::to_string(pid) + "/status";
  std::ifstream in(path);
  if (pid <= 0 || !in) return status::not_found("cannot read " + path + " (is pid " + std::to_string(pid) + " running?)");
  process_memory m;
  bool found = false;
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream fields(line);
    std::string key;
    int64_t kb = 0;
    fields >> key >> kb;
    if (key == "VmRSS:") {
      m.rss_kb = kb;
      found = true;
    } else if (key == "VmHWM:") {
      m.peak_rss_kb = kb;
    }
  }
  if (!found) return status::not_found(path + " has no VmRSS (a kernel thread or a zombie?)");
  return m;
}

}  // namespace winnow::loadtest
